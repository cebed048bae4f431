//! How well a catalogue entry matches the song a creator named: words compared after folding
//! (`Beyoncé` = `beyonce`), so punctuation and case never decide.

use nna_album_art::SongQuery;
use nna_domain::search::words;
use std::collections::BTreeSet;

/// Shared words over the larger word count: 1 for the same words, 0 for none in common.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b): (BTreeSet<String>, BTreeSet<String>) = (words(a).into_iter().collect(), words(b).into_iter().collect());
    let larger = a.len().max(b.len());
    if larger == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / larger as f64
}

/// Versions a creator rarely means unless they said so.
fn variant(title: &str) -> bool {
    let w = words(title);
    ["live", "remix", "karaoke", "instrumental", "acoustic", "cover", "tribute"]
        .iter()
        .any(|v| w.iter().any(|x| x == v))
}

/// Title counts three, artist and album two each, a live or remixed version loses two; a title or
/// an artist that does not match at least half rules the entry out.
pub fn score(q: &SongQuery, title: &str, artist: Option<&str>, album: Option<&str>) -> f64 {
    let t = similarity(&q.song, title);
    if t < 0.5 {
        return 0.0;
    }
    let mut s = 3.0 * t;
    if let Some(wanted) = &q.artist {
        let a = artist.map_or(0.0, |x| similarity(wanted, x));
        if a < 0.5 {
            return 0.0;
        }
        s += 2.0 * a;
    }
    if let (Some(wanted), Some(got)) = (&q.album, album) {
        s += 2.0 * similarity(wanted, got);
    }
    if variant(title) && !variant(&q.song) {
        s -= 2.0;
    }
    s
}

/// Good enough to use: the title, or most of the title and the artist.
pub const ACCEPT: f64 = 3.0;

#[cfg(test)]
mod tests {
    use super::*;

    fn q(song: &str, artist: Option<&str>) -> SongQuery {
        SongQuery { song: song.into(), artist: artist.map(Into::into), album: None }
    }

    #[test]
    fn folded_words_decide() {
        assert_eq!(similarity("Déjà Vu", "deja vu"), 1.0);
        assert!(score(&q("Halo", Some("Beyoncé")), "Halo", Some("Beyonce"), None) >= ACCEPT);
        assert!(
            score(&q("Halo", Some("Beyoncé")), "Halo (Live)", Some("Beyoncé"), None)
                < score(&q("Halo", Some("Beyoncé")), "Halo", Some("Beyoncé"), None)
        );
        assert_eq!(score(&q("Halo", Some("Beyoncé")), "Halo", Some("Leona Lewis"), None), 0.0);
        assert_eq!(score(&q("Bohemian Rhapsody", None), "Radio Ga Ga", None, None), 0.0);
    }
}
