//! An asset as it was at any revision: the asset as it is now (or nothing, once deleted) with
//! the `before` values of every later entry put back, newest first.

use super::{ChangeKind, Entry, fields_of};
use crate::asset::{Asset, FieldChange};
use serde_json::{Map, Value};

/// What an asset was at a revision.
#[derive(Debug, Clone, PartialEq)]
pub enum Rebuilt {
    At(Box<Asset>),
    /// Deleted at that revision.
    Absent,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RebuildError {
    /// An entry after the revision has no values to put back (history kept from before values
    /// were, or a file that is gone).
    #[error("revision {revision} cannot be rebuilt: the change at {missing} kept no values")]
    NoValues { revision: u64, missing: u64 },
    #[error("revision {revision} cannot be read as an asset: {reason}")]
    Unreadable { revision: u64, reason: String },
}

/// The asset at `revision` from `now` and the entries after it, newest first, each with its
/// changes' values (`read_changes`).
pub fn rebuild(
    now: Option<&Asset>,
    later: &[(Entry, Option<Vec<FieldChange>>)],
    revision: u64,
) -> Result<Rebuilt, RebuildError> {
    let mut fields: Map<String, Value> = now.map(fields_of).unwrap_or_default();
    for (entry, changes) in later.iter().filter(|(e, _)| e.revision > revision) {
        let changes = match changes {
            Some(c) => c,
            None if entry.kind == ChangeKind::Created => return Ok(Rebuilt::Absent),
            None => return Err(RebuildError::NoValues { revision, missing: entry.revision }),
        };
        for change in changes {
            match &change.before {
                Some(value) => fields.insert(change.field.clone(), value.clone()),
                None => fields.remove(&change.field),
            };
        }
    }
    if fields.is_empty() {
        return Ok(Rebuilt::Absent);
    }
    fields.insert("revision".to_owned(), Value::from(revision));
    Asset::load(Value::Object(fields))
        .map(|a| Rebuilt::At(Box::new(a)))
        .map_err(|e| RebuildError::Unreadable { revision, reason: e.to_string() })
}
