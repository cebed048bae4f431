//! Assets in one SQLite file (WAL, `synchronous=FULL`): a write is durable when it returns, and a
//! crash mid-write leaves the previous state. One writer connection serializes writes in-process,
//! so sequence allocation never waits on SQLite's lock; readers use their own connections and run
//! alongside it.

mod list;
mod queue;
mod row;
mod schema;

pub use queue::SqliteQueue;

use async_trait::async_trait;
use nna_domain::address::Address;
use nna_domain::input::ListQuery;
use nna_domain::ports::{AssetPage, AssetStore, CreatePlan, StoreError};
use nna_domain::{Asset, AssetId, AssetKey, Sequence};
use row::{COLUMNS, PLACEHOLDERS, Row, decode, revision};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    idle_readers: Mutex<Vec<Connection>>,
}

/// Readers kept open between requests; more may exist briefly under load.
const IDLE_READERS: usize = 8;

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut writer = Connection::open(&path).map_err(sql)?;
        configure(&writer).map_err(sql)?;
        writer.pragma_update(None, "journal_mode", "WAL").map_err(sql)?;
        schema::migrate(&mut writer).map_err(sql)?;
        Ok(Self { inner: Arc::new(Inner { path, writer: Mutex::new(writer), idle_readers: Mutex::new(Vec::new()) }) })
    }

    /// The job queue kept in the same database file.
    pub fn queue(&self) -> SqliteQueue {
        SqliteQueue::new(self.clone())
    }

    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| StoreError::Internal(format!("store task failed: {e}")))?
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

impl Inner {
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn)
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let pooled = self.idle_readers.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(sql)?;
                configure(&c).map_err(sql)?;
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

/// Busy and locked databases are worth retrying; anything else is a fault.
pub(crate) fn sql(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Unavailable(e.to_string())
        }
        _ => StoreError::Internal(e.to_string()),
    }
}

#[async_trait]
impl AssetStore for SqliteStore {
    async fn create(&self, plan: CreatePlan) -> Result<Asset, StoreError> {
        self.blocking(move |inner| inner.write(|conn| create(conn, &plan))).await
    }

    async fn get(&self, key: &AssetKey) -> Result<Option<Asset>, StoreError> {
        let key = key.clone();
        self.blocking(move |inner| inner.read(|conn| get(conn, &key))).await
    }

    async fn replace(&self, asset: &Asset, expected_revision: u64) -> Result<(), StoreError> {
        let asset = asset.clone();
        self.blocking(move |inner| inner.write(|conn| replace(conn, &asset, expected_revision))).await
    }

    async fn delete(&self, id: &AssetId, expected_revision: u64) -> Result<(), StoreError> {
        let id = id.clone();
        self.blocking(move |inner| {
            inner.write(|conn| {
                let n = conn
                    .execute(
                        "DELETE FROM assets WHERE id = ?1 AND revision = ?2",
                        params![id.as_str(), revision(expected_revision)?],
                    )
                    .map_err(sql)?;
                if n == 1 { Ok(()) } else { Err(StoreError::Conflict) }
            })
        })
        .await
    }

    async fn list(&self, query: &ListQuery) -> Result<AssetPage, StoreError> {
        let query = query.clone();
        self.blocking(move |inner| inner.read(|conn| list::run(conn, &query))).await
    }

    async fn import(&self, asset: &Asset) -> Result<(), StoreError> {
        let asset = asset.clone();
        self.blocking(move |inner| inner.write(|conn| import(conn, &asset))).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.blocking(|inner| inner.read(|conn| conn.query_row("SELECT 1", [], |_| Ok(())).map_err(sql))).await
    }
}

fn create(conn: &mut Connection, plan: &CreatePlan) -> Result<Asset, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
    for id in &plan.requires {
        let exists =
            tx.query_row("SELECT 1 FROM assets WHERE id = ?1", [id.as_str()], |_| Ok(())).optional().map_err(sql)?;
        if exists.is_none() {
            return Err(StoreError::MissingComponent(id.clone()));
        }
    }
    let counter = plan.path.code_path();
    let last: u32 = tx
        .query_row("SELECT last FROM sequences WHERE path = ?1", [&counter], |r| r.get(0))
        .optional()
        .map_err(sql)?
        .unwrap_or(0);
    let exhausted = || StoreError::SequenceExhausted(counter.clone());
    let mut sequence = Sequence::new(last + 1).ok_or_else(exhausted)?;
    // Imported items may already hold numbers the counter has not seen: skip past them.
    let asset = loop {
        let asset = (plan.build)(Address { path: plan.path, sequence });
        let row = Row::of(&asset)?;
        let taken = tx
            .query_row("SELECT 1 FROM assets WHERE hfn = ?1 OR mfa = ?2 LIMIT 1", params![row.hfn, row.mfa], |_| Ok(()))
            .optional()
            .map_err(sql)?;
        if taken.is_none() {
            insert(&tx, &row)?;
            break asset;
        }
        sequence = sequence.next().ok_or_else(exhausted)?;
    };
    tx.execute(
        "INSERT INTO sequences (path, last) VALUES (?1, ?2) ON CONFLICT (path) DO UPDATE SET last = excluded.last",
        params![counter, sequence.get()],
    )
    .map_err(sql)?;
    tx.commit().map_err(sql)?;
    Ok(asset)
}

fn insert(conn: &Connection, row: &Row) -> Result<(), StoreError> {
    conn.execute(&format!("INSERT INTO assets ({COLUMNS}) VALUES ({PLACEHOLDERS})"), row.values().as_slice())
        .map_err(sql)?;
    Ok(())
}

fn replace(conn: &mut Connection, asset: &Asset, expected: u64) -> Result<(), StoreError> {
    let row = Row::of(asset)?;
    let expected = revision(expected)?;
    let values = row.values().into_iter().chain([&expected as &dyn rusqlite::ToSql]);
    let n = conn
        .execute(
            &format!("UPDATE assets SET ({COLUMNS}) = ({PLACEHOLDERS}) WHERE id = ?1 AND revision = ?14"),
            rusqlite::params_from_iter(values),
        )
        .map_err(sql)?;
    if n == 1 { Ok(()) } else { Err(StoreError::Conflict) }
}

fn get(conn: &Connection, key: &AssetKey) -> Result<Option<Asset>, StoreError> {
    // Legacy data may hold two items under one name; the first registered is the one it names.
    let (sql_text, value) = match key {
        AssetKey::Id(id) => ("SELECT id, doc FROM assets WHERE id = ?1", id.as_str()),
        AssetKey::Hfn(h) => ("SELECT id, doc FROM assets WHERE hfn = ?1 ORDER BY created_at, id LIMIT 1", h.as_str()),
        AssetKey::Mfa(m) => ("SELECT id, doc FROM assets WHERE mfa = ?1 ORDER BY created_at, id LIMIT 1", m.as_str()),
    };
    let found: Option<(String, String)> =
        conn.query_row(sql_text, [value], |r| Ok((r.get(0)?, r.get(1)?))).optional().map_err(sql)?;
    found.map(|(id, doc)| decode(&id, &doc)).transpose()
}

fn import(conn: &mut Connection, asset: &Asset) -> Result<(), StoreError> {
    let row = Row::of(asset)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
    tx.execute("DELETE FROM assets WHERE id = ?1", [asset.id.as_str()]).map_err(sql)?;
    insert(&tx, &row)?;
    if let Some(address) = row.mfa.as_deref().and_then(Address::parse) {
        tx.execute(
            "INSERT INTO sequences (path, last) VALUES (?1, ?2)
             ON CONFLICT (path) DO UPDATE SET last = max(last, excluded.last)",
            params![address.path.code_path(), address.sequence.get()],
        )
        .map_err(sql)?;
    }
    tx.commit().map_err(sql)
}
