//! Text that arrives in a words field but is not anyone's words: the asset's own address, which
//! today's edit page pre-fills into creatorDescription when there is none yet, and the placeholder
//! today's frontend sends as `description` when the creator left it empty
//! (`Asset L.TEMP.TEMP.001 (L.CAS.ATL)`). Neither is stored as words.

use crate::address::{Hfn, Mfa, is_address};
use crate::asset::Asset;
use serde::Serialize;
use std::sync::LazyLock;

/// Something a write did not do as sent, though the rest of it was saved. Machine-readable
/// (`code`), with the field and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Warning {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl Warning {
    pub(crate) fn address_as_words(field: &'static str) -> Self {
        Self {
            field,
            code: "address_not_words",
            message: format!(
                "{field} was the asset's own name or address, not the creator's words; the stored value was kept"
            ),
        }
    }

    pub(crate) fn placeholder(field: &'static str) -> Self {
        Self {
            field,
            code: "placeholder_not_words",
            message: format!("{field} was the frontend's generated placeholder, not a description; stored as absent"),
        }
    }
}

/// The asset's HFN (with or without a composite's tail), MFA or stored `nna_address`, in any case
/// and with spaces around it.
pub fn names_asset(asset: &Asset, text: &str) -> bool {
    let text = text.trim();
    if text.is_empty() || text.contains(char::is_whitespace) {
        return false;
    }
    text.eq_ignore_ascii_case(asset.name().trim())
        || &Hfn::of(text) == asset.hfn_key()
        || Mfa::of(text).is_some_and(|n| Some(&n) == asset.mfa_key())
}

/// Words that are not words for this asset: an NNA address the taxonomy reads, or the asset's own
/// name or address in any spelling (`G.undefined.undefined.001` too). Edits and the migration set
/// such text aside; anything else is the creator's, dots and all.
pub fn is_address_for(asset: &Asset, text: &str) -> bool {
    is_address(text) || names_asset(asset, text)
}

/// `Asset <temporary name> (<layer>.<category>.<subcategory>)`, as the frontend makes it.
pub fn is_placeholder_description(text: &str) -> bool {
    static SHAPE: LazyLock<Option<regex_lite::Regex>> = LazyLock::new(|| {
        regex_lite::Regex::new(
            r"^Asset (?:[A-Za-z]\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.[0-9]{3}|undefined|null) \([A-Za-z]\.[^()\s]+\.[^()\s]+\)$",
        )
        .ok()
    });
    SHAPE.as_ref().is_some_and(|re| re.is_match(text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn song() -> Asset {
        Asset::load(json!({"id": "a1", "layer": "G", "category": "Pop", "subcategory": "Base",
            "name": "G.POP.BAS.007", "nna_address": "G.001.001.007", "mfa": "1.001.001.007",
            "createdAt": "2025-07-05T01:53:38.417Z", "updatedAt": "2025-07-05T01:53:38.417Z"}))
        .unwrap()
    }

    #[test]
    fn the_assets_own_names_in_any_spelling() {
        let a = song();
        for s in ["G.POP.BAS.007", " g.pop.bas.007 ", "1.001.001.007", "G.001.001.007", "g.001.001.007\n"] {
            assert!(names_asset(&a, s), "{s:?}");
        }
        for s in ["G.POP.BAS.008", "Kelly is wearing G.POP.BAS.007", "", "Pop song", "2.001.001.007"] {
            assert!(!names_asset(&a, s), "{s:?}");
        }
    }

    #[test]
    fn the_frontends_placeholder_and_nothing_else() {
        for s in
            ["Asset L.TEMP.TEMP.001 (L.CAS.ATL)", "Asset G.TEMP.TEMP.001 (G.Pop.Base)", " Asset undefined (S.POP.HPM) "]
        {
            assert!(is_placeholder_description(s), "{s:?}");
        }
        for s in ["Asset of the week (L.CAS.ATL)", "Asset L.TEMP.TEMP.001 (L.CAS.ATL) and more", "A jersey", ""] {
            assert!(!is_placeholder_description(s), "{s:?}");
        }
    }
}
