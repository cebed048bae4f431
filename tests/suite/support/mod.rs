//! The suite's harness: servers on loopback port 0, each on its own data folder, and a client.

mod process;
mod server;

pub use process::LocalProcess;
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
