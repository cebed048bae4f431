//! Operators' work on either store, written once over the domain's ports: [`backup`] and
//! restore, the metadata [`migrate`], [`verify`], [`rollback`], [`reprocess`] of songs' album
//! art and its success rate ([`art_report`]), [`status`], the counts' [`recount`], the layout's [`reindex`], and the legacy staging [`fixture`]. The `nna-ops` binary chooses the adapters
//! (SQLite or DynamoDB, a folder or S3, the SQLite queue or SQS) and draws the progress bars.
//!
//! Every pass over the table is a [`scan::Scan`]: segments read in parallel, items worked a
//! few at a time under an items-per-second limit, and (for the passes that write) a checkpoint
//! per segment saved in the store after every page, so a killed run resumes where it stopped.

pub mod admins;
pub mod archive;
pub mod art_report;
pub mod backup;
pub mod cutover;
pub mod deletions;
mod error;
pub mod files;
pub mod fixture;
pub mod history;
pub mod lock;
pub mod migrate;
mod names;
pub mod progress;
pub mod recount;
pub mod reindex;
pub mod reprocess;
mod rewrite;
pub mod rollback;
pub mod scan;
pub mod status;
pub mod verify;

pub use error::OpsError;
pub use names::Duplicate;

use nna_domain::ports::{Adapters, AssetIndex, AssetStore, Attempts, Maintenance, UserStore};
use nna_domain::search::{Level, Scope};
use progress::Progress;
use std::sync::Arc;

/// The ports an operator's command works through.
#[derive(Clone)]
pub struct Ops {
    /// The deployment's stores. Without a queue (`jobs`), album-art jobs are reported as not
    /// sent (`reprocess-album-art` sends them later); without `files`, nothing touches files.
    pub ports: Adapters,
    pub progress: Arc<dyn Progress>,
    /// How long a deleted asset's files are kept (`NNA_DELETED_RETENTION_DAYS`, as the API reads
    /// it): the file sweep removes them after.
    pub deleted_retention: std::time::Duration,
}

impl Ops {
    /// The tools over a deployment's adapters.
    pub fn over(adapters: Adapters, progress: Arc<dyn Progress>) -> Self {
        Self {
            ports: adapters,
            progress,
            deleted_retention: nna_domain::limits::days(nna_domain::limits::DELETED_RETENTION_DAYS_DEFAULT),
        }
    }

    /// One store that is the asset store, its index and its maintenance (as both adapters are),
    /// without a queue or progress bars.
    pub fn quiet<S: AssetStore + AssetIndex + Maintenance + UserStore + Attempts + 'static>(store: Arc<S>) -> Self {
        Self::over(Adapters::of(store), Arc::new(progress::Quiet))
    }

    /// How many assets the store holds, from its counts (cheap): the progress bars' length.
    pub async fn total(&self) -> Option<u64> {
        self.ports.index.count(&[Scope { level: Level::All, value: "all".into() }]).await.ok()
    }
}

/// Seconds since `start`, for reports.
fn seconds_since(start: std::time::Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0
}

/// Items per second, for reports; 0 when nothing was timed.
fn rate(items: u64, seconds: f64) -> f64 {
    if seconds > 0.0 { (items as f64 / seconds * 10.0).round() / 10.0 } else { 0.0 }
}
