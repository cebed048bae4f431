//! Reading an asset's history, the asset at any revision, and bringing a revision back.

use super::{Denied, Registry, RegistryError, Requester};
use crate::address::AssetKey;
use crate::asset::Asset;
use crate::auth::Caller;
use crate::error::{ErrorCode, FieldError};
use crate::history::{ChangeKind, Entry, Rebuilt, read_changes, rebuild, through};
use crate::id::AssetId;
use crate::input::{EditAsset, EditFields, EditMode, Edited};
use crate::limits::{HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX};

/// Entries read per store call while rebuilding a revision.
const REBUILD_PAGE: usize = 100;

/// One page of an asset's history, newest first.
#[derive(Debug, Clone)]
pub struct HistoryPage {
    pub asset_id: AssetId,
    pub entries: Vec<Entry>,
    /// The asset's latest revision (a deleted asset's is its delete's).
    pub latest: u64,
    /// Where the next page starts; `None` on the last.
    pub next_cursor: Option<String>,
}

/// Whose history a request reads: the asset (while it exists) and its id.
struct Subject {
    id: AssetId,
    now: Option<Asset>,
}

impl Registry {
    /// `GET /api/assets/{key}/history`: the owner's and admins'. A deleted asset's history is
    /// read by its id, by admins.
    pub async fn history(
        &self,
        caller: &Caller,
        key: &AssetKey,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<HistoryPage, RegistryError> {
        let limit = limit.unwrap_or(HISTORY_PAGE_DEFAULT);
        if !(1..=HISTORY_PAGE_MAX).contains(&limit) {
            return Err(FieldError::new(
                "limit",
                ErrorCode::OutOfRange,
                format!("limit must be between 1 and {HISTORY_PAGE_MAX}"),
            )
            .into());
        }
        let subject = self.subject(caller, key).await?;
        let fingerprint = format!("history:{}", subject.id);
        let before = match cursor {
            Some(c) => Some(self.config.cursor_key.decode(&fingerprint, c)?.parse::<u64>().map_err(|_| bad_cursor())?),
            None => None,
        };
        let mut entries = self.store.history(&subject.id, before, limit as usize + 1).await?;
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        let latest = match (&subject.now, before, entries.first()) {
            // The first page starts at the newest entry.
            (None, None, Some(newest)) => newest.revision,
            _ => self.latest(&subject).await?,
        };
        let next_cursor = match entries.last() {
            Some(last) if more => Some(self.config.cursor_key.encode(&fingerprint, &last.revision.to_string())),
            _ => None,
        };
        Ok(HistoryPage { asset_id: subject.id, entries, latest, next_cursor })
    }

    /// `GET /api/assets/{key}/revisions/{n}`: the asset as it was at revision `n`.
    pub async fn revision(&self, caller: &Caller, key: &AssetKey, revision: u64) -> Result<Asset, RegistryError> {
        let subject = self.subject(caller, key).await?;
        if let Some(now) = subject.now.as_ref().filter(|a| a.revision == revision) {
            return Ok(now.clone());
        }
        let mut later = Vec::new();
        let mut known = false;
        let mut oldest: Option<Entry> = None;
        let mut before = None;
        loop {
            let page = self.store.history(&subject.id, before, REBUILD_PAGE).await?;
            let full = page.len() == REBUILD_PAGE;
            for entry in page {
                before = Some(entry.revision);
                known |= entry.revision == revision;
                if entry.revision > revision {
                    later.push(entry.clone());
                }
                oldest = Some(entry);
            }
            if !full || before.is_some_and(|b| b <= revision) {
                break;
            }
        }
        // An asset older than its history: the revision before the first entry is known too.
        known |= oldest.as_ref().is_some_and(|o| o.kind != ChangeKind::Created && o.revision == revision + 1);
        let latest = self.latest(&subject).await?;
        if !known {
            return Err(RegistryError::NoRevision { asked: revision, latest });
        }
        let mut with_values = Vec::with_capacity(later.len());
        for entry in later {
            let changes = read_changes(&entry, self.blobs.as_ref()).await?;
            with_values.push((entry, changes));
        }
        match rebuild(subject.now.as_ref(), &with_values, revision) {
            Ok(Rebuilt::At(asset)) => Ok(*asset),
            Ok(Rebuilt::Absent) => Err(RegistryError::NoRevision { asked: revision, latest }),
            Err(e) => Err(e.into()),
        }
    }

    /// `POST /api/assets/{key}/restore`: a new revision whose editable fields are revision `n`'s,
    /// made as an edit is (its rules, its warnings, `If-Match`). Files the old revision named must
    /// still be stored.
    pub async fn restore(&self, by: Requester<'_>, key: &AssetKey, revision: u64) -> Result<Edited, RegistryError> {
        let old = self.revision(by.caller, key, revision).await?;
        let gone = self.files_gone(&old).await?;
        if !gone.is_empty() {
            return Err(RegistryError::FilesGone { revision, keys: gone });
        }
        let fields = crate::history::fields_of(&old);
        let edit = EditAsset::of(EditFields::exactly(&fields), EditMode::Replace);
        let mut why = by.change(ChangeKind::Restored, through::RESTORE);
        why.restored_from = Some(revision);
        self.edit_as(by, key, &edit, &why).await
    }

    /// Stored files of this registry an asset names that are no longer stored.
    async fn files_gone(&self, asset: &Asset) -> Result<Vec<String>, RegistryError> {
        let mut gone = Vec::new();
        for key in crate::files::referenced_urls(asset).filter_map(|u| self.blobs.key_of_url(u)) {
            if self.blobs.head(&key).await?.is_none() {
                gone.push(key.to_string());
            }
        }
        gone.sort();
        gone.dedup();
        Ok(gone)
    }

    async fn subject(&self, caller: &Caller, key: &AssetKey) -> Result<Subject, RegistryError> {
        match self.get(key).await {
            Ok(asset) => {
                if !caller.may_edit(&asset) {
                    return Err(RegistryError::Forbidden(Denied::NotYourHistory));
                }
                Ok(Subject { id: asset.id.clone(), now: Some(asset) })
            }
            Err(RegistryError::NotFound(AssetKey::Id(id))) if caller.is_admin() => {
                if self.store.history(&id, None, 1).await?.is_empty() {
                    return Err(RegistryError::NotFound(AssetKey::Id(id)));
                }
                Ok(Subject { id, now: None })
            }
            Err(e) => Err(e),
        }
    }

    /// The asset's revision while it exists (no entry is ever past it), else its newest entry's.
    async fn latest(&self, subject: &Subject) -> Result<u64, RegistryError> {
        if let Some(now) = &subject.now {
            return Ok(now.revision);
        }
        Ok(self.store.history(&subject.id, None, 1).await?.first().map_or(0, |e| e.revision))
    }
}

fn bad_cursor() -> FieldError {
    FieldError::new("cursor", ErrorCode::InvalidCursor, "this cursor does not belong to this history")
}
