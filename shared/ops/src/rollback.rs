//! Undoes the migration item by item: each field still holding what the migration wrote gets its
//! old value back, the mark goes, and an item nobody wrote since returns to exactly its
//! pre-migration form (revision included). Fields users changed since are kept and reported.

use crate::rewrite::{Decision, Rewritten, rewrite};
use crate::scan::{Scan, lock};
use crate::{Ops, OpsError, rate, seconds_since};
use nna_domain::Asset;
use nna_domain::migration::{self, RolledBack};
use serde::Serialize;
use std::sync::Mutex;

use nna_domain::ports::Run;

const RUN: Run = Run::Rollback;

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RollbackReport {
    pub scanned: u64,
    pub reverted: u64,
    /// Back to exactly their pre-migration form.
    pub reverted_exactly: u64,
    pub not_migrated: u64,
    pub conflicts_redone: u64,
    pub left_busy: u64,
    /// Items written since the migration: what was kept.
    pub edited_since: Vec<EditedItem>,
    pub refusals: Vec<crate::migrate::ItemProblem>,
    pub resumed_segments: u32,
    pub seconds: f64,
    pub items_per_second: f64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EditedItem {
    pub id: String,
    pub name: String,
    /// Fields the migration had changed and someone changed again: left as they are.
    pub kept_fields: Vec<String>,
}

pub async fn rollback(ops: &Ops, scan: &Scan) -> Result<RollbackReport, OpsError> {
    let clock = std::time::Instant::now();
    // From the first reverted item on, the migration's checkpoints no longer describe the table.
    ops.ports.maintenance.clear_checkpoints(Run::Migrate).await?;
    let report = Mutex::new(RollbackReport::default());
    let scanned = scan.clone().named(RUN).run(ops, "rollback", |asset| revert(ops, asset, &report)).await?;
    // Finished: a later rollback (after another migration) must read everything again.
    ops.ports.maintenance.clear_checkpoints(RUN).await?;
    let mut report = report.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    report.resumed_segments = scanned.segments_already_done;
    report.seconds = seconds_since(clock);
    report.items_per_second = rate(report.scanned, report.seconds);
    Ok(report)
}

async fn revert(ops: &Ops, asset: Asset, report: &Mutex<RollbackReport>) -> Result<(), OpsError> {
    lock(report).scanned += 1;
    let decided = rewrite(
        ops,
        &nna_domain::history::Change::operator("nna-ops rollback", Some(RUN)),
        asset,
        |asset| match migration::rollback(asset) {
            RolledBack::Reverted { next, kept, edited_since } => Decision::Write(next, (kept, edited_since)),
            RolledBack::NotMigrated => Decision::Leave(None),
            RolledBack::Refused { reason } => Decision::Leave(Some(reason)),
        },
        |_| lock(report).conflicts_redone += 1,
    )
    .await?;
    let mut report = lock(report);
    match decided {
        Rewritten::Written { before, with: (kept, edited_since), .. } => {
            report.reverted += 1;
            if edited_since {
                let item =
                    EditedItem { id: before.id.as_str().into(), name: before.name().to_owned(), kept_fields: kept };
                report.edited_since.push(item);
            } else {
                report.reverted_exactly += 1;
            }
        }
        Rewritten::Left { with: None, .. } => report.not_migrated += 1,
        Rewritten::Left { asset, with: Some(reason) } => {
            let problem =
                crate::migrate::ItemProblem { id: asset.id.as_str().into(), name: asset.name().to_owned(), reason };
            report.refusals.push(problem);
        }
        Rewritten::Gone => {}
        Rewritten::Busy => report.left_busy += 1,
    }
    Ok(())
}
