//! The use cases: create, read, edit, delete, curate, list. Each takes parsed input, talks to the
//! ports, and answers with domain values or a `RegistryError`.

mod art;
mod create;
mod delete;
mod edit;
mod history;
mod read;
mod undelete;
mod upload;

pub use art::MAX_ART_UPLOAD_BYTES;
pub use create::{BatchOutcome, Created};
pub use delete::{BROKEN_COMPONENTS, Deleted};
pub use edit::Requester;
pub use history::HistoryPage;
pub use upload::{UPLOAD_URL_LIFETIME, UploadSlot};

use crate::address::AssetKey;
use crate::auth::Email;
use crate::error::{Cause, FieldError, Invalid};
use crate::history::RebuildError;
use crate::id::AssetId;
use crate::ports::{Adapters, AssetIndex, AssetStore, Attempts, BlobError, BlobStore, StoreError, UserStore};
use crate::search::{CursorKey, SearchTuning};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{0}")]
    Invalid(#[from] Invalid),
    #[error("no asset has the id, HFN or MFA {0:?}")]
    NotFound(AssetKey),
    /// Every retry of a conditional write lost to another writer.
    #[error("the asset kept changing while this request was applied; try again")]
    KeptChanging,
    /// Live composites list the asset a delete names.
    #[error("composites list this asset as a component: {}", .0.join(", "))]
    ComponentInUse(Vec<String>),
    /// Signed in, but not allowed to do this.
    #[error("{0}")]
    Forbidden(Denied),
    /// A revision the asset never had, or one its history cannot show.
    #[error("asset has no revision {asked}; its latest is {latest}")]
    NoRevision { asked: u64, latest: u64 },
    /// An undelete of an asset that exists.
    #[error("asset {0} is not deleted")]
    NotDeleted(AssetId),
    /// An undelete after the retention window (or with none).
    #[error("asset {id} was deleted at {deleted_at}; it could be brought back for {window_days} days")]
    UndeleteWindowPassed { id: AssetId, deleted_at: crate::Timestamp, window_days: u64 },
    /// A restore of a revision whose stored files are gone.
    #[error("revision {revision} named files that are no longer stored ({}); upload them again, then edit", .keys.join(", "))]
    FilesGone { revision: u64, keys: Vec<String> },
    /// An `If-Match` named a version that is no longer the asset's.
    #[error(
        "the asset is at version {current}, not the one this request expected; read it again and reapply the change"
    )]
    Stale { current: u64 },
    #[error("an account with this email exists")]
    EmailTaken,
    #[error("wrong email or password")]
    BadCredentials,
    #[error("no account has the email {0:?}")]
    UserNotFound(Email),
    /// An `Idempotency-Key` reused for a different request.
    #[error("this Idempotency-Key was used for a different request")]
    KeyReused,
    /// Another request with the same `Idempotency-Key` is being answered right now.
    #[error("another request with this Idempotency-Key is in progress; retry")]
    KeyInUse,
    /// The `uploadKey` a create names made another asset (one upload makes one asset).
    #[error("upload {0} was already used to make another asset; upload the file again for a new one")]
    UploadClaimed(String),
    /// Too many logins or registrations from one client, or logins to one account.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    /// A request for album art where no queue takes its jobs.
    #[error("album-art processing is not configured here")]
    ArtNotConfigured,
    /// The store failed, or refused a write for a reason of its own (a lost race, a full
    /// sequence, a component deleted meanwhile).
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Files(#[from] BlobError),
    /// The history cannot give back the revision it was asked for.
    #[error(transparent)]
    Rebuild(#[from] RebuildError),
    /// A fault of ours the caller cannot fix (hashing a password, signing a token).
    #[error("{0}")]
    Internal(#[source] Cause),
}

/// What a signed-in caller may not do, and so is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// Curating, deleting with `force`, …: the word is the action refused.
    #[error("only admins may {0} assets")]
    AdminsOnly(&'static str),
    #[error("only admins may make admins")]
    MakeAdmin,
    #[error("only admins may bring deleted assets back")]
    Undelete,
    #[error("only the asset's registrant or an admin may change it")]
    NotYours,
    #[error("only the asset's registrant or an admin may read its history")]
    NotYourHistory,
}

impl From<FieldError> for RegistryError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e.into())
    }
}

impl From<StoreError> for RegistryError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::KeyTaken => Self::KeyInUse,
            StoreError::UploadClaimed(key) => Self::UploadClaimed(key),
            other => Self::Store(other),
        }
    }
}

impl From<crate::search::SearchError> for RegistryError {
    fn from(e: crate::search::SearchError) -> Self {
        match e {
            crate::search::SearchError::Invalid(f) => f.into(),
            crate::search::SearchError::Store(s) => s.into(),
        }
    }
}

impl From<crate::files::SweepError> for RegistryError {
    fn from(e: crate::files::SweepError) -> Self {
        match e {
            crate::files::SweepError::Blob(b) => b.into(),
            crate::files::SweepError::Store(s) => s.into(),
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
    /// How long a create's `Idempotency-Key` is remembered.
    pub idempotency_lifetime: std::time::Duration,
    /// Login and register rate limits.
    pub auth_rates: crate::auth::AuthRates,
    /// How long a deleted asset can be brought back, its files kept (unserved) until then; zero:
    /// they go at once.
    pub deleted_retention: std::time::Duration,
}

impl RegistryConfig {
    pub fn new(max_upload_bytes: u64, cursor_key: CursorKey) -> Self {
        Self {
            max_upload_bytes,
            cursor_key,
            search: SearchTuning::default(),
            idempotency_lifetime: crate::idempotency::KEY_LIFETIME,
            auth_rates: crate::auth::AuthRates::default(),
            deleted_retention: crate::limits::days(crate::limits::DELETED_RETENTION_DAYS_DEFAULT),
        }
    }
}

impl Default for RegistryConfig {
    fn default() -> Self {
        // The old system's 32 MB.
        Self::new(crate::limits::UPLOAD_BYTES_DEFAULT, CursorKey::random())
    }
}

#[derive(Clone)]
pub struct Registry {
    store: Arc<dyn AssetStore>,
    index: Arc<dyn AssetIndex>,
    users: Arc<dyn UserStore>,
    attempts: Arc<dyn Attempts>,
    blobs: Arc<dyn BlobStore>,
    config: RegistryConfig,
    jobs: Option<art::ArtJobs>,
}

impl Registry {
    /// A store keeps assets, their search index and the accounts together.
    pub fn new<S: AssetStore + AssetIndex + UserStore + Attempts + 'static>(
        store: Arc<S>,
        blobs: Arc<dyn BlobStore>,
        config: RegistryConfig,
    ) -> Self {
        // Index the taxonomy now rather than during someone's request.
        let _ = crate::taxonomy::taxonomy();
        Self { index: store.clone(), users: store.clone(), attempts: store.clone(), store, blobs, config, jobs: None }
    }

    /// The registry over a deployment's adapters (`files` is theirs: the API cannot run without
    /// one); their queue, if any, is handed over with `with_jobs`.
    pub fn over(adapters: &Adapters, files: Arc<dyn BlobStore>, config: RegistryConfig) -> Self {
        let _ = crate::taxonomy::taxonomy();
        Self {
            store: adapters.store.clone(),
            index: adapters.index.clone(),
            users: adapters.users.clone(),
            attempts: adapters.attempts.clone(),
            blobs: files,
            config,
            jobs: None,
        }
    }

    pub fn config(&self) -> &RegistryConfig {
        &self.config
    }

    pub(crate) fn users(&self) -> &Arc<dyn UserStore> {
        &self.users
    }

    pub(crate) fn attempts(&self) -> &dyn Attempts {
        self.attempts.as_ref()
    }

    pub fn blobs(&self) -> &Arc<dyn BlobStore> {
        &self.blobs
    }

    /// Where history entries too large for the store keep their values.
    pub(crate) fn history_files(&self) -> crate::history::HistoryFiles<'_> {
        crate::history::HistoryFiles(Some(self.blobs.as_ref()))
    }

    /// Removes stored files no asset owns that are older than `grace` (`files::sweep`).
    pub async fn sweep_files(
        &self,
        grace: std::time::Duration,
        dry_run: bool,
    ) -> Result<crate::files::FileSweep, RegistryError> {
        let now = crate::time::Timestamp::now();
        let at = crate::files::SweepTarget {
            index: self.index.as_ref(),
            store: self.store.as_ref(),
            blobs: self.blobs.as_ref(),
            retention: self.config.deleted_retention,
        };
        Ok(crate::files::sweep(at, now, grace, dry_run).await?)
    }

    pub async fn health(&self) -> Result<(), RegistryError> {
        Ok(self.store.ping().await?)
    }
}
