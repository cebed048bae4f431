//! An asset as a DynamoDB item (through serde_dynamo) plus the attributes the keys and indexes
//! need, and the small bookkeeping items (claims, sequences, counts).

use super::schema::{PK, SK, layer_key, level_attribute, order_attribute};
use aws_sdk_dynamodb::types::AttributeValue;
use nna_domain::ports::{Posting, StoreError};
use nna_domain::search::{IndexTerm, Level, Order, Scope, position};
use nna_domain::{Asset, AssetId};
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

/// Attributes the store adds (and those earlier layouts added: `hfnKey`, `mfaKey`, `gCategory`);
/// stripped before an item becomes an `Asset` again (which would otherwise keep them among its
/// unknown fields).
const INDEX_ATTRIBUTES: [&str; 12] = [
    PK,
    SK,
    "hfnKey",
    "mfaKey",
    "gAll",
    "gLayer",
    "gCategory",
    "gSubcategory",
    "created",
    "updated",
    "nameKey",
    "owner",
];

pub fn text(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub fn number(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// The item `(pk, sk)`.
pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([(PK.to_owned(), text(pk)), (SK.to_owned(), text(sk))])
}

/// An item's own key, without its other attributes.
pub fn key_of(item: &Item) -> Item {
    [PK, SK].iter().filter_map(|a| Some(((*a).to_owned(), item.get(*a)?.clone()))).collect()
}

pub fn asset_pk(id: &AssetId) -> String {
    format!("A#{id}")
}

/// `(pk, sk)` of an asset.
pub fn asset_key(id: &AssetId) -> Item {
    key(asset_pk(id), "A")
}

pub fn name_claim_key(hfn: &str) -> Item {
    key(format!("N#{hfn}"), "N")
}

pub fn address_claim_key(mfa: &str) -> Item {
    key(format!("M#{mfa}"), "M")
}

/// Which asset a direct upload made (`uploads/…`): one upload, one asset.
pub fn upload_claim_key(upload: &str) -> Item {
    key(format!("UP#{upload}"), "UP")
}

/// An asset's history: one partition per asset, an item per revision, so a page is one `Query`.
pub fn history_pk(id: &AssetId) -> String {
    format!("H#{id}")
}

/// A history entry as stored: its JSON in `doc`, beside the asset it records.
pub fn history_item(entry: &nna_domain::history::Entry) -> Result<Item, StoreError> {
    let doc = entry.to_json().map_err(StoreError::internal)?;
    let mut item = key(history_pk(&entry.asset_id), entry.sort_key());
    item.insert("doc".to_owned(), text(doc));
    Ok(item)
}

pub fn sequence_key(path: &str) -> Item {
    key(format!("S#{path}"), "S")
}

/// Where a place's count is kept: the item and the attribute. `all` is kept nowhere: it is the
/// sum of the layers'.
pub fn count_slot(place: &Scope) -> Option<(Item, String)> {
    match place.level {
        Level::All => None,
        Level::Layer => Some((layer_count_key(layer_key(&place.value)), "n".to_owned())),
        Level::Category => {
            let (layer, category) = place.value.split_once('.')?;
            Some((layer_count_key(layer), format!("c:{category}")))
        }
        Level::Subcategory => Some((key(format!("S#{}", place.value), "S"), "n".to_owned())),
    }
}

pub fn layer_count_key(layer: &str) -> Item {
    key(format!("C#{layer}"), "C")
}

/// An asset's entry in its subcategory's creation order, if the taxonomy places it.
pub fn place_posting_key(asset: &Asset) -> Option<Item> {
    let place = Scope::of(asset).into_iter().find(|p| p.level == Level::Subcategory)?;
    Some(place_posting(&place.value, position(asset, Order::Created)))
}

pub fn place_posting(subcategory: &str, created: String) -> Item {
    key(format!("P#{subcategory}"), created)
}

/// A posting: `T#<bucket>` / `<term>#<created position>`.
pub fn posting_key(term: &IndexTerm, asset: &Asset) -> Item {
    key(format!("T#{}", term.bucket()), format!("{}#{}", term.as_str(), position(asset, Order::Created)))
}

/// A posting's sort key back into a position and an id: `<term>#<ms>#<id>`.
pub fn posting_of(item: &Item) -> Option<Posting> {
    let sk = string_attr(item, SK)?;
    let (rest, id) = sk.rsplit_once('#')?;
    let (_, ms) = rest.rsplit_once('#')?;
    Some(Posting { position: format!("{ms}#{id}"), id: AssetId::parse(id)? })
}

pub fn to_item(asset: &Asset) -> Result<Item, StoreError> {
    let mut item: Item =
        serde_dynamo::to_item(asset).map_err(|e| StoreError::internal(format!("encoding asset {}: {e}", asset.id)))?;
    item.extend(asset_key(&asset.id));
    // `all` is one partition of `name-all`: at this registry's write rate, well within a
    // partition's throughput.
    for place in Scope::of(asset) {
        let value = match place.level {
            Level::Category => continue,
            Level::Layer => layer_key(&place.value).to_owned(),
            _ => place.value,
        };
        item.insert(level_attribute(place.level).into(), text(value));
    }
    for order in Order::ALL {
        item.insert(order_attribute(order).into(), text(position(asset, order)));
    }
    Ok(item)
}

pub fn from_item(mut item: Item) -> Result<Asset, StoreError> {
    let id = match item.get(PK) {
        Some(AttributeValue::S(pk)) => pk.trim_start_matches("A#").to_owned(),
        _ => String::from("?"),
    };
    for attr in INDEX_ATTRIBUTES {
        item.remove(attr);
    }
    serde_dynamo::from_item::<_, Asset>(item).map_err(|e| StoreError::corrupt(id, e))
}

pub fn string_attr<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v),
        _ => None,
    }
}

pub fn number_attr(item: &Item, name: &str) -> Option<i64> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_asset_survives_the_round_trip_with_its_index_attributes_stripped() {
        let v = json!({"id": "6868865274bd8b06a2f91f0c", "layer": "G", "category": "Hip_Hop", "subcategory": "Modern_Hip_Hop",
            "name": "G.HIP.MOD.001", "nna_address": "G.003.003.001", "tags": ["a"], "trainingData": "{\"prompts\":[]}",
            "components": [""], "createdAt": "2025-07-05T01:53:38.417Z", "updatedAt": "2025-07-09T04:19:46.716Z", "__v": 2,
            "aiMetadata": {"confidence": 0.95, "processingTime": 1250, "mood": ["calm", {"x": null}]}, "revision": 3});
        let asset = Asset::load(v.clone()).unwrap();
        let item = to_item(&asset).unwrap();
        assert_eq!(string_attr(&item, "gSubcategory"), Some("G.HIP.MOD"));
        assert_eq!(string_attr(&item, "nameKey"), Some("G.HIP.MOD.001#1751680418417#6868865274bd8b06a2f91f0c"));
        let back = from_item(item).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), v);
    }
}
