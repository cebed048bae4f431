//! The asset as the stores keep it: what adapters write and read, backups hold and the migration
//! rewrites. Field names are the old backend's (`name` is the HFN, `nna_address`,
//! `gcpStorageUrl`) plus the seed's new ones; a legacy item's values are kept as they are, even
//! where the registry would not write them today, so every item is written back as it was read.

use super::{Asset, LayerField, Naming, Place, Record};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub type Document = Record<StoredPlace, StoredNaming>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredPlace {
    pub layer: String,
    pub category: String,
    pub subcategory: String,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredNaming {
    pub name: String,
    pub nna_address: String,
    pub mfa: Option<String>,
}

impl<P, N> Record<P, N> {
    /// The same record with its place and naming in another form.
    fn map<Q, M>(self, place: impl FnOnce(P) -> Q, naming: impl FnOnce(N) -> M) -> Record<Q, M> {
        Record {
            id: self.id,
            place: place(self.place),
            naming: naming(self.naming),
            source: self.source,
            tags: self.tags,
            description: self.description,
            training_data: self.training_data,
            rights: self.rights,
            components: self.components,
            gcp_storage_url: self.gcp_storage_url,
            copied_from: self.copied_from,
            registered_by: self.registered_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            metadata: self.metadata,
            status: self.status,
            curated_at: self.curated_at,
            creator_description: self.creator_description,
            album_art: self.album_art,
            ai_metadata: self.ai_metadata,
            music_metadata: self.music_metadata,
            revision: self.revision,
            migration: self.migration,
            extra: self.extra,
        }
    }
}

impl From<Document> for Asset {
    fn from(d: Document) -> Self {
        d.map(
            |p| Place::stored(LayerField::read(p.layer), p.category, p.subcategory),
            |n| Naming::stored(n.name, n.nna_address, n.mfa),
        )
    }
}

impl From<Asset> for Document {
    fn from(a: Asset) -> Self {
        a.map(Place::into_stored, Naming::into_stored)
    }
}

impl Document {
    /// The stored form of `asset`.
    pub fn of(asset: &Asset) -> Self {
        Self::from(asset.clone())
    }

    /// The asset stored as this JSON text.
    pub fn read(json: &str) -> serde_json::Result<Asset> {
        serde_json::from_str::<Self>(json).map(Asset::from)
    }

    /// The asset stored as this JSON value.
    pub fn load(json: Value) -> serde_json::Result<Asset> {
        serde_json::from_value::<Self>(json).map(Asset::from)
    }
}
