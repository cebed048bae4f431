//! What text search means, defined once for every store: case and accents folded ("Beyoncé" =
//! "beyonce"), punctuation ignored, every term must match, the last term as a prefix so typing
//! "bohem" already finds "Bohemian Rhapsody".

use crate::asset::Asset;
use std::collections::BTreeSet;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folded words of a text, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            word.extend(fold_char(c));
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Letters NFKD does not take apart.
fn fold_char(c: char) -> impl Iterator<Item = char> {
    let special: Option<&'static str> = match c {
        'ß' => Some("ss"),
        'æ' | 'Æ' => Some("ae"),
        'œ' | 'Œ' => Some("oe"),
        'ø' | 'Ø' => Some("o"),
        'ł' | 'Ł' => Some("l"),
        'đ' | 'Đ' => Some("d"),
        'þ' | 'Þ' => Some("th"),
        _ => None,
    };
    let lower: Vec<char> = match special {
        Some(s) => s.chars().collect(),
        None => c.to_lowercase().collect(),
    };
    lower.into_iter()
}

/// A parsed query: the folded terms, the last one matched as a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    pub whole: Vec<String>,
    pub prefix: Option<String>,
}

impl TextQuery {
    /// `None` when nothing searchable is left (blank or punctuation only).
    pub fn parse(q: &str) -> Option<Self> {
        let mut words = terms(q);
        let prefix = words.pop()?;
        words.sort();
        words.dedup();
        Some(Self { whole: words, prefix: Some(prefix) })
    }

    pub fn matches(&self, indexed: &BTreeSet<String>) -> bool {
        self.whole.iter().all(|t| indexed.contains(t))
            && self
                .prefix
                .as_ref()
                .is_none_or(|p| indexed.range(p.clone()..).next().is_some_and(|t| t.starts_with(p.as_str())))
    }
}

/// Every term an asset is found by: the creator's words, the description, tags, addresses and the
/// song, album and artist names.
pub fn asset_terms(asset: &Asset) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |s: &str| out.extend(terms(s));
    if let Some(d) = &asset.creator_description {
        add(d.as_str());
    }
    if let Some(d) = &asset.description {
        add(d);
    }
    for t in asset.tags.iter().flatten() {
        add(t);
    }
    add(&asset.name);
    add(&asset.nna_address);
    if let Some(m) = &asset.mfa {
        add(m);
    }
    if let Some(song) = asset.music_metadata.as_ref().and_then(|m| m.extracted_song_data.as_ref()) {
        for s in [&song.song_name, &song.album_name, &song.artist_name].into_iter().flatten() {
            add(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(terms("Beyoncé's  DÉJÀ-VU!"), ["beyonce", "s", "deja", "vu"]);
        assert_eq!(terms("Straße Ørsted"), ["strasse", "orsted"]);
        assert_eq!(terms("🎵 ✨"), Vec::<String>::new());
    }

    #[test]
    fn every_term_must_match_and_the_last_is_a_prefix() {
        let indexed: BTreeSet<String> = terms("Bohemian Rhapsody by Queen").into_iter().collect();
        assert!(TextQuery::parse("queen bohem").unwrap().matches(&indexed));
        assert!(TextQuery::parse("QUEEN").unwrap().matches(&indexed));
        assert!(!TextQuery::parse("queen abba").unwrap().matches(&indexed));
        assert!(!TextQuery::parse("quee rhapsody").unwrap().matches(&indexed));
        assert!(TextQuery::parse(" ?! ").is_none());
    }
}
