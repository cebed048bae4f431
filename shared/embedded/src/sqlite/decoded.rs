//! Assets already decoded, by their stored document: a search's candidates are mostly the same
//! assets over and over, and decoding (JSON plus every field's own parser) was most of what
//! reading one cost. An entry answers only for the very text it was decoded from (the asset's id
//! finds it, the stored text must then be equal), so it can never answer for a changed document.

use super::row::decode;
use nna_domain::Asset;
use nna_domain::ports::StoreError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Entries kept; when full, the cache starts over (a few MB at most).
const CAPACITY: usize = 4_096;

#[derive(Default)]
pub(super) struct Decoded {
    /// Shared, so a hit is copied after the lock is let go.
    entries: Mutex<HashMap<String, (String, Arc<Asset>)>>,
}

impl Decoded {
    /// The asset a stored document holds: from the cache when the same text was decoded before.
    pub fn get(&self, id: &str, doc: &str) -> Result<Asset, StoreError> {
        let hit = match self.entries.lock().unwrap_or_else(PoisonError::into_inner).get(id) {
            Some((text, asset)) if text == doc => Some(asset.clone()),
            _ => None,
        };
        if let Some(asset) = hit {
            return Ok(Asset::clone(&asset));
        }
        let asset = decode(id, doc)?;
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(id.to_owned(), (doc.to_owned(), Arc::new(asset.clone())));
        Ok(asset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(words: &str) -> String {
        serde_json::json!({"id": "a1", "layer": "L", "category": "Casual", "subcategory": "Base", "name": "L.CAS.BAS.001",
            "nna_address": "L.004.001.001", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
            "creatorDescription": words})
        .to_string()
    }

    #[test]
    fn an_entry_answers_only_for_the_text_it_was_decoded_from() {
        let cache = Decoded::default();
        let first = cache.get("a1", &doc("alpha")).unwrap();
        assert_eq!(cache.get("a1", &doc("alpha")).unwrap(), first);
        let edited = cache.get("a1", &doc("bravo")).unwrap();
        assert_eq!(edited.creator_description.unwrap().as_str(), "bravo");
        assert!(cache.get("a1", "{not json").is_err(), "a corrupt document is still refused");
    }
}
