//! The embedded default's job queue: a table in the registry's own SQLite file, so a job sent is
//! durable as soon as `send` returns and survives restarts. Receiving hides a job for a visibility
//! timeout, as SQS does; a job not acknowledged in time is delivered again.

use super::{Sqlite, SqliteStore};
use async_trait::async_trait;
use nna_domain::Timestamp;
use nna_domain::jobs::{Delivery, Job, JobQueue, JobSource, QueueError};
use nna_domain::ports::StoreError;
use rusqlite::params;
use std::time::Duration;

/// After `jobs::MAX_RECEIVES` deliveries a job goes to the dead-letter table instead of out again,
/// as SQS's `maxReceiveCount` does.
#[derive(Clone)]
pub struct SqliteQueue {
    store: SqliteStore,
}

/// A job that was received too often: kept for a person to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadJob {
    pub id: i64,
    pub body: String,
    pub receives: u32,
}

fn queue_error(e: StoreError) -> QueueError {
    match e {
        StoreError::Unavailable(m) => QueueError::Unavailable(m),
        other => QueueError::internal(other),
    }
}

impl SqliteQueue {
    pub(super) fn new(store: SqliteStore) -> Self {
        Self { store }
    }

    /// Returns when a job is sent or after `at_most`, whichever is first: a worker waits here
    /// between receives instead of polling the database.
    pub async fn wait_for_jobs(&self, at_most: Duration) {
        let _ = tokio::time::timeout(at_most, self.store.inner.job_sent.notified()).await;
    }

    /// The dead-letter table, oldest first.
    pub async fn dead_jobs(&self) -> Result<Vec<DeadJob>, QueueError> {
        self.store
            .reading(move |conn| {
                let mut stmt = conn.prepare("SELECT id, body, receives FROM dead_jobs ORDER BY id")?;
                let rows = stmt
                    .query_map([], |r| Ok(DeadJob { id: r.get(0)?, body: r.get(1)?, receives: r.get::<_, u32>(2)? }))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })
            .await
            .map_err(queue_error)
    }

    /// Jobs waiting or in flight.
    pub async fn depth(&self) -> Result<u64, QueueError> {
        self.store
            .writing(move |conn| {
                conn.query_row("SELECT count(*) FROM jobs", [], |r| r.get::<_, i64>(0)).map_err(Into::into)
            })
            .await
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(queue_error)
    }
}

#[async_trait]
impl JobQueue for SqliteQueue {
    async fn send(&self, job: &Job) -> Result<(), QueueError> {
        self.send_batch(std::slice::from_ref(job)).await
    }

    async fn send_batch(&self, jobs: &[Job]) -> Result<(), QueueError> {
        let bodies = jobs.iter().map(Job::to_message).collect::<Result<Vec<_>, _>>()?;
        let now = Timestamp::now().millis();
        self.store
            .writing(move |conn| {
                let tx = conn.transaction()?;
                for body in &bodies {
                    tx.execute(
                        "INSERT INTO jobs (body, visible_at, enqueued_at) VALUES (?1, ?2, ?2)",
                        params![body, now],
                    )?;
                }
                Ok(tx.commit()?)
            })
            .await
            .map_err(queue_error)?;
        self.store.inner.job_sent.notify_one();
        Ok(())
    }
}

#[async_trait]
impl JobSource for SqliteQueue {
    async fn receive(&self, max: usize, visibility: Duration) -> Result<Vec<Delivery>, QueueError> {
        let now = Timestamp::now().millis();
        let hidden_until = now.saturating_add(i64::try_from(visibility.as_millis()).unwrap_or(i64::MAX));
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        let max_receives = i64::from(nna_domain::jobs::MAX_RECEIVES);
        self.store
            .writing(move |conn| {
                let tx = conn.transaction()?;
                let due: Vec<(i64, String, i64)> = {
                    let mut stmt =
                        tx.prepare("SELECT id, body, receives FROM jobs WHERE visible_at <= ?1 ORDER BY id LIMIT ?2")?;
                    let rows = stmt.query_map(params![now, max], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                    rows.collect::<Result<_, _>>()?
                };
                let mut out = Vec::with_capacity(due.len());
                for (id, body, receives) in due {
                    if receives >= max_receives {
                        bury(&tx, id, now)?;
                        continue;
                    }
                    let count = receives + 1;
                    tx.execute(
                        "UPDATE jobs SET visible_at = ?2, receives = ?3 WHERE id = ?1",
                        params![id, hidden_until, count],
                    )?;
                    out.push(Delivery {
                        receipt: format!("{id}:{count}"),
                        body,
                        receive_count: u32::try_from(count).unwrap_or(u32::MAX),
                    });
                }
                tx.commit()?;
                Ok(out)
            })
            .await
            .map_err(queue_error)
    }

    /// A receipt names one delivery: acknowledging a stale one (the job was handed out again
    /// since) removes nothing.
    async fn ack(&self, receipt: &str) -> Result<(), QueueError> {
        let (id, count) = receipt
            .split_once(':')
            .and_then(|(i, c)| Some((i.parse::<i64>().ok()?, c.parse::<i64>().ok()?)))
            .ok_or_else(|| QueueError::internal(format!("not a receipt of this queue: {receipt}")))?;
        self.store
            .writing(move |conn| {
                conn.execute("DELETE FROM jobs WHERE id = ?1 AND receives = ?2", params![id, count])?;
                Ok(())
            })
            .await
            .map_err(queue_error)
    }
}

/// Moves a job to the dead-letter table.
fn bury(tx: &rusqlite::Transaction<'_>, id: i64, now: i64) -> Sqlite<()> {
    tx.execute(
        "INSERT INTO dead_jobs (id, body, receives, enqueued_at, died_at) SELECT id, body, receives, enqueued_at, ?2 FROM jobs WHERE id = ?1",
        params![id, now],
    )?;
    tx.execute("DELETE FROM jobs WHERE id = ?1", params![id])?;
    tracing::warn!(job = id, "a job was received too often: moved to the dead-letter table");
    Ok(())
}
