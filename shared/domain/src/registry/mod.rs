//! The use cases: create, read, edit, delete, curate, list. Each takes parsed input, talks to the
//! ports, and answers with domain values or a `RegistryError`.

mod art;
mod create;
mod edit;
mod read;
mod upload;

pub use art::MAX_ART_UPLOAD_BYTES;
pub use create::BatchOutcome;
pub use upload::{UPLOAD_URL_LIFETIME, UploadSlot};

use crate::error::{FieldError, Invalid};
use crate::ports::{AssetIndex, AssetStore, BlobError, BlobStore, StoreError};
use crate::search::{CursorKey, SearchTuning};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{0}")]
    Invalid(Invalid),
    #[error("no asset {0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

impl From<Invalid> for RegistryError {
    fn from(e: Invalid) -> Self {
        Self::Invalid(e)
    }
}

impl From<FieldError> for RegistryError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e.into())
    }
}

impl From<StoreError> for RegistryError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict | StoreError::SequenceExhausted(_) => Self::Conflict(e.to_string()),
            StoreError::MissingComponent(_) => Self::Conflict(e.to_string()),
            StoreError::Unavailable(_) => Self::Unavailable(e.to_string()),
            StoreError::Corrupt { .. } | StoreError::Internal(_) => Self::Internal(e.to_string()),
        }
    }
}

impl From<BlobError> for RegistryError {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::Unavailable(_) => Self::Unavailable(e.to_string()),
            BlobError::Internal(_) => Self::Internal(e.to_string()),
        }
    }
}

/// What depends on the deployment rather than the domain.
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    pub max_upload_bytes: u64,
    /// Signs paging cursors; every instance of a deployment must share it.
    pub cursor_key: CursorKey,
    pub search: SearchTuning,
}

impl RegistryConfig {
    pub fn new(max_upload_bytes: u64, cursor_key: CursorKey) -> Self {
        Self { max_upload_bytes, cursor_key, search: SearchTuning::default() }
    }
}

impl Default for RegistryConfig {
    fn default() -> Self {
        // The old system's 32 MB.
        Self::new(32 * 1024 * 1024, CursorKey::random())
    }
}

#[derive(Clone)]
pub struct Registry {
    store: Arc<dyn AssetStore>,
    index: Arc<dyn AssetIndex>,
    blobs: Arc<dyn BlobStore>,
    config: RegistryConfig,
    jobs: Option<art::ArtJobs>,
}

impl Registry {
    /// A store keeps assets and their search index together.
    pub fn new<S: AssetStore + AssetIndex + 'static>(
        store: Arc<S>,
        blobs: Arc<dyn BlobStore>,
        config: RegistryConfig,
    ) -> Self {
        // Index the taxonomy now rather than during someone's request.
        let _ = crate::taxonomy::taxonomy();
        Self { index: store.clone(), store, blobs, config, jobs: None }
    }

    pub fn config(&self) -> &RegistryConfig {
        &self.config
    }

    pub fn blobs(&self) -> &Arc<dyn BlobStore> {
        &self.blobs
    }

    pub async fn health(&self) -> Result<(), RegistryError> {
        Ok(self.store.ping().await?)
    }
}
