//! The harness of the end-to-end suite and the benchmarks: `nna-local` on loopback port 0 with
//! its own data folder, real binaries as child processes, the AWS emulator, and a Lambda Runtime
//! API that feeds function binaries their events.

pub mod art;
pub mod auth;
pub mod bench;
pub mod bucket;
pub mod cost;
pub mod emulator;
pub mod evidence;
pub mod faults;
pub mod lambda;
pub mod local_aws;
pub mod old_backend;
pub mod process;
pub mod server;

pub use emulator::{Aws, emulator, venv};
pub use lambda::{Function, api_event, event, unsigned_event};
pub use process::{LocalProcess, binary, free_port, release_binary};
pub use server::{Reply, Server};

use serde_json::{Value, json};

/// The seed's example: Kelly's look, as the frontend's JSON create sends it (with `name` too, as
/// older clients do).
pub fn kelly() -> Value {
    json!({
        "layer": "L",
        "category": "Casual",
        "subcategory": "Athleisure",
        "name": "Kelly is wearing a sports jersey from brand Adidas",
        "creatorDescription": "Kelly is wearing a sports jersey from brand Adidas",
        "source": "ReViz",
        "description": "A casual athleisure look: an Adidas sports jersey with relaxed styling.",
        "tags": ["sports", "adidas"],
        "trainingData": {"prompts": [], "images": [], "videos": []},
        "rights": {"source": "Original", "rights_split": "100%"},
        "aiMetadata": {
            "generatedBy": "OpenAI GPT-4o",
            "generationStrategy": "visual-image",
            "processingTime": 1250,
            "inputContext": {"creatorDescription": "Kelly is wearing a sports jersey from brand Adidas", "layerStrategy": "L"},
            "confidence": 0.95
        }
    })
}

/// A song as the seed sends it.
pub fn song(words: &str) -> Value {
    json!({
        "layer": "G",
        "category": "Pop",
        "subcategory": "Base",
        "creatorDescription": words,
        "description": "A song.",
        "albumArt": {"sourceUrl": "https://is1-ssl.mzstatic.com/image/thumb/Music/600x600bb.jpg", "source": "iTunes", "quality": "High"},
        "musicMetadata": {"bpm": 120}
    })
}

/// A minimal valid asset in the given place.
pub fn asset_in(layer: &str, category: &str, subcategory: &str) -> Value {
    json!({ "layer": layer, "category": category, "subcategory": subcategory, "description": "test asset" })
}

/// A PNG's first bytes: enough for type sniffing.
pub const PNG_HEAD: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// The staging song from the contract as the old backend stored it, numbered `seq`: none of the
/// new fields, JSON text where objects belong, `components: [""]`, Mongo's `__v`.
pub fn legacy_song(seq: u32) -> Value {
    json!({"id": "6868865274bd8b06a2f91f0c", "layer": "G", "category": "Hip_Hop", "subcategory": "Modern_Hip_Hop",
        "name": format!("G.HIP.MOD.{seq:03}"), "nna_address": format!("G.003.003.{seq:03}"),
        "gcpStorageUrl": "https://storage.googleapis.com/nna_registry_assets_stg/G/HIP/MOD/G.HIP.MOD.001.mp3",
        "source": "ReViz", "tags": ["hip-hop", "Doechii"], "description": "Anxiety by Doechii. A smooth and introspective track ...",
        "trainingData": "{\"prompts\":[],\"images\":[],\"videos\":[]}",
        "rights": "{\"source\":\"Original\",\"rights_split\":\"100%\"}", "components": [""],
        "registeredBy": "kyle@celerity.studio", "createdAt": "2025-07-05T01:53:38.417Z",
        "updatedAt": "2025-07-09T04:19:46.716Z", "__v": 2})
}

/// A create as the registry takes it, parsed from a JSON body (no file, no key): what a handler
/// hands `Registry::create`.
pub fn request(body: &serde_json::Map<String, Value>) -> nna_domain::input::CreateAsset {
    nna_domain::input::CreateAsset::parse(body, None, None).expect("a valid create")
}

/// The same with an `Idempotency-Key`.
pub fn keyed(
    body: &serde_json::Map<String, Value>,
    key: &nna_domain::idempotency::IdempotencyKey,
) -> nna_domain::input::CreateAsset {
    nna_domain::input::CreateAsset::parse(body, None, Some(key.clone())).expect("a valid create")
}

/// The history entry a test's own write straight to the store records: `before` → `after`.
pub fn entry_of(before: Option<&nna_domain::Asset>, after: Option<&nna_domain::Asset>) -> nna_domain::history::Entry {
    let id = after.or(before).map(|a| a.id.clone()).expect("an entry is of an asset");
    let revision = after.map_or_else(|| before.map_or(0, |b| b.revision + 1), |a| a.revision);
    nna_domain::history::Change::operator("tests", None).entry(&id, before, after, revision)
}

/// An edit as the registry takes it, parsed from a JSON body.
pub fn edit(body: &serde_json::Map<String, Value>, mode: nna_domain::input::EditMode) -> nna_domain::input::EditAsset {
    nna_domain::input::EditAsset::parse(body, mode)
}

/// How a request names an asset, parsed as the HTTP layer parses `{key}`.
pub fn key(raw: &str) -> nna_domain::AssetKey {
    nna_domain::AssetKey::parse(raw).expect("an asset key")
}

/// A search as `GET /api/assets?…` makes it: the query parsed from these pairs, then run.
pub async fn search(
    registry: &nna_domain::Registry,
    pairs: &[(String, String)],
) -> Result<nna_domain::search::SearchPage, nna_domain::RegistryError> {
    let query = nna_domain::search::SearchQuery::parse(pairs)?;
    registry.search(&query).await
}
