//! Who deleted what, and when: the records deletes keep, oldest first. Read only.

use crate::{Ops, OpsError};
use nna_domain::asset::Deletion;
use nna_domain::time::Timestamp;
use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletionsReport {
    pub count: usize,
    pub deletions: Vec<Deletion>,
}

/// Every record, or those at or after `since`.
pub async fn deletions(ops: &Ops, since: Option<Timestamp>) -> Result<DeletionsReport, OpsError> {
    const PAGE: usize = 1000;
    let mut after = since.map(|t| format!("{:013}", t.millis().max(0)));
    let mut out: Vec<Deletion> = Vec::new();
    loop {
        let page = ops.ports.maintenance.deletions(after.as_deref(), PAGE).await?;
        let full = page.len() == PAGE;
        after = page.last().map(Deletion::sort_key);
        out.extend(page);
        if !full {
            return Ok(DeletionsReport { count: out.len(), deletions: out });
        }
    }
}
