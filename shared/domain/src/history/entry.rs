//! One history entry: the revision a change made, who made it, through what, and what it changed.

use crate::asset::{Asset, FieldChange};
use crate::auth::Caller;
use crate::id::AssetId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Who made a change. Never a token, a password or a presigned URL: an account is named by its
/// id and email, an operator's run by its command and run name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Actor {
    /// A signed-in account, through the API.
    Account {
        #[serde(rename = "userId")]
        user_id: String,
        email: String,
    },
    /// An operator's command (`nna-ops migrate`), with its run's name where it has one.
    Operator {
        command: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        run: Option<String>,
    },
    /// The album-art pipeline, recording a job's outcome.
    Pipeline,
}

impl From<&Caller> for Actor {
    fn from(caller: &Caller) -> Self {
        Self::Account { user_id: caller.user_id.clone(), email: caller.email.to_string() }
    }
}

/// What kind of change an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    Created,
    Edited,
    Curated,
    /// Album art asked for, or its job's outcome recorded.
    AlbumArt,
    Deleted,
    Undeleted,
    /// A revision's editable fields brought back (`restoredFrom`).
    Restored,
    /// Given the next number of its subcategory (a name two assets held).
    Renumbered,
    /// The metadata migration, its rollback, the cutover's file copy, art reprocessing.
    Operation,
}

/// Who changes an asset, how, and through what: what the writer knows before the store writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub by: Actor,
    /// The route (`PUT /api/assets/{key}`) or command (`nna-ops migrate`).
    pub through: String,
    /// The revision a restore brought back.
    pub restored_from: Option<u64>,
}

impl Change {
    pub fn new(kind: ChangeKind, by: Actor, through: impl Into<String>) -> Self {
        Self { kind, by, through: through.into(), restored_from: None }
    }

    /// An operator's command changing assets (`command` as typed: `nna-ops migrate`).
    pub fn operator(command: &str, run: Option<crate::ports::Run>) -> Self {
        let by = Actor::Operator { command: command.to_owned(), run: run.map(|r| r.name().to_owned()) };
        Self::new(ChangeKind::Operation, by, command)
    }

    /// The album-art pipeline recording what a job found.
    pub fn pipeline() -> Self {
        Self::new(ChangeKind::AlbumArt, Actor::Pipeline, "album-art job")
    }

    /// The entry of a change whose values are kept inline: `before` → `after` at `revision`.
    pub fn entry(&self, id: &AssetId, before: Option<&Asset>, after: Option<&Asset>, revision: u64) -> Entry {
        let changes = super::diff(before, after);
        let mut entry = self.made(id, revision, changes.iter().map(|c| c.field.clone()).collect());
        entry.changes = Some(changes);
        entry
    }

    /// This change's entry at `revision`, naming `fields`, without values yet.
    fn made(&self, id: &AssetId, revision: u64, fields: Vec<String>) -> Entry {
        Entry {
            asset_id: id.clone(),
            revision,
            at: Timestamp::now(),
            kind: self.kind,
            by: self.by.clone(),
            through: self.through.clone(),
            fields,
            changes: None,
            stored: None,
            restored_from: self.restored_from,
        }
    }

    /// The entry of a create, made by the store once it has numbered the asset (inside its
    /// write, so it is cheap): the fields set, without their values, which are the revision itself
    /// (`GET …/revisions/{n}`).
    pub fn created(&self, asset: &Asset) -> Entry {
        let mut fields: Vec<String> = super::fields_of(asset)
            .into_iter()
            .map(|(k, _)| k)
            .filter(|k| !super::IMPLIED.contains(&k.as_str()))
            .collect();
        fields.sort();
        self.made(&asset.id, asset.revision, fields)
    }
}

/// Where an entry's changes are kept when they are too large for the entry: a JSON file in the
/// registry's storage, named by the entry and checked by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StoredChanges {
    pub key: String,
    pub sha256: String,
    pub bytes: u64,
}

/// One change to one asset. `changes` holds the values inline; for a very large change they
/// are in `stored` instead; a create lists only `fields` (its values are the revision).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = HistoryEntry))]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub asset_id: AssetId,
    /// The revision this change made (a delete's is the one after the revision deleted).
    pub revision: u64,
    pub at: Timestamp,
    pub kind: ChangeKind,
    pub by: Actor,
    pub through: String,
    /// The top-level fields changed, in name order.
    pub fields: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Object>>))]
    pub changes: Option<Vec<FieldChange>>,
    pub stored: Option<StoredChanges>,
    pub restored_from: Option<u64>,
}

impl Entry {
    /// Where entries sort within an asset's history: by revision.
    pub fn sort_key(&self) -> String {
        sort_key(self.revision)
    }

    /// The entry as the stores keep it.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// How large the entry is as stored, values included.
    pub fn inline_bytes(&self) -> usize {
        self.to_json().map_or(usize::MAX, |j| j.len())
    }
}

/// Where revision `n` sorts: zero-padded, so text order is number order.
pub fn sort_key(revision: u64) -> String {
    format!("{revision:020}")
}

/// The routes the API's changes come through, as entries name them.
pub mod through {
    pub const CREATE: &str = "POST /api/assets";
    pub const BATCH: &str = "POST /api/assets/batch";
    pub const PUT: &str = "PUT /api/assets/{key}";
    pub const PATCH: &str = "PATCH /api/assets/{key}";
    pub const CURATE: &str = "POST /api/assets/curate/{key}";
    pub const ALBUM_ART: &str = "POST /api/assets/{key}/album-art";
    pub const DELETE: &str = "DELETE /api/assets/{key}";
    pub const RESTORE: &str = "POST /api/assets/{key}/restore";
    pub const UNDELETE: &str = "POST /api/assets/{key}/undelete";
    /// Every route above: the routes test holds each to the router.
    pub const ALL: [&str; 9] = [CREATE, BATCH, PUT, PATCH, CURATE, ALBUM_ART, DELETE, RESTORE, UNDELETE];
}
