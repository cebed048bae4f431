//! `process-album-art`: album-art jobs from SQS. Messages that should be tried again are
//! reported as batch item failures (the event source sets `ReportBatchItemFailures`), so one bad
//! message never sends its whole batch back.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::{LambdaEvent, service_fn};
use nna_aws::lambda::{Error, Production, init_tracing, run_jobs};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    init_tracing();
    let production = Arc::new(Production::from_env().await?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let production = production.clone();
        async move { Ok::<SqsBatchResponse, Error>(run_jobs(&production.registry, event.payload).await) }
    }))
    .await
}
