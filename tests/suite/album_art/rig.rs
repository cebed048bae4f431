//! The embedded default's pieces, assembled as `nna-local` assembles them, with the queue worked
//! by hand so a test can say when each delivery happens.

use async_trait::async_trait;
use bytes::Bytes;
use nna_album_art::Pipeline;
use nna_domain::jobs::{Delivery, Job, JobError, JobRunner, JobSource};
use nna_domain::ports::{AssetStore, Blob, BlobError, BlobInfo, BlobKey, BlobMeta, BlobStore, PresignedPut};
use nna_domain::{Asset, AssetKey, Registry, RegistryConfig};
use nna_embedded::{DiskBlobs, SqliteQueue, SqliteStore};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tempfile::TempDir;

pub struct Rig {
    pub registry: Registry,
    pub store: Arc<SqliteStore>,
    pub queue: SqliteQueue,
    pub pipeline: Arc<Pipeline>,
    dir: TempDir,
}

impl Rig {
    /// `make` builds the pipeline over the rig's store and files (and may wrap the files).
    pub fn new(make: impl FnOnce(Arc<dyn AssetStore>, Arc<dyn BlobStore>) -> Pipeline) -> Self {
        Self::wrapped(|b| b, make)
    }

    pub fn wrapped(
        wrap: impl FnOnce(Arc<dyn BlobStore>) -> Arc<dyn BlobStore>,
        make: impl FnOnce(Arc<dyn AssetStore>, Arc<dyn BlobStore>) -> Pipeline,
    ) -> Self {
        let dir = TempDir::new().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("registry.sqlite3")).unwrap());
        let disk =
            DiskBlobs::new(dir.path().join("files"), "http://127.0.0.1:9/files", "http://127.0.0.1:9/upload").unwrap();
        let blobs = wrap(Arc::new(disk));
        let queue = store.queue();
        // Deleted files go at once (a window of 0): what the pipeline's cleanup jobs are for.
        let config = RegistryConfig { deleted_retention: std::time::Duration::ZERO, ..RegistryConfig::default() };
        let registry = Registry::new(store.clone(), blobs.clone(), config).with_jobs(Arc::new(queue.clone()), true);
        let pipeline = Arc::new(make(store.clone(), blobs.clone()));
        Self { registry, store, queue, pipeline, dir }
    }

    pub async fn song(&self, fields: Value) -> Asset {
        self.registry
            .create(crate::support::auth::admin(), nna_tests::request(fields.as_object().unwrap()))
            .await
            .unwrap()
            .asset
    }

    pub async fn asset(&self, asset: &Asset) -> Asset {
        self.store.get(&AssetKey::Id(asset.id.clone())).await.unwrap().unwrap()
    }

    /// The asset's album art as the API shows it.
    pub async fn art(&self, asset: &Asset) -> Value {
        serde_json::to_value(self.asset(asset).await).unwrap()["albumArt"].clone()
    }

    /// The next delivery (the queue must have one), hidden for `hidden` (zero: a failed job can
    /// be received again at once).
    pub async fn receive(&self, hidden: Duration) -> Delivery {
        let mut got = self.queue.receive(1, hidden).await.unwrap();
        assert_eq!(got.len(), 1, "a job was queued");
        got.remove(0)
    }

    pub async fn run(&self, delivery: &Delivery) -> Result<(), JobError> {
        let job = Job::from_message(&delivery.body).unwrap();
        self.pipeline.run(&job, delivery.receive_count).await
    }

    /// Works the queue as the worker does, each failed job again at once, until nothing is left
    /// (jobs received three times go to the dead-letter table).
    pub async fn settle(&self) {
        loop {
            let got = self.queue.receive(10, Duration::ZERO).await.unwrap();
            if got.is_empty() {
                return;
            }
            for d in got {
                match self.run(&d).await {
                    Ok(()) | Err(JobError::Permanent(_)) => self.queue.ack(&d.receipt).await.unwrap(),
                    Err(JobError::Transient(_)) => {}
                }
            }
        }
    }

    /// Stored album-art files (not counting people's own uploads), relative to the files folder.
    pub fn art_files(&self) -> Vec<PathBuf> {
        let root = self.dir.path().join("files");
        let mut out = Vec::new();
        walk(&root.join("album-art"), &mut out);
        let mut out: Vec<PathBuf> = out
            .into_iter()
            .map(|p| p.strip_prefix(&root).unwrap().to_path_buf())
            .filter(|p| !p.starts_with("album-art/uploads"))
            .collect();
        out.sort();
        out
    }

    pub fn read(&self, relative: &Path) -> Vec<u8> {
        std::fs::read(self.dir.path().join("files").join(relative)).unwrap()
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            walk(&path, out);
        } else if !path.extension().is_some_and(|x| x == "meta" || x == "tmp") {
            out.push(path);
        }
    }
}

/// Storage whose first `failures` writes under `album-art/`, and first `failed_deletes` deletes,
/// fail, as S3 sometimes does.
pub struct Flaky {
    pub inner: Arc<dyn BlobStore>,
    pub failures: AtomicU32,
    pub failed_deletes: AtomicU32,
}

#[async_trait]
impl BlobStore for Flaky {
    async fn put(&self, key: &BlobKey, bytes: Bytes, meta: &BlobMeta) -> Result<(), BlobError> {
        let art = key.as_str().starts_with("album-art/") && !key.as_str().starts_with("album-art/uploads/");
        if art && self.failures.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
            return Err(BlobError::unavailable("503 Slow Down"));
        }
        self.inner.put(key, bytes, meta).await
    }
    async fn get(&self, key: &BlobKey) -> Result<Option<Blob>, BlobError> {
        self.inner.get(key).await
    }
    async fn head(&self, key: &BlobKey) -> Result<Option<BlobInfo>, BlobError> {
        self.inner.head(key).await
    }
    async fn read_prefix(&self, key: &BlobKey, len: u64) -> Result<Option<Bytes>, BlobError> {
        self.inner.read_prefix(key, len).await
    }
    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        if self.failed_deletes.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
            return Err(BlobError::unavailable("503 Slow Down"));
        }
        self.inner.delete(key).await
    }
    async fn copy(&self, from: &BlobKey, to: &BlobKey, meta: &BlobMeta) -> Result<(), BlobError> {
        self.inner.copy(from, to, meta).await
    }
    async fn list(
        &self,
        prefix: &str,
        after: Option<&BlobKey>,
        limit: usize,
    ) -> Result<Vec<nna_domain::ports::StoredBlob>, BlobError> {
        self.inner.list(prefix, after, limit).await
    }
    async fn presign_put(
        &self,
        key: &BlobKey,
        content_type: &str,
        size: u64,
        expires_in: Duration,
    ) -> Result<PresignedPut, BlobError> {
        self.inner.presign_put(key, content_type, size, expires_in).await
    }
    fn public_url(&self, key: &BlobKey) -> String {
        self.inner.public_url(key)
    }
}
