//! Names are identities: two assets holding one HFN are reported with a proposed fix (the oldest
//! keeps the name, the others take the next free numbers), never renamed by a pass on its own;
//! `migrate --fix-names` applies that fix.

use crate::rewrite::MAX_TRIES;
use crate::{Ops, OpsError};
use nna_domain::history::{Change, ChangeKind};
use nna_domain::migration;
use nna_domain::ports::{CreatePlan, Run, StoreError};
use nna_domain::taxonomy::{TaxonomyPath, taxonomy};
use nna_domain::time::Timestamp;
use nna_domain::{Address, Asset, AssetId, AssetKey};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a pass remembers of each asset to find shared names.
#[derive(Debug, Clone)]
pub(crate) struct Holder {
    id: String,
    created_at: Timestamp,
}

#[derive(Debug, Default)]
pub(crate) struct Names(BTreeMap<String, Vec<Holder>>);

impl Names {
    pub fn note(&mut self, asset: &Asset) {
        let holder = Holder { id: asset.id.as_str().to_owned(), created_at: asset.created_at };
        self.0.entry(asset.hfn_key().as_str().to_owned()).or_default().push(holder);
    }

    pub fn duplicates(self) -> Vec<Duplicate> {
        self.0
            .into_iter()
            .filter(|(_, holders)| holders.len() > 1)
            .map(|(name, mut holders)| {
                holders.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
                let keeper = holders[0].id.clone();
                let others: Vec<String> = holders[1..].iter().map(|h| h.id.clone()).collect();
                let proposed_fix = format!(
                    "{keeper} (the oldest) keeps {name}; {} take the next free numbers of {}",
                    others.join(", "),
                    name.rsplit_once('.').map_or(name.as_str(), |(path, _)| path)
                );
                Duplicate { name, ids: holders.into_iter().map(|h| h.id).collect(), proposed_fix }
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Duplicate {
    pub name: String,
    /// Oldest first.
    pub ids: Vec<String>,
    pub proposed_fix: String,
}

/// An operator's fix applied (`migrate --fix-names`): a younger holder of a shared name under the
/// next free number of its subcategory, same id.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Renamed {
    pub id: String,
    pub from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Why it was left as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Gives every holder of a shared name but the oldest the next free number in its subcategory,
/// each in one conditional store write (a user's write in between is read and renumbered again).
pub(crate) async fn renumber(ops: &Ops, duplicates: &[Duplicate]) -> Result<Vec<Renamed>, OpsError> {
    let mut out = Vec::new();
    for duplicate in duplicates {
        for id in duplicate.ids.iter().skip(1) {
            out.push(renumber_one(ops, &duplicate.name, id).await?);
        }
    }
    Ok(out)
}

async fn renumber_one(ops: &Ops, name: &str, id: &str) -> Result<Renamed, OpsError> {
    let left = |problem: &str| Renamed {
        id: id.to_owned(),
        from: name.to_owned(),
        to: None,
        problem: Some(problem.to_owned()),
    };
    let (Some(id), Some(address)) = (AssetId::parse(id), Address::parse(name)) else {
        return Ok(left("the name is not an address the taxonomy knows: renumber it by hand"));
    };
    let same_name =
        |current: &Asset| if current.hfn_key().as_str() == name { Ok(()) } else { Err("renamed meanwhile") };
    Ok(move_to(ops, &id, address.path, same_name).await?.unwrap_or_else(left))
}

/// Places assets whose address names no place (`G.undefined.undefined.001`) where the operator
/// says (`id` → `G.HIP.MOD`), under the next free number there.
pub(crate) async fn place(ops: &Ops, places: &[(String, String)]) -> Result<Vec<Renamed>, OpsError> {
    let mut out = Vec::new();
    for (id, place) in places {
        let left = |problem: String| Renamed { id: id.clone(), from: String::new(), to: None, problem: Some(problem) };
        let mut parts = place.split('.');
        let (asset_id, path) = match (AssetId::parse(id), parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(asset_id), Some(l), Some(c), Some(s), None) => match taxonomy().resolve(l, c, s) {
                Ok(path) => (asset_id, path),
                Err(e) => {
                    out.push(left(format!("{place}: {}", e.message)));
                    continue;
                }
            },
            _ => {
                out.push(left(format!("{id}={place}: expected <asset id>=<layer>.<category>.<subcategory>")));
                continue;
            }
        };
        let broken = |current: &Asset| {
            if current.mfa_key().is_some() {
                Err("its address is not broken: it keeps its name")
            } else if !current.layer().is(path.layer_code()) {
                Err("the place is in another layer")
            } else {
                Ok(())
            }
        };
        let moved = move_to(ops, &asset_id, path, broken).await?;
        out.push(moved.unwrap_or_else(|problem| left(problem.to_owned())));
    }
    Ok(out)
}

/// Renumbers one asset under the next free number of `path` (same id, one conditional write), if
/// `allowed` still holds for the stored asset; `Err(problem)` when it was left as it is.
async fn move_to(
    ops: &Ops,
    id: &AssetId,
    path: TaxonomyPath,
    allowed: impl Fn(&Asset) -> Result<(), &'static str>,
) -> Result<Result<Renamed, &'static str>, OpsError> {
    for _ in 0..MAX_TRIES {
        let Some(current) = ops.ports.store.get(&AssetKey::Id(id.clone())).await? else {
            return Ok(Err("deleted meanwhile"));
        };
        if let Err(problem) = allowed(&current) {
            return Ok(Err(problem));
        }
        let template = current.clone();
        let plan = CreatePlan {
            path,
            requires: Vec::new(),
            build: Arc::new(move |address| migration::renumbered(&template, &address)),
            idempotency: None,
            upload: None,
            change: Change { kind: ChangeKind::Renumbered, ..Change::operator("nna-ops migrate", Some(Run::Migrate)) },
        };
        match ops.ports.maintenance.renumber(&current, plan).await {
            Ok(renamed) => {
                let done = Renamed {
                    id: id.as_str().into(),
                    from: current.name().to_owned(),
                    to: Some(renamed.name().to_owned()),
                    problem: None,
                };
                return Ok(Ok(done));
            }
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Err("written to too often meanwhile; run again"))
}
