//! The way back: an asset written as the old backend's MongoDB holds one, for `mongoimport`
//! (Extended JSON, relaxed): its field names, `_id` as an ObjectId where the id is one, times as
//! `$date`, `gcpStorageUrl` pointing at the old bucket where the file was copied from there. The
//! creator's words and the new metadata go along (MongoDB keeps fields its schema does not name,
//! and they are the work done since the switch); the registry's bookkeeping does not.

use super::extjson;
use crate::Asset;
use crate::migration::NEEDS_CREATOR_INPUT;
use serde_json::{Map, Value};

/// The old asset schema's fields (`models/asset.schema.ts`), in its order.
pub const FIELDS: [&str; 15] = [
    "layer",
    "category",
    "subcategory",
    "name",
    "nna_address",
    "gcpStorageUrl",
    "source",
    "tags",
    "description",
    "trainingData",
    "rights",
    "components",
    "registeredBy",
    "createdAt",
    "updatedAt",
];

/// What the old schema requires when the old backend saves a document.
pub const REQUIRED: [&str; 9] = [
    "layer",
    "category",
    "subcategory",
    "name",
    "nna_address",
    "gcpStorageUrl",
    "source",
    "description",
    "registeredBy",
];

/// The registry's own bookkeeping, which means nothing to the old backend.
const REGISTRY_ONLY: [&str; 7] =
    ["id", "revision", "_migration", "mfa", "copiedFrom", "createdAtInferred", NEEDS_CREATOR_INPUT];

/// Times the old backend keeps as dates.
const DATES: [&str; 3] = ["createdAt", "updatedAt", "curatedAt"];

/// An asset as the old backend's collection would hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct OldDocument {
    pub doc: Map<String, Value>,
    /// Fields the old schema requires that this asset lacks (the old backend serves such a
    /// document, but will not save it again until they are filled).
    pub missing: Vec<&'static str>,
}

pub fn document(asset: &Asset) -> OldDocument {
    let Ok(Value::Object(stored)) = serde_json::to_value(asset) else {
        return OldDocument { doc: Map::new(), missing: REQUIRED.to_vec() };
    };
    let mut doc = Map::new();
    doc.insert("_id".into(), extjson::oid(asset.id.as_str()));
    for field in FIELDS {
        if let Some(v) = stored.get(field) {
            doc.insert(field.into(), v.clone());
        }
    }
    if let Some(copy) = &asset.copied_from {
        // The old bucket still holds the same bytes (checked when they were copied).
        doc.insert("gcpStorageUrl".into(), Value::String(copy.url.clone()));
    }
    for (k, v) in &stored {
        if !doc.contains_key(k) && !REGISTRY_ONLY.contains(&k.as_str()) {
            doc.insert(k.clone(), v.clone());
        }
    }
    for field in DATES {
        if let Some(t) = doc.get(field).and_then(Value::as_str).and_then(crate::Timestamp::parse) {
            doc.insert(field.into(), extjson::date(t));
        }
    }
    doc.entry("__v").or_insert(Value::from(0));
    let missing = REQUIRED.iter().copied().filter(|f| doc.get(*f).is_none_or(Value::is_null)).collect();
    OldDocument { doc, missing }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_asset_goes_back_in_the_old_shape() {
        let asset = Asset::from_legacy(&json!({"_id": {"$oid": "6868865274bd8b06a2f91f0c"}, "layer": "G", "category": "Hip_Hop",
            "subcategory": "Modern_Hip_Hop", "name": "G.HIP.MOD.001", "nna_address": "G.003.003.001", "mfa": "1.003.003.001",
            "gcpStorageUrl": "https://files.example/assets/G/HIP/MOD/6868865274bd8b06a2f91f0c.mp3",
            "copiedFrom": {"url": "https://storage.googleapis.com/b/G.HIP.MOD.001.mp3", "md5": "x", "size": 1,
                "contentType": "audio/mpeg", "copiedAt": "2026-12-01T00:00:00.000Z"},
            "creatorDescription": "Anxiety, my words", "createdAt": "2025-07-05T01:53:38.417Z", "updatedAt": "2026-12-02T00:00:00.000Z",
            "revision": 3, "friendlyName": "kept as stored"}))
        .unwrap();
        let old = document(&asset);
        assert_eq!(old.doc["_id"], json!({"$oid": "6868865274bd8b06a2f91f0c"}));
        assert_eq!(old.doc["gcpStorageUrl"], "https://storage.googleapis.com/b/G.HIP.MOD.001.mp3");
        assert_eq!(old.doc["createdAt"], json!({"$date": "2025-07-05T01:53:38.417Z"}));
        assert_eq!(
            (old.doc["creatorDescription"].as_str(), old.doc["__v"].as_i64()),
            (Some("Anxiety, my words"), Some(0))
        );
        assert_eq!(old.doc["friendlyName"], "kept as stored");
        for gone in ["id", "revision", "mfa", "copiedFrom"] {
            assert!(!old.doc.contains_key(gone), "{gone}");
        }
        assert_eq!(old.missing, ["source", "description", "registeredBy"]);
    }
}
