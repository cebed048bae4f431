//! The table's shape, defined once: `template.yaml` declares the same (a test compares them), and
//! tests and operators create tables from it.
//!
//! Items (partition key `pk`, sort key `sk`):
//! - asset `A#<id>` / `A`: the asset's fields, plus the index attributes below;
//! - name claim `N#<HFN>` / `N` and address claim `M#<MFA>` / `M`: `assetId`; they make names and
//!   addresses unique and are never deleted, so a number is never handed out twice;
//! - sequence `S#<L.CAS.ATL>` / `S`: `last`, the last number given in that subcategory;
//! - count `C#<place>` / `C`: `n`, how many assets a place holds (`all`, `L`, `L.CAS`, `L.CAS.ATL`);
//! - posting `T#<namespace>:<two characters>` / `<term>#<created position>`: one per index term of
//!   an asset (`search::index_terms`), so a term's postings, and every term with a given prefix, are
//!   one `Query` on one partition.
//!
//! Index attributes on asset items: `hfnKey`, `mfaKey` (lookups), `gAll`, `gLayer`, `gCategory`,
//! `gSubcategory` (places), `created`, `updated`, `nameKey`, `owner` (orders, each ending in the
//! creation time and id so ties settle as in every store).

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType,
};
use nna_domain::search::{Level, Order};

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

/// `created-all`, `name-subcategory`, …: keys only; a listing reads keys, then the page's items.
pub fn listing_index(order: Order, level: Level) -> String {
    format!("{}-{}", order_label(order), level_label(level))
}

pub const HFN_INDEX: &str = "hfn";
pub const MFA_INDEX: &str = "mfa";

/// Every global secondary index: `(name, partition attribute, sort attribute, whole items?)`.
pub fn indexes() -> Vec<(String, &'static str, &'static str, bool)> {
    let mut out = vec![
        (HFN_INDEX.to_owned(), "hfnKey", order_attribute(Order::Created), true),
        (MFA_INDEX.to_owned(), "mfaKey", order_attribute(Order::Created), true),
    ];
    for order in Order::ALL {
        for level in LEVELS {
            out.push((listing_index(order, level), level_attribute(level), order_attribute(order), false));
        }
    }
    out
}

fn key(name: &str, kind: KeyType) -> Result<KeySchemaElement, aws_sdk_dynamodb::error::BuildError> {
    KeySchemaElement::builder().attribute_name(name).key_type(kind).build()
}

/// Creates the table (on-demand billing), for tests and for operators outside CloudFormation.
pub async fn create_table(client: &Client, table: &str) -> Result<(), String> {
    let build = |e: aws_sdk_dynamodb::error::BuildError| e.to_string();
    let mut attributes: Vec<&str> = vec![PK, SK];
    let mut gsis = Vec::new();
    for (name, pk, sk, whole) in indexes() {
        for a in [pk, sk] {
            if !attributes.contains(&a) {
                attributes.push(a);
            }
        }
        let projection = if whole { ProjectionType::All } else { ProjectionType::KeysOnly };
        gsis.push(
            GlobalSecondaryIndex::builder()
                .index_name(name)
                .key_schema(key(pk, KeyType::Hash).map_err(build)?)
                .key_schema(key(sk, KeyType::Range).map_err(build)?)
                .projection(Projection::builder().projection_type(projection).build())
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
    fn eighteen_indexes_within_dynamodbs_twenty() {
        let idx = indexes();
        assert_eq!(idx.len(), 18);
        let mut names: Vec<_> = idx.iter().map(|i| i.0.clone()).collect();
        names.dedup();
        assert_eq!(names.len(), 18);
    }
}
