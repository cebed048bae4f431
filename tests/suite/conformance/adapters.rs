use crate::support::Aws;
use nna_aws::SqsQueue;
use nna_domain::jobs::{JobQueue, JobSource};
use nna_domain::ports::{AssetIndex, AssetStore, Attempts, BlobStore, Maintenance, UserStore};
use nna_domain::{Registry, RegistryConfig};
use nna_embedded::{DiskBlobs, SqliteQueue, SqliteStore};
use std::sync::Arc;

/// One adapter set (its ports through `Deref`), and the registry over it.
pub struct Adapters {
    ports: nna_domain::ports::Adapters,
    pub blobs: Arc<dyn BlobStore>,
    pub queue: Arc<dyn JobQueue>,
    pub source: Arc<dyn JobSource>,
    /// What the queue gave up on.
    pub dead_letters: Arc<dyn DeadLetters>,
    pub registry: Registry,
    /// Another registry over the same store, configured differently.
    pub make_registry: Arc<dyn Fn(RegistryConfig) -> Registry + Send + Sync>,
    /// Keeps the embedded set's folder alive for the test.
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for Adapters {
    type Target = nna_domain::ports::Adapters;
    fn deref(&self) -> &Self::Target {
        &self.ports
    }
}

/// A queue's dead letters, however it keeps them.
#[async_trait::async_trait]
pub trait DeadLetters: Send + Sync {
    async fn bodies(&self) -> Vec<String>;
}

#[async_trait::async_trait]
impl DeadLetters for SqliteQueue {
    async fn bodies(&self) -> Vec<String> {
        self.dead_jobs().await.unwrap().into_iter().map(|d| d.body).collect()
    }
}

#[async_trait::async_trait]
impl DeadLetters for SqsQueue {
    async fn bodies(&self) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            let got = self.receive(10, std::time::Duration::from_secs(30)).await.unwrap();
            if got.is_empty() {
                return out;
            }
            out.extend(got.into_iter().map(|d| d.body));
        }
    }
}

fn assemble<S, Q>(
    store: Arc<S>,
    blobs: Arc<dyn BlobStore>,
    queue: Arc<Q>,
    dead_letters: Arc<dyn DeadLetters>,
    dir: Option<tempfile::TempDir>,
) -> Adapters
where
    S: AssetStore + AssetIndex + Maintenance + UserStore + Attempts + 'static,
    Q: JobQueue + JobSource + 'static,
{
    let (s, b) = (store.clone(), blobs.clone());
    let make_registry = Arc::new(move |config| Registry::new(s.clone(), b.clone(), config));
    Adapters {
        registry: make_registry(RegistryConfig::default()),
        make_registry,
        ports: nna_domain::ports::Adapters::of(store),
        blobs,
        queue: queue.clone(),
        source: queue,
        dead_letters,
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
    assemble(sqlite, blobs, queue.clone(), queue, Some(dir))
}

pub async fn production() -> Adapters {
    let aws = Aws::fresh().await;
    assemble(Arc::new(aws.store), Arc::new(aws.blobs), Arc::new(aws.queue), Arc::new(aws.dead_letters), None)
}
