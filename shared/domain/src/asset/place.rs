//! Where an asset sits: its layer and the category and subcategory names the frontend reads, as
//! stored, with what they resolve to in taxonomy v1.3, worked out once when the asset is made or
//! read, so no consumer resolves them again.

use super::LayerField;
use crate::taxonomy::{TaxonomyPath, taxonomy};
use serde::{Deserialize, Serialize};

/// Stored and read as the three strings (`layer`, `category`, `subcategory`), whatever they hold.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "StoredPlace", into = "StoredPlace")]
pub struct Place {
    layer: LayerField,
    category: String,
    subcategory: String,
    /// `None` for legacy items whose names (or codes) name nothing live.
    path: Option<TaxonomyPath>,
}

impl Place {
    /// A place in the taxonomy, by the names the frontend reads (`Casual`, `Athleisure`).
    pub fn of(path: TaxonomyPath) -> Self {
        Self {
            layer: path.layer_code().into(),
            category: path.category.name.clone(),
            subcategory: path.subcategory.name.clone(),
            path: Some(path),
        }
    }

    /// As stored: names or codes, resolved if the taxonomy knows them, kept as they are if not.
    pub fn stored(layer: LayerField, category: String, subcategory: String) -> Self {
        let path = taxonomy().resolve(layer.as_str(), &category, &subcategory).ok();
        Self { layer, category, subcategory, path }
    }

    pub fn layer(&self) -> &LayerField {
        &self.layer
    }

    pub fn category(&self) -> &str {
        &self.category
    }

    pub fn subcategory(&self) -> &str {
        &self.subcategory
    }

    /// The live taxonomy's place these names resolve to.
    pub fn path(&self) -> Option<TaxonomyPath> {
        self.path
    }
}

/// A place as the stores keep it.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub(super) struct StoredPlace {
    /// G, S, L, M, W, B, P, T, C or R.
    layer: String,
    /// Category and subcategory names (`Casual`, `Athleisure`).
    category: String,
    subcategory: String,
}

impl From<StoredPlace> for Place {
    fn from(p: StoredPlace) -> Self {
        Self::stored(LayerField::read(p.layer), p.category, p.subcategory)
    }
}

impl From<Place> for StoredPlace {
    fn from(p: Place) -> Self {
        Self { layer: p.layer.as_str().to_owned(), category: p.category, subcategory: p.subcategory }
    }
}

/// Two places are the same when they are stored the same (what they resolve to follows).
impl PartialEq for Place {
    fn eq(&self, other: &Self) -> bool {
        (&self.layer, &self.category, &self.subcategory) == (&other.layer, &other.category, &other.subcategory)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolved_once_and_written_back_as_read() {
        let place = Place::stored(LayerField::read("L".into()), "CAS".into(), "004".into());
        assert_eq!(place.path().map(|p| p.code_path()).as_deref(), Some("L.CAS.ATL"));
        assert_eq!(format!("{:?}", place.path().unwrap()), "L.CAS.ATL");
        let stored = StoredPlace::from(place.clone());
        assert_eq!([stored.layer, stored.category, stored.subcategory], ["L", "CAS", "004"]);
        let broken = Place::stored(LayerField::read("G".into()), "undefined".into(), "undefined".into());
        assert!(broken.path().is_none());
        let canonical = Place::of(place.path().unwrap());
        assert_eq!((canonical.category(), canonical.subcategory()), ("Casual", "Athleisure"));
        assert_ne!(canonical, place, "stored differently");
    }
}
