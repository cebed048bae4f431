//! Deletes (admins only) that leave nothing broken: an asset a live composite lists is refused
//! unless the delete is forced, which marks those composites `brokenComponents` instead of
//! leaving addresses that lead nowhere. The delete keeps a record of who deleted what and when in
//! the same write, and removes the files the asset owned; what storage does not remove at once
//! goes to the job queue, which retries. The number stays used.

use super::edit::{ATTEMPTS, busy};
use super::{Registry, RegistryError, Requester};
use crate::address::AssetKey;
use crate::address::Mfa;
use crate::asset::{Asset, Deletion};
use crate::blob::BlobKey;
use crate::jobs::Job;
use crate::ports::{StoreError, Walk};
use crate::search::{Direction, Level, Order, Scope, position};
use crate::taxonomy::LayerCode;
use crate::time::Timestamp;
use serde_json::Value;

/// Composites that lost a component to a forced delete list its address here.
pub const BROKEN_COMPONENTS: &str = "brokenComponents";

/// What a delete did.
#[derive(Debug)]
pub struct Deleted {
    pub asset: Asset,
    pub record: Deletion,
    /// Files the queue will remove, because storage did not at once.
    pub files_pending: usize,
}

impl Registry {
    /// Admins only. `force`: delete even if composites list the asset, marking them.
    pub async fn delete(&self, by: Requester<'_>, key: &AssetKey, force: bool) -> Result<Deleted, RegistryError> {
        by.admin_only("delete")?;
        for attempt in 0..ATTEMPTS {
            let current = self.get(key).await?;
            by.check(&current)?;
            let users = self.composites_using(&current).await?;
            if !users.is_empty() && !force {
                return Err(RegistryError::ComponentInUse(users.iter().map(|c| c.name().to_owned()).collect()));
            }
            let mut record = Deletion::of(&current, by.caller.email.as_str(), Timestamp::now());
            record.files = self.owned_files(&current).iter().map(|k| k.as_str().to_owned()).collect();
            for composite in &users {
                self.mark_broken(by, composite, &current).await?;
                record.broken_composites.push(composite.name().to_owned());
            }
            let why = by.change(crate::history::ChangeKind::Deleted, crate::history::through::DELETE);
            let retention = self.config.deleted_retention;
            if !retention.is_zero() {
                record.restorable_until = Some(record.deleted_at.after(retention));
            }
            let mut entry =
                self.history_files().entry(&why, &current.id, Some(&current), None, current.revision + 1).await?;
            // The same instant names the record, so an undelete finds it from the entry.
            entry.at = record.deleted_at;
            match self.store.delete(&current, &record, &entry).await {
                Ok(()) => {
                    let files_pending = if retention.is_zero() {
                        self.remove_files(&current, &record.files).await
                    } else {
                        self.set_aside_files(&current, &record.files).await
                    };
                    return Ok(Deleted { asset: current, record, files_pending });
                }
                Err(StoreError::Conflict) => crate::retry::Backoff::EDIT.wait(attempt).await,
                Err(e) => return Err(e.into()),
            }
        }
        Err(busy())
    }

    /// Live composites whose components name this asset. Composites are walked, not indexed by
    /// component: deletes are rare and admin-only, and a walk needs no index to be kept.
    async fn composites_using(&self, asset: &Asset) -> Result<Vec<Asset>, RegistryError> {
        let Some(address) = asset.mfa_key() else { return Ok(Vec::new()) };
        if asset.layer().is(LayerCode::C) {
            return Ok(Vec::new());
        }
        let place = Scope { level: Level::Layer, value: LayerCode::C.to_string() };
        let mut users = Vec::new();
        let mut after = None;
        loop {
            let walk = Walk { place: place.clone(), order: Order::Created, direction: Direction::Ascending, after };
            let got = self.index.walk(&walk, 1000).await?;
            users.extend(
                got.assets
                    .iter()
                    .filter(|c| c.components.iter().flatten().any(|p| Mfa::of(p).as_ref() == Some(address)))
                    .cloned(),
            );
            after = got.assets.last().map(|a| position(a, Order::Created));
            if !got.more || after.is_none() {
                return Ok(users);
            }
        }
    }

    async fn mark_broken(&self, by: Requester<'_>, composite: &Asset, gone: &Asset) -> Result<(), RegistryError> {
        let address = Value::String(gone.naming.nna_address().to_owned());
        // The admin's own If-Match was for the deleted asset, not for its composites.
        let as_admin = Requester::new(by.caller);
        let why = by.change(crate::history::ChangeKind::Edited, crate::history::through::DELETE);
        self.modify(as_admin, &AssetKey::Id(composite.id.clone()), &why, |current| {
            let mut next = current.clone();
            let list = next.extra.entry(BROKEN_COMPONENTS).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list
                && !items.contains(&address)
            {
                items.push(address.clone());
            }
            Ok(next)
        })
        .await
        .map(|_| ())
    }

    /// The stored files that belong to this asset alone: its upload and its album art. Only keys
    /// that name the asset's id are taken, so a shared or foreign file is never removed.
    pub(super) fn owned_files(&self, asset: &Asset) -> Vec<BlobKey> {
        let mut keys: Vec<BlobKey> = crate::files::referenced_urls(asset)
            .filter_map(|u| self.blobs.key_of_url(u))
            .filter(|k| k.belongs_to(&asset.id))
            .collect();
        keys.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        keys.dedup();
        keys
    }

    /// Moves the files where nothing serves them (`files::set_aside`), to come back with an
    /// undelete or go with the sweep when the window ends. A file that cannot be moved is removed
    /// instead (a deleted asset's files are never served); what cannot be removed goes to the
    /// queue. Returns how many were queued.
    async fn set_aside_files(&self, asset: &Asset, keys: &[String]) -> usize {
        let mut unmoved = Vec::new();
        for key in keys.iter().filter_map(|k| BlobKey::parse(k)) {
            if let Err(e) = crate::files::set_aside(self.blobs.as_ref(), &key).await {
                tracing::warn!(asset = %asset.id, key = key.as_str(), error = %e, "file could not be set aside; removed");
                unmoved.push(key.to_string());
            }
        }
        self.remove_files(asset, &unmoved).await
    }

    /// Removes the files now; what fails goes to the queue. Returns how many were queued.
    async fn remove_files(&self, asset: &Asset, keys: &[String]) -> usize {
        let mut left = Vec::new();
        for key in keys.iter().filter_map(|k| BlobKey::parse(k)) {
            if let Err(e) = self.blobs.delete(&key).await {
                tracing::warn!(asset = %asset.id, key = key.as_str(), error = %e, "file left for the cleanup job");
                left.push(key.as_str().to_owned());
            }
        }
        if left.is_empty() {
            return 0;
        }
        let n = left.len();
        let job = Job::DeleteFiles { asset_id: asset.id.clone(), keys: left };
        match &self.jobs {
            Some(jobs) => {
                if let Err(e) = jobs.send(&job).await {
                    tracing::error!(asset = %asset.id, error = %e, "a deleted asset's files could not be queued for removal");
                }
            }
            None => tracing::error!(asset = %asset.id, "a deleted asset's files remain: no job queue here"),
        }
        n
    }
}
