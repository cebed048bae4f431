//! Proof that the old backend's data came across: every exported asset held against what the
//! registry holds under its id (every field, unknown ones included; names and addresses; the
//! owner), the bytes of every copied file against the MD5 taken when it was copied, and every
//! exported user against the account under its email. Read only; the binary exits 2 when
//! anything differs, with a line per item.

use super::Refused;
use crate::{Ops, OpsError, seconds_since};
use base64::Engine;
use md5::Digest;
use nna_domain::auth::{Email, User};
use nna_domain::legacy::compare::{self, Difference};
use nna_domain::legacy::export::Exported;
use nna_domain::{Asset, AssetId};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CutoverCheck {
    pub passed: bool,
    pub assets: Collection,
    pub users: Collection,
    /// Copied files whose stored bytes were read and hashed.
    pub files_checked: u64,
    /// Assets whose owner (`registeredBy`) has no account here: they stay the admins' to edit
    /// until someone registers with that email. Reported, not a failure.
    pub owners_without_account: Vec<String>,
    pub seconds: f64,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    pub exported: u64,
    pub matching: u64,
    /// Exported, not in the registry.
    pub missing: Vec<Refused>,
    pub different: Vec<Different>,
    /// Lines of the export that are not documents the registry can take.
    pub unreadable: Vec<Refused>,
}

#[derive(Debug, Serialize)]
pub struct Different {
    pub line: usize,
    pub id: String,
    pub differences: Vec<Difference>,
}

impl Collection {
    fn clean(&self) -> bool {
        self.missing.is_empty() && self.different.is_empty() && self.unreadable.is_empty()
    }

    fn note(&mut self, line: usize, id: &str, differences: Vec<Difference>) {
        if differences.is_empty() {
            self.matching += 1;
        } else {
            self.different.push(Different { line, id: id.to_owned(), differences });
        }
    }
}

/// Assets a hundred at a time.
const CHUNK: usize = 100;

pub async fn verify(ops: &Ops, assets: &[Exported], users: &[Exported]) -> Result<CutoverCheck, OpsError> {
    let clock = std::time::Instant::now();
    let mut report = CutoverCheck::default();
    let accounts = check_users(ops, users, &mut report.users).await?;
    ops.progress.begin("verify the cutover", Some(assets.len() as u64));
    for chunk in assets.chunks(CHUNK) {
        let mut wanted = Vec::new();
        for exported in chunk {
            match exported.doc.as_ref().map_err(Clone::clone).and_then(|d| Asset::from_legacy(d).map_err(|e| e.reason))
            {
                Ok(asset) => wanted.push((exported, asset.id)),
                Err(reason) => {
                    report.assets.unreadable.push(Refused { line: exported.line, id: id_of(exported), reason });
                }
            }
        }
        let ids: Vec<AssetId> = wanted.iter().map(|(_, id)| id.clone()).collect();
        let held: HashMap<AssetId, Asset> =
            ops.ports.index.fetch(&ids).await?.into_iter().map(|a| (a.id.clone(), a)).collect();
        for (exported, id) in wanted {
            let (Some(asset), Ok(Value::Object(doc))) = (held.get(&id), &exported.doc) else {
                report.assets.missing.push(Refused {
                    line: exported.line,
                    id: id.to_string(),
                    reason: "not in the registry".into(),
                });
                continue;
            };
            let mut differences = compare::asset(doc, asset);
            differences.extend(file_differences(ops, asset, &mut report.files_checked).await?);
            report.assets.note(exported.line, id.as_str(), differences);
            let owner = asset.registered_by.as_deref().and_then(|by| Email::kept(by).ok());
            if !users.is_empty() && owner.is_none_or(|o| !accounts.contains(&o)) {
                report.owners_without_account.push(id.to_string());
            }
        }
        ops.progress.advance(chunk.len() as u64);
    }
    ops.progress.end();
    report.assets.exported = assets.len() as u64;
    report.users.exported = users.len() as u64;
    report.passed = report.assets.clean() && report.users.clean();
    report.seconds = seconds_since(clock);
    Ok(report)
}

/// Every exported user against the account under its email; the emails with accounts here.
async fn check_users(ops: &Ops, users: &[Exported], into: &mut Collection) -> Result<HashSet<Email>, OpsError> {
    let mut accounts = HashSet::new();
    for exported in users {
        let user = match exported
            .doc
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|d| User::from_legacy(d).map_err(|e| e.reason))
        {
            Ok(user) => user,
            Err(reason) => {
                into.unreadable.push(Refused { line: exported.line, id: id_of(exported), reason });
                continue;
            }
        };
        let (Some(account), Ok(Value::Object(doc))) = (ops.ports.users.user(&user.email).await?, &exported.doc) else {
            into.missing.push(Refused {
                line: exported.line,
                id: user.id.0,
                reason: format!("no account {}", user.email),
            });
            continue;
        };
        into.note(exported.line, &user.id.0, compare::user(doc, &account));
        accounts.insert(account.email);
    }
    Ok(accounts)
}

/// A copied file must still be stored with the bytes that were checked when it was copied.
async fn file_differences(ops: &Ops, asset: &Asset, checked: &mut u64) -> Result<Vec<Difference>, OpsError> {
    let (Some(copy), Some(files)) = (&asset.copied_from, &ops.ports.files) else { return Ok(Vec::new()) };
    let differs = |problem: &str| Ok(vec![Difference { field: "gcpStorageUrl".into(), problem: problem.into() }]);
    let Some(key) = asset.gcp_storage_url.as_deref().and_then(|u| nna_domain::files::asset_file_key(u, &asset.id))
    else {
        return differs("does not name the copy in the registry's storage");
    };
    let Some(blob) = files.get(&key).await? else { return differs("the copied file is not stored") };
    *checked += 1;
    let md5 = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(&blob.bytes));
    if md5 != copy.md5 || blob.bytes.len() as u64 != copy.size {
        return differs("the stored bytes are not the ones copied");
    }
    Ok(Vec::new())
}

fn id_of(exported: &Exported) -> String {
    exported.id().unwrap_or_else(|| "?".into())
}
