//! The terms an asset is indexed under. Both stores keep exactly these, and matching checks
//! exactly these, so what the index finds and what a query means can never drift apart.
//!
//! A term is a namespace and a folded value: `w:` a word (from the creator's words, song, album and
//! artist names, tags, the HFN, the description), `tag:` a whole tag, `by:` the registrant, `ai:`
//! the AI that generated the metadata, `st:` its strategy, `art:1` for album art, `h:` and `m:` the
//! HFN and MFA for address-prefix search. The most telling terms come first; at most
//! [`MAX_INDEX_TERMS`] are kept, which bounds what one write costs the index.

use super::text::{fold, words};
use crate::asset::Asset;
use std::collections::BTreeSet;

pub use crate::limits::MAX_INDEX_TERMS;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndexTerm(String);

impl IndexTerm {
    pub fn word(w: &str) -> Self {
        Self(format!("w:{w}"))
    }

    pub fn tag(tag: &str) -> Self {
        Self(format!("tag:{}", fold(tag)))
    }

    pub fn owner(email: &str) -> Self {
        // `#` separates parts of index keys; no real address needs it.
        Self(format!("by:{}", email.trim().to_lowercase().replace('#', "")))
    }

    pub fn generator(name: &str) -> Self {
        Self(format!("ai:{}", fold(name)))
    }

    pub fn strategy(name: &str) -> Self {
        Self(format!("st:{}", fold(name)))
    }

    pub fn has_album_art() -> Self {
        Self("art:1".into())
    }

    pub fn hfn(hfn: &str) -> Self {
        Self(format!("h:{}", hfn.to_lowercase()))
    }

    pub fn mfa(mfa: &str) -> Self {
        Self(format!("m:{mfa}"))
    }

    /// Whether this is a word (of the creator's words, names, tags or the description).
    pub fn is_word(&self) -> bool {
        self.0.starts_with("w:")
    }

    /// A term as a store keeps it, read back from its index.
    pub fn stored(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this term begins with `prefix`'s value in the same namespace.
    pub fn starts_with(&self, prefix: &IndexTerm) -> bool {
        self.0.starts_with(prefix.as_str())
    }

    /// The namespace and the value's first two characters: the partition a term's postings live in,
    /// so one query reads every term that starts with a prefix of two characters or more.
    pub fn bucket(&self) -> String {
        let (ns, value) = self.0.split_once(':').unwrap_or(("", &self.0));
        format!("{ns}:{}", value.chars().take(2).collect::<String>())
    }

    /// A term is empty when its value is: nothing was there to index.
    fn has_value(&self) -> bool {
        self.0.split_once(':').is_some_and(|(_, v)| !v.is_empty())
    }
}

/// Every term of an asset, most telling first, at most [`MAX_INDEX_TERMS`].
pub fn index_terms(asset: &Asset) -> BTreeSet<IndexTerm> {
    IndexTerms::of(asset).collect()
}

/// An asset's index terms one at a time, most telling first, each once, at most
/// [`MAX_INDEX_TERMS`]: what [`index_terms`] collects, for checks that can stop at the first hit.
pub struct IndexTerms<'a> {
    fixed: std::vec::IntoIter<IndexTerm>,
    texts: std::vec::IntoIter<(Field, &'a str)>,
    words: std::vec::IntoIter<String>,
    seen: BTreeSet<IndexTerm>,
}

impl<'a> IndexTerms<'a> {
    pub fn of(asset: &'a Asset) -> Self {
        let mut fixed: Vec<IndexTerm> = Vec::with_capacity(16);
        fixed.push(IndexTerm::hfn(asset.hfn_key().as_str()));
        if let Some(mfa) = asset.mfa_key() {
            fixed.push(IndexTerm::mfa(mfa.as_str()));
        }
        if asset.album_art.is_some() {
            fixed.push(IndexTerm::has_album_art());
        }
        if let Some(by) = &asset.registered_by {
            fixed.push(IndexTerm::owner(by));
        }
        if let Some(ai) = &asset.ai_metadata {
            fixed.extend(ai.generated_by.as_deref().map(IndexTerm::generator));
            fixed.extend(ai.generation_strategy.as_deref().map(IndexTerm::strategy));
        }
        for tag in asset.tags.iter().flatten() {
            fixed.push(IndexTerm::tag(tag));
        }
        Self {
            fixed: fixed.into_iter(),
            texts: searchable_texts(asset).into_iter(),
            words: Vec::new().into_iter(),
            seen: BTreeSet::new(),
        }
    }

    /// The next candidate before de-duplication: fixed terms, then each text's words.
    fn candidate(&mut self) -> Option<IndexTerm> {
        if let Some(t) = self.fixed.next() {
            return Some(t);
        }
        loop {
            if let Some(w) = self.words.next() {
                return Some(IndexTerm::word(&w));
            }
            let (_, text) = self.texts.next()?;
            self.words = words(text).into_iter();
        }
    }
}

impl Iterator for IndexTerms<'_> {
    type Item = IndexTerm;

    fn next(&mut self) -> Option<IndexTerm> {
        if self.seen.len() == MAX_INDEX_TERMS {
            return None;
        }
        while let Some(term) = self.candidate() {
            if term.has_value() && self.seen.insert(term.clone()) {
                return Some(term);
            }
        }
        None
    }
}

/// Where words are searched, and how much a match there says about the asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    CreatorDescription,
    Song,
    Tags,
    Name,
    Description,
}

impl Field {
    pub fn weight(self) -> u32 {
        match self {
            Self::CreatorDescription | Self::Song => 3,
            Self::Tags | Self::Name => 2,
            Self::Description => 1,
        }
    }
}

/// The texts words are taken from, in priority order.
pub fn searchable_texts(asset: &Asset) -> Vec<(Field, &str)> {
    let mut out: Vec<(Field, &str)> = Vec::new();
    if let Some(d) = &asset.creator_description {
        out.push((Field::CreatorDescription, d.as_str()));
    }
    if let Some(song) = asset.music_metadata.as_ref().and_then(|m| m.extracted_song_data.as_ref()) {
        out.extend(
            [&song.song_name, &song.album_name, &song.artist_name]
                .into_iter()
                .flatten()
                .map(|s| (Field::Song, s.as_str())),
        );
    }
    out.extend(asset.tags.iter().flatten().map(|t| (Field::Tags, t.as_str())));
    out.push((Field::Name, asset.name().split(':').next().unwrap_or("")));
    if let Some(d) = &asset.description {
        out.push((Field::Description, d.as_str()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn asset(extra: serde_json::Value) -> Asset {
        let mut v = json!({"id": "a1", "layer": "G", "category": "Pop", "subcategory": "Base", "name": "G.POP.BAS.001",
            "nna_address": "G.001.001.001", "mfa": "1.001.001.001", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"});
        for (k, val) in extra.as_object().unwrap() {
            v[k] = val.clone();
        }
        Asset::load(v).unwrap()
    }

    #[test]
    fn facets_words_and_addresses() {
        let a = asset(
            json!({"creatorDescription": "Déjà Vu by Beyoncé", "tags": ["Hip-Hop"], "registeredBy": "Kyle@Celerity.Studio",
            "aiMetadata": {"generatedBy": "OpenAI GPT-4o", "generationStrategy": "songs"}, "albumArt": {"sourceUrl": "https://a.io/x.jpg"}}),
        );
        let t: Vec<String> = index_terms(&a).into_iter().map(|t| t.0).collect();
        for expected in [
            "h:g.pop.bas.001",
            "m:1.001.001.001",
            "art:1",
            "by:kyle@celerity.studio",
            "ai:openai gpt 4o",
            "st:songs",
            "tag:hip hop",
            "w:deja",
            "w:beyonce",
            "w:hip",
            "w:hop",
            "w:g",
            "w:pop",
            "w:001",
        ] {
            assert!(t.contains(&expected.to_owned()), "{expected} in {t:?}");
        }
        assert_eq!(IndexTerm::word("bohemian").bucket(), "w:bo");
        assert_eq!(IndexTerm::hfn("L.CAS.ATL.001").bucket(), "h:l.");
    }

    #[test]
    fn a_write_costs_a_bounded_number_of_terms_and_the_creators_words_come_first() {
        let long: String = (0..2000).map(|i| format!("word{i} ")).collect();
        let a = asset(json!({"creatorDescription": "zebra", "description": long}));
        let t = index_terms(&a);
        assert_eq!(t.len(), MAX_INDEX_TERMS);
        assert!(t.contains(&IndexTerm::word("zebra")));
        assert!(t.contains(&IndexTerm::word("word0")) && !t.contains(&IndexTerm::word("word1999")));
    }
}
