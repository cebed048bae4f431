//! Bringing a deleted asset back within the retention window: same id, same HFN and MFA (numbers
//! are never given again, so nothing holds them), its history intact, its files put back.

use super::{Denied, Registry, RegistryError};
use crate::address::AssetKey;
use crate::asset::{Asset, Deletion};
use crate::auth::Caller;
use crate::history::{Change, ChangeKind, Rebuilt, read_changes, rebuild, through};
use crate::time::Timestamp;

impl Registry {
    /// `POST /api/assets/{id}/undelete`: admins only.
    pub async fn undelete(&self, caller: &Caller, key: &AssetKey) -> Result<Asset, RegistryError> {
        if !caller.is_admin() {
            return Err(RegistryError::Forbidden(Denied::Undelete));
        }
        let gone = || RegistryError::NotFound(key.clone());
        // A deleted asset's name and address are no longer looked up: only its id brings it back.
        let AssetKey::Id(asset_id) = key else { return Err(gone()) };
        if self.store.get(key).await?.is_some() {
            return Err(RegistryError::NotDeleted(asset_id.clone()));
        }
        // The newest change must be the delete (an asset deleted before histories were kept has
        // nothing to be rebuilt from).
        let deleted = self.store.history(asset_id, None, 1).await?.into_iter().next();
        let deleted = deleted.filter(|e| e.kind == ChangeKind::Deleted).ok_or_else(gone)?;
        let window = self.config.deleted_retention;
        if window.is_zero() || deleted.at.after(window) <= Timestamp::now() {
            return Err(RegistryError::UndeleteWindowPassed {
                id: asset_id.clone(),
                deleted_at: deleted.at,
                window_days: window.as_secs() / 86_400,
            });
        }
        let changes = read_changes(&deleted, self.blobs.as_ref()).await?;
        let mut back = match rebuild(None, &[(deleted.clone(), changes)], deleted.revision - 1) {
            Ok(Rebuilt::At(asset)) => *asset,
            Ok(Rebuilt::Absent) => return Err(gone()),
            Err(e) => return Err(e.into()),
        };
        back.revision = deleted.revision + 1;
        back.updated_at = Timestamp::now().max(back.updated_at);
        let why = Change::new(ChangeKind::Undeleted, caller.into(), through::UNDELETE);
        let entry = self.history_files().entry(&why, asset_id, None, Some(&back), back.revision).await?;
        let record = Deletion::key_of(deleted.at, asset_id);
        self.store.undelete(&back, &record, &entry).await?;
        self.bring_files_back(&back).await;
        Ok(back)
    }

    /// The files set aside at the delete, where the asset names them again. One that cannot be
    /// moved now is moved by the next file sweep, which puts back what an existing asset owns.
    async fn bring_files_back(&self, asset: &Asset) {
        for key in self.owned_files(asset) {
            if let Err(e) = crate::files::bring_back(self.blobs.as_ref(), &key).await {
                tracing::warn!(asset = %asset.id, key = key.as_str(), error = %e, "file left for the sweep to bring back");
            }
        }
    }
}
