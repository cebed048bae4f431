//! `Idempotency-Key` on creates: a client that retries a create (a timeout, a dropped connection)
//! gets the asset its first attempt made instead of a second one. The key is the caller's own
//! (scoped by user), remembered with a fingerprint of the request for a day; the same key with a
//! different request is refused rather than answered with the wrong asset.

use crate::auth::Caller;
use crate::error::{ErrorCode, FieldError};
use crate::time::Timestamp;
use crate::upload::Upload;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::time::Duration;

use crate::limits::IDEMPOTENCY_KEY_CHARS as KEY_MAX;
pub use crate::limits::IDEMPOTENCY_KEY_LIFETIME as KEY_LIFETIME;

/// A key as a client sent it: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let key = raw.trim();
        if key.is_empty() || key.len() > KEY_MAX || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(FieldError::new(
                "Idempotency-Key",
                ErrorCode::InvalidFormat,
                format!("an Idempotency-Key is 1 to {KEY_MAX} visible ASCII characters"),
            ));
        }
        Ok(Self(key.to_owned()))
    }
}

/// A request that carries a key, with the fingerprint of exactly what was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed {
    pub key: IdempotencyKey,
    pub fingerprint: String,
}

impl Keyed {
    pub fn new(key: IdempotencyKey, body: &Map<String, Value>, upload: Option<&Upload>) -> Self {
        Self { key, fingerprint: fingerprint(body, upload) }
    }
}

/// What a create with a key asks the store to remember, in the same write as the asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyClaim {
    /// The caller's user id and their key.
    pub key: String,
    pub fingerprint: String,
    pub expires_at: Timestamp,
}

impl IdempotencyClaim {
    pub fn new(caller: &Caller, keyed: &Keyed, lifetime: Duration) -> Self {
        let key = format!("{}:{}", caller.user_id, keyed.key.0);
        Self { key, fingerprint: keyed.fingerprint.clone(), expires_at: Timestamp::now().after(lifetime) }
    }
}

/// A remembered key: which request made which asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub key: String,
    pub fingerprint: String,
    pub asset_id: crate::AssetId,
    pub expires_at: Timestamp,
}

impl IdempotencyRecord {
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.expires_at > now
    }
}

/// SHA-256 of the request: its fields with keys in sorted order (a retry may serialize them in
/// another order), then the file's name and bytes.
fn fingerprint(body: &Map<String, Value>, upload: Option<&Upload>) -> String {
    let mut hash = Sha256::new();
    hash.update(canonical(&Value::Object(body.clone())).as_bytes());
    if let Some(file) = upload {
        hash.update(b"\0file\0");
        hash.update(file.file_name.as_deref().unwrap_or("").as_bytes());
        hash.update(b"\0");
        hash.update(&file.bytes);
    }
    hex::encode(hash.finalize())
}

fn canonical(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> =
                entries.iter().map(|(k, v)| format!("{}:{}", Value::String((*k).clone()), canonical(v))).collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_same_request_in_another_key_order_has_the_same_fingerprint() {
        let a = json!({"layer": "L", "tags": ["a", "b"], "x": {"p": 1, "q": 2}});
        let b = json!({"x": {"q": 2, "p": 1}, "tags": ["a", "b"], "layer": "L"});
        let c = json!({"layer": "L", "tags": ["b", "a"], "x": {"p": 1, "q": 2}});
        let f = |v: &Value| fingerprint(v.as_object().unwrap(), None);
        assert_eq!(f(&a), f(&b));
        assert_ne!(f(&a), f(&c));
    }

    #[test]
    fn keys_are_visible_ascii() {
        assert!(IdempotencyKey::parse("4f1c-retry-1").is_ok());
        for bad in ["", "   ", "has space", "ünïcode", &"x".repeat(256)] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }
}
