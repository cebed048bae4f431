//! `sweep-files`: stored files no asset owns, older than an hour, removed (`nna_domain::files`).
//! Run on a schedule by the deployment (the ops function hourly; `nna-local` itself locally).

use crate::{Ops, OpsError};
use nna_domain::files::{FileSweep, SWEEP_GRACE, SweepTarget, sweep};
use nna_domain::time::Timestamp;

/// Removes (or, dry, lists) files no asset owns, older than `older_than` (default an hour).
pub async fn sweep_files(
    ops: &Ops,
    dry_run: bool,
    older_than: Option<std::time::Duration>,
) -> Result<FileSweep, OpsError> {
    let files = ops
        .ports
        .files
        .as_ref()
        .ok_or_else(|| OpsError::Refused("no file storage is configured (NNA_BUCKET for DynamoDB)".into()))?;
    let grace = older_than.unwrap_or(SWEEP_GRACE);
    let at = SweepTarget {
        index: ops.ports.index.as_ref(),
        store: ops.ports.store.as_ref(),
        blobs: files.as_ref(),
        retention: ops.deleted_retention,
    };
    Ok(sweep(at, Timestamp::now(), grace, dry_run).await?)
}
