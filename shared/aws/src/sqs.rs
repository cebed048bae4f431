//! Jobs on SQS: sent one at a time or ten per request. In production the `process-album-art`
//! function consumes them through Lambda's event source; `receive`/`ack` serve pollers and tests.

use crate::errors::map;
use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{MessageSystemAttributeName, SendMessageBatchRequestEntry};
use nna_domain::jobs::{Delivery, Job, JobQueue, JobSource, QueueError};
use std::time::Duration;

#[derive(Clone)]
pub struct SqsQueue {
    client: Client,
    url: String,
}

impl SqsQueue {
    pub fn new(client: Client, url: impl Into<String>) -> Self {
        Self { client, url: url.into() }
    }
}

fn queue_error<E, R>(e: aws_sdk_sqs::error::SdkError<E, R>) -> QueueError
where
    E: aws_sdk_sqs::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    map(&e, QueueError::unavailable, QueueError::internal)
}

/// SQS takes at most ten messages per batch request.
const BATCH: usize = 10;

#[async_trait]
impl JobQueue for SqsQueue {
    async fn send(&self, job: &Job) -> Result<(), QueueError> {
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(job.to_message()?)
            .send()
            .await
            .map_err(queue_error)?;
        Ok(())
    }

    async fn send_batch(&self, jobs: &[Job]) -> Result<(), QueueError> {
        for chunk in jobs.chunks(BATCH) {
            let mut entries = Vec::with_capacity(chunk.len());
            for (i, job) in chunk.iter().enumerate() {
                let entry =
                    SendMessageBatchRequestEntry::builder().id(i.to_string()).message_body(job.to_message()?).build();
                entries.push(entry.map_err(QueueError::internal)?);
            }
            let out = self
                .client
                .send_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(queue_error)?;
            if let Some(first) = out.failed.first() {
                return Err(QueueError::unavailable(format!(
                    "{} of {} jobs were not queued ({}: {})",
                    out.failed.len(),
                    chunk.len(),
                    first.code,
                    first.message.as_deref().unwrap_or("")
                )));
            }
        }
        Ok(())
    }
}

#[async_trait]
impl JobSource for SqsQueue {
    async fn receive(&self, max: usize, visibility: Duration) -> Result<Vec<Delivery>, QueueError> {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(i32::try_from(max.clamp(1, BATCH)).unwrap_or(1))
            .visibility_timeout(i32::try_from(visibility.as_secs()).unwrap_or(i32::MAX))
            .wait_time_seconds(1)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(queue_error)?;
        Ok(out
            .messages
            .unwrap_or_default()
            .into_iter()
            .filter_map(|m| {
                let receive_count = m
                    .attributes
                    .as_ref()
                    .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(1);
                Some(Delivery { receipt: m.receipt_handle?, body: m.body.unwrap_or_default(), receive_count })
            })
            .collect())
    }

    async fn ack(&self, receipt: &str) -> Result<(), QueueError> {
        self.client.delete_message().queue_url(&self.url).receipt_handle(receipt).send().await.map_err(queue_error)?;
        Ok(())
    }
}
