//! Taxonomy v1.3: layers → categories → subcategories, each with a letter code, a number and a name.
//! The data is the project's own file (`data/taxonomy-v1.3.json`), compiled into the binary and
//! indexed once at first use.

mod layer;
mod load;
mod resolve;

pub use layer::LayerCode;
pub use resolve::normalize_key;

use std::collections::HashMap;
use std::sync::LazyLock;

pub struct Taxonomy {
    version: String,
    last_updated: String,
    layers: Vec<Layer>,
    aliases: Vec<Alias>,
    remaps: Vec<Remap>,
}

pub struct Layer {
    pub code: LayerCode,
    pub name: String,
    pub categories: Vec<Category>,
    index: KeyIndex,
}

pub struct Category {
    pub number: u16,
    pub code: String,
    pub name: String,
    pub subcategories: Vec<Subcategory>,
    index: KeyIndex,
}

pub struct Subcategory {
    pub number: u16,
    pub code: String,
    pub name: String,
}

/// `G.POP.SWIFT` names `G.POP.TSW`: another code for a live subcategory.
struct Alias {
    layer: LayerCode,
    category_code: String,
    key: String,
    subcategory_code: String,
}

/// A numeric pair that earlier versions used for what is now another one.
struct Remap {
    layer: LayerCode,
    from: (u16, u16),
    to: (u16, u16),
}

/// Normalized code, name and number of every child → its position.
#[derive(Default)]
struct KeyIndex(HashMap<String, usize>);

static EMBEDDED: LazyLock<Taxonomy> = LazyLock::new(|| {
    load::from_json(include_str!("../../data/taxonomy-v1.3.json"))
        .unwrap_or_else(|e| panic!("the embedded taxonomy is invalid (its unit tests say why): {e}"))
});

/// The taxonomy compiled into this binary. Call it once at start-up so indexing is not paid by a
/// request.
pub fn taxonomy() -> &'static Taxonomy {
    &EMBEDDED
}

impl Taxonomy {
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn last_updated(&self) -> &str {
        &self.last_updated
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    pub fn layer(&self, code: LayerCode) -> &Layer {
        // `load` refuses data without all ten layers in `LayerCode::ALL` (declaration) order.
        &self.layers[usize::from(code.number()) - 1]
    }

    pub fn subcategory_count(&self) -> usize {
        self.layers.iter().flat_map(|l| &l.categories).map(|c| c.subcategories.len()).sum()
    }
}

impl Layer {
    pub fn number(&self) -> u8 {
        self.code.number()
    }

    pub fn category_by_number(&self, n: u16) -> Option<&Category> {
        self.categories.iter().find(|c| c.number == n)
    }
}

impl Category {
    pub fn subcategory_by_number(&self, n: u16) -> Option<&Subcategory> {
        self.subcategories.iter().find(|s| s.number == n)
    }
}

/// A resolved place in the taxonomy: where an asset lives and what its addresses start with.
#[derive(Clone, Copy, derive_more::Debug)]
#[debug("{}", self.code_path())]
pub struct TaxonomyPath {
    pub layer: &'static Layer,
    pub category: &'static Category,
    pub subcategory: &'static Subcategory,
}

impl TaxonomyPath {
    pub fn layer_code(&self) -> LayerCode {
        self.layer.code
    }

    /// `L.CAS`: the key a category is listed under.
    pub fn category_path(&self) -> String {
        format!("{}.{}", self.layer.code, self.category.code)
    }

    /// `L.CAS.ATL`: the key sequences are counted under.
    pub fn code_path(&self) -> String {
        format!("{}.{}.{}", self.layer.code, self.category.code, self.subcategory.code)
    }

    /// `L.004.004`: the stored `nna_address` form.
    pub fn lettered_numeric_path(&self) -> String {
        format!("{}.{:03}.{:03}", self.layer.code, self.category.number, self.subcategory.number)
    }

    /// `3.004.004`: the MFA form.
    pub fn numeric_path(&self) -> String {
        format!("{}.{:03}.{:03}", self.layer.number(), self.category.number, self.subcategory.number)
    }
}

impl PartialEq for TaxonomyPath {
    fn eq(&self, other: &Self) -> bool {
        self.layer.code == other.layer.code
            && self.category.number == other.category.number
            && self.subcategory.number == other.subcategory.number
    }
}

impl Eq for TaxonomyPath {}

#[cfg(test)]
mod tests;
