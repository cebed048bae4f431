//! Every change an asset goes through, kept: one [`Entry`] per write, written by the store in the
//! same write as the change, so the history never misses a write and never holds one that did
//! not happen. An entry says which revision the change made, when, who (`Actor`), through what
//! (a route or an operator's command) and what changed, top-level field by field, before and
//! after (`FieldChange`, as the migration's mark lists them). Any revision can be rebuilt from
//! the asset as it is now and the `before` values of the entries after it (`rebuild`).

mod entry;
mod rebuild;
mod record;

pub use entry::{Actor, Change, ChangeKind, Entry, StoredChanges, sort_key, through};
pub use rebuild::{RebuildError, Rebuilt, rebuild};
pub use record::{HISTORY_PREFIX, HistoryFiles, read_changes};

use crate::asset::{Asset, FieldChange};
use serde_json::{Map, Value};

/// Fields every write moves and the entry itself states: never listed as a change.
const IMPLIED: [&str; 1] = ["revision"];

/// The asset's stored fields as one JSON object (what the diff and the rebuild work on).
pub fn fields_of(asset: &Asset) -> Map<String, Value> {
    match serde_json::to_value(asset) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// What changed between two states of an asset (`None`: it did not exist), field by field, in
/// field-name order.
pub fn diff(before: Option<&Asset>, after: Option<&Asset>) -> Vec<FieldChange> {
    let (before, after) = (before.map(fields_of).unwrap_or_default(), after.map(fields_of).unwrap_or_default());
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| !IMPLIED.contains(&name.as_str()))
        .filter(|name| before.get(*name) != after.get(*name))
        .map(|name| FieldChange {
            field: name.clone(),
            before: before.get(name).cloned(),
            after: after.get(name).cloned(),
        })
        .collect()
}
