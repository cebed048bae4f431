//! Uploaded files in a folder, one file per key. Writes go to a temporary file that is synced and
//! renamed into place, so a reader or a crash never sees half a file.

use async_trait::async_trait;
use bytes::Bytes;
use nna_domain::ports::{Blob, BlobError, BlobKey, BlobMeta, BlobStore};
use nna_domain::upload::IMMUTABLE_CACHE;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct DiskBlobs {
    root: PathBuf,
    public_base_url: String,
}

impl DiskBlobs {
    /// Files under `root`, served to clients from `public_base_url` (`http://127.0.0.1:8080/files`).
    pub fn new(root: impl AsRef<Path>, public_base_url: &str) -> std::io::Result<Self> {
        std::fs::create_dir_all(root.as_ref())?;
        Ok(Self {
            root: root.as_ref().to_path_buf(),
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn file(&self, key: &BlobKey) -> PathBuf {
        // BlobKey admits no `..`, empty or absolute segments, so this stays under root.
        self.root.join(key.as_str())
    }
}

fn io(e: std::io::Error) -> BlobError {
    BlobError::Internal(e.to_string())
}

#[async_trait]
impl BlobStore for DiskBlobs {
    async fn put(&self, key: &BlobKey, bytes: Bytes, _meta: &BlobMeta) -> Result<(), BlobError> {
        let target = self.file(key);
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let dir = target.parent().ok_or_else(|| std::io::Error::other("a blob key names a folder"))?;
            std::fs::create_dir_all(dir)?;
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            tmp.write_all(&bytes)?;
            tmp.as_file().sync_all()?;
            tmp.persist(&target).map_err(|e| e.error)?;
            Ok(())
        })
        .await
        .map_err(|e| BlobError::Internal(e.to_string()))?
        .map_err(io)
    }

    async fn get(&self, key: &BlobKey) -> Result<Option<Blob>, BlobError> {
        let path = self.file(key);
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(Blob {
                bytes: Bytes::from(bytes),
                // Keys end in the extension the upload's own bytes were sniffed as.
                meta: BlobMeta {
                    content_type: mime_guess::from_path(&path).first_or_octet_stream().to_string(),
                    cache_control: IMMUTABLE_CACHE.to_owned(),
                },
            })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(e)),
        }
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        match tokio::fs::remove_file(self.file(key)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(e)),
        }
    }

    fn public_url(&self, key: &BlobKey) -> String {
        format!("{}/{}", self.public_base_url, key)
    }
}
