//! Where backups are kept: a folder on the operator's machine, or object storage (S3 in
//! production, through the same blob port the album art uses).

use crate::OpsError;
use async_trait::async_trait;
use bytes::Bytes;
use nna_domain::ports::{BlobKey, BlobMeta, BlobStore};
use std::path::PathBuf;
use std::sync::Arc;

#[async_trait]
pub trait Archive: Send + Sync {
    async fn put(&self, name: &str, bytes: Bytes) -> Result<(), OpsError>;
    async fn get(&self, name: &str) -> Result<Bytes, OpsError>;
    /// Where `name` is, for reports and messages.
    fn locate(&self, name: &str) -> String;
}

/// A folder; files are written whole (temporary name, fsync, rename), so a backup file is never
/// seen half-written.
pub struct DirArchive(PathBuf);

impl DirArchive {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self(dir.into())
    }
}

fn io(what: String) -> impl FnOnce(std::io::Error) -> OpsError {
    move |e| OpsError::Archive(format!("{what}: {e}"))
}

#[async_trait]
impl Archive for DirArchive {
    async fn put(&self, name: &str, bytes: Bytes) -> Result<(), OpsError> {
        let (dir, path) = (self.0.clone(), self.0.join(name));
        let temp = self.0.join(format!(".{name}.partial"));
        let what = path.display().to_string();
        tokio::task::spawn_blocking(move || {
            use std::io::Write;
            std::fs::create_dir_all(&dir)?;
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&temp, &path)?;
            std::fs::File::open(&dir)?.sync_all()
        })
        .await
        .map_err(|e| OpsError::Archive(e.to_string()))?
        .map_err(io(what))
    }

    async fn get(&self, name: &str) -> Result<Bytes, OpsError> {
        let path = self.0.join(name);
        tokio::fs::read(&path).await.map(Bytes::from).map_err(io(path.display().to_string()))
    }

    fn locate(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

/// Files under a prefix of object storage.
pub struct BlobArchive {
    blobs: Arc<dyn BlobStore>,
    prefix: String,
    describe: String,
}

impl BlobArchive {
    /// `prefix`: a folder inside the store (`backups/2026-11-25`); `describe` names the store in
    /// messages (`s3://bucket`).
    pub fn new(blobs: Arc<dyn BlobStore>, prefix: &str, describe: &str) -> Self {
        Self { blobs, prefix: prefix.trim_matches('/').to_owned(), describe: describe.trim_end_matches('/').to_owned() }
    }

    fn key(&self, name: &str) -> Result<BlobKey, OpsError> {
        let path = if self.prefix.is_empty() { name.to_owned() } else { format!("{}/{name}", self.prefix) };
        BlobKey::parse(&path).ok_or_else(|| OpsError::Archive(format!("{path:?} is not a valid object key")))
    }
}

#[async_trait]
impl Archive for BlobArchive {
    async fn put(&self, name: &str, bytes: Bytes) -> Result<(), OpsError> {
        let content_type = if name.ends_with(".gz") { "application/gzip" } else { "application/json" };
        let meta = BlobMeta { content_type: content_type.into(), cache_control: "no-store".into() };
        Ok(self.blobs.put(&self.key(name)?, bytes, &meta).await?)
    }

    async fn get(&self, name: &str) -> Result<Bytes, OpsError> {
        match self.blobs.get(&self.key(name)?).await? {
            Some(blob) => Ok(blob.bytes),
            None => Err(OpsError::Archive(format!("{} does not exist", self.locate(name)))),
        }
    }

    fn locate(&self, name: &str) -> String {
        format!("{}/{}", self.describe, self.key(name).map(|k| k.to_string()).unwrap_or_else(|_| name.to_owned()))
    }
}
