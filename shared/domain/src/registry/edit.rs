use super::create::fill_song_data;
use super::{Denied, Registry, RegistryError};
use crate::address::AssetKey;
use crate::asset::AssetStatus;
use crate::asset::{Asset, Version};
use crate::auth::Caller;
use crate::history::{Change, ChangeKind, through};
use crate::input::{EditAsset, EditMode, Edited};
use crate::ports::StoreError;
use crate::retry::Backoff;
use crate::time::Timestamp;

/// Conditional writes that lose to a concurrent writer are redone on fresh data, after a short
/// random pause so that writers who collided do not collide again.
pub(super) const ATTEMPTS: u32 = 16;

impl Registry {
    /// The asset's registrant or an admin; with `if_match`, only while the asset is at that version.
    /// The answer says what of the edit was not taken as sent (the rest is saved).
    pub async fn edit(&self, by: Requester<'_>, key: &AssetKey, edit: &EditAsset) -> Result<Edited, RegistryError> {
        let route = match edit.mode() {
            EditMode::Replace => through::PUT,
            EditMode::Merge => through::PATCH,
        };
        self.edit_as(by, key, edit, &by.change(ChangeKind::Edited, route)).await
    }

    /// An edit, recorded in the history as `why`.
    pub(super) async fn edit_as(
        &self,
        by: Requester<'_>,
        key: &AssetKey,
        edit: &EditAsset,
        why: &Change,
    ) -> Result<Edited, RegistryError> {
        let before = self.get(key).await?;
        // The warnings of the attempt that was written (a lost race applies the edit again).
        let warnings = std::sync::Mutex::new(Vec::new());
        let edited = self
            .modify(by, key, why, |current| {
                let Edited { asset: mut next, warnings: found } = edit.apply(current)?;
                refresh_song_data(current, &mut next, edit);
                self.prepare_changed_art(current, &mut next);
                if let Ok(mut w) = warnings.lock() {
                    *w = found;
                }
                Ok(next)
            })
            .await?;
        if edited.revision != before.revision {
            self.enqueue_art_if_new(&before, &edited).await;
        }
        Ok(Edited { asset: edited, warnings: warnings.into_inner().unwrap_or_default() })
    }

    /// Only art whose source changed needs a job.
    async fn enqueue_art_if_new(&self, before: &Asset, after: &Asset) {
        use crate::asset::AlbumArtField;
        let source =
            |a: &Asset| a.album_art.as_ref().and_then(AlbumArtField::art).and_then(|art| art.source_url.clone());
        if source(before) != source(after) {
            self.enqueue_art(after, None).await;
        }
    }

    /// Admins only.
    pub async fn curate(&self, by: Requester<'_>, key: &AssetKey) -> Result<Asset, RegistryError> {
        by.admin_only("curate")?;
        self.modify(by, key, &by.change(ChangeKind::Curated, through::CURATE), |current| {
            let mut next = current.clone();
            if next.status != Some(AssetStatus::Curated) {
                next.status = Some(AssetStatus::Curated);
                next.curated_at = Some(Timestamp::now());
            }
            Ok(next)
        })
        .await
    }

    /// Read, change, write if nobody wrote in between; otherwise again on fresh data. Changing
    /// nothing writes nothing.
    pub(super) async fn modify(
        &self,
        by: Requester<'_>,
        key: &AssetKey,
        why: &Change,
        change: impl Fn(&Asset) -> Result<Asset, RegistryError>,
    ) -> Result<Asset, RegistryError> {
        for attempt in 0..ATTEMPTS {
            let current = self.get(key).await?;
            by.check(&current)?;
            let mut next = change(&current)?;
            if next == current {
                return Ok(current);
            }
            next.revision = current.revision + 1;
            next.updated_at = Timestamp::now().max(current.updated_at);
            let entry =
                self.history_files().entry(why, &current.id, Some(&current), Some(&next), next.revision).await?;
            match self.store.replace(&current, &next, &entry).await {
                Ok(()) => return Ok(next),
                Err(StoreError::Conflict) => Backoff::EDIT.wait(attempt).await,
                Err(e) => return Err(e.into()),
            }
        }
        Err(busy())
    }
}

/// Who asks for a change, and which version of the asset they saw (`If-Match`), if they said.
#[derive(Debug, Clone, Copy)]
pub struct Requester<'a> {
    pub caller: &'a Caller,
    /// The versions `If-Match` listed; `None` when it was absent or `*`.
    pub if_match: Option<&'a [Version]>,
}

impl<'a> Requester<'a> {
    pub fn new(caller: &'a Caller) -> Self {
        Self { caller, if_match: None }
    }

    pub fn if_match(self, versions: Option<&'a [Version]>) -> Self {
        Self { if_match: versions, ..self }
    }

    /// A change this requester makes through `route`.
    pub fn change(&self, kind: ChangeKind, route: &str) -> Change {
        Change::new(kind, self.caller.into(), route)
    }

    pub(super) fn admin_only(&self, what: &'static str) -> Result<(), RegistryError> {
        if self.caller.is_admin() { Ok(()) } else { Err(RegistryError::Forbidden(Denied::AdminsOnly(what))) }
    }

    /// Checked on every read of a write's retry loop, so a version check holds against the data
    /// actually written over.
    pub(super) fn check(&self, current: &Asset) -> Result<(), RegistryError> {
        if !self.caller.may_edit(current) {
            return Err(RegistryError::Forbidden(Denied::NotYours));
        }
        match self.if_match {
            Some(listed) if !Version::matches(current, listed) => {
                Err(RegistryError::Stale { current: current.revision })
            }
            _ => Ok(()),
        }
    }
}

pub(super) fn busy() -> RegistryError {
    RegistryError::KeptChanging
}

/// When a song's words change, song data that was read from the old words is read again, unless
/// this same edit says what the song data is.
fn refresh_song_data(current: &Asset, next: &mut Asset, edit: &EditAsset) {
    if next.creator_description == current.creator_description || edit.sent().music_metadata.is_some() {
        return;
    }
    let old_words = current.creator_description.as_ref().map(|d| d.as_str());
    if let Some(music) = &mut next.music_metadata
        && old_words.is_some()
        && music.extracted_song_data.as_ref().and_then(|s| s.original_input.as_deref()) == old_words
    {
        music.extracted_song_data = None;
    }
    fill_song_data(next);
}
