//! `process-album-art`: album-art jobs from SQS, several at once within the function's memory.
//! Messages that should be tried again (or that the deadline left unstarted or unfinished) are
//! reported as batch item failures (the event source sets `ReportBatchItemFailures`), so one bad
//! message never sends its whole batch back.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::{LambdaEvent, service_fn};
use nna_domain::settings::Env;
use nna_fetch::ArtSettings;
use nna_lambda::jobs::{BatchBudget, deadline_of, run_jobs, storage_from_env};
use nna_lambda::{Error, init_tracing};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    init_tracing();
    let env = Env::process();
    let storage = storage_from_env(&env).await?;
    let files = storage.files.clone().ok_or("NNA_BUCKET is not set: album art has nowhere to go")?;
    let pipeline = ArtSettings::read(&env)?.pipeline(storage.store.clone(), files)?;
    let pipeline = Arc::new(pipeline.observed(Arc::new(|outcome: &nna_album_art::ArtOutcome<'_>| {
        nna_lambda::metrics::art_outcome(outcome.failure, outcome.source, outcome.since_request.as_secs_f64() * 1000.0)
    })));
    let budget = BatchBudget::read(&env)?;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let pipeline = pipeline.clone();
        let deadline = deadline_of(event.context.deadline);
        async move { Ok::<SqsBatchResponse, Error>(run_jobs(pipeline.as_ref(), event.payload, budget, deadline).await) }
    }))
    .await
}
