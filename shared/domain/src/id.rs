//! Asset ids. New ids have the shape of the MongoDB ObjectIds the staging data already carries
//! (24 lowercase hex digits, time first), so migrated and new assets look alike to the frontend.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct AssetId(String);

impl AssetId {
    /// 4 bytes of Unix seconds, then 8 random bytes.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 12];
        let secs = u32::try_from(chrono::Utc::now().timestamp()).unwrap_or(u32::MAX);
        bytes[..4].copy_from_slice(&secs.to_be_bytes());
        // The OS random source failing leaves zeros after the timestamp; uniqueness is still
        // guarded by the store's conditional insert.
        let _ = getrandom::fill(&mut bytes[4..]);
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Ids we accept: generated ones and those of imported data. Letters, digits, `-` and `_`,
    /// 1 to 64 of them, and never shaped like an address (those resolve as addresses).
    pub fn parse(s: &str) -> Option<Self> {
        let ok =
            !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AssetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AssetId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not an asset id: {s}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_look_like_object_ids_and_differ() {
        let a = AssetId::generate();
        let b = AssetId::generate();
        assert_eq!(a.as_str().len(), 24);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }

    #[test]
    fn refuses_what_cannot_be_a_key() {
        assert!(AssetId::parse("").is_none());
        assert!(AssetId::parse("a/b").is_none());
        assert!(AssetId::parse(&"a".repeat(65)).is_none());
        assert!(AssetId::parse("64f0c2a1b3e4d5f6a7b8c9d0").is_some());
    }
}
