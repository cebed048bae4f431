//! The embedded default's job worker: takes jobs from the SQLite queue and runs them through the
//! same pipeline as the `process-album-art` function, with the same rules — done or failed for
//! good is acknowledged; a passing failure comes back after the retry delay; a job handed out
//! three times goes to the dead-letter table (the queue does that).

use futures::StreamExt;
use nna_domain::jobs::{Delivery, Job, JobError, JobRunner, JobSource};
use nna_embedded::SqliteQueue;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tracing::Instrument;

/// Jobs taken per receive, and worked at once (resizing is CPU-bound and runs on the blocking
/// pool, so more would only queue there).
const BATCH: usize = 4;
/// How long an idle worker waits before looking again, for jobs whose retry delay has passed.
const IDLE: Duration = Duration::from_secs(1);

pub(crate) struct Worker {
    pub queue: SqliteQueue,
    pub runner: Arc<dyn JobRunner>,
    /// The visibility timeout: a job not acknowledged by then is handed out again.
    pub retry: Duration,
}

impl Worker {
    /// Works until `stop` turns true; the jobs in hand are finished first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!("album-art worker started");
        while !*stop.borrow() {
            let deliveries = match self.queue.receive(BATCH, self.retry).await {
                Ok(d) => d,
                Err(e) => {
                    tracing::warn!(error = %e, "the job queue could not be read");
                    Vec::new()
                }
            };
            if deliveries.is_empty() {
                tokio::select! {
                    () = self.queue.wait_for_jobs(IDLE) => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
            futures::stream::iter(deliveries).for_each_concurrent(BATCH, |d| self.handle(d)).await;
        }
        tracing::info!("album-art worker stopped");
    }

    async fn handle(&self, delivery: Delivery) {
        let span = tracing::info_span!("job", receipt = %delivery.receipt, attempt = delivery.receive_count);
        async {
            let Ok(job) = Job::from_message(&delivery.body) else {
                tracing::error!("not a job: poison message, left for the dead-letter table");
                return;
            };
            tracing::info!(asset = %job.asset_id(), "job received");
            let done = match self.runner.run(&job, delivery.receive_count).await {
                Ok(()) => true,
                Err(JobError::Permanent(e)) => {
                    tracing::error!(error = %e, "job failed for good");
                    true
                }
                Err(JobError::Transient(e)) => {
                    tracing::warn!(error = %e, retry_in = ?self.retry, "job failed; it will be tried again");
                    false
                }
            };
            if done && let Err(e) = self.queue.ack(&delivery.receipt).await {
                tracing::warn!(error = %e, "a finished job could not be acknowledged; it will run again, harmlessly");
            }
        }
        .instrument(span)
        .await;
    }
}
