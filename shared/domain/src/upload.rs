//! Files uploaded with an asset. The type comes from the file's first bytes, never from its name
//! or the client's `Content-Type`; only images, audio and video are kept.

use crate::error::{ErrorCode, FieldError};
use crate::id::AssetId;
use crate::ports::{BlobKey, BlobMeta};
use crate::taxonomy::TaxonomyPath;
use bytes::Bytes;
use serde_json::json;

#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: Option<String>,
    pub bytes: Bytes,
}

/// A checked upload: what it is and where it will be stored.
#[derive(Debug, Clone)]
pub struct CheckedUpload {
    pub key: BlobKey,
    pub meta: BlobMeta,
    pub bytes: Bytes,
}

/// Stored files never change under their key (the key holds the asset id), so caches may keep
/// them for a year.
pub const IMMUTABLE_CACHE: &str = "public, max-age=31536000, immutable";

impl Upload {
    pub fn check(self, path: &TaxonomyPath, id: &AssetId, max_bytes: u64) -> Result<CheckedUpload, FieldError> {
        let size = self.bytes.len() as u64;
        if size == 0 {
            return Err(FieldError::new("file", ErrorCode::EmptyFile, "the uploaded file is empty"));
        }
        if size > max_bytes {
            return Err(too_large(size, max_bytes));
        }
        let kind = infer::get(&self.bytes)
            .filter(|k| {
                matches!(
                    k.matcher_type(),
                    infer::MatcherType::Image | infer::MatcherType::Audio | infer::MatcherType::Video
                )
            })
            .ok_or_else(|| {
                FieldError::new(
                    "file",
                    ErrorCode::UnsupportedFileType,
                    "the uploaded file is not an image, audio or video file we recognize",
                )
            })?;
        let key = format!(
            "assets/{}/{}/{}/{}.{}",
            path.layer.code,
            path.category.code,
            path.subcategory.code,
            id,
            kind.extension()
        );
        let key = BlobKey::parse(&key).ok_or_else(|| {
            FieldError::new("file", ErrorCode::InvalidFormat, "the upload cannot be given a storage key")
        })?;
        Ok(CheckedUpload {
            key,
            meta: BlobMeta { content_type: kind.mime_type().to_owned(), cache_control: IMMUTABLE_CACHE.to_owned() },
            bytes: self.bytes,
        })
    }
}

pub fn too_large(size: u64, max_bytes: u64) -> FieldError {
    FieldError::new(
        "file",
        ErrorCode::FileTooLarge,
        format!("the uploaded file is {size} bytes; the most is {max_bytes}"),
    )
    .with_details(json!({ "max": max_bytes, "actual": size }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::Address;

    fn path() -> TaxonomyPath {
        Address::parse("L.CAS.ATL.001").unwrap().path
    }

    fn upload(bytes: &'static [u8]) -> Upload {
        Upload { file_name: Some("x.exe".into()), bytes: Bytes::from_static(bytes) }
    }

    #[test]
    fn type_comes_from_the_bytes() {
        let png = upload(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        let id = AssetId::parse("abc").unwrap();
        let ok = png.check(&path(), &id, 100).unwrap();
        assert_eq!(ok.meta.content_type, "image/png");
        assert_eq!(ok.key.as_str(), "assets/L/CAS/ATL/abc.png");
    }

    #[test]
    fn refusals() {
        let id = AssetId::parse("abc").unwrap();
        assert_eq!(upload(b"").check(&path(), &id, 100).unwrap_err().code, ErrorCode::EmptyFile);
        assert_eq!(
            upload(b"#!/bin/sh\nrm -rf /").check(&path(), &id, 100).unwrap_err().code,
            ErrorCode::UnsupportedFileType
        );
        assert_eq!(
            upload(b"<svg onload=alert(1)>").check(&path(), &id, 100).unwrap_err().code,
            ErrorCode::UnsupportedFileType
        );
        assert_eq!(
            upload(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").check(&path(), &id, 4).unwrap_err().code,
            ErrorCode::FileTooLarge
        );
    }
}
