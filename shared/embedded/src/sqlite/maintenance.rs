//! Operators' access: every asset in segments (by the last character of the id, so a segment
//! stays the same set across runs), the numbering, checkpoints, and restoring a backup in one
//! transaction.

use super::write::import_in;
use super::{SqliteStore, row::decode};
use async_trait::async_trait;
use nna_domain::Asset;
use nna_domain::asset::Deletion;
use nna_domain::ports::{
    Checkpoint, CountFix, Maintenance, Run, RunLock, ScanPage, SequenceState, StoreError, Unreadable,
};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use std::collections::BTreeMap;

#[async_trait]
impl Maintenance for SqliteStore {
    async fn renumber(&self, current: &Asset, plan: nna_domain::ports::CreatePlan) -> Result<Asset, StoreError> {
        self.through_writer(plan, Some(current.clone())).await
    }

    /// Nothing to put right: counts here are queries over the assets themselves.
    async fn recount(&self, _exact: &BTreeMap<String, u64>) -> Result<Vec<CountFix>, StoreError> {
        Ok(Vec::new())
    }

    async fn scan(
        &self,
        segment: u32,
        segments: u32,
        after: Option<&str>,
        limit: usize,
    ) -> Result<ScanPage, StoreError> {
        let after = after.unwrap_or("").to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.reading(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, doc FROM assets WHERE unicode(substr(id, -1)) % ?1 = ?2 AND id > ?3 ORDER BY id LIMIT ?4",
            )?;
            let rows: Vec<(String, String)> = stmt
                .query_map(params![segments.max(1), segment, after, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let mut page = ScanPage::default();
            if i64::try_from(rows.len()).unwrap_or(i64::MAX) >= limit {
                page.next = rows.last().map(|(id, _)| id.clone());
            }
            for (id, doc) in rows {
                match decode(&id, &doc) {
                    Ok(asset) => page.assets.push(asset),
                    Err(e) => page.unreadable.push(Unreadable { id, reason: e.to_string() }),
                }
            }
            Ok(page)
        })
        .await
    }

    async fn sequences(&self) -> Result<Vec<SequenceState>, StoreError> {
        self.reading(move |conn| {
            let mut stmt = conn.prepare("SELECT path, last FROM sequences ORDER BY path")?;
            let rows = stmt.query_map([], |r| Ok(SequenceState { path: r.get(0)?, last: r.get(1)? }))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn take_lock(&self, lock: &RunLock) -> Result<Option<RunLock>, StoreError> {
        let lock = lock.clone();
        self.writing(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let held: Option<String> =
                tx.query_row("SELECT doc FROM ops_lock WHERE name = 'ops'", [], |r| r.get(0)).optional()?;
            let held: Option<RunLock> = held.and_then(|d| serde_json::from_str(&d).ok());
            if let Some(other) = held.filter(|h| h.holder != lock.holder && h.is_live(nna_domain::Timestamp::now())) {
                return Ok(Some(other));
            }
            let doc = serde_json::to_string(&lock).map_err(StoreError::internal)?;
            tx.execute("INSERT OR REPLACE INTO ops_lock (name, doc) VALUES ('ops', ?1)", [doc])?;
            tx.commit()?;
            Ok(None)
        })
        .await
    }

    async fn release_lock(&self, holder: &str) -> Result<(), StoreError> {
        let holder = holder.to_owned();
        self.writing(move |conn| {
            conn.execute("DELETE FROM ops_lock WHERE name = 'ops' AND json_extract(doc, '$.holder') = ?1", [holder])?;
            Ok(())
        })
        .await
    }

    async fn deletions(&self, after: Option<&str>, limit: usize) -> Result<Vec<Deletion>, StoreError> {
        let after = after.unwrap_or("").to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.reading(move |conn| {
            let mut stmt = conn.prepare("SELECT doc FROM deletions WHERE key > ?1 ORDER BY key LIMIT ?2")?;
            let docs: Vec<String> = stmt.query_map(params![after, limit], |r| r.get(0))?.collect::<Result<_, _>>()?;
            let bad = |e: serde_json::Error| StoreError::internal(format!("a deletion record: {e}"));
            Ok(docs.iter().map(|d| serde_json::from_str(d).map_err(bad)).collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn checkpoint(&self, run: Run, segment: u32) -> Result<Option<Checkpoint>, StoreError> {
        let run = run.name();
        self.reading(move |conn| {
            let found: Option<Option<String>> = conn
                .query_row(
                    "SELECT cursor FROM ops_checkpoints WHERE run = ?1 AND segment = ?2",
                    params![run, segment],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(found.map(|cursor| cursor.map_or(Checkpoint::Done, Checkpoint::After)))
        })
        .await
    }

    async fn save_checkpoint(&self, run: Run, segment: u32, at: &Checkpoint) -> Result<(), StoreError> {
        let run = run.name();
        let cursor = match at {
            Checkpoint::After(c) => Some(c.clone()),
            Checkpoint::Done => None,
        };
        self.writing(move |conn| {
            conn.execute(
                "INSERT INTO ops_checkpoints (run, segment, cursor) VALUES (?1, ?2, ?3)
                     ON CONFLICT (run, segment) DO UPDATE SET cursor = excluded.cursor",
                params![run, segment, cursor],
            )?;
            Ok(())
        })
        .await
    }

    async fn clear_checkpoints(&self, run: Run) -> Result<(), StoreError> {
        let run = run.name();
        self.writing(move |conn| {
            conn.execute("DELETE FROM ops_checkpoints WHERE run = ?1", [run])?;
            Ok(())
        })
        .await
    }

    async fn restore(&self, assets: &[Asset], sequences: &[SequenceState]) -> Result<(), StoreError> {
        let (assets, sequences) = (assets.to_vec(), sequences.to_vec());
        self.writing(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(
                "DELETE FROM postings; DELETE FROM term_counts; DELETE FROM assets; DELETE FROM sequences;
                 DELETE FROM history;",
            )?;
            import_in(&tx, &assets)?;
            for s in &sequences {
                tx.execute(
                    "INSERT INTO sequences (path, last) VALUES (?1, ?2)
                         ON CONFLICT (path) DO UPDATE SET last = excluded.last",
                    params![s.path, s.last],
                )?;
            }
            Ok(tx.commit()?)
        })
        .await
    }
}
