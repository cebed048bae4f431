//! Checks the migrated table: every asset holds `aiMetadata` and either the creator's words or
//! the needs-input flag; against a pre-migration backup, every field the migration did not change
//! is the backup's, and every field it changed held the backup's value before. Items written since
//! the backup (their revision says so) are held to the first rule only, and listed.

use crate::backup::Backup;
use crate::scan::{Scan, lock};
use crate::{Ops, OpsError, seconds_since};
use nna_domain::Asset;
use nna_domain::migration::{self, Discrepancy, MIGRATION_ID};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyReport {
    pub passed: bool,
    pub checked: u64,
    pub migrated: u64,
    pub with_backup: bool,
    pub backup_assets: u64,
    /// In the backup, not in the store (deleted since, or lost).
    pub missing: Vec<String>,
    /// Created after the backup.
    pub new_since_backup: Vec<String>,
    /// Written by someone after the backup (or after the migration): compared by the rules only.
    pub edited_since_backup: Vec<String>,
    pub problems: Vec<ItemDiscrepancies>,
    pub unreadable: Vec<crate::backup::UnreadableItem>,
    pub seconds: f64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemDiscrepancies {
    pub id: String,
    pub name: String,
    pub discrepancies: Vec<Discrepancy>,
}

/// Whether the item is as the backup left it plus, at most, the migration's own write.
fn untouched_since(asset: &Asset, backed_up: &Asset) -> bool {
    match asset.migration.as_ref().filter(|m| m.id == MIGRATION_ID) {
        Some(mark) => mark.revision_before == backed_up.revision && asset.revision == mark.revision_before + 1,
        None => asset.revision == backed_up.revision,
    }
}

pub async fn verify(ops: &Ops, scan: &Scan, backup: Option<Backup>) -> Result<VerifyReport, OpsError> {
    let clock = std::time::Instant::now();
    let with_backup = backup.is_some();
    let backed_up: Mutex<HashMap<String, Asset>> = Mutex::new(
        backup.map(|b| b.assets.into_iter().map(|a| (a.id.as_str().to_owned(), a)).collect()).unwrap_or_default(),
    );
    let backup_assets = lock(&backed_up).len() as u64;
    let report = Mutex::new(VerifyReport { with_backup, backup_assets, ..Default::default() });
    let scan = scan.read_only();
    let scanned = scan
        .run(ops, "verify", |asset| {
            let (report, backed_up) = (&report, &backed_up);
            async move {
                let before = lock(backed_up).remove(asset.id.as_str());
                let mut report = lock(report);
                report.checked += 1;
                if asset.migration.as_ref().is_some_and(|m| m.id == MIGRATION_ID) {
                    report.migrated += 1;
                }
                let discrepancies = match &before {
                    Some(b) if untouched_since(&asset, b) => migration::verify(&asset, b),
                    Some(_) => {
                        report.edited_since_backup.push(asset.id.as_str().into());
                        migration::invariants(&asset)
                    }
                    None => {
                        if with_backup {
                            report.new_since_backup.push(asset.id.as_str().into());
                        }
                        migration::invariants(&asset)
                    }
                };
                if !discrepancies.is_empty() {
                    report.problems.push(ItemDiscrepancies {
                        id: asset.id.as_str().into(),
                        name: asset.name().to_owned(),
                        discrepancies,
                    });
                }
                Ok(())
            }
        })
        .await?;
    let mut report = report.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    report.missing = lock(&backed_up).keys().cloned().collect();
    report.missing.sort();
    report.unreadable = scanned.unreadable.into_iter().map(Into::into).collect();
    report.passed = report.problems.is_empty() && report.missing.is_empty() && report.unreadable.is_empty();
    report.seconds = seconds_since(clock);
    Ok(report)
}
