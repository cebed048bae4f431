//! What the taxonomy routes answer, typed: each struct is both what is served and what the OpenAPI
//! document says. The frontend reads these fields at the top level of the answer (see `flat`).

use nna_domain::taxonomy::{Category, Layer, Subcategory, Taxonomy, taxonomy};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaxonomyHealth {
    /// `healthy`; `degraded` while the store does not answer (the taxonomy itself is compiled in).
    pub status: &'static str,
    pub version: &'static str,
    /// Seconds since this process started serving.
    pub uptime: u64,
    pub checks: HealthChecks,
}

#[derive(Serialize, ToSchema)]
pub struct HealthChecks {
    /// The taxonomy is loaded and indexed.
    pub taxonomy: bool,
    /// The asset store answers.
    pub database: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaxonomyVersion {
    pub version: &'static str,
    pub last_updated: &'static str,
}

/// Every layer with its categories and their subcategories, counted; what the frontend loads at
/// every start.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaxonomyIndex {
    pub version: &'static str,
    pub last_updated: &'static str,
    pub total_layers: usize,
    /// Layer code → its counts.
    pub layers: BTreeMap<String, IndexLayer>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndexLayer {
    pub name: &'static str,
    pub total_categories: usize,
    pub total_subcategories: usize,
    /// Category code → its count and its subcategories' names by code.
    pub categories: BTreeMap<String, IndexCategory>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndexCategory {
    pub name: &'static str,
    pub numeric_code: String,
    pub subcategory_count: usize,
    /// Subcategory code → name.
    pub subcategories: BTreeMap<String, &'static str>,
}

/// The whole taxonomy in one answer, for clients that cache it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaxonomyTree {
    pub version: &'static str,
    pub last_updated: &'static str,
    pub total_layers: usize,
    pub total_categories: usize,
    pub total_subcategories: usize,
    /// In the taxonomy's order: G, S, L, M, W, B, P, T, C, R.
    pub layers: Vec<TreeLayer>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TreeLayer {
    pub code: String,
    pub name: &'static str,
    /// G=1 … R=10.
    pub number: u8,
    pub categories: Vec<TreeCategory>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TreeCategory {
    pub code: &'static str,
    pub name: &'static str,
    pub numeric_code: String,
    pub subcategories: Vec<Entry>,
}

/// A category or subcategory as the lists show it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub code: &'static str,
    pub name: &'static str,
    /// Three digits, `004`.
    pub numeric_code: String,
}

#[derive(Serialize, ToSchema)]
pub struct LayerCount {
    pub count: usize,
    /// The layer codes.
    pub layers: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryList {
    pub layer: String,
    pub categories: Vec<Entry>,
    pub count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct SubcategoryList {
    pub layer: String,
    pub category: &'static str,
    pub subcategories: Vec<Entry>,
    pub count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryCount {
    pub layer: String,
    pub count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct SubcategoryCount {
    pub layer: String,
    pub category: &'static str,
    pub count: usize,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubcategoryCounts {
    pub layer: String,
    pub counts: Vec<CategoryTally>,
    pub total_categories: usize,
    pub total_subcategories: usize,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryTally {
    /// The category code.
    pub category: &'static str,
    pub count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct Converted {
    /// Always `true` on a 200 (the frontend checks it beside `mfa` / `hfn`).
    pub success: bool,
    pub hfn: String,
    pub mfa: String,
    /// The stored spelling, letter layer and numeric codes: `L.004.004.001`.
    pub nna_address: String,
}

/// Layer code → name, `{"G": "Songs", …}`, in the taxonomy's order (the frontend lists the keys as
/// they come).
pub struct LayerNames;

impl Serialize for LayerNames {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(taxonomy().layers().iter().map(|l| (l.code.to_string(), &l.name)))
    }
}

impl utoipa::PartialSchema for LayerNames {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <BTreeMap<String, String> as utoipa::PartialSchema>::schema()
    }
}

fn numeric(n: u16) -> String {
    format!("{n:03}")
}

impl Entry {
    pub fn of_category(c: &'static Category) -> Self {
        Self { code: &c.code, name: &c.name, numeric_code: numeric(c.number) }
    }

    pub fn of_subcategory(s: &'static Subcategory) -> Self {
        Self { code: &s.code, name: &s.name, numeric_code: numeric(s.number) }
    }
}

fn subcategories_of(layer: &Layer) -> usize {
    layer.categories.iter().map(|c| c.subcategories.len()).sum()
}

impl CategoryList {
    pub fn of(layer: &'static Layer) -> Self {
        let categories: Vec<Entry> = layer.categories.iter().map(Entry::of_category).collect();
        Self { layer: layer.code.to_string(), count: categories.len(), categories }
    }
}

impl SubcategoryList {
    pub fn of(layer: &Layer, category: &'static Category) -> Self {
        let subcategories: Vec<Entry> = category.subcategories.iter().map(Entry::of_subcategory).collect();
        Self { layer: layer.code.to_string(), category: &category.code, count: subcategories.len(), subcategories }
    }
}

impl SubcategoryCounts {
    pub fn of(layer: &'static Layer) -> Self {
        Self {
            layer: layer.code.to_string(),
            counts: layer
                .categories
                .iter()
                .map(|c| CategoryTally { category: &c.code, count: c.subcategories.len() })
                .collect(),
            total_categories: layer.categories.len(),
            total_subcategories: subcategories_of(layer),
        }
    }
}

impl TaxonomyVersion {
    pub fn of(t: &'static Taxonomy) -> Self {
        Self { version: t.version(), last_updated: t.last_updated() }
    }
}

/// Built once: the taxonomy does not change while the process runs.
pub static INDEX: LazyLock<TaxonomyIndex> = LazyLock::new(|| {
    let t = taxonomy();
    let layers = t
        .layers()
        .iter()
        .map(|l| {
            let categories = l
                .categories
                .iter()
                .map(|c| {
                    let subcategories = c.subcategories.iter().map(|s| (s.code.clone(), s.name.as_str())).collect();
                    let category = IndexCategory {
                        name: &c.name,
                        numeric_code: numeric(c.number),
                        subcategory_count: c.subcategories.len(),
                        subcategories,
                    };
                    (c.code.clone(), category)
                })
                .collect();
            let layer = IndexLayer {
                name: &l.name,
                total_categories: l.categories.len(),
                total_subcategories: subcategories_of(l),
                categories,
            };
            (l.code.to_string(), layer)
        })
        .collect();
    TaxonomyIndex { version: t.version(), last_updated: t.last_updated(), total_layers: t.layers().len(), layers }
});

pub static TREE: LazyLock<TaxonomyTree> = LazyLock::new(|| {
    let t = taxonomy();
    let layers: Vec<TreeLayer> = t
        .layers()
        .iter()
        .map(|l| TreeLayer {
            code: l.code.to_string(),
            name: &l.name,
            number: l.number(),
            categories: l
                .categories
                .iter()
                .map(|c| TreeCategory {
                    code: &c.code,
                    name: &c.name,
                    numeric_code: numeric(c.number),
                    subcategories: c.subcategories.iter().map(Entry::of_subcategory).collect(),
                })
                .collect(),
        })
        .collect();
    TaxonomyTree {
        version: t.version(),
        last_updated: t.last_updated(),
        total_layers: layers.len(),
        total_categories: t.layers().iter().map(|l| l.categories.len()).sum(),
        total_subcategories: t.subcategory_count(),
        layers,
    }
});
