//! The register page's create, for songs: music facts inside aiMetadata, a typed cover URL.

use super::{register, register_form};
use crate::support::Server;
use serde_json::json;

#[tokio::test]
async fn song_facts_sent_in_ai_metadata_land_in_music_metadata() {
    let s = Server::start().await;
    let ai = json!({"generatedDescription": "An upbeat pop song", "mood": "joyful", "genre": "Pop", "bpm": 118,
        "key": "A minor", "duration": 203, "tempo": "fast", "tags": ["pop"]});
    let made = register(&s, register_form("G", "Pop", "Base", &[("aiMetadata", &ai.to_string())])).await;
    assert_eq!(
        made["musicMetadata"],
        json!({"bpm": 118, "key": "A minor", "duration": 203, "genre": ["Pop"], "mood": "joyful"}),
        "{made}"
    );
    assert_eq!(made["aiMetadata"]["bpm"], 118, "aiMetadata keeps what was sent");

    // musicMetadata sent explicitly wins; an AI fact that breaks the rules stays in aiMetadata only.
    let ai = json!({"bpm": 9000, "key": "C major", "duration": 150});
    let explicit = json!({"key": "D minor"});
    let made = register(
        &s,
        register_form("G", "Pop", "Base", &[("aiMetadata", &ai.to_string()), ("musicMetadata", &explicit.to_string())]),
    )
    .await;
    assert_eq!(made["musicMetadata"], json!({"key": "D minor", "duration": 150}), "{made}");

    // An edit sending new AI facts fills what is missing.
    let id = made["_id"].as_str().unwrap();
    let r = s.patch(&format!("/api/assets/{id}"), &json!({"aiMetadata": {"bpm": 96}})).await;
    assert_eq!(r.data()["musicMetadata"]["bpm"], 96, "{}", r.body);
    // Only songs have music facts.
    let look = register(&s, register_form("L", "Casual", "Athleisure", &[("aiMetadata", "{\"bpm\": 100}")])).await;
    assert!(look.get("musicMetadata").is_none(), "{look}");
}

#[tokio::test]
async fn a_typed_cover_url_is_labelled_by_where_it_points() {
    let s = Server::start().await;
    for (url, source) in [
        ("https://example.com/covers/my-song.jpg", "Manual"),
        ("https://is3-ssl.mzstatic.com/image/thumb/x/600x600bb.jpg", "iTunes"),
        ("https://coverartarchive.org/release/x/front-1200.jpg", "MusicBrainz"),
    ] {
        let made = register(&s, register_form("G", "Pop", "Base", &[("albumArt", url)])).await;
        assert_eq!(made["albumArt"]["source"], source, "{url}");
    }
}
