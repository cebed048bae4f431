//! Song facts (the seed's `musicMetadata`): tempo, key, length, genres and the song / album /
//! artist the creator meant.

use super::ai_metadata::extra_keys;
use crate::error::Invalid;
use crate::limits::{
    BPM_MAX, BPM_MIN, DURATION_SECONDS_MAX, FREE_JSON_BYTES, GENRE_CHARS, GENRES, MUSIC_KEY_CHARS,
    ORIGINAL_INPUT_CHARS, SONG_FIELD_CHARS,
};
use crate::parse::{self, Fields};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Number, Value};

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MusicMetadata {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub bpm: Option<Number>,
    pub key: Option<String>,
    /// Seconds.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub duration: Option<Number>,
    pub genre: Option<Vec<String>>,
    pub extracted_song_data: Option<SongData>,
    #[cfg_attr(feature = "openapi", schema(ignore))]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SongData {
    pub song_name: Option<String>,
    pub album_name: Option<String>,
    pub artist_name: Option<String>,
    pub original_input: Option<String>,
}

const KNOWN: [&str; 5] = ["bpm", "key", "duration", "genre", "extractedSongData"];

impl MusicMetadata {
    pub fn from_input(v: &Value, field: &str) -> Result<Self, Invalid> {
        let obj = parse::object_or_json_text(v, field)?;
        Self::from_object(&obj, field)
    }

    pub fn from_object(obj: &Map<String, Value>, field: &str) -> Result<Self, Invalid> {
        let mut f = Fields::of(obj, field);
        let bpm = f.take("bpm", |v, at| parse::number_in(v, at, BPM_MIN, BPM_MAX));
        let key = f.take("key", |v, at| parse::text(v, at, MUSIC_KEY_CHARS));
        let duration = f.take("duration", |v, at| parse::number_in(v, at, 0.0, DURATION_SECONDS_MAX));
        let genre = f.take("genre", |v, at| match v {
            // A single genre may arrive as a string.
            Value::String(_) => parse::text_list(&Value::Array(vec![v.clone()]), at, GENRES, GENRE_CHARS),
            list => parse::text_list(list, at, GENRES, GENRE_CHARS),
        });
        let extracted_song_data = f.take("extractedSongData", SongData::parse);
        let extra = f.refused.take(extra_keys(obj, &KNOWN, field, FREE_JSON_BYTES)).unwrap_or_default();
        f.finish()?;
        Ok(Self { bpm, key, duration, genre, extracted_song_data, extra })
    }
}

/// Song facts today's frontend sends inside `aiMetadata` (it has no `musicMetadata` yet).
const AI_FACTS: [&str; 5] = ["bpm", "key", "duration", "genre", "mood"];

impl MusicMetadata {
    /// `music` with the song facts found in `ai` filled in where it has none: what was sent as
    /// music metadata wins. Each fact must pass the same rules as music metadata; one that does
    /// not stays in `aiMetadata` only.
    pub fn with_facts_from(music: Option<Self>, ai: &super::AiMetadata) -> Option<Self> {
        let mut out = music.clone().unwrap_or_default();
        let mut filled = false;
        for key in AI_FACTS {
            let Some(v) = ai.extra.get(key).filter(|v| !v.is_null()) else { continue };
            let has = match key {
                "bpm" => out.bpm.is_some(),
                "key" => out.key.is_some(),
                "duration" => out.duration.is_some(),
                "genre" => out.genre.is_some(),
                other => out.extra.contains_key(other),
            };
            let one = Map::from_iter([(key.to_owned(), v.clone())]);
            let Some(fact) = (!has).then(|| Self::from_object(&one, "aiMetadata").ok()).flatten() else { continue };
            out.bpm = out.bpm.or(fact.bpm);
            out.key = out.key.or(fact.key);
            out.duration = out.duration.or(fact.duration);
            out.genre = out.genre.or(fact.genre);
            out.extra.extend(fact.extra);
            filled = true;
        }
        if filled { Some(out) } else { music }
    }
}

impl SongData {
    fn parse(v: &Value, field: &str) -> Result<Self, Invalid> {
        let mut f = Fields::of(parse::as_object(v, field)?, field);
        let mut text = |k: &str, max: usize| f.take(k, |v, at| parse::text(v, at, max));
        let data = Self {
            song_name: text("songName", SONG_FIELD_CHARS),
            album_name: text("albumName", SONG_FIELD_CHARS),
            artist_name: text("artistName", SONG_FIELD_CHARS),
            original_input: text("originalInput", ORIGINAL_INPUT_CHARS),
        };
        f.finish()?;
        Ok(data)
    }
}

impl<'de> Deserialize<'de> for MusicMetadata {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let obj = Map::<String, Value>::deserialize(d)?;
        Self::from_object(&obj, "musicMetadata").map_err(|e| serde::de::Error::custom(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    #[test]
    fn the_seeds_example_round_trips() {
        let v = json!({"bpm": 120, "key": "C# minor", "duration": 354.5, "genre": ["Rock", "Opera"],
            "extractedSongData": {"songName": "Bohemian Rhapsody", "albumName": "A Night at the Opera", "artistName": "Queen"}});
        let m = MusicMetadata::from_input(&v, "musicMetadata").unwrap();
        assert_eq!(serde_json::to_value(&m).unwrap(), v);
    }

    #[test]
    fn every_bound() {
        let cases = [
            (json!({"bpm": -1}), "musicMetadata.bpm", ErrorCode::OutOfRange),
            (json!({"bpm": 0}), "musicMetadata.bpm", ErrorCode::OutOfRange),
            (json!({"bpm": 1000}), "musicMetadata.bpm", ErrorCode::OutOfRange),
            (json!({"bpm": "fast"}), "musicMetadata.bpm", ErrorCode::InvalidType),
            (json!({"duration": -3}), "musicMetadata.duration", ErrorCode::OutOfRange),
            (json!({"duration": 86_401}), "musicMetadata.duration", ErrorCode::OutOfRange),
            (json!({"key": "k".repeat(33)}), "musicMetadata.key", ErrorCode::TooLong),
            (json!({"genre": vec!["g"; 21]}), "musicMetadata.genre", ErrorCode::TooManyItems),
            (json!({"genre": ["g".repeat(65)]}), "musicMetadata.genre[0]", ErrorCode::TooLong),
            (
                json!({"extractedSongData": {"songName": "s".repeat(301)}}),
                "musicMetadata.extractedSongData.songName",
                ErrorCode::TooLong,
            ),
            (
                json!({"extractedSongData": {"originalInput": "s".repeat(1001)}}),
                "musicMetadata.extractedSongData.originalInput",
                ErrorCode::TooLong,
            ),
            (json!({"extractedSongData": "Queen"}), "musicMetadata.extractedSongData", ErrorCode::InvalidType),
            (json!({"lyrics": "l".repeat(FREE_JSON_BYTES)}), "musicMetadata", ErrorCode::TooLarge),
        ];
        for (input, field, code) in cases {
            let e = MusicMetadata::from_input(&input, "musicMetadata").unwrap_err();
            assert_eq!((e.first().field.as_str(), e.first().code), (field, code), "{input}");
        }
    }

    #[test]
    fn one_genre_may_be_a_string() {
        let m = MusicMetadata::from_input(&json!({"genre": "Pop"}), "m").unwrap();
        assert_eq!(m.genre, Some(vec!["Pop".to_owned()]));
    }
}
