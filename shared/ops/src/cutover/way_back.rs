//! The way back: what the registry holds that the old backend does not, in the old backend's own
//! schema, so `mongoimport --mode upsert` puts it there. Every asset created or changed here since
//! the switch (its `createdAt` or `updatedAt` at or after `since`), the deletions made here since
//! (to remove there), and the accounts registered here since: their passwords were hashed with
//! argon2id, which the old backend cannot check, so those people register there again with the
//! same email (their assets name them by email).

use crate::scan::{Scan, lock};
use crate::{Ops, OpsError, seconds_since};
use nna_domain::legacy::old_schema;
use nna_domain::time::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Mutex;

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WayBackReport {
    pub since: Option<Timestamp>,
    pub scanned: u64,
    /// Assets written for `mongoimport`.
    pub assets: u64,
    /// Assets that lack fields the old schema requires when the old backend saves them.
    pub missing_required: Vec<MissingFields>,
    /// Deleted here since: remove them from the old collection (`deleteMany` by `_id`).
    pub deleted_since: Vec<DeletedHere>,
    /// Registered here since; they sign up again on the old backend with the same email.
    pub accounts_since: Vec<Account>,
    pub accounts_note: &'static str,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MissingFields {
    pub id: String,
    pub fields: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedHere {
    pub id: String,
    pub name: String,
    pub deleted_at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub email: String,
    pub username: String,
    pub role: &'static str,
    pub created_at: Timestamp,
}

const ACCOUNTS_NOTE: &str = "Accounts made here have argon2id password hashes, which the old backend cannot check: \
    each person registers again there with the same email (the assets they made name them by it). Accounts that came \
    from the old backend still have their old password there.";

/// The assets (in the old schema, ordered by id) and the report.
pub async fn export_since(ops: &Ops, scan: &Scan, since: Timestamp) -> Result<(Vec<Value>, WayBackReport), OpsError> {
    let clock = std::time::Instant::now();
    let docs: Mutex<Vec<(String, Map<String, Value>)>> = Mutex::new(Vec::new());
    let report = Mutex::new(WayBackReport { since: Some(since), accounts_note: ACCOUNTS_NOTE, ..Default::default() });
    scan.read_only()
        .run(ops, "way back", |asset| {
            let (docs, report) = (&docs, &report);
            async move {
                lock(report).scanned += 1;
                if asset.created_at < since && asset.updated_at < since {
                    return Ok(());
                }
                let old = old_schema::document(&asset);
                let mut report = lock(report);
                report.assets += 1;
                if !old.missing.is_empty() {
                    report.missing_required.push(MissingFields { id: asset.id.to_string(), fields: old.missing });
                }
                lock(docs).push((asset.id.to_string(), old.doc));
                Ok(())
            }
        })
        .await?;
    let mut report = report.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let deletions = crate::deletions::deletions(ops, Some(since)).await?;
    report.deleted_since = deletions
        .deletions
        .into_iter()
        .map(|d| DeletedHere { id: d.asset_id.to_string(), name: d.name, deleted_at: d.deleted_at })
        .collect();
    let mut accounts: Vec<Account> = ops
        .ports
        .users
        .all_users()
        .await?
        .into_iter()
        .filter(|u| u.created_at >= since)
        .map(|u| Account {
            email: u.email.to_string(),
            username: u.username.as_str().to_owned(),
            role: u.role.as_str(),
            created_at: u.created_at,
        })
        .collect();
    accounts.sort_by(|a, b| a.email.cmp(&b.email));
    report.accounts_since = accounts;
    report.missing_required.sort_by(|a, b| a.id.cmp(&b.id));
    let mut docs = docs.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    docs.sort_by(|a, b| a.0.cmp(&b.0));
    report.seconds = seconds_since(clock);
    Ok((docs.into_iter().map(|(_, d)| Value::Object(d)).collect(), report))
}
