//! The table's shape, defined once: `template.yaml` declares the same (a test compares them), and
//! tests and operators create tables from it.
//!
//! Items (partition key `pk`, sort key `sk`):
//! - asset `A#<id>` / `A`: the asset's fields, plus the index attributes below;
//! - name claim `N#<HFN>` / `N` and address claim `M#<MFA>` / `M`: `assetId`; they make names and
//!   addresses unique, are never deleted (a number is never handed out twice), and are how an
//!   asset is found by HFN or MFA;
//! - sequence `S#<L.CAS.ATL>` / `S`: `last`, the last number given in that subcategory, and `n`,
//!   how many assets it holds (one item, so a create moves both in one write);
//! - layer count `C#<layer>` / `C`: `n`, how many assets the layer holds, and `c:<CAT>` for each
//!   of its categories; every layer outside the taxonomy (legacy data) counts under `C#?`. The
//!   registry's total is the sum of the layers';
//! - posting `T#<namespace>:<two characters>` / `<term>#<created position>`: one per index term of
//!   an asset (`search::index_terms`), so a term's postings, and every term with a given prefix, are
//!   one `Query` on one partition;
//! - place posting `P#<L.CAS.ATL>` / `<created position>`: a subcategory in creation order;
//! - account `U#<email>` / `U`, and login and register attempts `U# attempts:<key>` / `<window>`.
//!
//! Index attributes on asset items: `gAll`, `gLayer`, `gSubcategory` (places), `created`,
//! `updated`, `nameKey`, `owner` (positions in each order, `search::position`). Six keys-only
//! indexes serve every listing with a bounded number of queries per page:
//!
//! | order   | all                  | layer         | category              | subcategory   |
//! |---------|----------------------|---------------|-----------------------|---------------|
//! | name    | `name-all`           | its prefix    | its prefix            | its prefix    |
//! | created | merge of the layers  | `created-layer` | merge of its place postings | place postings |
//! | updated | merge of the layers  | `updated-layer` | merge of its subcategories | `updated-subcategory` |
//! | owner   | merge of the layers  | `owner-layer` | merge of its subcategories | `owner-subcategory` |
//!
//! A name position begins with the asset's place (`<place>.`), so `name-all` lists any place by
//! `begins_with`. A merge reads at most 11 layers (the taxonomy's ten and `?`) or a category's
//! subcategories (at most 16 in taxonomy 1.3).

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType,
};
use nna_domain::search::{Level, Order};
use nna_domain::taxonomy::LayerCode;

pub const PK: &str = "pk";
pub const SK: &str = "sk";

/// The attribute holding an asset's place at a level.
pub fn level_attribute(level: Level) -> &'static str {
    match level {
        Level::All => "gAll",
        Level::Layer => "gLayer",
        Level::Category => "gCategory",
        Level::Subcategory => "gSubcategory",
    }
}

fn level_label(level: Level) -> &'static str {
    match level {
        Level::All => "all",
        Level::Layer => "layer",
        Level::Category => "category",
        Level::Subcategory => "subcategory",
    }
}

pub const LEVELS: [Level; 4] = [Level::All, Level::Layer, Level::Category, Level::Subcategory];

/// The attribute holding an asset's position in an order (`search::position`).
pub fn order_attribute(order: Order) -> &'static str {
    match order {
        Order::Created => "created",
        Order::Updated => "updated",
        Order::Name => "nameKey",
        Order::Owner => "owner",
    }
}

fn order_label(order: Order) -> &'static str {
    match order {
        Order::Created => "created",
        Order::Updated => "updated",
        Order::Name => "name",
        Order::Owner => "owner",
    }
}

/// `name-all`, `updated-subcategory`, …: keys only; a listing reads keys, then the page's items.
pub fn listing_index(order: Order, level: Level) -> String {
    format!("{}-{}", order_label(order), level_label(level))
}

/// The levels each order is indexed at; the others are read as described above.
pub fn indexed_levels(order: Order) -> &'static [Level] {
    match order {
        Order::Name => &[Level::All],
        Order::Created => &[Level::Layer],
        Order::Updated | Order::Owner => &[Level::Layer, Level::Subcategory],
    }
}

/// Every global secondary index: `(name, partition attribute, sort attribute)`, all keys only.
pub fn indexes() -> Vec<(String, &'static str, &'static str)> {
    Order::ALL
        .into_iter()
        .flat_map(|order| {
            indexed_levels(order)
                .iter()
                .map(move |level| (listing_index(order, *level), level_attribute(*level), order_attribute(order)))
        })
        .collect()
}

/// Where a layer's assets are listed and counted: its code, or `?` for any layer the taxonomy
/// does not have (a query can name only the taxonomy's).
pub fn layer_key(layer: &str) -> &str {
    // Exactly the code: `Place::of` lists a stored `g` under `g`, which no query names.
    let exact = LayerCode::from_letter(layer).is_some_and(|l| layer.starts_with(l.letter()));
    if exact { layer } else { OTHER_LAYERS }
}

pub const OTHER_LAYERS: &str = "?";

/// The taxonomy's category with exactly these codes (`L`, `CAS`), as place values spell them.
pub fn category(layer: &str, code: &str) -> Option<&'static nna_domain::taxonomy::Category> {
    let layer = nna_domain::taxonomy::taxonomy().layers().iter().find(|l| l.code.to_string() == layer)?;
    layer.categories.iter().find(|c| c.code == code)
}

/// Every layer key a listing or a total of the whole registry reads.
pub fn layer_keys() -> impl Iterator<Item = String> {
    LayerCode::ALL.into_iter().map(|l| l.to_string()).chain([OTHER_LAYERS.to_owned()])
}

fn key(name: &str, kind: KeyType) -> Result<KeySchemaElement, aws_sdk_dynamodb::error::BuildError> {
    KeySchemaElement::builder().attribute_name(name).key_type(kind).build()
}

/// Creates the table (on-demand billing), for tests and for operators outside CloudFormation.
pub async fn create_table(client: &Client, table: &str) -> Result<(), String> {
    let build = |e: aws_sdk_dynamodb::error::BuildError| e.to_string();
    let mut attributes: Vec<&str> = vec![PK, SK];
    let mut gsis = Vec::new();
    for (name, pk, sk) in indexes() {
        for a in [pk, sk] {
            if !attributes.contains(&a) {
                attributes.push(a);
            }
        }
        gsis.push(
            GlobalSecondaryIndex::builder()
                .index_name(name)
                .key_schema(key(pk, KeyType::Hash).map_err(build)?)
                .key_schema(key(sk, KeyType::Range).map_err(build)?)
                .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
                .build()
                .map_err(build)?,
        );
    }
    let definitions = attributes
        .iter()
        .map(|a| AttributeDefinition::builder().attribute_name(*a).attribute_type(ScalarAttributeType::S).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(build)?;
    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(PK, KeyType::Hash).map_err(build)?)
        .key_schema(key(SK, KeyType::Range).map_err(build)?)
        .set_attribute_definitions(Some(definitions))
        .set_global_secondary_indexes(Some(gsis))
        .send()
        .await
        .map_err(|e| aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_keys_only_indexes_serve_every_order() {
        let idx = indexes();
        assert_eq!(idx.len(), 6);
        let mut names: Vec<_> = idx.iter().map(|i| i.0.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 6);
        assert_eq!(layer_key("L"), "L");
        assert_eq!(layer_key("Songs"), "?");
        assert_eq!(layer_key("l"), "?");
        assert_eq!(layer_keys().count(), 11);
    }
}
