//! An asset's layer and status as stored: typed where the registry knows the value, and, for
//! legacy items only, kept as whatever they were stored as (served and written back unchanged).

use crate::taxonomy::LayerCode;
use serde::{Deserialize, Serialize};

/// One of the ten layers, or a legacy item's layer outside them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, derive_more::Display)]
pub enum LayerField {
    Known(LayerCode),
    Legacy(String),
}

impl LayerField {
    /// As stored: only the exact letter is the layer; anything else is written back as it was read.
    pub fn read(stored: String) -> Self {
        match LayerCode::from_letter(&stored) {
            Some(code) if code.as_str() == stored => Self::Known(code),
            _ => Self::Legacy(stored),
        }
    }

    pub fn code(&self) -> Option<LayerCode> {
        match self {
            Self::Known(code) => Some(*code),
            Self::Legacy(_) => None,
        }
    }

    pub fn is(&self, code: LayerCode) -> bool {
        self.code() == Some(code)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Known(code) => code.as_str(),
            Self::Legacy(s) => s,
        }
    }
}

impl From<LayerCode> for LayerField {
    fn from(code: LayerCode) -> Self {
        Self::Known(code)
    }
}

/// Where an asset stands in review: `curated` once an admin has curated it; a legacy item's other
/// status is kept as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssetStatus {
    Curated,
    #[serde(untagged)]
    Other(String),
}

impl AssetStatus {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Curated => "curated",
            Self::Other(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn known_values_are_typed_and_others_kept() {
        assert_eq!(LayerField::read("G".into()), LayerField::Known(LayerCode::G));
        assert_eq!(
            (LayerField::read("G".into()).to_string(), LayerCode::R.to_string()),
            ("G".to_owned(), "R".to_owned())
        );
        for odd in ["g", "X", "Songs"] {
            let layer = LayerField::read(odd.into());
            assert_eq!((layer.code(), layer.as_str(), layer.to_string()), (None, odd, odd.to_owned()));
        }
        assert_eq!(serde_json::from_value::<AssetStatus>(json!("curated")).unwrap(), AssetStatus::Curated);
        let draft: AssetStatus = serde_json::from_value(json!("draft")).unwrap();
        assert_eq!(serde_json::to_value(&draft).unwrap(), json!("draft"));
        assert_eq!(serde_json::to_value(AssetStatus::Curated).unwrap(), json!("curated"));
    }
}
