//! Where an asset sits. The stored document keeps its layer and the category and subcategory names
//! the frontend reads; `Place` holds them together with what they resolve to in taxonomy v1.3,
//! worked out once when the asset is made or read, so no consumer resolves them again.

use super::Layer;
use crate::taxonomy::{TaxonomyPath, taxonomy};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone)]
pub struct Place {
    layer: Layer,
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
    pub fn stored(layer: Layer, category: String, subcategory: String) -> Self {
        let path = taxonomy().resolve(layer.as_str(), &category, &subcategory).ok();
        Self { layer, category, subcategory, path }
    }

    pub fn layer(&self) -> &Layer {
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

/// Two places are the same when they are stored the same (what they resolve to follows).
impl PartialEq for Place {
    fn eq(&self, other: &Self) -> bool {
        (&self.layer, &self.category, &self.subcategory) == (&other.layer, &other.category, &other.subcategory)
    }
}

/// The three keys as the document holds them.
#[derive(Serialize, Deserialize)]
struct Stored<L, S> {
    layer: L,
    category: S,
    subcategory: S,
}

impl Serialize for Place {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Stored { layer: &self.layer, category: self.category.as_str(), subcategory: self.subcategory.as_str() }
            .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Place {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Stored { layer, category, subcategory } = Stored::<Layer, String>::deserialize(d)?;
        Ok(Self::stored(layer, category, subcategory))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolved_once_and_written_back_as_read() {
        let place: Place =
            serde_json::from_value(json!({"layer": "L", "category": "CAS", "subcategory": "004"})).unwrap();
        assert_eq!(place.path().map(|p| p.code_path()).as_deref(), Some("L.CAS.ATL"));
        assert_eq!(
            serde_json::to_value(&place).unwrap(),
            json!({"layer": "L", "category": "CAS", "subcategory": "004"})
        );
        let broken: Place =
            serde_json::from_value(json!({"layer": "G", "category": "undefined", "subcategory": "undefined"})).unwrap();
        assert!(broken.path().is_none());
        let canonical = Place::of(place.path().unwrap());
        assert_eq!((canonical.category(), canonical.subcategory()), ("Casual", "Athleisure"));
        assert_ne!(canonical, place, "stored differently");
    }
}
