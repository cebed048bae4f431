//! Brings the store's derived items to its current layout after a deploy that changed it: every
//! asset rewritten as a write would (`Maintenance::reindex`), then the counts set by a recount.
//! Resumable (a checkpoint per segment) and idempotent: run it again after an interruption, or
//! once more after the deploy to pick up what was written between the first run and the switch.

use crate::recount::{RecountReport, recount};
use crate::scan::Scan;
use crate::{Ops, OpsError, seconds_since};
use serde::Serialize;

use nna_domain::ports::Run;

const RUN: Run = Run::Reindex;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReindexReport {
    pub assets: u64,
    pub resumed_segments: u32,
    pub recount: RecountReport,
    pub seconds: f64,
}

pub async fn reindex(ops: &Ops, scan: &Scan) -> Result<ReindexReport, OpsError> {
    let clock = std::time::Instant::now();
    let scanned = scan
        .clone()
        .named(RUN)
        .run(ops, "reindex", |asset| async move {
            ops.ports.maintenance.reindex(&asset).await?;
            Ok(())
        })
        .await?;
    // Finished: the next layout change reads everything again.
    ops.ports.maintenance.clear_checkpoints(RUN).await?;
    let recount = recount(ops, scan).await?;
    Ok(ReindexReport {
        assets: scanned.items,
        resumed_segments: scanned.segments_already_done,
        recount,
        seconds: seconds_since(clock),
    })
}
