//! Stored files as the domain names them: keys that cannot escape their storage, what is kept
//! with a file, and how storage fails. The port that keeps them is `ports::BlobStore`.

use crate::error::{Cause, caused};
use crate::id::AssetId;
use crate::time::Timestamp;
use bytes::Bytes;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("object storage is unavailable: {0}")]
    Unavailable(#[source] Cause),
    #[error("object storage failure: {0}")]
    Internal(#[source] Cause),
}

caused!(BlobError { unavailable => Unavailable, internal => Internal });

/// Where a stored file lives: `/`-separated segments of letters, digits, `.`, `-`, `_`; no `..`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, derive_more::Display)]
pub struct BlobKey(String);

impl BlobKey {
    pub fn parse(s: &str) -> Option<Self> {
        let ok_segment = |seg: &str| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        };
        (s.len() <= 512 && s.split('/').all(ok_segment)).then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the key names this asset's id (`…/<id>/…` or `…/<id>.<ext>`): the files an
    /// asset owns alone, which may go when it does.
    pub fn belongs_to(&self, id: &AssetId) -> bool {
        self.0.split('/').any(|seg| seg == id.as_str() || seg.split('.').next() == Some(id.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobMeta {
    pub content_type: String,
    pub cache_control: String,
}

#[derive(Debug, Clone)]
pub struct Blob {
    pub bytes: Bytes,
    pub meta: BlobMeta,
}

/// What is known about a stored file without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobInfo {
    pub size: u64,
    pub content_type: Option<String>,
}

/// A stored file as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub key: BlobKey,
    pub modified: Timestamp,
}

/// Permission to upload one file straight to storage: `PUT` the bytes to `url` with `headers`
/// before `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedPut {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub expires_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_keys_cannot_escape() {
        assert!(BlobKey::parse("assets/L/CAS/ATL/64f0.png").is_some());
        for bad in ["../x", "a//b", "/abs", "a/./b", "a b", "a/..", ""] {
            assert!(BlobKey::parse(bad).is_none(), "{bad}");
        }
    }
}
