use crate::support::Aws;
use nna_domain::jobs::{JobQueue, JobSource};
use nna_domain::ports::{AssetIndex, AssetStore, BlobStore};
use nna_domain::{Registry, RegistryConfig};
use nna_embedded::{DiskBlobs, SqliteStore};
use std::sync::Arc;

/// One adapter set, and the registry over it.
pub struct Adapters {
    pub store: Arc<dyn AssetStore>,
    pub index: Arc<dyn AssetIndex>,
    pub blobs: Arc<dyn BlobStore>,
    pub queue: Arc<dyn JobQueue>,
    pub source: Arc<dyn JobSource>,
    pub registry: Registry,
    /// Another registry over the same store, configured differently.
    pub make_registry: Arc<dyn Fn(RegistryConfig) -> Registry + Send + Sync>,
    /// Keeps the embedded set's folder alive for the test.
    _dir: Option<tempfile::TempDir>,
}

fn assemble<S, Q>(store: Arc<S>, blobs: Arc<dyn BlobStore>, queue: Arc<Q>, dir: Option<tempfile::TempDir>) -> Adapters
where
    S: AssetStore + AssetIndex + 'static,
    Q: JobQueue + JobSource + 'static,
{
    let (s, b) = (store.clone(), blobs.clone());
    let make_registry = Arc::new(move |config| Registry::new(s.clone(), b.clone(), config));
    Adapters {
        registry: make_registry(RegistryConfig::default()),
        make_registry,
        store: store.clone(),
        index: store,
        blobs,
        queue: queue.clone(),
        source: queue,
        _dir: dir,
    }
}

pub async fn embedded() -> Adapters {
    let dir = tempfile::TempDir::new().unwrap();
    let sqlite = Arc::new(SqliteStore::open(dir.path().join("registry.sqlite3")).unwrap());
    let queue = Arc::new(sqlite.queue());
    let blobs = Arc::new(
        DiskBlobs::new(dir.path().join("files"), "http://127.0.0.1:1/files", "http://127.0.0.1:1/upload").unwrap(),
    );
    assemble(sqlite, blobs, queue, Some(dir))
}

pub async fn production() -> Adapters {
    let aws = Aws::fresh().await;
    assemble(Arc::new(aws.store), Arc::new(aws.blobs), Arc::new(aws.queue), None)
}
