//! The old backend's exports into the registry. Assets go in a hundred at a time through
//! `AssetStore::import_new` (each whole or not at all; items already there left as they are), so
//! an interrupted run is resumed by running it again, and a second run changes nothing. Users
//! become accounts that keep their bcrypt hashes until their first login here. Whatever is
//! refused is listed with its line, id and reason; everything else is imported.

use super::Refused;
use crate::scan::Scan;
use crate::{Ops, OpsError, seconds_since};
use governor::{Quota, RateLimiter};
use nna_domain::auth::{Role, User};
use nna_domain::legacy::compare;
use nna_domain::legacy::export::Exported;
use nna_domain::ports::StoreError;
use nna_domain::{Asset, AssetId};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

/// Documents read, checked and written at once.
const CHUNK: usize = 100;

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub collection: &'static str,
    pub documents: u64,
    /// Written by this run.
    pub imported: u64,
    /// There already, as exported (an earlier run's).
    pub already_there: u64,
    /// There already and different from the export (migrated, copied or edited since): kept as
    /// the registry has it.
    pub changed_since: Vec<String>,
    pub refused: Vec<Refused>,
    /// Users: emails two old accounts share (compared without case); neither is imported until
    /// the operator decides (the report names both).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicate_emails: Vec<SharedEmail>,
    /// Users: accounts with the admin role in the export. Importing an admin is the operator's
    /// decision: remove the line, or demote them, where they should not be one here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub admins: Vec<String>,
    /// One sentence: what this run did.
    pub summary: String,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SharedEmail {
    pub email: String,
    pub lines: Vec<usize>,
    pub ids: Vec<String>,
}

impl ImportReport {
    fn refuse(&mut self, line: usize, id: impl Into<String>, reason: impl Into<String>) {
        self.refused.push(Refused { line, id: id.into(), reason: reason.into() });
    }

    fn summarize(&mut self) {
        self.summary = if self.imported == 0 && self.refused.is_empty() {
            format!("nothing to do: all {} documents are in the registry already", self.documents)
        } else {
            format!(
                "{} imported, {} there already, {} changed since, {} refused",
                self.imported,
                self.already_there,
                self.changed_since.len(),
                self.refused.len()
            )
        };
    }
}

/// The assets export, at `scan.rate` items a second at most.
pub async fn import_assets(ops: &Ops, scan: &Scan, export: &[Exported]) -> Result<ImportReport, OpsError> {
    let clock = std::time::Instant::now();
    let mut report = ImportReport { collection: "assets", documents: export.len() as u64, ..Default::default() };
    let limiter = scan.rate.map(|r| RateLimiter::direct(Quota::per_second(r)));
    let mut lines: HashMap<AssetId, usize> = HashMap::new();
    ops.progress.begin("import assets", Some(export.len() as u64));
    let mut started = 0;
    for chunk in export.chunks(CHUNK) {
        scan.stop_if_due(started)?;
        started += chunk.len() as u64;
        let mut parsed: Vec<(&Map<String, Value>, Asset)> = Vec::with_capacity(chunk.len());
        for exported in chunk {
            if let Some(limiter) = &limiter {
                limiter.until_ready().await;
            }
            let (value, doc) = match &exported.doc {
                Ok(value @ Value::Object(doc)) => (value, doc),
                Ok(_) => {
                    report.refuse(exported.line, "?", "not a JSON object");
                    continue;
                }
                Err(reason) => {
                    report.refuse(exported.line, "?", reason.clone());
                    continue;
                }
            };
            match Asset::from_legacy(value) {
                Err(e) => report.refuse(exported.line, e.id, e.reason),
                Ok(asset) => match lines.entry(asset.id.clone()) {
                    Entry::Occupied(first) => {
                        let reason = format!("line {} has the same _id", first.get());
                        report.refuse(exported.line, asset.id.as_str(), reason);
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(exported.line);
                        parsed.push((doc, asset));
                    }
                },
            }
        }
        let ids: Vec<AssetId> = parsed.iter().map(|(_, a)| a.id.clone()).collect();
        let there: HashMap<AssetId, Asset> =
            ops.ports.index.fetch(&ids).await?.into_iter().map(|a| (a.id.clone(), a)).collect();
        let mut new = Vec::new();
        for (doc, asset) in parsed {
            match there.get(&asset.id) {
                Some(held) if compare::asset(doc, held).is_empty() => report.already_there += 1,
                Some(_) => report.changed_since.push(asset.id.to_string()),
                None => new.push(asset),
            }
        }
        for written in ops.ports.store.import_new(&new).await? {
            if written { report.imported += 1 } else { report.already_there += 1 }
        }
        ops.progress.advance(chunk.len() as u64);
    }
    ops.progress.end();
    report.summarize();
    report.seconds = seconds_since(clock);
    Ok(report)
}

/// The users export: every old user an account with its password, emails compared without case.
pub async fn import_users(ops: &Ops, export: &[Exported]) -> Result<ImportReport, OpsError> {
    let clock = std::time::Instant::now();
    let mut report = ImportReport { collection: "users", documents: export.len() as u64, ..Default::default() };
    let mut users: Vec<(usize, &Map<String, Value>, User)> = Vec::new();
    for exported in export {
        match &exported.doc {
            Err(reason) => report.refuse(exported.line, "?", reason.clone()),
            Ok(doc @ Value::Object(fields)) => match User::from_legacy(doc) {
                Ok(user) => users.push((exported.line, fields, user)),
                Err(e) => report.refuse(exported.line, e.id, e.reason),
            },
            Ok(_) => report.refuse(exported.line, "?", "not a JSON object"),
        }
    }
    // One mailbox, two old accounts (the old backend compared emails with case): never merged.
    let mut by_email: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (_, _, user)) in users.iter().enumerate() {
        by_email.entry(user.email.to_string()).or_default().push(i);
    }
    let mut shared = vec![false; users.len()];
    for (email, holders) in by_email.iter().filter(|(_, h)| h.len() > 1) {
        let lines: Vec<usize> = holders.iter().map(|&i| users[i].0).collect();
        let ids: Vec<String> = holders.iter().map(|&i| users[i].2.id.0.clone()).collect();
        for &i in holders {
            shared[i] = true;
            let others: Vec<String> = lines.iter().filter(|&&l| l != users[i].0).map(usize::to_string).collect();
            report.refuse(users[i].0, users[i].2.id.0.clone(), format!("{email} is also line {}'s", others.join(", ")));
        }
        report.duplicate_emails.push(SharedEmail { email: email.clone(), lines, ids });
    }
    ops.progress.begin("import users", Some(users.len() as u64));
    for ((line, doc, user), shared) in users.into_iter().zip(shared) {
        ops.progress.advance(1);
        if shared {
            continue;
        }
        if user.role == Role::Admin {
            report.admins.push(user.email.to_string());
        }
        match ops.ports.users.create_user(&user).await {
            Ok(()) => report.imported += 1,
            Err(StoreError::Conflict) => match ops.ports.users.user(&user.email).await? {
                Some(held) if held.id != user.id => report.refuse(
                    line,
                    user.id.0.clone(),
                    format!("an account registered here already has {} (id {})", user.email, held.id.0),
                ),
                Some(held) if compare::user(doc, &held).is_empty() => report.already_there += 1,
                _ => report.changed_since.push(user.id.0.clone()),
            },
            Err(e) => return Err(e.into()),
        }
    }
    ops.progress.end();
    report.summarize();
    report.seconds = seconds_since(clock);
    Ok(report)
}
