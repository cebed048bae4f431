//! Names are identities: two assets holding one HFN are reported with a proposed fix (the oldest
//! keeps the name, the others take the next free numbers), never renamed by a pass on its own.

use nna_domain::Asset;
use nna_domain::time::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;

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
        self.0.entry(asset.hfn_key()).or_default().push(holder);
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
