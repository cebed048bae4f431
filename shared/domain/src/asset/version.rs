//! Which version of which asset a client saw: the entity tag of an asset response. The id is part
//! of it because a key (an HFN) can name a different asset after a delete and a new create, and
//! both may be at revision 1.

use super::Asset;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub id: String,
    pub revision: u64,
}

impl Version {
    pub fn of(asset: &Asset) -> Self {
        Self { id: asset.id.to_string(), revision: asset.revision }
    }

    pub fn matches(asset: &Asset, listed: &[Self]) -> bool {
        listed.iter().any(|v| v.revision == asset.revision && v.id == asset.id.as_str())
    }
}
