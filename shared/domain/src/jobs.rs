//! Work done after the API has answered: jobs on a queue (SQS in production, a table in SQLite on
//! the embedded default). Each job says what to do and to which asset revision, so a stale or
//! repeated delivery can be recognized and made harmless.

use crate::asset::{AlbumArtField, Asset};
use crate::error::{Cause, caused};
use crate::id::AssetId;
use crate::time::Timestamp;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Job {
    /// Fetch, check, resize and store a song's album art; look it up when there is no URL.
    #[serde(rename_all = "camelCase")]
    AlbumArt {
        asset_id: AssetId,
        /// Where the art is. `None` (and no `upload_key`): find it by song, artist and album.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_url: Option<String>,
        /// Art uploaded to our own storage (source Manual), read from there rather than the web.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        upload_key: Option<String>,
        /// The asset revision that asked; newer art is never overwritten by an older request.
        revision: u64,
        requested_at: Timestamp,
    },
    /// Remove a deleted asset's files that its delete could not remove at once.
    #[serde(rename_all = "camelCase")]
    DeleteFiles { asset_id: AssetId, keys: Vec<String> },
}

impl Job {
    /// Processing for the art `song` shows: from its source URL, from an upload, else a lookup.
    pub fn album_art_for(song: &Asset, upload_key: Option<String>, requested_at: Timestamp) -> Self {
        let source_url = song.album_art.as_ref().and_then(AlbumArtField::art).and_then(|a| a.source_url.clone());
        Self::AlbumArt { asset_id: song.id.clone(), source_url, upload_key, revision: song.revision, requested_at }
    }

    pub fn asset_id(&self) -> &AssetId {
        match self {
            Self::AlbumArt { asset_id, .. } | Self::DeleteFiles { asset_id, .. } => asset_id,
        }
    }

    /// The message body on a queue.
    pub fn to_message(&self) -> Result<String, QueueError> {
        serde_json::to_string(self).map_err(QueueError::internal)
    }

    /// A message body back into a job; anything else is a poison message.
    pub fn from_message(body: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(body)
    }
}

/// A job that keeps failing for a passing reason is marked failed on its last delivery.
pub use crate::limits::MAX_RECEIVES;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("the job queue is unavailable: {0}")]
    Unavailable(#[source] Cause),
    #[error("job queue failure: {0}")]
    Internal(#[source] Cause),
}

caused!(QueueError { unavailable => Unavailable, internal => Internal });

/// Why a job did not complete. Transient failures go back on the queue to be tried again;
/// permanent ones are recorded and dropped, since trying again cannot help.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("will retry: {0}")]
    Transient(#[source] Cause),
    #[error("gave up: {0}")]
    Permanent(#[source] Cause),
}

caused!(JobError { transient => Transient, permanent => Permanent });

/// Runs jobs, wherever they were received (the SQS handler, the local worker). `attempt` is how
/// often this delivery has been handed out, from 1.
#[async_trait]
pub trait JobRunner: Send + Sync {
    async fn run(&self, job: &Job, attempt: u32) -> Result<(), JobError>;
}

#[async_trait]
pub trait JobQueue: Send + Sync {
    async fn send(&self, job: &Job) -> Result<(), QueueError>;
    /// Sends all, in as few requests as the queue allows.
    async fn send_batch(&self, jobs: &[Job]) -> Result<(), QueueError>;
}

/// One received message: its body, the handle that acknowledges it, and how often it has been
/// handed out (a message received too often is poison and goes to the dead-letter queue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub receipt: String,
    pub body: String,
    pub receive_count: u32,
}

/// The consuming side, for workers that poll (the local worker; tests). Lambda's SQS event source
/// does this for the `process-album-art` function in production.
#[async_trait]
pub trait JobSource: Send + Sync {
    /// Up to `max` messages, each hidden from other receivers for `visibility`.
    async fn receive(&self, max: usize, visibility: std::time::Duration) -> Result<Vec<Delivery>, QueueError>;
    /// Done with: the message is removed for good.
    async fn ack(&self, receipt: &str) -> Result<(), QueueError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_round_trip_through_messages_and_junk_is_refused() {
        let job = Job::AlbumArt {
            asset_id: AssetId::parse("abc").unwrap(),
            source_url: Some("https://is1-ssl.mzstatic.com/a.jpg".into()),
            upload_key: None,
            revision: 3,
            requested_at: Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
        };
        let text = job.to_message().unwrap();
        assert!(text.contains("\"type\":\"albumArt\""), "{text}");
        assert_eq!(Job::from_message(&text).unwrap(), job);
        assert!(Job::from_message("{\"type\":\"nope\"}").is_err());
        assert!(Job::from_message("not json").is_err());
    }
}
