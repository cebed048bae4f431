//! What the domain needs from the outside world, as small traits. Adapters implement them:
//! `nna-embedded` (SQLite + files on disk) and, for production, DynamoDB and S3.

use crate::address::{Address, AssetKey};
use crate::asset::{Asset, Deletion};
use crate::auth::{AttemptKey, Email, PasswordHash, Role, User};
pub use crate::blob::{Blob, BlobError, BlobInfo, BlobKey, BlobMeta, PresignedPut, StoredBlob};
use crate::error::{Cause, caused};
use crate::history::{Change, Entry};
use crate::id::AssetId;
use crate::idempotency::{IdempotencyClaim, IdempotencyRecord};
use crate::search::{Direction, IndexTerm, Order, Scope};
use crate::taxonomy::TaxonomyPath;
use crate::time::Timestamp;
use async_trait::async_trait;
use bytes::Bytes;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// A conditional write lost: the item changed since it was read.
    #[error("the asset changed since it was read")]
    Conflict,
    #[error("component {0} no longer exists")]
    MissingComponent(AssetId),
    #[error("subcategory {0} has used every sequence number")]
    SequenceExhausted(String),
    /// Worth retrying: throttling, timeouts, a busy database.
    #[error("the store is unavailable: {0}")]
    Unavailable(#[source] Cause),
    #[error("stored asset {id} cannot be read: {cause}")]
    Corrupt {
        id: String,
        #[source]
        cause: Cause,
    },
    #[error("store failure: {0}")]
    Internal(#[source] Cause),
    /// A create's `Idempotency-Key` is held, live, by an earlier create.
    #[error("the idempotency key is in use")]
    KeyTaken,
    /// A create's direct upload was taken by another create.
    #[error("upload {0} belongs to another asset")]
    UploadClaimed(String),
}

caused!(StoreError { unavailable => Unavailable, internal => Internal });

impl StoreError {
    pub fn corrupt(id: impl Into<String>, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Corrupt { id: id.into(), cause: crate::error::cause(e) }
    }
}

/// One deployment's adapters, made once by the store's own crate (`nna_aws::AwsStorage::connect`,
/// `nna_embedded::Embedded::open`) and handed to what runs on them: the registry
/// (`Registry::over`) and the operators' tools (`Ops::over`).
#[derive(Clone)]
pub struct Adapters {
    pub store: Arc<dyn AssetStore>,
    pub index: Arc<dyn AssetIndex>,
    pub users: Arc<dyn UserStore>,
    pub attempts: Arc<dyn Attempts>,
    pub maintenance: Arc<dyn Maintenance>,
    /// The stored files; `None` only for an operator's run that names no bucket.
    pub files: Option<Arc<dyn BlobStore>>,
    /// Where album-art jobs go; `None` when the deployment has no queue.
    pub jobs: Option<Arc<dyn crate::jobs::JobQueue>>,
}

impl Adapters {
    /// A store that keeps assets, their index, accounts and attempts together (as both adapters
    /// do), with no files or queue yet.
    pub fn of<S: AssetStore + AssetIndex + UserStore + Attempts + Maintenance + 'static>(store: Arc<S>) -> Self {
        Self {
            store: store.clone(),
            index: store.clone(),
            users: store.clone(),
            attempts: store.clone(),
            maintenance: store,
            files: None,
            jobs: None,
        }
    }
}

/// How to make the asset once the store has picked its sequence number. Owned, so adapters can
/// hand it to a blocking thread or retry it.
#[derive(Clone)]
pub struct CreatePlan {
    pub path: TaxonomyPath,
    /// Assets that must still exist when the new one is written (a composite's components).
    pub requires: Vec<AssetId>,
    pub build: Arc<dyn Fn(Address) -> Asset + Send + Sync>,
    /// Remembered in the same write as the asset: the store refuses (`KeyTaken`) while an earlier
    /// create holds the key.
    pub idempotency: Option<IdempotencyClaim>,
    /// The direct upload (`uploads/…`) this asset is made from, claimed in the same write: one
    /// upload makes one asset, and the store refuses (`UploadClaimed`) every other create naming it.
    pub upload: Option<BlobKey>,
    /// Who creates (or renumbers) it and through what: the store writes its history entry
    /// (`Change::created`, or for a renumber `Change::entry`) in the same write.
    pub change: Change,
}

#[async_trait]
pub trait AssetStore: Send + Sync {
    /// Writes a new asset under the next sequence number of `plan.path`, atomically: numbers
    /// start at 1, are never reused, and concurrent creates get distinct numbers with no gaps.
    /// A number some other item already holds (imported legacy data) is skipped, not shared.
    async fn create(&self, plan: CreatePlan) -> Result<Asset, StoreError>;

    async fn get(&self, key: &AssetKey) -> Result<Option<Asset>, StoreError>;

    /// Replaces `current` with `next` if the stored revision is still `current.revision`;
    /// `Conflict` if not. The index follows: terms `next` lost are removed, new ones added.
    /// `entry` (at `next.revision`) goes into the asset's history in the same write.
    async fn replace(&self, current: &Asset, next: &Asset, entry: &Entry) -> Result<(), StoreError>;

    /// Deletes `current` if its revision is unchanged, and its index entries, and keeps `record`
    /// and `entry` (the history's, at the revision after `current`'s) in the same write. Its
    /// sequence number stays used.
    async fn delete(&self, current: &Asset, record: &Deletion, entry: &Entry) -> Result<(), StoreError>;

    /// Writes a deleted asset back (`asset`, at the revision after its delete's) where no item
    /// has its id: its lookups, index and counts as a create makes them, the deletion record
    /// (`record`, its `Deletion::sort_key`) removed and `entry` added in the same write.
    /// `Conflict` if the asset exists again or the record is gone (another undelete won).
    async fn undelete(&self, asset: &Asset, record: &str, entry: &Entry) -> Result<(), StoreError>;

    /// An asset's history entries, newest first, with revisions below `before` (all when
    /// `None`), at most `limit`: one bounded read whatever the asset's number of revisions.
    /// Entries outlive their asset: a deleted asset's history stays.
    async fn history(&self, id: &AssetId, before: Option<u64>, limit: usize) -> Result<Vec<Entry>, StoreError>;

    /// Writes an item exactly as given (backups being restored, legacy data being imported),
    /// replacing any item with its id, and keeps lookups, uniqueness and sequence counters right:
    /// the counter moves past the item's number. Never used for requests.
    async fn import(&self, asset: &Asset) -> Result<(), StoreError>;

    /// Many imports; stores that can write them together override this.
    async fn import_all(&self, assets: &[Asset]) -> Result<(), StoreError> {
        for asset in assets {
            self.import(asset).await?;
        }
        Ok(())
    }

    /// Writes items that are not in the store yet, each whole (the item, its lookups, its place
    /// counts and its index) or not at all, and moves each subcategory's counter past their
    /// numbers; an item whose id is taken is left as it is. Which were written, in order. A name
    /// or number another item holds already stays with that item (the migration reports such
    /// legacy duplicates). The cutover's import: safe to interrupt and to run again.
    async fn import_new(&self, assets: &[Asset]) -> Result<Vec<bool>, StoreError>;

    /// Cheap proof of life for health checks.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The create an `Idempotency-Key` was used for, if it is remembered (expired ones may be).
    async fn idempotency_record(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;

    /// The asset a direct upload made, if a create claimed it (`CreatePlan::upload`).
    async fn upload_claimed_by(&self, upload: &BlobKey) -> Result<Option<AssetId>, StoreError>;
}

/// One page of a segmented read of every asset.
#[derive(Debug, Default)]
pub struct ScanPage {
    pub assets: Vec<Asset>,
    /// Items that are there but cannot be read as assets: reported, never touched.
    pub unreadable: Vec<Unreadable>,
    /// Where the next page starts; `None` when the segment is finished.
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub id: String,
    pub reason: String,
}

/// A subcategory's numbering: the last number it gave.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SequenceState {
    pub path: String,
    pub last: u32,
}

/// An operators' pass that keeps checkpoints, so a killed run resumes where it stopped. A
/// migration and its rollback clear each other's (from the first item either writes, the other's
/// checkpoints no longer describe the table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Run {
    Migrate,
    Rollback,
    Reindex,
    CopyFiles,
}

impl Run {
    pub const ALL: [Self; 4] = [Self::Migrate, Self::Rollback, Self::Reindex, Self::CopyFiles];

    /// The name its checkpoints are kept under, and its history entries give.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Migrate => "migrate-enhanced-metadata-v1",
            Self::Rollback => "rollback-enhanced-metadata-v1",
            Self::Reindex => "reindex",
            Self::CopyFiles => "copy-legacy-files",
        }
    }
}

/// How far an operator's run got in one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checkpoint {
    /// Everything up to and including this scan position is done.
    After(String),
    Done,
}

/// Accounts, kept beside the assets. Emails are unique.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// `Conflict` when an account with this email exists.
    async fn create_user(&self, user: &User) -> Result<(), StoreError>;
    async fn user(&self, email: &Email) -> Result<Option<User>, StoreError>;
    /// The account with its new role; `None` when there is no such account.
    async fn set_role(&self, email: &Email, role: Role) -> Result<Option<User>, StoreError>;
    /// Replaces the account's password hash with `to` if it is still `from` (a login that raced
    /// this one may have replaced it already); whether it did.
    async fn replace_password_hash(
        &self,
        email: &Email,
        from: &PasswordHash,
        to: &PasswordHash,
    ) -> Result<bool, StoreError>;
    /// Every account, in no particular order: operators' counts and the way-back export. (On
    /// DynamoDB a scan of the table: an operator's read, never a request's.)
    async fn all_users(&self) -> Result<Vec<User>, StoreError>;
}

/// Attempts counted per key in fixed windows: how login and register are rate-limited. Kept
/// where every instance of a deployment sees them (the table on AWS).
#[async_trait]
pub trait Attempts: Send + Sync {
    /// Counts one attempt under `key` in the window of `window_secs` (from the epoch) that holds
    /// `now`, and answers how many that window holds, this one included.
    async fn attempt(&self, key: &AttemptKey<'_>, window_secs: u64, now: Timestamp) -> Result<u64, StoreError>;
}

/// A place's count as the store kept it, and as a pass over every asset found it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CountFix {
    pub place: String,
    pub was: i64,
    pub now: u64,
}

/// What operators' tools need beyond requests: every asset, read in parallel segments; the
/// numbering; checkpoints that survive the tool being killed; putting a backup back; and
/// setting kept counts right.
#[async_trait]
pub trait Maintenance: Send + Sync {
    /// Makes the store's kept per-place counts (if it keeps any) these exact ones, and says
    /// which it changed. Places absent from `exact` hold nothing.
    async fn recount(&self, exact: &std::collections::BTreeMap<String, u64>) -> Result<Vec<CountFix>, StoreError>;

    /// Renumbers `current` (an operator's fix for a number two assets hold): `plan` builds it at
    /// the next number of `plan.path`, same id, written over `current` if its revision is
    /// unchanged (`Conflict` if not), its places' counts moved in the same write. Its old number
    /// stays used, as after a delete.
    async fn renumber(&self, current: &Asset, plan: CreatePlan) -> Result<Asset, StoreError>;

    /// Writes what the store derives from an asset (index entries, listing positions) in its
    /// current layout, as a write of the asset would; a no-op where opening the store does it (the
    /// embedded store's schema steps). Idempotent. A changed asset (its revision moved) is left:
    /// its own write did the same.
    async fn reindex(&self, _asset: &Asset) -> Result<(), StoreError> {
        Ok(())
    }

    /// Up to about `limit` assets of segment `segment` (of `segments`), after `after`. Segments
    /// are disjoint and together hold every asset; a position stays valid across runs.
    async fn scan(
        &self,
        segment: u32,
        segments: u32,
        after: Option<&str>,
        limit: usize,
    ) -> Result<ScanPage, StoreError>;

    async fn sequences(&self) -> Result<Vec<SequenceState>, StoreError>;

    async fn checkpoint(&self, run: Run, segment: u32) -> Result<Option<Checkpoint>, StoreError>;
    async fn save_checkpoint(&self, run: Run, segment: u32, at: &Checkpoint) -> Result<(), StoreError>;
    /// Forgets a run's checkpoints, so it starts over.
    async fn clear_checkpoints(&self, run: Run) -> Result<(), StoreError>;

    /// Takes the operators' run lock for `lock.holder` until `lock.expires_at`, or renews it
    /// when that holder has it already. `Some(current)`: someone else holds a live lock.
    async fn take_lock(&self, lock: &RunLock) -> Result<Option<RunLock>, StoreError>;
    /// Lets go of the lock if `holder` has it.
    async fn release_lock(&self, holder: &str) -> Result<(), StoreError>;

    /// Deletion records, oldest first, after `after` (a record's `sort_key`), at most `limit`.
    async fn deletions(&self, after: Option<&str>, limit: usize) -> Result<Vec<Deletion>, StoreError>;

    /// Makes the store hold exactly `assets` and `sequences` (lookups, index and counts rebuilt
    /// from them): whatever else is there is removed. Checkpoints are kept.
    async fn restore(&self, assets: &[Asset], sequences: &[SequenceState]) -> Result<(), StoreError>;
}

/// Who runs an operators' command that must not run twice at once, since when, and until when
/// the claim holds unless renewed (a killed run's lock lapses by itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunLock {
    pub holder: String,
    pub command: String,
    pub since: Timestamp,
    pub expires_at: Timestamp,
}

impl RunLock {
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.expires_at > now
    }
}

/// One entry of a term's posting list: an asset and its creation position (`Order::Created`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub position: String,
    pub id: AssetId,
}

/// A walk along one order within one place, starting strictly after `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub place: Scope,
    pub order: Order,
    pub direction: Direction,
    pub after: Option<String>,
}

/// A stretch of a walk. `more` is false only when the place has nothing after these (an asset
/// deleted between reading the order and the items may leave the stretch short of the limit).
#[derive(Debug, Clone, PartialEq)]
pub struct Walked {
    pub assets: Vec<Asset>,
    pub more: bool,
}

/// What search needs from a store: posting lists of index terms (kept with every write, exactly
/// `search::index_terms` of each asset), assets by id, ordered walks through a place, and counts.
/// The planner in `search::plan` decides what to read; every store answers the same way.
#[async_trait]
pub trait AssetIndex: Send + Sync {
    /// Postings of one term, newest first, at most `limit`.
    async fn postings(&self, term: &IndexTerm, limit: usize) -> Result<Vec<Posting>, StoreError> {
        self.postings_from(term, Direction::Descending, None, limit).await
    }
    /// Postings of one term in creation order (`direction`), strictly after the position `after`,
    /// at most `limit`: what lets a search stop once its page is full.
    async fn postings_from(
        &self,
        term: &IndexTerm,
        direction: Direction,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Posting>, StoreError>;
    /// The first term after `after` (or the first at all) that starts with `prefix`: the index's
    /// vocabulary, one term at a time, so a prefix's completions can be merged term by term.
    async fn next_term(&self, prefix: &IndexTerm, after: Option<&IndexTerm>) -> Result<Option<IndexTerm>, StoreError>;
    /// How many postings one term has, counting no further than `limit`.
    async fn count_postings(&self, term: &IndexTerm, limit: usize) -> Result<u64, StoreError> {
        Ok(self.postings(term, limit).await?.len() as u64)
    }
    /// Postings of every term that starts with `prefix` (two characters of value or more), at most
    /// `limit` in all, in any order.
    async fn prefix_postings(&self, prefix: &IndexTerm, limit: usize) -> Result<Vec<Posting>, StoreError>;
    /// Assets by id; ids with no asset (any more) are left out.
    async fn fetch(&self, ids: &[AssetId]) -> Result<Vec<Asset>, StoreError>;
    /// Up to `limit` assets of the walk's place in its order, strictly after `walk.after`.
    async fn walk(&self, walk: &Walk, limit: usize) -> Result<Walked, StoreError>;
    /// How many assets these places hold together.
    async fn count(&self, places: &[Scope]) -> Result<u64, StoreError>;
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    async fn put(&self, key: &BlobKey, bytes: Bytes, meta: &BlobMeta) -> Result<(), BlobError>;
    async fn get(&self, key: &BlobKey) -> Result<Option<Blob>, BlobError>;
    async fn head(&self, key: &BlobKey) -> Result<Option<BlobInfo>, BlobError>;
    /// The first `len` bytes (fewer if the file is shorter): enough to tell what a file is.
    async fn read_prefix(&self, key: &BlobKey, len: u64) -> Result<Option<Bytes>, BlobError>;
    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError>;
    /// Up to `limit` stored files whose keys begin with `prefix`, in key order, after `after`:
    /// how the file sweep reads them all.
    async fn list(&self, prefix: &str, after: Option<&BlobKey>, limit: usize) -> Result<Vec<StoredBlob>, BlobError>;
    /// Copies a stored file to another key, with new metadata.
    async fn copy(&self, from: &BlobKey, to: &BlobKey, meta: &BlobMeta) -> Result<(), BlobError>;
    /// A short-lived URL that accepts exactly one file of this type and size at this key.
    async fn presign_put(
        &self,
        key: &BlobKey,
        content_type: &str,
        size: u64,
        expires_in: Duration,
    ) -> Result<PresignedPut, BlobError>;
    /// The permanent public URL of a stored file.
    fn public_url(&self, key: &BlobKey) -> String;

    /// The key of a file this store serves at `url`; `None` for any other URL.
    fn key_of_url(&self, url: &str) -> Option<BlobKey> {
        let probe = BlobKey::parse("k")?;
        let base = self.public_url(&probe);
        let base = base.strip_suffix('k')?;
        let rest = url.trim().strip_prefix(base)?;
        BlobKey::parse(rest.split(['?', '#']).next()?)
    }
}

/// A file as another host served it, with what the host said of it.
#[derive(Debug, Clone)]
pub struct Download {
    pub bytes: Bytes,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    /// Checksums the host reported (Google Cloud Storage's `x-goog-hash`), base64 as sent.
    pub md5: Option<String>,
    pub crc32c: Option<String>,
}

/// Why a download failed: a stable code (`not_found`, `too_large`, `host_not_allowed`, …) and,
/// for `transient` ones, worth trying again later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct DownloadFailure {
    pub code: String,
    pub detail: String,
    pub transient: bool,
}

/// Files on another host: the old backend's bucket, which the cutover copies from. Every
/// implementation must refuse private addresses, cap sizes and time out.
#[async_trait]
pub trait RemoteFiles: Send + Sync {
    async fn download(&self, url: &str) -> Result<Download, DownloadFailure>;
}
