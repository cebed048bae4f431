//! What is kept of a deleted asset: who deleted it, when, and what it was. Written in the same
//! write as the delete, so an asset never disappears without its record; operators list them
//! (`nna-ops deletions`).

use super::Asset;
use crate::id::AssetId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Deletion {
    pub asset_id: AssetId,
    /// The HFN, which stays used: its number is never given again.
    pub name: String,
    #[serde(rename = "nna_address")]
    pub nna_address: String,
    pub layer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_by: Option<String>,
    pub deleted_by: String,
    pub deleted_at: Timestamp,
    /// The revision deleted.
    pub revision: u64,
    /// Composites that listed the asset and were marked `brokenComponents` (a forced delete).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broken_composites: Vec<String>,
    /// Stored files the asset owned, removed with it (set aside, unserved, while it can be
    /// brought back).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Until when the asset can be brought back (`POST /api/assets/{id}/undelete`) and its files
    /// are kept; absent when they went at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restorable_until: Option<Timestamp>,
}

impl Deletion {
    pub fn of(asset: &Asset, by: &str, at: Timestamp) -> Self {
        Self {
            asset_id: asset.id.clone(),
            name: asset.name().to_owned(),
            nna_address: asset.naming.nna_address().to_owned(),
            layer: asset.layer().to_string(),
            registered_by: asset.registered_by.clone(),
            deleted_by: by.to_owned(),
            deleted_at: at,
            revision: asset.revision,
            broken_composites: Vec::new(),
            files: Vec::new(),
            restorable_until: None,
        }
    }

    /// Where records sort: by time, then asset.
    pub fn sort_key(&self) -> String {
        Self::key_of(self.deleted_at, &self.asset_id)
    }

    /// The key of the record of `id`'s delete at `at`.
    pub fn key_of(at: Timestamp, id: &AssetId) -> String {
        format!("{:013}#{id}", at.millis().max(0))
    }
}
