use nna_domain::jobs::QueueError;
use nna_domain::ports::{BlobError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error("{0}")]
    Archive(String),
    #[error("no job queue is configured, so album-art jobs cannot be sent")]
    NoQueue,
    /// The backup is not what its manifest says: nothing was restored from it.
    #[error("backup {location} cannot be trusted: {problem}")]
    DamagedBackup { location: String, problem: String },
    /// Resuming with another segment count would skip or repeat items: segments are where the
    /// checkpoints are.
    #[error(
        "the interrupted run used {before} segments; resume with --segments {before}, or start over with --restart"
    )]
    SegmentsChanged { before: u32, now: u32 },
    /// Another writing run holds the operators' lock.
    #[error(
        "another run holds the operators' lock: {command} by {holder} since {since}; wait for it to finish (a killed run lets go within two minutes)"
    )]
    Locked { holder: String, command: String, since: nna_domain::Timestamp },
    /// `stop_after` was reached: the run stopped as if killed, and resumes from its checkpoints.
    #[error("stopped after {0} items, as asked; run again to resume")]
    Interrupted(u64),
    /// What the operator asked for cannot be done as asked (nothing was changed).
    #[error("{0}")]
    Refused(String),
}

impl From<nna_domain::files::SweepError> for OpsError {
    fn from(e: nna_domain::files::SweepError) -> Self {
        match e {
            nna_domain::files::SweepError::Blob(b) => b.into(),
            nna_domain::files::SweepError::Store(s) => s.into(),
        }
    }
}
