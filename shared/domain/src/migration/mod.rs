//! The metadata migration: items written before `creatorDescription`, `aiMetadata` and the rest
//! existed are brought to the current shape in place, one item at a time, while the API serves.
//!
//! Each item is migrated from its own stored form alone (so the work splits across scan segments
//! and resumes anywhere), as a conditional write on the revision read (so a user's write in the
//! meantime wins and the item is migrated again from the fresh data), and carries a
//! [`MigrationMark`] listing every field it changed with the value before and after. The mark makes
//! the migration idempotent (a marked item is done), verifiable (every other field must equal the
//! backup) and reversible ([`rollback`] puts back exactly the `before` values of fields that still
//! hold the migration's `after`, and reports the ones users have edited since).
//!
//! Names are identities: broken addresses and duplicate numbers are reported with a proposed fix,
//! never renamed here.

mod rules;
#[cfg(test)]
mod tests;

use crate::Asset;
use crate::time::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};

/// This migration, as recorded on the items it changes.
pub const MIGRATION_ID: &str = "enhanced-metadata";
pub const MIGRATION_VERSION: u32 = 1;

/// Set on items with no creator's words to be found: the frontend can ask the creator.
pub const NEEDS_CREATOR_INPUT: &str = "needsCreatorInput";

pub use crate::asset::{FieldChange, MigrationMark};

/// Something an operator should look at: not changed by the migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// `broken_address`, `unknown_place`, `unparseable_json`, `friendly_name_too_long`, …
    pub code: &'static str,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_fix: Option<String>,
}

impl Finding {
    pub(crate) fn new(code: &'static str, detail: impl Into<String>) -> Self {
        Self { code, detail: detail.into(), proposed_fix: None }
    }

    pub(crate) fn fix(mut self, fix: impl Into<String>) -> Self {
        self.proposed_fix = Some(fix.into());
        self
    }
}

/// What the migration makes of one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Migrated {
    /// Marked by this migration already.
    Done,
    /// Nothing to change (findings may still be reported).
    Unchanged { findings: Vec<Finding> },
    Changed {
        next: Box<Asset>,
        /// The rules that applied, by name (`creator_description_from_friendly_name`, …).
        rules: Vec<&'static str>,
        findings: Vec<Finding>,
        /// A song whose bare album-art URL became pending art: queue its job after the write.
        art_job: bool,
    },
    /// The migrated form would not be a valid item; nothing is written.
    Refused { reason: String, findings: Vec<Finding> },
}

fn document(asset: &Asset) -> Result<Map<String, Value>, String> {
    match serde_json::to_value(asset) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("an asset is not a JSON object".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Fields that describe the record rather than its content: never compared, never recorded.
const BOOKKEEPING: [&str; 2] = ["revision", "_migration"];

/// The migration of one item, as of `now`.
pub fn migrate(asset: &Asset, now: Timestamp) -> Migrated {
    if asset.migration.as_ref().is_some_and(|m| m.id == MIGRATION_ID && m.version == MIGRATION_VERSION) {
        return Migrated::Done;
    }
    let before = match document(asset) {
        Ok(doc) => doc,
        Err(reason) => return Migrated::Refused { reason, findings: Vec::new() },
    };
    let mut doc = before.clone();
    let applied = rules::apply(asset, &mut doc);
    let changes = diff(&before, &doc);
    if changes.is_empty() {
        return Migrated::Unchanged { findings: applied.findings };
    }
    let mark = MigrationMark {
        id: MIGRATION_ID.to_owned(),
        version: MIGRATION_VERSION,
        at: now,
        revision_before: asset.revision,
        changes,
    };
    doc.insert("revision".into(), Value::from(asset.revision + 1));
    match serde_json::to_value(&mark) {
        Ok(m) => doc.insert("_migration".into(), m),
        Err(e) => return Migrated::Refused { reason: e.to_string(), findings: applied.findings },
    };
    match Asset::load(Value::Object(doc)) {
        Ok(next) => Migrated::Changed {
            next: Box::new(next),
            rules: applied.rules,
            findings: applied.findings,
            art_job: applied.art_job,
        },
        Err(e) => {
            Migrated::Refused { reason: format!("the migrated item would not load: {e}"), findings: applied.findings }
        }
    }
}

/// Top-level fields whose value differs, bookkeeping aside.
fn diff(before: &Map<String, Value>, after: &Map<String, Value>) -> Vec<FieldChange> {
    let mut fields: Vec<&String> =
        before.keys().chain(after.keys()).filter(|k| !BOOKKEEPING.contains(&k.as_str())).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter(|f| before.get(*f) != after.get(*f))
        .map(|f| FieldChange { field: f.clone(), before: before.get(f).cloned(), after: after.get(f).cloned() })
        .collect()
}

/// Kept on an asset an operator renumbered: the name it had, so links and people can find it.
pub const RENAMED_FROM: &str = "renamedFrom";

/// The asset under a new number: the operator's fix for a number two assets hold, or for an
/// address that names no place (the migration only proposes them). Name (with a composite's component addresses), `nna_address` and `mfa`
/// follow the new address; the old name is kept in `renamedFrom`.
pub fn renumbered(asset: &Asset, address: &crate::Address) -> Asset {
    let mut next = asset.clone();
    next.place = crate::asset::Place::of(address.path);
    next.naming = crate::asset::Naming::given(address, asset.naming.parts());
    next.revision = asset.revision + 1;
    next.extra.entry(RENAMED_FROM).or_insert_with(|| Value::String(asset.name().to_owned()));
    next
}

/// What rolling one item back makes of it.
#[derive(Debug, Clone, PartialEq)]
pub enum RolledBack {
    /// Not changed by this migration: nothing to undo.
    NotMigrated,
    Reverted {
        next: Box<Asset>,
        /// Fields changed since the migration: left as they are now.
        kept: Vec<String>,
        /// Written since the migration (by a user, or another tool): the item cannot be exactly
        /// what it was before.
        edited_since: bool,
    },
    Refused {
        reason: String,
    },
}

/// Undoes the migration on one item: each field that still holds what the migration wrote gets
/// its old value back; fields changed since are kept and reported. An item nobody wrote since is
/// returned to exactly its pre-migration form, revision included.
pub fn rollback(asset: &Asset) -> RolledBack {
    let Some(mark) = asset.migration.as_ref().filter(|m| m.id == MIGRATION_ID) else {
        return RolledBack::NotMigrated;
    };
    let mut doc = match document(asset) {
        Ok(doc) => doc,
        Err(reason) => return RolledBack::Refused { reason },
    };
    doc.shift_remove("_migration");
    let mut kept = Vec::new();
    for change in &mark.changes {
        if doc.get(&change.field) != change.after.as_ref() {
            kept.push(change.field.clone());
            continue;
        }
        match &change.before {
            Some(v) => doc.insert(change.field.clone(), v.clone()),
            None => doc.shift_remove(&change.field),
        };
    }
    let edited_since = asset.revision != mark.revision_before + 1;
    // A rollback is a change like any other: the next revision, never an earlier one again (the
    // history keeps one entry per revision, and an entity tag never names two states).
    doc.insert("revision".into(), Value::from(asset.revision + 1));
    match Asset::load(Value::Object(doc)) {
        Ok(next) => RolledBack::Reverted { next: Box::new(next), kept, edited_since },
        Err(e) => RolledBack::Refused { reason: format!("the rolled-back item would not load: {e}") },
    }
}

/// Why a migrated item does not check out against its backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Discrepancy {
    pub field: String,
    pub problem: String,
}

/// What every item holds once migrated, whoever wrote it since: `aiMetadata`, and either the
/// creator's words or the needs-input flag.
pub fn invariants(asset: &Asset) -> Vec<Discrepancy> {
    let mut out = Vec::new();
    let problem = |field: &str, problem: &str| Discrepancy { field: field.to_owned(), problem: problem.to_owned() };
    if asset.ai_metadata.is_none() {
        out.push(problem("aiMetadata", "missing"));
    }
    if asset.creator_description.is_none() && asset.extra.get(NEEDS_CREATOR_INPUT) != Some(&Value::Bool(true)) {
        out.push(problem("creatorDescription", "missing, and not flagged as needing the creator's input"));
    }
    out
}

/// Checks one item against its copy in the pre-migration backup: it has `aiMetadata` and either
/// the creator's words or the needs-input flag; each field the migration changed held, before,
/// what the backup holds; every other field equals the backup's.
pub fn verify(asset: &Asset, backed_up: &Asset) -> Vec<Discrepancy> {
    let mut out = invariants(asset);
    let problem = |field: &str, problem: &str| Discrepancy { field: field.to_owned(), problem: problem.to_owned() };
    let (Ok(now), Ok(then)) = (document(asset), document(backed_up)) else {
        out.push(problem("", "not serializable"));
        return out;
    };
    let changes: Vec<&FieldChange> = asset.migration.iter().flat_map(|m| &m.changes).collect();
    let mut fields: Vec<&String> =
        now.keys().chain(then.keys()).filter(|k| !BOOKKEEPING.contains(&k.as_str())).collect();
    fields.sort();
    fields.dedup();
    for field in fields {
        match changes.iter().find(|c| &c.field == field) {
            Some(change) if change.before.as_ref() != then.get(field) => {
                out.push(problem(field, "the value the migration replaced is not the backup's"));
            }
            Some(_) => {}
            None if now.get(field) != then.get(field) => out.push(problem(field, "differs from the backup")),
            None => {}
        }
    }
    out
}
