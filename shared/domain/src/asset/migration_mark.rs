//! What a migration wrote on an item: kept on the asset itself, so rolling it back needs nothing
//! but the item (`migration` makes and reads it).

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MigrationMark {
    pub id: String,
    pub version: u32,
    pub at: Timestamp,
    /// The item's revision before the migration wrote it.
    pub revision_before: u64,
    pub changes: Vec<FieldChange>,
}

/// One top-level field the migration changed. `None`: the field was absent (before) or removed
/// (after).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}
