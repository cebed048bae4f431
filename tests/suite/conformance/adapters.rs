use crate::support::Aws;
use nna_domain::jobs::{JobQueue, JobSource};
use nna_domain::ports::{AssetStore, BlobStore};
use nna_domain::{Registry, RegistryConfig};
use nna_embedded::{DiskBlobs, SqliteStore};
use std::sync::Arc;

/// One adapter set, and the registry over it.
pub struct Adapters {
    pub store: Arc<dyn AssetStore>,
    pub blobs: Arc<dyn BlobStore>,
    pub queue: Arc<dyn JobQueue>,
    pub source: Arc<dyn JobSource>,
    pub registry: Registry,
    /// Keeps the embedded set's folder alive for the test.
    _dir: Option<tempfile::TempDir>,
}

fn registry(store: Arc<dyn AssetStore>, blobs: Arc<dyn BlobStore>) -> Registry {
    Registry::new(store, blobs, RegistryConfig::default())
}

pub async fn embedded() -> Adapters {
    let dir = tempfile::TempDir::new().unwrap();
    let sqlite = SqliteStore::open(dir.path().join("registry.sqlite3")).unwrap();
    let queue = Arc::new(sqlite.queue());
    let store: Arc<dyn AssetStore> = Arc::new(sqlite);
    let blobs: Arc<dyn BlobStore> = Arc::new(
        DiskBlobs::new(dir.path().join("files"), "http://127.0.0.1:1/files", "http://127.0.0.1:1/upload").unwrap(),
    );
    Adapters {
        registry: registry(store.clone(), blobs.clone()),
        store,
        blobs,
        queue: queue.clone(),
        source: queue,
        _dir: Some(dir),
    }
}

pub async fn production() -> Adapters {
    let aws = Aws::fresh().await;
    let store: Arc<dyn AssetStore> = Arc::new(aws.store);
    let blobs: Arc<dyn BlobStore> = Arc::new(aws.blobs);
    let queue = Arc::new(aws.queue);
    Adapters {
        registry: registry(store.clone(), blobs.clone()),
        store,
        blobs,
        queue: queue.clone(),
        source: queue,
        _dir: None,
    }
}
