//! Asset ids. New ids have the shape of the MongoDB ObjectIds the staging data already carries
//! (24 lowercase hex digits, time first), so migrated and new assets look alike to the frontend.
//! They sort in creation order (milliseconds, then a counter within one process), which makes
//! "newest first" ties between items created in the same millisecond come out the same in every
//! store.

use serde::{Deserialize, Deserializer, Serialize};
use std::sync::{Mutex, PoisonError};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, derive_more::Display)]
#[serde(transparent)]
pub struct AssetId(String);

impl AssetId {
    /// 6 bytes of Unix milliseconds, then 6 bytes that start random and count up within a
    /// millisecond, so ids made by one process never repeat and never go backwards.
    pub fn generate() -> Self {
        static LAST: Mutex<(u64, u64)> = Mutex::new((0, 0));
        const TAIL: u64 = (1 << 48) - 1;
        let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        let mut random = [0u8; 8];
        // Should the OS random source fail, the counter alone still keeps ids distinct here, and
        // stores refuse to overwrite an existing id.
        let _ = getrandom::fill(&mut random);
        let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
        let (ms, tail) =
            if now > last.0 { (now, u64::from_be_bytes(random) & (TAIL >> 1)) } else { (last.0, (last.1 + 1) & TAIL) };
        *last = (ms, tail);
        let mut bytes = [0u8; 12];
        bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
        bytes[6..].copy_from_slice(&tail.to_be_bytes()[2..]);
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
        let many: Vec<AssetId> = (0..1000).map(|_| AssetId::generate()).collect();
        assert!(many.windows(2).all(|w| w[0] < w[1]), "ids go up in creation order");
    }

    #[test]
    fn refuses_what_cannot_be_a_key() {
        assert!(AssetId::parse("").is_none());
        assert!(AssetId::parse("a/b").is_none());
        assert!(AssetId::parse(&"a".repeat(65)).is_none());
        assert!(AssetId::parse("64f0c2a1b3e4d5f6a7b8c9d0").is_some());
    }
}
