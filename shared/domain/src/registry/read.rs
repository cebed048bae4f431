use super::{Registry, RegistryError};
use crate::address::AssetKey;
use crate::asset::Asset;
use crate::search::{self, SearchPage, SearchQuery};

impl Registry {
    /// By id, HFN (composites: the base HFN or the full name), MFA or `nna_address`.
    pub async fn get(&self, key: &AssetKey) -> Result<Asset, RegistryError> {
        self.store.get(key).await?.ok_or_else(|| RegistryError::NotFound(key.clone()))
    }

    /// Listing and search: `GET /api/assets` and `/api/assets/search`.
    pub async fn search(&self, query: &SearchQuery) -> Result<SearchPage, RegistryError> {
        Ok(search::search(self.index.as_ref(), query, &self.config.cursor_key, self.config.search).await?)
    }
}
