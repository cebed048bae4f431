//! What the job function does with an SQS batch: several jobs at once within the function's
//! memory and deadline, reporting back the messages SQS should deliver again.

use crate::Error;
use aws_config::BehaviorVersion;
use nna_aws::AwsStorage;
use nna_domain::jobs::{Job, JobError, JobRunner};
use nna_domain::ports::Adapters;
use nna_domain::settings::{Env, SettingsError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// What a worker needs and nothing more: the store, files and queue, without the API's registry,
/// its secrets or their client (so `process-album-art` links none of them).
pub async fn storage_from_env(env: &Env) -> Result<Adapters, Error> {
    let storage = AwsStorage::read(env).inspect_err(|e| tracing::error!(error = %e, "bad configuration"))?;
    let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
    Ok(storage.connect(&sdk).adapters)
}

/// No album-art job starts with less time than this left (`NNA_ART_JOB_RESERVE_MS`).
const JOB_RESERVE_DEFAULT: Duration = Duration::from_secs(12);

/// How `run_jobs` spends an invocation: how many jobs at once (from the function's memory: an
/// image job may take about a quarter of a gigabyte while it decodes), and how much time must be
/// left to start another (a fetch may take its whole timeout).
#[derive(Debug, Clone, Copy)]
pub struct BatchBudget {
    pub concurrency: usize,
    /// No job starts with less time than this left before the deadline.
    pub reserve: Duration,
    /// Jobs still running this close to the deadline are abandoned (and reported for retry), so
    /// the answer gets out in time.
    pub margin: Duration,
}

impl BatchBudget {
    /// `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` (set by Lambda, MB): one job per 256 MB, 1 to 8;
    /// `NNA_ART_JOB_RESERVE_MS` (default 12 s: the fetch timeout and some processing).
    pub fn read(env: &Env) -> Result<Self, SettingsError> {
        let memory_mb: u64 = env.number("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 1024)?;
        Ok(Self {
            concurrency: usize::try_from(memory_mb / 256).unwrap_or(1).clamp(1, 8),
            reserve: env.millis("NNA_ART_JOB_RESERVE_MS", JOB_RESERVE_DEFAULT)?,
            margin: Duration::from_millis(500),
        })
    }
}

/// Jobs the batch could not finish: retried for a passing reason, or abandoned at the deadline
/// (album-art outcomes themselves are reported by the pipeline, `metrics::art_outcome`).
fn job_metrics(outcome: &Result<Result<(), JobError>, tokio::time::error::Elapsed>) {
    use crate::metrics::{Unit, emit};
    let (retried, abandoned) = match outcome {
        Ok(Err(JobError::Transient(_))) => (1.0, 0.0),
        Err(_) => (0.0, 1.0),
        Ok(_) => (0.0, 0.0),
    };
    emit(
        &[("Function", "process-album-art")],
        &[("JobRetried", retried, Unit::Count), ("JobAbandoned", abandoned, Unit::Count)],
    );
}

/// Epoch milliseconds before this (2001) are no deadline Lambda hands out.
const EPOCH_MS_FLOOR: u64 = 1_000_000_000_000;

/// The invocation's deadline as an instant. Lambda gives the time it ends, in ms since the epoch;
/// `cargo lambda watch`'s local invoker gives the milliseconds left, which read as a time would
/// have every job refused for want of time: a value too small to be a time is taken as the time left.
pub fn deadline_of(deadline_ms: u64) -> Instant {
    if deadline_ms < EPOCH_MS_FLOOR {
        return Instant::now() + Duration::from_millis(deadline_ms);
    }
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    Instant::now() + Duration::from_millis(deadline_ms.saturating_sub(now_ms))
}

/// An SQS batch, several jobs at once within `budget`: a message that is not a job (poison),
/// whose job failed for a passing reason, that was not started because too little time was left,
/// or that was still running at the deadline, is reported back so SQS delivers it again (and,
/// after `maxReceiveCount`, to the dead-letter queue); a job that failed for good is logged and
/// dropped. One span per message.
pub async fn run_jobs(
    runner: &dyn JobRunner,
    event: aws_lambda_events::sqs::SqsEvent,
    budget: BatchBudget,
    deadline: Instant,
) -> aws_lambda_events::sqs::SqsBatchResponse {
    use tracing::Instrument;
    let slots = tokio::sync::Semaphore::new(budget.concurrency);
    let last_start = deadline.checked_sub(budget.reserve).unwrap_or(deadline);
    let cut_off = deadline.checked_sub(budget.margin).unwrap_or(deadline);
    let work = event.records.into_iter().map(|record| {
        let slots = &slots;
        async move {
            let id = record.message_id.clone().unwrap_or_default();
            let attempt = record.attributes.get("ApproximateReceiveCount").and_then(|n| n.parse().ok()).unwrap_or(1);
            let span = tracing::info_span!("message", message_id = %id, attempt);
            let retry = async {
                let slot = tokio::select! {
                    slot = slots.acquire() => slot.ok(),
                    () = tokio::time::sleep_until(last_start.into()) => None,
                };
                if slot.is_none() || Instant::now() >= last_start {
                    tracing::warn!("not started: too little time left; SQS will deliver it again");
                    return true;
                }
                let Ok(job) = Job::from_message(record.body.as_deref().unwrap_or_default()) else {
                    tracing::error!("not a job: poison message, left for the dead-letter queue");
                    return true;
                };
                tracing::info!(asset = %job.asset_id(), "job received");
                let outcome = tokio::time::timeout_at(cut_off.into(), runner.run(&job, attempt)).await;
                job_metrics(&outcome);
                match outcome {
                    Err(_) => {
                        tracing::warn!("still running at the deadline: abandoned; SQS will deliver it again");
                        true
                    }
                    Ok(Ok(())) => false,
                    Ok(Err(JobError::Transient(e))) => {
                        tracing::warn!(error = %e, "job failed; SQS will deliver it again");
                        true
                    }
                    Ok(Err(JobError::Permanent(e))) => {
                        tracing::error!(error = %e, "job failed for good");
                        false
                    }
                }
            }
            .instrument(span)
            .await;
            retry.then_some(id)
        }
    });
    let mut response = aws_lambda_events::sqs::SqsBatchResponse::default();
    for id in futures::future::join_all(work).await.into_iter().flatten() {
        response.add_failure(id);
    }
    response
}
