//! Reading song, album and artist out of what a creator typed for a song, for the shapes people
//! actually use. The raw text is always kept as `originalInput`, so a wrong guess loses nothing.

use crate::asset::SongData;
use crate::limits::SONG_FIELD_CHARS;
use regex_lite::Regex;
use std::sync::LazyLock;

/// `"Song" rest`, with straight, curly or guillemet quotes.
static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*(?:"([^"]+)"|“([^”]+)”|‘([^’]+)’|«([^»]+)»|'([^']+)'(?:\s|$))\s*(.*)$"#)
        .unwrap_or_else(|e| panic!("{e}"))
});
/// `Song - Artist (Album)`
static DASH_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?)\s+[-–—]\s+(.+?)\s*\(([^()]+)\)\s*$").unwrap_or_else(|e| panic!("{e}")));
static DASH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+[-–—]\s+").unwrap_or_else(|e| panic!("{e}")));

pub fn derive(input: &str) -> SongData {
    let mut out = guess(input.trim()).unwrap_or_default();
    out.original_input = Some(input.chars().take(crate::limits::ORIGINAL_INPUT_CHARS).collect());
    out
}

/// What a song is called and by whom, for finding its cover: the extracted song data when it has
/// a title, else read from the creator's words, else from the description's first sentence
/// (legacy songs carry "Anxiety by Doechii. A smooth …" there).
pub fn of_asset(asset: &crate::Asset) -> Option<SongData> {
    let extracted = asset.music_metadata.as_ref().and_then(|m| m.extracted_song_data.clone());
    if let Some(data) = extracted.filter(|d| d.song_name.is_some()) {
        return Some(data);
    }
    let words = asset.creator_description.as_ref().map(|d| d.as_str().to_owned()).or_else(|| {
        let description = asset.description.as_deref()?;
        let first = description.split(". ").next().unwrap_or(description).trim().trim_end_matches('.');
        (!first.is_empty()).then(|| first.to_owned())
    })?;
    Some(derive(&words)).filter(|d| d.song_name.is_some())
}

fn guess(s: &str) -> Option<SongData> {
    if s.is_empty() {
        return None;
    }
    if let Some(c) = QUOTED.captures(s) {
        let song = (1..=5).find_map(|i| c.get(i)).map(|m| m.as_str().to_owned());
        let rest = c.get(6).map_or("", |m| m.as_str()).trim().trim_start_matches(['-', '–', '—', ',']).trim();
        // The title is out of the way, so a placeholder stands in for it.
        let mut d = if rest.to_ascii_lowercase().starts_with("by ") {
            by_from(&format!("_ {rest}")).unwrap_or_default()
        } else {
            SongData { artist_name: (!rest.is_empty()).then(|| rest.to_owned()), ..SongData::default() }
        };
        d.song_name = song;
        return Some(clean(d));
    }
    if let Some(c) = DASH_PAREN.captures(s) {
        return Some(clean(SongData {
            song_name: Some(c[1].to_owned()),
            artist_name: Some(c[2].to_owned()),
            album_name: Some(c[3].to_owned()),
            original_input: None,
        }));
    }
    let parts: Vec<&str> = DASH.split(s).collect();
    match parts.as_slice() {
        [song, album, artist] => {
            return Some(clean(SongData {
                song_name: Some((*song).to_owned()),
                album_name: Some((*album).to_owned()),
                artist_name: Some((*artist).to_owned()),
                original_input: None,
            }));
        }
        [song, artist] => {
            return Some(clean(SongData {
                song_name: Some((*song).to_owned()),
                artist_name: Some((*artist).to_owned()),
                ..SongData::default()
            }));
        }
        _ => {}
    }
    if let Some(d) = by_from(s) {
        return Some(clean(d));
    }
    Some(clean(SongData { song_name: Some(s.to_owned()), ..SongData::default() }))
}

/// `Song by Artist` and `Song by Artist from [the album] Album`. The last ` by ` before ` from `
/// splits, so titles like "Stand by Me by Ben E. King" come out right. ASCII lower-casing keeps
/// byte offsets, so positions found in `lower` slice `s`.
fn by_from(s: &str) -> Option<SongData> {
    let lower = s.to_ascii_lowercase();
    let (head_len, album) = match lower.rfind(" from ") {
        Some(i) if lower[..i].contains(" by ") => (i, Some(s[i + 6..].trim())),
        _ => (s.len(), None),
    };
    let i = lower[..head_len].rfind(" by ")?;
    let album = album.map(|a| {
        let al = a.to_ascii_lowercase();
        ["the album ", "album "].iter().find(|p| al.starts_with(*p)).map_or(a, |p| &a[p.len()..])
    });
    Some(SongData {
        song_name: Some(s[..i].to_owned()),
        artist_name: Some(s[i + 4..head_len].to_owned()),
        album_name: album.map(str::to_owned),
        original_input: None,
    })
}

/// Trims, drops empty parts, and keeps each within the stored bound.
fn clean(d: SongData) -> SongData {
    let tidy = |v: Option<String>| {
        v.map(|s| {
            s.trim()
                .trim_matches(|c| matches!(c, '"' | '“' | '”'))
                .trim()
                .chars()
                .take(SONG_FIELD_CHARS)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
    };
    SongData {
        song_name: tidy(d.song_name),
        album_name: tidy(d.album_name),
        artist_name: tidy(d.artist_name),
        original_input: d.original_input,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Asset;

    fn parts(s: &str) -> (Option<String>, Option<String>, Option<String>) {
        let d = derive(s);
        assert_eq!(d.original_input.as_deref(), Some(s));
        (d.song_name, d.album_name, d.artist_name)
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn song_album_artist_with_dashes() {
        assert_eq!(
            parts("Bohemian Rhapsody - A Night at the Opera - Queen"),
            (some("Bohemian Rhapsody"), some("A Night at the Opera"), some("Queen"))
        );
    }

    #[test]
    fn song_by_artist_from_album() {
        assert_eq!(
            parts("Bohemian Rhapsody by Queen from A Night at the Opera"),
            (some("Bohemian Rhapsody"), some("A Night at the Opera"), some("Queen"))
        );
        assert_eq!(
            parts("Anxiety by Doechii from the album Alligator Bites Never Heal"),
            (some("Anxiety"), some("Alligator Bites Never Heal"), some("Doechii"))
        );
    }

    #[test]
    fn song_by_artist() {
        assert_eq!(parts("Anxiety by Doechii"), (some("Anxiety"), None, some("Doechii")));
        assert_eq!(parts("Stand by Me by Ben E. King"), (some("Stand by Me"), None, some("Ben E. King")));
        assert_eq!(parts("Déjà Vu by Beyoncé"), (some("Déjà Vu"), None, some("Beyoncé")));
    }

    #[test]
    fn quoted_titles() {
        assert_eq!(parts("\"Bohemian Rhapsody\" by Queen"), (some("Bohemian Rhapsody"), None, some("Queen")));
        assert_eq!(
            parts("“Halo” by Beyoncé from I Am... Sasha Fierce"),
            (some("Halo"), some("I Am... Sasha Fierce"), some("Beyoncé"))
        );
        assert_eq!(parts("'Hey Jude'"), (some("Hey Jude"), None, None));
    }

    #[test]
    fn song_artist_album_in_parentheses() {
        assert_eq!(
            parts("Bohemian Rhapsody - Queen (A Night at the Opera)"),
            (some("Bohemian Rhapsody"), some("A Night at the Opera"), some("Queen"))
        );
    }

    #[test]
    fn song_dash_artist_and_bare_titles() {
        assert_eq!(parts("Levitating - Dua Lipa"), (some("Levitating"), None, some("Dua Lipa")));
        assert_eq!(parts("Bohemian Rhapsody"), (some("Bohemian Rhapsody"), None, None));
    }

    #[test]
    fn a_legacy_song_is_read_from_its_description() {
        let mut v = serde_json::json!({"id": "a1", "layer": "G", "category": "Hip_Hop", "subcategory": "Modern_Hip_Hop",
            "name": "G.HIP.MOD.001", "nna_address": "G.003.003.001", "createdAt": "2025-07-05T01:53:38.417Z",
            "updatedAt": "2025-07-05T01:53:38.417Z", "description": "Anxiety by Doechii. A smooth and introspective track ..."});
        let asset = Asset::load(v.clone()).unwrap();
        let d = of_asset(&asset).unwrap();
        assert_eq!((d.song_name.as_deref(), d.artist_name.as_deref()), (Some("Anxiety"), Some("Doechii")));
        v["creatorDescription"] = serde_json::json!("Halo - Beyoncé");
        v["musicMetadata"] =
            serde_json::json!({"extractedSongData": {"songName": "Levitating", "artistName": "Dua Lipa"}});
        let asset = Asset::load(v.clone()).unwrap();
        assert_eq!(of_asset(&asset).unwrap().song_name.as_deref(), Some("Levitating"));
        v.as_object_mut().unwrap().remove("musicMetadata");
        let asset = Asset::load(v.clone()).unwrap();
        assert_eq!(of_asset(&asset).unwrap().song_name.as_deref(), Some("Halo"));
        v.as_object_mut().unwrap().remove("creatorDescription");
        v.as_object_mut().unwrap().remove("description");
        let asset = Asset::load(v).unwrap();
        assert_eq!(of_asset(&asset), None);
    }
}
