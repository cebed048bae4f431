//! Files: inline with a create, or uploaded straight to storage first (large files, and every file
//! over the Lambda payload limit) and referenced by `uploadKey`.

use super::{Registry, RegistryError};
use crate::blob::{BlobKey, BlobMeta, PresignedPut};
use crate::error::{ErrorCode, FieldError};
use crate::id::AssetId;
use crate::taxonomy::TaxonomyPath;
use crate::upload::{CheckedUpload, DirectUpload, IMMUTABLE_CACHE, SNIFF_BYTES, Upload, check_size, sniff_media};

pub use crate::limits::UPLOAD_URL_LIFETIME;

/// Where and how to upload one file.
#[derive(Debug, Clone)]
pub struct UploadSlot {
    pub key: BlobKey,
    pub content_type: &'static str,
    pub size: u64,
    pub put: PresignedPut,
}

/// A file now stored under the asset's own key.
pub(super) struct StoredFile {
    pub key: BlobKey,
    pub url: String,
    /// A direct upload to remove once the asset is safely written.
    pub consumed_upload: Option<BlobKey>,
}

impl Registry {
    /// Where to upload the file a `DirectUpload` (parsed at the edge, within
    /// `RegistryConfig::max_upload_bytes`) describes.
    pub async fn upload_slot(&self, req: DirectUpload) -> Result<UploadSlot, RegistryError> {
        let put = self.blobs.presign_put(&req.key, req.content_type, req.size, UPLOAD_URL_LIFETIME).await?;
        Ok(UploadSlot { key: req.key, content_type: req.content_type, size: req.size, put })
    }

    /// Puts the create's file, if any, under `assets/…/<id>.<ext>`: an inline upload is checked and
    /// written; a direct upload is checked where it landed (its size, and its bytes, not the type it
    /// declared) and copied.
    pub(super) async fn store_file(
        &self,
        path: &TaxonomyPath,
        id: &AssetId,
        inline: Option<Upload>,
        uploaded: Option<BlobKey>,
    ) -> Result<Option<StoredFile>, RegistryError> {
        match (inline, uploaded) {
            (Some(_), Some(_)) => {
                Err(FieldError::new("uploadKey", ErrorCode::TwoFiles, "send a file or an uploadKey, not both").into())
            }
            (Some(file), None) => {
                let CheckedUpload { key, meta, bytes } = file.check(path, id, self.config.max_upload_bytes)?;
                self.blobs.put(&key, bytes, &meta).await?;
                Ok(Some(StoredFile { url: self.blobs.public_url(&key), key, consumed_upload: None }))
            }
            (None, Some(upload)) => {
                let missing = || {
                    FieldError::new(
                        "uploadKey",
                        ErrorCode::UploadNotFound,
                        "nothing was uploaded to this key, or the upload expired; ask POST /api/assets/uploads again",
                    )
                };
                // Gone once a create took it (the winner removes it): the claim says which.
                let claimed = || RegistryError::UploadClaimed(upload.to_string());
                let Some(info) = self.blobs.head(&upload).await? else {
                    return Err(match self.store.upload_claimed_by(&upload).await? {
                        Some(_) => claimed(),
                        None => missing().into(),
                    });
                };
                check_size(info.size, self.config.max_upload_bytes, "uploadKey")?;
                let head = self.blobs.read_prefix(&upload, SNIFF_BYTES).await?.ok_or_else(claimed)?;
                let kind = match sniff_media(&head, "uploadKey") {
                    Ok(kind) => kind,
                    Err(e) => {
                        self.forget(&upload).await;
                        return Err(e.into());
                    }
                };
                let key = CheckedUpload::key_for(path, id, kind.extension())?;
                let meta =
                    BlobMeta { content_type: kind.mime_type().to_owned(), cache_control: IMMUTABLE_CACHE.to_owned() };
                if let Err(e) = self.blobs.copy(&upload, &key, &meta).await {
                    return Err(match self.blobs.head(&upload).await {
                        Ok(None) => claimed(),
                        _ => e.into(),
                    });
                }
                Ok(Some(StoredFile { url: self.blobs.public_url(&key), key, consumed_upload: Some(upload) }))
            }
            (None, None) => Ok(None),
        }
    }

    /// Best-effort removal; a file left behind is unreferenced, never a broken asset.
    pub(super) async fn forget(&self, key: &BlobKey) {
        if let Err(e) = self.blobs.delete(key).await {
            tracing::warn!(%key, error = %e, "could not remove a file");
        }
    }
}
