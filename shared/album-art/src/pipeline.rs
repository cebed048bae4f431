//! One album-art job, start to finish: decide the source (the job's URL, an uploaded file, or a
//! lookup), fetch, check and resize, store the three files, and record the result on the asset
//! with a conditional write. A job for art the asset no longer wants, or already has, does
//! nothing, so late, stale and repeated deliveries are harmless.

use crate::failure::Failure;
use crate::image::{ImageLimits, Processed, process, quality};
use crate::ports::{ArtLookup, ImageSource, SongQuery};
use async_trait::async_trait;
use bytes::Bytes;
use nna_domain::asset::{AlbumArt, AlbumArtField, ArtSource, ArtStatus, ArtVariant, Dimensions};
use nna_domain::history::{Change, HistoryFiles};
use nna_domain::jobs::{Job, JobError, JobRunner};
use nna_domain::ports::{AssetStore, BlobKey, BlobMeta, BlobStore, StoreError};
use nna_domain::upload::IMMUTABLE_CACHE;
use nna_domain::{Asset, AssetId, AssetKey, Timestamp};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub struct Pipeline {
    store: Arc<dyn AssetStore>,
    blobs: Arc<dyn BlobStore>,
    images: Arc<dyn ImageSource>,
    lookup: Option<Arc<dyn ArtLookup>>,
    limits: ImageLimits,
    /// Deliveries after which a passing failure is recorded as the outcome (the message then goes
    /// to the dead-letter queue): the queue's `maxReceiveCount`.
    max_attempts: u32,
    /// Told of every outcome recorded on a song (metrics, where the deployment keeps them).
    observer: Option<Observer>,
    /// Memory for decoding, in MiB, shared by the jobs running at once: each holds what its image
    /// costs (`image::decode_cost`, from the header) while it decodes, so concurrent jobs never
    /// add up to more than this.
    decode_memory: Arc<tokio::sync::Semaphore>,
    decode_memory_mib: u32,
}

/// What decoding may take at once by default: two of the largest images allowed.
/// What concurrent image decodes may take together, in MiB (`NNA_ART_DECODE_MEMORY_MB`).
pub const DEFAULT_DECODE_MEMORY_MIB: u32 = 300;

/// What became of a song's art: made (`failure` none) or failed for good with a code, and how
/// long after the request that asked for it.
#[derive(Debug, Clone, Copy)]
pub struct ArtOutcome<'a> {
    pub failure: Option<&'a str>,
    /// Where the art came from or was to come from (`iTunes`, `Manual`, …).
    pub source: &'static str,
    pub since_request: std::time::Duration,
}

pub type Observer = Arc<dyn Fn(&ArtOutcome<'_>) + Send + Sync>;

/// What a job asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wanted {
    Url(String),
    Upload { key: String, url: String },
    Lookup,
}

impl Pipeline {
    pub fn new(store: Arc<dyn AssetStore>, blobs: Arc<dyn BlobStore>, images: Arc<dyn ImageSource>) -> Self {
        Self {
            store,
            blobs,
            images,
            lookup: None,
            limits: ImageLimits::default(),
            observer: None,
            max_attempts: nna_domain::jobs::MAX_RECEIVES,
            decode_memory: Arc::new(tokio::sync::Semaphore::new(DEFAULT_DECODE_MEMORY_MIB as usize)),
            decode_memory_mib: DEFAULT_DECODE_MEMORY_MIB,
        }
    }

    /// Bounds the memory concurrent decodes take together, in MiB.
    pub fn with_decode_memory(mut self, mib: u32) -> Self {
        let mib = mib.max(1);
        self.decode_memory = Arc::new(tokio::sync::Semaphore::new(mib as usize));
        self.decode_memory_mib = mib;
        self
    }

    pub fn with_lookup(mut self, lookup: Arc<dyn ArtLookup>) -> Self {
        self.lookup = Some(lookup);
        self
    }

    /// Tells `observer` of every outcome recorded on a song.
    pub fn observed(mut self, observer: Observer) -> Self {
        self.observer = Some(observer);
        self
    }

    async fn album_art(
        &self,
        asset_id: &AssetId,
        wanted: &Wanted,
        requested_at: Timestamp,
        attempt: u32,
    ) -> Result<(), JobError> {
        let Some(asset) = self.load(asset_id).await? else {
            return Err(JobError::permanent(format!("asset {asset_id} no longer exists")));
        };
        if !still_wanted(&asset, wanted) {
            tracing::info!(asset = %asset_id, "album art already made or no longer wanted: nothing to do");
            return Ok(());
        }
        let wanted_source = asset.album_art.as_ref().and_then(AlbumArtField::art).map(|a| a.source).unwrap_or_default();
        let observe = |failure: Option<&str>, source: ArtSource| {
            if let Some(observer) = &self.observer {
                let ms = (Timestamp::now().millis() - requested_at.millis()).max(0);
                let since_request = std::time::Duration::from_millis(u64::try_from(ms).unwrap_or(0));
                observer(&ArtOutcome { failure, source: source.as_str(), since_request });
            }
        };
        match self.make(&asset, wanted, requested_at).await {
            Ok(art) => {
                self.record(asset_id, wanted, |_| art.clone()).await?;
                observe(None, art.source);
                Ok(())
            }
            Err(f) if f.is_transient() && attempt < self.max_attempts => Err(JobError::transient(f)),
            Err(f) => {
                tracing::warn!(asset = %asset_id, reason = %f, "album art failed");
                let code =
                    if f.is_transient() { format!("retries_exhausted:{}", f.code()) } else { f.code().to_owned() };
                self.record(asset_id, wanted, |current| failed(current, &code)).await?;
                observe(Some(&code), wanted_source);
                // A refused upload is of no use to anyone: it goes now (a passing failure keeps it
                // for the retry).
                if let (Wanted::Upload { key, .. }, false) = (wanted, f.is_transient())
                    && let Some(key) = BlobKey::parse(key).filter(|k| k.belongs_to(asset_id))
                    && let Err(e) = self.blobs.delete(&key).await
                {
                    tracing::warn!(%key, error = %e, "a refused upload was left for the file sweep");
                }
                // Out of attempts: the message goes on to the dead-letter queue for a person.
                if f.is_transient() { Err(JobError::transient(f)) } else { Ok(()) }
            }
        }
    }

    async fn load(&self, id: &AssetId) -> Result<Option<Asset>, JobError> {
        self.store.get(&AssetKey::Id(id.clone())).await.map_err(JobError::transient)
    }

    /// The finished art, stored; nothing is recorded yet.
    async fn make(&self, asset: &Asset, wanted: &Wanted, requested_at: Timestamp) -> Result<AlbumArt, Failure> {
        let declared = asset.album_art.as_ref().and_then(AlbumArtField::art).map_or(ArtSource::default(), |a| a.source);
        let (bytes, source_url, source) = match wanted {
            Wanted::Url(url) => (self.images.fetch(url).await?, url.clone(), declared),
            Wanted::Upload { key, url } => {
                let key = BlobKey::parse(key).ok_or_else(|| Failure::permanent("bad_upload_key", key.clone()))?;
                let blob =
                    self.blobs.get(&key).await.map_err(|e| Failure::transient("storage_unavailable", e.to_string()))?;
                let blob = blob.ok_or_else(|| Failure::permanent("upload_missing", "the uploaded image is gone"))?;
                (blob.bytes, url.clone(), ArtSource::Manual)
            }
            Wanted::Lookup => {
                let lookup = self
                    .lookup
                    .as_ref()
                    .ok_or_else(|| Failure::permanent("lookup_disabled", "album-art lookup is off"))?;
                let query = song_query(asset)
                    .ok_or_else(|| Failure::permanent("no_song_name", "the song has no name to look up"))?;
                let found = lookup.find(&query).await?.ok_or_else(|| {
                    Failure::permanent("no_match", format!("no cover found for {:?} by {:?}", query.song, query.artist))
                })?;
                (self.images.fetch(&found.url).await?, found.url, found.source)
            }
        };
        let limits = self.limits;
        // The file, its decode and the squares, held against the shared budget while decoding.
        let cost = crate::image::decode_cost(&bytes)?.saturating_add(bytes.len() as u64 * 2);
        let mib = u32::try_from(cost.div_ceil(1 << 20)).unwrap_or(u32::MAX).clamp(1, self.decode_memory_mib);
        let _held = self
            .decode_memory
            .acquire_many(mib)
            .await
            .map_err(|e| Failure::transient("worker_failed", e.to_string()))?;
        let processed = tokio::task::spawn_blocking(move || process(bytes, limits))
            .await
            .map_err(|e| Failure::transient("worker_failed", e.to_string()))??;
        let folder = folder(asset, requested_at, &processed.original.bytes);
        let mut variants = Vec::with_capacity(3);
        for r in std::iter::once(&processed.original).chain(&processed.squares) {
            let ext = if r.name == "original" { processed.kind.extension() } else { "jpg" };
            let key = BlobKey::parse(&format!("{folder}/{}.{ext}", r.name))
                .ok_or_else(|| Failure::permanent("bad_key", folder.clone()))?;
            let meta = BlobMeta { content_type: r.content_type.to_owned(), cache_control: IMMUTABLE_CACHE.to_owned() };
            self.blobs
                .put(&key, r.bytes.clone(), &meta)
                .await
                .map_err(|e| Failure::transient("storage_unavailable", e.to_string()))?;
            variants.push(ArtVariant {
                name: r.name.clone(),
                url: self.blobs.public_url(&key),
                content_type: r.content_type.to_owned(),
                size: r.bytes.len() as u64,
                dimensions: Dimensions { width: r.width, height: r.height },
            });
        }
        Ok(ready(&processed, variants, source_url, source))
    }

    /// Writes the outcome if the asset still wants this art: read, check, write conditionally on
    /// the revision read, and again on fresh data if someone wrote in between.
    async fn record(&self, id: &AssetId, wanted: &Wanted, art: impl Fn(&Asset) -> AlbumArt) -> Result<(), JobError> {
        for _ in 0..8 {
            let Some(current) = self.load(id).await? else { return Ok(()) };
            if !still_wanted(&current, wanted) {
                return Ok(());
            }
            let mut next = current.clone();
            next.album_art = Some(AlbumArtField::Art(art(&current)));
            next.revision = current.revision + 1;
            next.updated_at = Timestamp::now().max(current.updated_at);
            let entry = HistoryFiles(Some(self.blobs.as_ref()))
                .entry(&Change::pipeline(), id, Some(&current), Some(&next), next.revision)
                .await
                .map_err(JobError::transient)?;
            match self.store.replace(&current, &next, &entry).await {
                Ok(()) => return Ok(()),
                Err(StoreError::Conflict) => continue,
                Err(e) => return Err(JobError::transient(e)),
            }
        }
        Err(JobError::transient("the asset kept changing; the job will be tried again"))
    }
}

#[async_trait]
impl JobRunner for Pipeline {
    async fn run(&self, job: &Job, attempt: u32) -> Result<(), JobError> {
        match job {
            Job::AlbumArt { asset_id, source_url, upload_key, requested_at, .. } => {
                let wanted = match (upload_key, source_url) {
                    (Some(key), Some(url)) => Wanted::Upload { key: key.clone(), url: url.clone() },
                    (None, Some(url)) => Wanted::Url(url.clone()),
                    (Some(key), None) => return Err(JobError::permanent(format!("upload {key} came without its URL"))),
                    (None, None) => Wanted::Lookup,
                };
                self.album_art(asset_id, &wanted, *requested_at, attempt).await
            }
            Job::DeleteFiles { asset_id, keys } => self.delete_files(asset_id, keys).await,
        }
    }
}

impl Pipeline {
    /// A deleted asset's files. Only keys under its id, and only while the asset is gone (a
    /// restore may have brought it back): anything else is left alone.
    async fn delete_files(&self, asset_id: &AssetId, keys: &[String]) -> Result<(), JobError> {
        if self.store.get(&AssetKey::Id(asset_id.clone())).await.map_err(JobError::transient)?.is_some() {
            tracing::warn!(asset = %asset_id, "files of an asset that exists again are kept");
            return Ok(());
        }
        for key in keys.iter().filter_map(|k| BlobKey::parse(k)).filter(|k| k.belongs_to(asset_id)) {
            self.blobs.delete(&key).await.map_err(JobError::transient)?;
        }
        Ok(())
    }
}

/// Whether the asset is still waiting for exactly this art.
fn still_wanted(asset: &Asset, wanted: &Wanted) -> bool {
    let Some(art) = asset.album_art.as_ref().and_then(AlbumArtField::art) else { return false };
    if art.status != Some(ArtStatus::Pending) {
        return false;
    }
    match wanted {
        Wanted::Url(url) | Wanted::Upload { url, .. } => art.source_url.as_deref() == Some(url.as_str()),
        Wanted::Lookup => art.source_url.is_none() && art.url.is_none(),
    }
}

fn song_query(asset: &Asset) -> Option<SongQuery> {
    let data = nna_domain::song_title::of_asset(asset)?;
    Some(SongQuery { song: data.song_name?, artist: data.artist_name, album: data.album_name })
}

/// `album-art/YYYY/MM/<asset-id>/<content hash>`: the same job makes the same keys, so a repeated
/// delivery overwrites identical files instead of adding new ones, and new art never reuses a URL
/// that caches hold forever.
fn folder(asset: &Asset, requested_at: Timestamp, original: &Bytes) -> String {
    let (year, month) = requested_at.year_month();
    let digest: String = Sha256::digest(original).iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("album-art/{year}/{month:02}/{}/{digest}", asset.id)
}

fn ready(p: &Processed, variants: Vec<ArtVariant>, source_url: String, source: ArtSource) -> AlbumArt {
    let o = &p.original;
    AlbumArt {
        url: variants.first().map(|v| v.url.clone()),
        source_url: Some(source_url),
        source,
        quality: quality(o.width, o.height),
        uploaded_at: Some(Timestamp::now()),
        content_type: Some(o.content_type.to_owned()),
        size: Some(o.bytes.len() as u64),
        dimensions: Some(Dimensions { width: o.width, height: o.height }),
        variants,
        status: Some(ArtStatus::Ready),
        failure: None,
        settled_at: Some(Timestamp::now()),
    }
}

fn failed(current: &Asset, code: &str) -> AlbumArt {
    let mut art =
        current.album_art.as_ref().and_then(AlbumArtField::art).cloned().unwrap_or_else(AlbumArt::pending_lookup);
    art.status = Some(ArtStatus::Failed);
    art.failure = Some(code.to_owned());
    art.settled_at = Some(Timestamp::now());
    art
}
