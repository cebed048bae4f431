//! What a write costs in DynamoDB write units, by the rules AWS bills by: an item's size is its
//! attribute names plus its values; a standard write is one unit per started KB of the item, a
//! transactional one two; every global secondary index the item lands in is one more write of its
//! entry (its keys, the table's keys, and 100 bytes of overhead). The
//! benchmarks print these for a typical create and edit, so the cost model is a figure, not a
//! guess.

use aws_sdk_dynamodb::types::AttributeValue;
use nna_aws::dynamo::item::Item;
use nna_aws::dynamo::schema::{PK, SK, indexes};

/// Bytes an attribute value takes.
fn value_size(v: &AttributeValue) -> u64 {
    match v {
        AttributeValue::S(s) => s.len() as u64,
        // About one byte per two significant digits, plus one.
        AttributeValue::N(n) => {
            (n.trim_start_matches('-').replace('.', "").trim_start_matches('0').len() as u64).div_ceil(2) + 1
        }
        AttributeValue::B(b) => b.as_ref().len() as u64,
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::L(items) => 3 + items.iter().map(|i| 1 + value_size(i)).sum::<u64>(),
        AttributeValue::M(map) => 3 + map.iter().map(|(k, v)| 1 + k.len() as u64 + value_size(v)).sum::<u64>(),
        AttributeValue::Ss(set) => set.iter().map(|s| s.len() as u64).sum(),
        AttributeValue::Ns(set) => set.iter().map(|n| (n.len() as u64).div_ceil(2) + 1).sum(),
        AttributeValue::Bs(set) => set.iter().map(|b| b.as_ref().len() as u64).sum(),
        _ => 0,
    }
}

/// An item's size as DynamoDB counts it.
pub fn item_size(item: &Item) -> u64 {
    item.iter().map(|(k, v)| k.len() as u64 + value_size(v)).sum()
}

fn units(bytes: u64) -> u64 {
    bytes.div_ceil(1024).max(1)
}

/// Write units of putting this item: one per started KB, twice that inside a transaction.
pub fn put_units(item: &Item, in_transaction: bool) -> u64 {
    units(item_size(item)) * if in_transaction { 2 } else { 1 }
}

/// Write units the table's global secondary indexes charge for putting this item: one write per
/// index it has the keys of (all are keys only: an entry is its keys, the table's keys and 100
/// bytes, well under a KB).
pub fn index_units(item: &Item) -> u64 {
    let key = |name: &str| item.get(name).map_or(0, |v| name.len() as u64 + value_size(v));
    indexes()
        .iter()
        .filter(|(_, partition, sort)| item.contains_key(*partition) && item.contains_key(*sort))
        .map(|(_, partition, sort)| units(key(partition) + key(sort) + key(PK) + key(SK) + 100))
        .sum()
}

/// An attribute value from DynamoDB's JSON wire form (`{"S": "…"}`, `{"M": {…}}`, …).
fn attribute(v: &serde_json::Value) -> AttributeValue {
    let Some((kind, inner)) = v.as_object().and_then(|o| o.iter().next()) else { return AttributeValue::Null(true) };
    let text = || inner.as_str().unwrap_or_default().to_owned();
    let texts = || inner.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect();
    match kind.as_str() {
        "S" => AttributeValue::S(text()),
        "N" => AttributeValue::N(text()),
        // Base64 on the wire; three bytes per four characters is the size stored.
        "B" => AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(vec![0; text().len() / 4 * 3])),
        "BOOL" => AttributeValue::Bool(inner.as_bool().unwrap_or_default()),
        "L" => AttributeValue::L(inner.as_array().into_iter().flatten().map(attribute).collect()),
        "M" => AttributeValue::M(item_of(inner)),
        "SS" => AttributeValue::Ss(texts()),
        "NS" => AttributeValue::Ns(texts()),
        _ => AttributeValue::Null(true),
    }
}

/// An item from DynamoDB's JSON wire form.
pub fn item_of(v: &serde_json::Value) -> Item {
    v.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), attribute(v))).collect()
}

/// Write units one sent request costs, from what it carries: each put by its item's size (twice
/// in a transaction) with its index entries; an update, delete or condition check at one unit (the
/// request does not carry the stored item's size: a floor, as the items this store updates and
/// deletes are small), twice in a transaction.
pub fn sent_units(op: &str, body: &serde_json::Value) -> u64 {
    let put = |item: &serde_json::Value, tx: bool| {
        let item = item_of(item);
        put_units(&item, tx) + index_units(&item)
    };
    let list = |v: &serde_json::Value| v.as_array().cloned().unwrap_or_default();
    match op {
        "PutItem" => put(&body["Item"], false),
        "UpdateItem" | "DeleteItem" => 1,
        "BatchWriteItem" => body["RequestItems"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(_, requests)| list(requests))
            .map(|r| r.get("PutRequest").map_or(1, |p| put(&p["Item"], false)))
            .sum(),
        "TransactWriteItems" => {
            list(&body["TransactItems"]).iter().map(|t| t.get("Put").map_or(2, |p| put(&p["Item"], true))).sum()
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn sizes_follow_the_published_rules() {
        let item: Item = HashMap::from([
            ("pk".to_owned(), AttributeValue::S("A#abc".into())),
            ("n".to_owned(), AttributeValue::N("12345".into())),
            ("m".to_owned(), AttributeValue::M(HashMap::from([("k".to_owned(), AttributeValue::Bool(true))]))),
        ]);
        // "pk" + "A#abc" = 7; "n" + (five digits: 3 + 1) = 5; "m" + (3 + 1 + "k" + true) = 7.
        assert_eq!(item_size(&item), 19);
        assert_eq!(put_units(&item, false), 1);
        assert_eq!(put_units(&item, true), 2);
    }
}
