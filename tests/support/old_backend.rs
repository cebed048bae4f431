//! The old backend a team moves off, generated: its MongoDB collections as `mongoexport` writes
//! them (the legacy staging table with every known defect, and users with real bcrypt hashes)
//! and its bucket on loopback, one real file per asset, served as Cloud Storage serves them.

use crate::bucket::{Object, OldBucket, Serve, Source, media};
use bytes::Bytes;
use nna_operations::fixture;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The old backend's bucket, as its URLs name it.
pub const BUCKET: &str = "nna_registry_assets_stg";
const OLD_BASE: &str = "https://storage.googleapis.com/nna_registry_assets_stg/";

pub struct OldBackend {
    /// The assets collection, with `gcpStorageUrl` on the loopback bucket.
    pub assets: Vec<Value>,
    pub users: Vec<Value>,
    pub bucket: OldBucket,
    files: Files,
}

/// What the bucket serves: each path's file made from the path itself, so a test can make the
/// expected bytes again; some paths served otherwise on purpose.
#[derive(Clone)]
struct Files {
    sizes: Range<usize>,
    serve: Arc<HashMap<String, Serve>>,
    sized: Arc<HashMap<String, usize>>,
}

impl Files {
    fn object(&self, path: &str) -> Option<Object> {
        let seed =
            path.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        let span = (self.sizes.end - self.sizes.start).max(1) as u64;
        let size = self.sized.get(path).copied().unwrap_or(self.sizes.start + (seed % span) as usize);
        let (bytes, content_type) = if path.ends_with(".mp3") {
            (media::mp3(size), "audio/mpeg")
        } else {
            (media::png(size, seed), "image/png")
        };
        let serve =
            self.serve.get(path).copied().unwrap_or(if seed % 5 == 0 { Serve::JoinedHashes } else { Serve::Plainly });
        Some(Object { bytes: Bytes::from(bytes), content_type, serve })
    }
}

impl OldBackend {
    /// `assets` legacy documents and `users` users (bcrypt at `cost`), files of `sizes` bytes;
    /// `serve` and `sized` single out paths (relative to the bucket) to misbehave.
    pub async fn start(
        assets: usize,
        users: usize,
        seed: u64,
        cost: u32,
        sizes: Range<usize>,
        serve: HashMap<String, Serve>,
        sized: HashMap<String, usize>,
    ) -> Self {
        let files = Files { sizes, serve: Arc::new(serve), sized: Arc::new(sized) };
        let source_files = files.clone();
        let source: Source = Arc::new(move |path: &str| source_files.object(path));
        let bucket = OldBucket::start(BUCKET, source).await;
        let assets = fixture::legacy_documents(assets, seed)
            .into_iter()
            .map(|mut doc| {
                if let Some(url) = doc["gcpStorageUrl"].as_str() {
                    doc["gcpStorageUrl"] = Value::String(url.replace(OLD_BASE, &bucket.base));
                }
                doc
            })
            .collect();
        let users = fixture::legacy_users(users, seed, cost);
        Self { assets, users, bucket, files }
    }

    /// The bytes the bucket serves at `url`.
    pub fn file(&self, url: &str) -> Option<Bytes> {
        self.files.object(url.strip_prefix(&self.bucket.base)?).map(|o| o.bytes)
    }

    /// The path (within the bucket) of an asset's file.
    pub fn path_of(&self, asset: &Value) -> String {
        asset["gcpStorageUrl"].as_str().unwrap_or_default().replace(&self.bucket.base, "")
    }

    /// The two exports in `dir`, as mongoexport writes them: the assets one document per line in
    /// canonical Extended JSON (`--jsonFormat=canonical`), the users as one array (`--jsonArray`)
    /// in the relaxed form.
    pub fn write_exports(&self, dir: &Path) -> (PathBuf, PathBuf) {
        let assets = dir.join("assets.json");
        let lines: String = self.assets.iter().map(|d| canonical(d).to_string() + "\n").collect();
        std::fs::write(&assets, lines).expect("write the assets export");
        let users = dir.join("users.json");
        std::fs::write(&users, Value::Array(self.users.clone()).to_string()).expect("write the users export");
        (assets, users)
    }
}

/// Relaxed Extended JSON in canonical form: dates as `$numberLong` milliseconds, integers as
/// `$numberInt`.
pub fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(o) if o.len() == 1 && o.contains_key("$date") => {
            let ms = o["$date"].as_str().and_then(nna_domain::Timestamp::parse).map(|t| t.millis()).unwrap_or(0);
            json!({"$date": {"$numberLong": ms.to_string()}})
        }
        Value::Object(o) if o.len() == 1 && o.contains_key("$oid") => v.clone(),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), canonical(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        Value::Number(n) if n.is_i64() => json!({"$numberInt": n.to_string()}),
        other => other.clone(),
    }
}
