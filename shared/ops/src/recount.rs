//! Puts the store's kept per-place counts (the totals listings show) right: a read-only pass
//! counts every asset under its places, then the store sets what differs. Run it when writes are
//! quiet; a create during the pass may leave its places one off again.

use crate::scan::{Scan, lock};
use crate::{Ops, OpsError, seconds_since};
use nna_domain::ports::CountFix;
use nna_domain::search::Scope;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecountReport {
    pub assets: u64,
    pub places: usize,
    /// The counts that were off, with what they were and what they are now.
    pub fixed: Vec<CountFix>,
    /// Items that are not readable as assets are in no count.
    pub unreadable: Vec<crate::backup::UnreadableItem>,
    pub seconds: f64,
}

pub async fn recount(ops: &Ops, scan: &Scan) -> Result<RecountReport, OpsError> {
    let clock = std::time::Instant::now();
    let counts = Mutex::new(BTreeMap::<String, u64>::new());
    let scanned = scan
        .read_only()
        .run(ops, "recount", |asset| {
            let counts = &counts;
            async move {
                let mut counts = lock(counts);
                for place in Scope::of(&asset) {
                    *counts.entry(place.value).or_default() += 1;
                }
                Ok(())
            }
        })
        .await?;
    let exact = counts.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let fixed = ops.ports.maintenance.recount(&exact).await?;
    Ok(RecountReport {
        assets: exact.get("all").copied().unwrap_or(0),
        places: exact.len(),
        fixed,
        unreadable: scanned.unreadable.into_iter().map(Into::into).collect(),
        seconds: seconds_since(clock),
    })
}
