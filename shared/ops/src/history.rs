//! An asset's whole history, newest first, for operators (`nna-ops history <key>`). Read only; a
//! deleted asset's by its id.

use crate::{Ops, OpsError};
use nna_domain::history::Entry;
use nna_domain::{AssetId, AssetKey};
use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryReport {
    pub asset_id: Option<AssetId>,
    /// The asset's revision now; `None` when it is deleted (or never was).
    pub revision: Option<u64>,
    pub count: usize,
    pub entries: Vec<Entry>,
}

pub async fn history(ops: &Ops, key: &str) -> Result<HistoryReport, OpsError> {
    const PAGE: usize = 100;
    let parsed = AssetKey::parse(key).map_err(|e| OpsError::Refused(e.to_string()))?;
    let now = ops.ports.store.get(&parsed).await?;
    let id = match (&now, parsed) {
        (Some(asset), _) => asset.id.clone(),
        (None, AssetKey::Id(id)) => id,
        (None, _) => return Ok(HistoryReport { asset_id: None, revision: None, count: 0, entries: Vec::new() }),
    };
    let mut entries: Vec<Entry> = Vec::new();
    loop {
        let before = entries.last().map(|e| e.revision);
        let page = ops.ports.store.history(&id, before, PAGE).await?;
        let full = page.len() == PAGE;
        entries.extend(page);
        if !full {
            break;
        }
    }
    Ok(HistoryReport { asset_id: Some(id), revision: now.map(|a| a.revision), count: entries.len(), entries })
}
