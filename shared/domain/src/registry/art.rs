//! Album art is made after the API has answered: a song created or edited with new art (or with
//! none, to be looked up) is stored with its art `pending`, and one job goes to the queue. The
//! pipeline (`nna-album-art`) does the rest and records the outcome on the asset.

use super::{Registry, RegistryError, Requester};
use crate::address::AssetKey;
use crate::asset::{AlbumArt, AlbumArtField, ArtSource, ArtStatus, Asset};
use crate::blob::{BlobKey, BlobMeta};
use crate::error::{ErrorCode, FieldError};
use crate::input::ArtRequest;
use crate::jobs::{Job, JobQueue};
use crate::time::Timestamp;
use crate::upload::{IMMUTABLE_CACHE, Upload, check_size};
use std::sync::Arc;

/// Where album-art jobs go, and whether songs without art get it looked up.
#[derive(Clone)]
pub(super) struct ArtJobs {
    queue: Arc<dyn JobQueue>,
    lookup: bool,
}

impl ArtJobs {
    pub(super) async fn send(&self, job: &Job) -> Result<(), crate::jobs::QueueError> {
        self.queue.send(job).await
    }
}

pub use crate::limits::MAX_ART_UPLOAD_BYTES;

impl Registry {
    /// With a queue, songs' album art is processed after the API answers; with `lookup`, songs
    /// created without art get it looked up.
    pub fn with_jobs(mut self, queue: Arc<dyn JobQueue>, lookup: bool) -> Self {
        self.jobs = Some(ArtJobs { queue, lookup });
        self
    }

    /// A new song's art: its URL marked pending, or a pending lookup when it has none.
    pub(super) fn prepare_new_art(&self, asset: &mut Asset) {
        let Some(jobs) = &self.jobs else { return };
        if !asset.is_song() {
            return;
        }
        match &mut asset.album_art {
            Some(AlbumArtField::Art(art)) if art.url.is_none() => art.status = Some(ArtStatus::Pending),
            None if jobs.lookup => asset.album_art = Some(AlbumArtField::Art(AlbumArt::pending_lookup())),
            _ => {}
        }
    }

    /// An edited song whose art now comes from somewhere else: pending again.
    pub(super) fn prepare_changed_art(&self, current: &Asset, next: &mut Asset) {
        if self.jobs.is_none() || !next.is_song() {
            return;
        }
        let source =
            |a: &Asset| a.album_art.as_ref().and_then(AlbumArtField::art).and_then(|art| art.source_url.clone());
        if source(current) != source(next)
            && let Some(AlbumArtField::Art(art)) = &mut next.album_art
        {
            art.status = Some(ArtStatus::Pending);
        }
    }

    /// Sends the job for art the asset shows as pending. The asset is already written; if the
    /// queue fails, the art stays pending for `nna-ops reprocess-album-art` to pick up.
    pub(super) async fn enqueue_art(&self, asset: &Asset, upload_key: Option<&BlobKey>) {
        let Some(jobs) = &self.jobs else { return };
        if asset.album_art.as_ref().and_then(AlbumArtField::art).is_none_or(|a| a.status != Some(ArtStatus::Pending)) {
            return;
        }
        let job = Job::album_art_for(asset, upload_key.map(|k| k.as_str().to_owned()), Timestamp::now());
        if let Err(e) = jobs.queue.send(&job).await {
            tracing::error!(asset = %asset.id, error = %e, "album art left pending: the job could not be queued");
        }
    }

    /// `POST /api/assets/:key/album-art`: new art from a URL or from an uploaded image (source
    /// Manual), processed like any other.
    pub async fn request_album_art(
        &self,
        by: Requester<'_>,
        key: &AssetKey,
        request: ArtRequest,
    ) -> Result<Asset, RegistryError> {
        let current = self.get(key).await?;
        by.check(&current)?;
        if self.jobs.is_none() {
            return Err(RegistryError::ArtNotConfigured);
        }
        if !current.is_song() {
            let layer = current.layer().as_str();
            return Err(FieldError::new(
                "layer",
                ErrorCode::NotASong,
                format!("album art is for songs (layer G); this asset is layer {layer}"),
            )
            .into());
        }
        let (art, upload_key) = match request {
            ArtRequest::Upload(file) => {
                let key = self.store_art_upload(&current, file).await?;
                let mut art = AlbumArt::from_source_url(self.blobs.public_url(&key));
                art.source = ArtSource::Manual;
                (art, Some(key))
            }
            ArtRequest::Url { url, source } => (AlbumArt { source, ..AlbumArt::from_source_url(url) }, None),
        };
        let art = AlbumArt { status: Some(ArtStatus::Pending), ..art };
        let why = by.change(crate::history::ChangeKind::AlbumArt, crate::history::through::ALBUM_ART);
        let updated = self
            .modify(by, key, &why, |current| {
                let mut next = current.clone();
                next.album_art = Some(AlbumArtField::Art(art.clone()));
                Ok(next)
            })
            .await?;
        self.enqueue_art(&updated, upload_key.as_ref()).await;
        Ok(updated)
    }

    /// An uploaded cover, checked by its bytes, kept where the pipeline reads it.
    async fn store_art_upload(&self, asset: &Asset, file: Upload) -> Result<BlobKey, RegistryError> {
        check_size(file.bytes.len() as u64, MAX_ART_UPLOAD_BYTES, "file")?;
        let kind = infer::get(&file.bytes)
            .filter(|k| matches!(k.mime_type(), "image/jpeg" | "image/png" | "image/webp"))
            .ok_or_else(|| {
                FieldError::new("file", ErrorCode::UnsupportedFileType, "album art must be a JPEG, PNG or WebP image")
            })?;
        let digest = sha2_hex(&file.bytes);
        let key = BlobKey::parse(&format!("album-art/uploads/{}/{}.{}", asset.id, &digest[..16], kind.extension()))
            .ok_or_else(|| RegistryError::Internal(crate::error::cause("no storage key for an album-art upload")))?;
        let meta = BlobMeta { content_type: kind.mime_type().to_owned(), cache_control: IMMUTABLE_CACHE.to_owned() };
        self.blobs.put(&key, file.bytes, &meta).await?;
        Ok(key)
    }
}

fn sha2_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
