//! Assets in one SQLite file (WAL, `synchronous=FULL`): a write is durable when it returns, and a
//! crash mid-write leaves the previous state. One writer connection serializes writes in-process,
//! so sequence allocation never waits on SQLite's lock; readers use their own connections and run
//! alongside it.

mod decoded;
mod index;
mod maintenance;
mod queue;
mod row;
mod schema;
mod term_counts;
mod users;
mod write;

pub use queue::{DeadJob, SqliteQueue};

use async_trait::async_trait;
use nna_domain::asset::Deletion;
use nna_domain::history::Entry;
use nna_domain::idempotency::IdempotencyRecord;
use nna_domain::ports::{AssetIndex, AssetStore, CreatePlan, Posting, StoreError, Walk, Walked};
use nna_domain::search::{Direction, IndexTerm, Scope};
use nna_domain::{Asset, AssetId, AssetKey, Timestamp};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    /// Creates waiting for the group writer (`write::group_writer`), which writes all that are
    /// waiting in one transaction. Bounded: past it, creates wait to be queued.
    creates: tokio::sync::mpsc::Sender<write::PendingCreate>,
    idle_readers: Mutex<Vec<Connection>>,
    decoded: decoded::Decoded,
    /// Wakes a worker waiting on the queue as soon as a job is sent.
    job_sent: tokio::sync::Notify,
    /// How old a history entry may get, in milliseconds; 0: kept for good.
    history_expiry_ms: std::sync::atomic::AtomicU64,
}

/// Readers kept open between requests; more may exist briefly under load.
/// Opening one costs a schema parse and fresh prepared statements, which showed as a seventh of
/// a search's time under load when only 8 were kept.
const IDLE_READERS: usize = 64;

/// Creates queued for the group writer before more wait to be queued.
const CREATE_QUEUE: usize = 1024;

impl SqliteStore {
    /// A create (or, `replacing`, a renumber) through the group writer.
    pub(super) async fn through_writer(&self, plan: CreatePlan, replacing: Option<Asset>) -> Result<Asset, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let stopped = || StoreError::internal("the create writer stopped");
        self.inner.creates.send((plan, replacing, reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let writer = open_writer(&path)?;
        let (creates, waiting) = tokio::sync::mpsc::channel(CREATE_QUEUE);
        let inner = Arc::new(Inner {
            path,
            writer: Mutex::new(writer),
            creates,
            idle_readers: Mutex::new(Vec::new()),
            decoded: decoded::Decoded::default(),
            job_sent: tokio::sync::Notify::new(),
            history_expiry_ms: std::sync::atomic::AtomicU64::new(0),
        });
        let weak = Arc::downgrade(&inner);
        std::thread::Builder::new()
            .name("nna-sqlite-creates".into())
            .spawn(move || write::group_writer(&weak, waiting))
            .map_err(|e| StoreError::internal(format!("cannot start the create writer: {e}")))?;
        Ok(Self { inner })
    }

    /// History entries older than `after` are no longer read, and go at their asset's next
    /// write (`NNA_HISTORY_EXPIRY_DAYS`); `None`: kept for good.
    pub fn expire_history_after(&self, after: Option<std::time::Duration>) {
        let ms = after.map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1));
        self.inner.history_expiry_ms.store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// The time before which history entries have expired, as they store it; `None` when they
    /// never do.
    fn history_cutoff(&self) -> Option<String> {
        let ms = self.inner.history_expiry_ms.load(std::sync::atomic::Ordering::Relaxed);
        let ms = i64::try_from(ms).ok().filter(|ms| *ms > 0)?;
        Timestamp::from_millis(Timestamp::now().millis().saturating_sub(ms)).map(|t| t.to_string())
    }

    /// The job queue kept in the same database file.
    pub fn queue(&self) -> SqliteQueue {
        SqliteQueue::new(self.clone())
    }

    /// A read of about `entries` index entries, on this thread when that is few (see
    /// [`INLINE_READ`]), else on the blocking pool.
    async fn read<T: Send + 'static>(
        &self,
        entries: usize,
        f: impl FnOnce(&Connection) -> Sqlite<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        if entries <= INLINE_READ { Ok(self.inner.read(f)?) } else { self.reading(f).await }
    }

    /// `f` on the writer connection, off the async threads.
    pub(crate) async fn writing<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Sqlite<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.blocking(move |inner| inner.write(f)).await
    }

    /// `f` on a reader connection, off the async threads.
    pub(crate) async fn reading<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Sqlite<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.blocking(move |inner| inner.read(f)).await
    }

    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> Sqlite<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let inner = self.inner.clone();
        let done = tokio::task::spawn_blocking(move || f(&inner)).await;
        Ok(done.map_err(|e| StoreError::internal(format!("store task failed: {e}")))??)
    }
}

fn open_writer(path: &Path) -> Sqlite<Connection> {
    let mut writer = Connection::open(path)?;
    configure(&writer)?;
    writer.pragma_update(None, "journal_mode", "WAL")?;
    schema::migrate(&mut writer)?;
    Ok(writer)
}

/// Reads that touch a handful of index entries or rows run on the calling thread: on a file the
/// page cache holds they take microseconds, less than the two thread switches of a hop to the
/// blocking pool. Walks, counts and large fetches still go to the pool.
const INLINE_READ: usize = 1_001;

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Each create of a group commit runs in a savepoint, whose page copies (the statement journal)
    // would otherwise go to a temporary file: a third of a create's time went to writing it.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // The bundled SQLite has STAT4, which recompiles a cached statement whenever a bound value
    // changes (in case the plan should change); with the planner's stability guarantee on, a
    // statement is prepared once per connection.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

impl Inner {
    pub(super) fn write<T>(&self, f: impl FnOnce(&mut Connection) -> Sqlite<T>) -> Sqlite<T> {
        let mut conn = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn)
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Sqlite<T>) -> Sqlite<T> {
        let pooled = self.idle_readers.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&c)?;
                c
            }
        };
        let out = f(&conn);
        let mut idle = self.idle_readers.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        out
    }
}

/// A failure of the embedded store: SQLite's or the store's own, so `?` takes both.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Fault {
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub(crate) type Sqlite<T> = Result<T, Fault>;

/// Busy and locked databases are worth retrying; any other SQL error is a fault.
impl From<Fault> for StoreError {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::Store(e) => e,
            Fault::Sql(e) => match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    StoreError::unavailable(e)
                }
                _ => StoreError::internal(e),
            },
        }
    }
}

#[async_trait]
impl AssetStore for SqliteStore {
    async fn create(&self, plan: CreatePlan) -> Result<Asset, StoreError> {
        self.through_writer(plan, None).await
    }

    async fn get(&self, key: &AssetKey) -> Result<Option<Asset>, StoreError> {
        let key = key.clone();
        let inner = self.inner.clone();
        self.read(1, move |conn| get(conn, &key, &inner.decoded)).await
    }

    async fn replace(&self, current: &Asset, next: &Asset, entry: &Entry) -> Result<(), StoreError> {
        let (current, next, entry, expired) = (current.clone(), next.clone(), entry.clone(), self.history_cutoff());
        self.writing(move |conn| write::replace(conn, &current, &next, &entry, expired.as_deref())).await
    }

    async fn delete(&self, current: &Asset, record: &Deletion, entry: &Entry) -> Result<(), StoreError> {
        let (current, record, entry, expired) = (current.clone(), record.clone(), entry.clone(), self.history_cutoff());
        self.writing(move |conn| write::delete(conn, &current, &record, &entry, expired.as_deref())).await
    }

    async fn undelete(&self, asset: &Asset, record: &str, entry: &Entry) -> Result<(), StoreError> {
        let (asset, record, entry, expired) = (asset.clone(), record.to_owned(), entry.clone(), self.history_cutoff());
        self.writing(move |conn| write::undelete(conn, &asset, &record, &entry, expired.as_deref())).await
    }

    async fn history(&self, id: &AssetId, before: Option<u64>, limit: usize) -> Result<Vec<Entry>, StoreError> {
        let id = id.clone();
        let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let expired = self.history_cutoff().unwrap_or_default();
        self.read(1, move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT doc FROM history WHERE asset_id = ?1 AND revision < ?2 AND json_extract(doc, '$.at') >= ?4
                 ORDER BY revision DESC LIMIT ?3",
            )?;
            let docs: Vec<String> = stmt
                .query_map(params![id.as_str(), before, limit, expired], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            docs.iter()
                .map(|d| Entry::from_json(d).map_err(|e| StoreError::corrupt(format!("history of {id}"), e).into()))
                .collect()
        })
        .await
    }

    async fn import(&self, asset: &Asset) -> Result<(), StoreError> {
        self.import_all(std::slice::from_ref(asset)).await
    }

    async fn import_all(&self, assets: &[Asset]) -> Result<(), StoreError> {
        let assets = assets.to_vec();
        self.writing(move |conn| write::import(conn, &assets)).await
    }

    async fn import_new(&self, assets: &[Asset]) -> Result<Vec<bool>, StoreError> {
        let assets = assets.to_vec();
        self.writing(move |conn| write::import_new(conn, &assets)).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.read(1, |conn| conn.query_row("SELECT 1", [], |_| Ok(())).map_err(Into::into)).await
    }

    async fn idempotency_record(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let key = key.to_owned();
        self.reading(move |conn| {
            let found: Option<(String, String, i64)> = conn
                .query_row("SELECT fingerprint, asset_id, expires_at FROM idempotency WHERE key = ?1", [&key], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            Ok(found.and_then(|(fingerprint, asset_id, expires)| {
                let expires_at = Timestamp::from_millis(expires)?;
                let asset_id = AssetId::parse(&asset_id)?;
                Some(IdempotencyRecord { key: key.clone(), fingerprint, asset_id, expires_at })
            }))
        })
        .await
    }

    async fn upload_claimed_by(&self, upload: &nna_domain::ports::BlobKey) -> Result<Option<AssetId>, StoreError> {
        let key = upload.as_str().to_owned();
        self.reading(move |conn| {
            let id: Option<String> =
                conn.query_row("SELECT asset_id FROM upload_claims WHERE key = ?1", [&key], |r| r.get(0)).optional()?;
            Ok(id.as_deref().and_then(AssetId::parse))
        })
        .await
    }
}

#[async_trait]
impl AssetIndex for SqliteStore {
    async fn postings_from(
        &self,
        term: &IndexTerm,
        direction: Direction,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Posting>, StoreError> {
        let (term, after) = (term.clone(), after.map(str::to_owned));
        self.read(limit, move |conn| index::postings_from(conn, &term, direction, after.as_deref(), limit)).await
    }

    async fn next_term(&self, prefix: &IndexTerm, after: Option<&IndexTerm>) -> Result<Option<IndexTerm>, StoreError> {
        let (prefix, after) = (prefix.clone(), after.cloned());
        self.read(1, move |conn| index::next_term(conn, &prefix, after.as_ref())).await
    }

    async fn count_postings(&self, term: &IndexTerm, limit: usize) -> Result<u64, StoreError> {
        let term = term.clone();
        // Counting walks index entries without reading rows: 10,000 take a fraction of a millisecond.
        self.read(1, move |conn| index::count_postings(conn, &term, limit)).await
    }

    async fn prefix_postings(&self, prefix: &IndexTerm, limit: usize) -> Result<Vec<Posting>, StoreError> {
        let prefix = prefix.clone();
        self.read(limit, move |conn| index::prefix_postings(conn, &prefix, limit)).await
    }

    async fn fetch(&self, ids: &[AssetId]) -> Result<Vec<Asset>, StoreError> {
        let ids = ids.to_vec();
        let inner = self.inner.clone();
        // A document row weighs about ten index entries.
        self.read(ids.len() * 10, move |conn| index::fetch(conn, &ids, &inner.decoded)).await
    }

    async fn walk(&self, walk: &Walk, limit: usize) -> Result<Walked, StoreError> {
        let walk = walk.clone();
        self.blocking(move |inner| inner.read(|conn| index::walk(conn, &walk, limit, &inner.decoded))).await
    }

    async fn count(&self, places: &[Scope]) -> Result<u64, StoreError> {
        let places = places.to_vec();
        self.reading(move |conn| index::count(conn, &places)).await
    }
}

fn get(conn: &Connection, key: &AssetKey, decoded: &decoded::Decoded) -> Sqlite<Option<Asset>> {
    // Legacy data may hold two items under one name; the first registered is the one it names.
    let (sql_text, value) = match key {
        AssetKey::Id(id) => ("SELECT id, doc FROM assets WHERE id = ?1", id.as_str()),
        AssetKey::Hfn(h) => ("SELECT id, doc FROM assets WHERE hfn = ?1 ORDER BY pos_created LIMIT 1", h.as_str()),
        AssetKey::Mfa(m) => ("SELECT id, doc FROM assets WHERE mfa = ?1 ORDER BY pos_created LIMIT 1", m.as_str()),
    };
    let found: Option<(String, String)> =
        conn.prepare_cached(sql_text)?.query_row([value], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    Ok(found.map(|(id, doc)| decoded.get(&id, &doc)).transpose()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: i32) -> Fault {
        Fault::Sql(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None))
    }

    #[test]
    fn busy_and_locked_are_worth_retrying_and_other_faults_are_not() {
        for code in [rusqlite::ffi::SQLITE_BUSY, rusqlite::ffi::SQLITE_LOCKED] {
            assert!(matches!(StoreError::from(sqlite(code)), StoreError::Unavailable(_)), "{code}");
        }
        assert!(matches!(StoreError::from(sqlite(rusqlite::ffi::SQLITE_CORRUPT)), StoreError::Internal(_)));
        assert!(matches!(StoreError::from(Fault::Store(StoreError::Conflict)), StoreError::Conflict));
    }
}
