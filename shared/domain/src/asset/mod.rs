//! The asset: its place resolved, its name and addresses with the keys lookups match, its status
//! and metadata typed. The stores keep it as it serializes: the old backend's field names (`name`
//! is the HFN, `nna_address`, `gcpStorageUrl`) plus the seed's new ones, a legacy item's values as
//! they are, even where the registry would not write them today, so every item is written back as
//! it was read. The API serves it as `nna-http`'s `AssetView`.

mod ai_metadata;
mod album_art;
mod creator_description;
mod deletion;
mod fields;
mod file_copy;
mod layer;
mod migration_mark;
mod music_metadata;
mod naming;
mod place;
mod version;
mod web_url;

pub use ai_metadata::{AiMetadata, InputContext};
pub(crate) use album_art::Choice;
pub use album_art::{
    AlbumArt, AlbumArtField, ArtQuality, ArtSource, ArtState, ArtStatus, ArtVariant, Dimensions, Provenance,
};
pub use creator_description::CreatorDescription;
pub use deletion::Deletion;
pub use fields::{free_object, tags, tags_keeping};
pub use file_copy::FileCopy;
pub use layer::{AssetStatus, LayerField};
pub use migration_mark::{FieldChange, MigrationMark};
pub use music_metadata::{MusicMetadata, SongData};
pub use naming::Naming;
pub use place::Place;
pub use version::Version;
pub use web_url::{check_web_url, web_url};

use crate::address::{Address, Hfn, Mfa};
use crate::id::AssetId;
use crate::taxonomy::TaxonomyPath;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An asset's fields, each once, as stored. Legacy items may lack any of the optional fields, and
/// keep fields written before these existed, served as stored.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = StoredAsset))]
#[serde(rename_all = "camelCase")]
pub struct Asset {
    pub id: AssetId,
    /// The layer and the category and subcategory names (`Casual`, `Athleisure`), as the frontend
    /// reads them (legacy items may hold codes, which the migration makes names).
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(value_type = place::StoredPlace))]
    pub place: Place,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(value_type = naming::StoredNaming))]
    pub naming: Naming,
    pub source: Option<String>,
    pub tags: Option<Vec<String>>,
    pub description: Option<String>,
    /// Objects for new items; legacy items hold JSON text here, served as stored.
    pub training_data: Option<Value>,
    pub rights: Option<Value>,
    /// A composite's parts, by stored address.
    pub components: Option<Vec<String>>,
    /// The uploaded file's public URL; the frontend knows it by this name whatever the storage.
    pub gcp_storage_url: Option<String>,
    /// Where the file was copied from at the cutover (`gcpStorageUrl` then names the copy).
    pub copied_from: Option<FileCopy>,
    pub registered_by: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub metadata: Option<Value>,
    /// `curated` once an admin has curated it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub status: Option<AssetStatus>,
    pub curated_at: Option<Timestamp>,
    pub creator_description: Option<CreatorDescription>,
    /// Songs: the cover and its processing state (or, from old data, a bare URL).
    pub album_art: Option<AlbumArtField>,
    pub ai_metadata: Option<AiMetadata>,
    pub music_metadata: Option<MusicMetadata>,
    /// Bumped by every write; conditional writes compare it (the `ETag` is `"<id>.<revision>"`).
    /// Legacy items start at 0.
    #[serde(default)]
    pub revision: u64,
    /// What the metadata migration changed on this item, so it can be verified and rolled back.
    /// Kept with the item (written in the same write); not shown to API clients.
    #[serde(rename = "_migration")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub migration: Option<MigrationMark>,
    /// Keys of legacy items we do not model (`__v`, `friendlyName`, `brokenComponents`, …), kept
    /// and served as stored.
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub extra: Map<String, Value>,
}

impl Asset {
    /// The asset stored as this JSON text.
    pub fn read(json: &str) -> serde_json::Result<Self> {
        serde_json::from_str(json)
    }

    /// The asset stored as this JSON value.
    pub fn load(json: Value) -> serde_json::Result<Self> {
        serde_json::from_value(json)
    }

    /// The HFN; for composites the HFN, `:` and the component addresses.
    pub fn name(&self) -> &str {
        self.naming.name()
    }

    /// What HFN lookups match (`C.FUL.POP.125` for a composite).
    pub fn hfn_key(&self) -> &Hfn {
        self.naming.hfn()
    }

    /// What MFA and `nna_address` lookups match. `None` for broken legacy addresses such as
    /// `G.undefined.undefined.001`.
    pub fn mfa_key(&self) -> Option<&Mfa> {
        self.naming.mfa()
    }

    pub fn is_song(&self) -> bool {
        self.place.layer().is(crate::taxonomy::LayerCode::G)
    }

    /// Where the asset sits in the live taxonomy, from its stored names or codes, else from its
    /// numeric address. `None` for legacy items that name nothing live.
    pub fn placement(&self) -> Option<TaxonomyPath> {
        self.place.path().or_else(|| self.mfa_key().and_then(|m| Address::parse(m.as_str())).map(|a| a.path))
    }

    pub fn layer(&self) -> &LayerField {
        self.place.layer()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// The staging song from the contract, byte for byte in meaning.
    pub(crate) fn staging_song() -> Value {
        json!({"id":"6868865274bd8b06a2f91f0c","layer":"G","category":"Hip_Hop","subcategory":"Modern_Hip_Hop",
            "name":"G.HIP.MOD.001","nna_address":"G.003.003.001",
            "gcpStorageUrl":"https://storage.googleapis.com/nna_registry_assets_stg/G/HIP/MOD/G.HIP.MOD.001.mp3",
            "source":"ReViz","tags":["hip-hop","Doechii"],"description":"Anxiety by Doechii. A smooth and introspective track ...",
            "trainingData":"{\"prompts\":[],\"images\":[],\"videos\":[]}",
            "rights":"{\"source\":\"Original\",\"rights_split\":\"100%\"}","components":[""],
            "registeredBy":"kyle@celerity.studio","createdAt":"2025-07-05T01:53:38.417Z",
            "updatedAt":"2025-07-09T04:19:46.716Z","__v":2})
    }

    #[test]
    fn a_legacy_item_loads_and_serializes_unchanged() {
        let asset = Asset::load(staging_song()).unwrap();
        assert_eq!(asset.hfn_key().as_str(), "G.HIP.MOD.001");
        assert_eq!(asset.mfa_key().map(Mfa::as_str), Some("1.003.003.001"));
        assert_eq!(asset.placement().map(|p| p.code_path()).as_deref(), Some("G.HIP.MOD"));
        assert_eq!(asset.extra.keys().collect::<Vec<_>>(), ["__v"], "the place's keys are the place's alone");
        let mut back = serde_json::to_value(&asset).unwrap();
        assert_eq!(back.as_object_mut().unwrap().remove("revision"), Some(json!(0)));
        assert_eq!(back, staging_song());
    }

    #[test]
    fn broken_legacy_addresses_still_load() {
        let mut v = staging_song();
        v["name"] = json!("G.undefined.undefined.001");
        v["nna_address"] = json!("G.undefined.undefined.001");
        v["albumArt"] = json!("https://is1-ssl.mzstatic.com/a/600x600bb.jpg");
        let asset = Asset::load(v).unwrap();
        assert_eq!(asset.mfa_key(), None);
        assert!(matches!(asset.album_art, Some(AlbumArtField::LegacyUrl(_))));
    }
}
