use super::{Registry, RegistryError};
use crate::address::AssetKey;
use crate::asset::Asset;
use crate::input::ListQuery;
use crate::ports::AssetPage;

impl Registry {
    /// By id, HFN (composites: the base HFN or the full name), MFA or `nna_address`.
    pub async fn get(&self, key: &str) -> Result<Asset, RegistryError> {
        let parsed = AssetKey::parse(key)?;
        self.store.get(&parsed).await?.ok_or_else(|| RegistryError::NotFound(key.to_owned()))
    }

    pub async fn list(&self, params: &[(String, String)]) -> Result<(ListQuery, AssetPage), RegistryError> {
        let query = ListQuery::parse(params)?;
        let page = self.store.list(&query).await?;
        Ok((query, page))
    }
}
