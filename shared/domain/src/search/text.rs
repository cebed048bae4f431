//! What text means to search, defined once for every store: case and accents folded ("Beyoncé" =
//! "beyonce"), punctuation ignored, every term must match, and the last term matches as a prefix
//! once it has two characters, so typing "bohem" already finds "Bohemian Rhapsody".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The longest word search tells apart; a longer one (a pasted hash, a run of one letter) counts
/// by its first this many characters, in an asset's text and in a query alike, so its index key
/// stays far inside what any store can key on (DynamoDB: 1,024 bytes).
pub const WORD_CHARS: usize = 64;

/// Folded words of a text, in order.
pub fn words(text: &str) -> Vec<String> {
    // ASCII needs no decomposition and has no marks to drop: the same words, several times faster.
    if text.is_ascii() {
        return text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w[..w.len().min(WORD_CHARS)].to_ascii_lowercase())
            .collect();
    }
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            fold_char(c, &mut word);
        } else if !word.is_empty() {
            out.push(capped(std::mem::take(&mut word)));
        }
    }
    if !word.is_empty() {
        out.push(capped(word));
    }
    out
}

fn capped(word: String) -> String {
    match word.char_indices().nth(WORD_CHARS) {
        Some((at, _)) => word[..at].to_owned(),
        None => word,
    }
}

/// A short value folded the same way, words joined by single spaces: `Hip-Hop` → `hip hop`.
pub fn fold(text: &str) -> String {
    words(text).join(" ")
}

/// Letters NFKD does not take apart, then lower case.
fn fold_char(c: char, out: &mut String) {
    match c {
        'ß' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'ø' | 'Ø' => out.push('o'),
        'ł' | 'Ł' => out.push('l'),
        'đ' | 'Đ' => out.push('d'),
        'þ' | 'Þ' => out.push_str("th"),
        c => out.extend(c.to_lowercase()),
    }
}

/// A prefix shorter than this matches whole words only: one letter would match nearly everything.
pub use crate::limits::PREFIX_MIN_CHARS;

/// Words of a query: all of `whole` must appear as words; `prefix`, if any, must begin one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextQuery {
    pub whole: Vec<String>,
    pub prefix: Option<String>,
}

impl TextQuery {
    /// `None` when nothing searchable is left (blank, punctuation or emoji only).
    pub fn parse(q: &str) -> Option<Self> {
        let mut whole = words(q);
        let last = whole.pop()?;
        let prefix = if last.chars().count() >= PREFIX_MIN_CHARS {
            Some(last)
        } else {
            whole.push(last);
            None
        };
        whole.sort();
        whole.dedup();
        if let Some(p) = &prefix {
            // A word also required whole is already the stricter condition.
            if whole.contains(p) {
                return Some(Self { whole, prefix: None });
            }
        }
        Some(Self { whole, prefix })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_count_by_their_first_characters() {
        let long = "Ä".repeat(100);
        assert_eq!(words(&format!("x {}", "b".repeat(9_000))), ["x".to_owned(), "b".repeat(WORD_CHARS)]);
        assert_eq!(words(&long), ["a".repeat(WORD_CHARS)]);
    }

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(words("Beyoncé's  DÉJÀ-VU!"), ["beyonce", "s", "deja", "vu"]);
        assert_eq!(words("Straße Ørsted"), ["strasse", "orsted"]);
        assert_eq!(words("🎵 ✨"), Vec::<String>::new());
        assert_eq!(fold("  Hip-Hop "), "hip hop");
        assert_eq!(words("Kelly's JERSEY, 2026"), ["kelly", "s", "jersey", "2026"]);
    }

    #[test]
    fn the_last_word_is_a_prefix_from_two_letters() {
        assert_eq!(
            TextQuery::parse("Queen bohem").unwrap(),
            TextQuery { whole: vec!["queen".into()], prefix: Some("bohem".into()) }
        );
        assert_eq!(
            TextQuery::parse("queen b").unwrap(),
            TextQuery { whole: vec!["b".into(), "queen".into()], prefix: None }
        );
        assert_eq!(TextQuery::parse("pop pop").unwrap(), TextQuery { whole: vec!["pop".into()], prefix: None });
        assert!(TextQuery::parse(" ?! 🎵").is_none());
    }
}
