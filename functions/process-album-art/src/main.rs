//! `process-album-art`: album-art jobs from SQS. Messages that should be tried again are
//! reported as batch item failures (the event source sets `ReportBatchItemFailures`), so one bad
//! message never sends its whole batch back.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::{LambdaEvent, service_fn};
use nna_aws::lambda::{Error, Production, init_tracing, run_jobs};
use nna_fetch::ArtSettings;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    init_tracing();
    let production = Production::from_env().await?;
    let pipeline = Arc::new(ArtSettings::from_env()?.pipeline(production.store.clone(), production.blobs.clone())?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let pipeline = pipeline.clone();
        async move { Ok::<SqsBatchResponse, Error>(run_jobs(pipeline.as_ref(), event.payload).await) }
    }))
    .await
}
