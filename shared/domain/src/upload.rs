//! Files uploaded with an asset. The type comes from the file's first bytes, never from its name
//! or the client's `Content-Type`; only images, audio and video are kept.

use crate::blob::{BlobKey, BlobMeta};
use crate::error::Invalid;
use crate::error::{ErrorCode, FieldError};
use crate::id::AssetId;
use crate::parse::{self, present};
use crate::taxonomy::TaxonomyPath;
use crate::time::Timestamp;
use bytes::Bytes;
use serde_json::{Map, Value, json};

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

impl CheckedUpload {
    /// `assets/<layer>/<category>/<subcategory>/<id>.<ext>`
    pub fn key_for(path: &TaxonomyPath, id: &AssetId, ext: &str) -> Result<BlobKey, FieldError> {
        let key = format!("assets/{}/{}/{}/{id}.{ext}", path.layer.code, path.category.code, path.subcategory.code);
        BlobKey::parse(&key).ok_or_else(|| {
            FieldError::new("file", ErrorCode::InvalidFormat, "the upload cannot be given a storage key")
        })
    }
}

/// Stored files never change under their key (the key holds the asset id), so caches may keep
/// them for a year.
pub const IMMUTABLE_CACHE: &str = "public, max-age=31536000, immutable";

/// What a file is, from its first bytes; only images, audio and video are kept.
pub fn sniff_media(head: &[u8], field: &str) -> Result<infer::Type, FieldError> {
    infer::get(head)
        .filter(|k| {
            matches!(
                k.matcher_type(),
                infer::MatcherType::Image | infer::MatcherType::Audio | infer::MatcherType::Video
            )
        })
        .ok_or_else(|| {
            FieldError::new(
                field,
                ErrorCode::UnsupportedFileType,
                "the uploaded file is not an image, audio or video file we recognize",
            )
        })
}

/// How many leading bytes sniffing needs.
pub const SNIFF_BYTES: u64 = 512;

pub fn check_size(size: u64, max_bytes: u64, field: &str) -> Result<(), FieldError> {
    if size == 0 {
        return Err(FieldError::new(field, ErrorCode::EmptyFile, "the uploaded file is empty"));
    }
    if size > max_bytes {
        return Err(too_large(size, max_bytes, field));
    }
    Ok(())
}

impl Upload {
    pub fn check(self, path: &TaxonomyPath, id: &AssetId, max_bytes: u64) -> Result<CheckedUpload, FieldError> {
        check_size(self.bytes.len() as u64, max_bytes, "file")?;
        let kind = sniff_media(&self.bytes, "file")?;
        let key = CheckedUpload::key_for(path, id, kind.extension())?;
        Ok(CheckedUpload {
            key,
            meta: BlobMeta { content_type: kind.mime_type().to_owned(), cache_control: IMMUTABLE_CACHE.to_owned() },
            bytes: self.bytes,
        })
    }
}

pub fn too_large(size: u64, max_bytes: u64, field: &str) -> FieldError {
    FieldError::new(
        field,
        ErrorCode::FileTooLarge,
        format!("the uploaded file is {size} bytes; the most is {max_bytes}"),
    )
    .with_details(json!({ "max": max_bytes, "actual": size }))
}

/// Media types a direct upload may declare, and the extension its key gets.
const DIRECT_UPLOAD_TYPES: &[(&str, &str)] = &[
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/gif", "gif"),
    ("image/webp", "webp"),
    ("image/avif", "avif"),
    ("audio/mpeg", "mp3"),
    ("audio/wav", "wav"),
    ("audio/x-wav", "wav"),
    ("audio/flac", "flac"),
    ("audio/ogg", "ogg"),
    ("audio/mp4", "m4a"),
    ("audio/x-m4a", "m4a"),
    ("audio/aac", "aac"),
    ("video/mp4", "mp4"),
    ("video/webm", "webm"),
    ("video/quicktime", "mov"),
];

/// A request for a direct upload: `{contentType, size}`; the key is made here.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = UploadRequest, rename_all = "camelCase"))]
pub struct DirectUpload {
    /// The file's media type: an image, audio or video type the registry stores.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub content_type: &'static str,
    /// Its length in bytes, at most the deployment's `NNA_MAX_UPLOAD_BYTES`.
    pub size: u64,
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub key: BlobKey,
}

impl DirectUpload {
    pub fn parse(body: &Map<String, Value>, max_bytes: u64, now: Timestamp) -> Result<Self, Invalid> {
        let ct = present(body, "contentType").ok_or_else(|| FieldError::required("contentType"))?;
        let ct = parse::as_str(ct, "contentType")?.trim().to_ascii_lowercase();
        let (content_type, ext) = DIRECT_UPLOAD_TYPES.iter().find(|(t, _)| *t == ct).copied().ok_or_else(|| {
            FieldError::choice("contentType", &DIRECT_UPLOAD_TYPES.iter().map(|(t, _)| *t).collect::<Vec<_>>())
        })?;
        let size = present(body, "size").ok_or_else(|| FieldError::required("size"))?;
        let size = parse::count_up_to(size, "size", u64::MAX)?;
        check_size(size, max_bytes, "size")?;
        let (year, month) = now.year_month();
        let key = format!("uploads/{year}/{month:02}/{}.{ext}", AssetId::generate());
        let key = BlobKey::parse(&key)
            .ok_or_else(|| FieldError::new("contentType", ErrorCode::InvalidFormat, "cannot make an upload key"))?;
        Ok(Self { content_type, size, key })
    }
}

/// `uploadKey` in a create: a key a direct upload was given.
pub fn upload_key(v: &Value) -> Result<BlobKey, FieldError> {
    let s = parse::as_str(v, "uploadKey")?;
    BlobKey::parse(s.trim()).filter(|k| k.as_str().starts_with("uploads/")).ok_or_else(|| {
        FieldError::new("uploadKey", ErrorCode::InvalidFormat, "uploadKey must be a key from POST /api/assets/uploads")
    })
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

    #[test]
    fn direct_uploads_declare_a_media_type_and_a_bounded_size() {
        let now = Timestamp::parse("2026-11-25T00:00:00Z").unwrap();
        let ok = DirectUpload::parse(
            json!({"contentType": "Audio/MPEG", "size": 30_000_000}).as_object().unwrap(),
            32 << 20,
            now,
        )
        .unwrap();
        assert_eq!(ok.content_type, "audio/mpeg");
        assert!(ok.key.as_str().starts_with("uploads/2026/11/") && ok.key.as_str().ends_with(".mp3"), "{}", ok.key);
        let refuse =
            |body: Value| DirectUpload::parse(body.as_object().unwrap(), 32 << 20, now).unwrap_err().first().code;
        assert_eq!(refuse(json!({"contentType": "text/html", "size": 10})), ErrorCode::InvalidChoice);
        assert_eq!(refuse(json!({"contentType": "image/png", "size": (32 << 20) + 1})), ErrorCode::FileTooLarge);
        assert_eq!(refuse(json!({"contentType": "image/png", "size": 0})), ErrorCode::EmptyFile);
        assert_eq!(refuse(json!({"contentType": "image/png"})), ErrorCode::Required);
        assert!(upload_key(&json!("uploads/2026/11/x.png")).is_ok());
        assert!(upload_key(&json!("assets/L/x.png")).is_err());
        assert!(upload_key(&json!("uploads/../x")).is_err());
    }
}
