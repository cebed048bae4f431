//! Creates' Idempotency-Keys as items `K#<user>:<key>` / `K`: the request's fingerprint, the asset
//! it made, and `_ttl`: when it expires in epoch seconds, the table's TTL attribute (DynamoDB deletes them
//! some time after; until then reads check the time themselves).

use super::item::{Item, number, string_attr, text};
use nna_domain::idempotency::{IdempotencyClaim, IdempotencyRecord};
use nna_domain::{Asset, Timestamp};

pub fn record_key(key: &str) -> Item {
    super::item::key(format!("K#{key}"), "K")
}

pub fn record_item(claim: &IdempotencyClaim, asset: &Asset) -> Item {
    let mut item = record_key(&claim.key);
    item.insert("fingerprint".into(), text(claim.fingerprint.as_str()));
    item.insert("assetId".into(), text(asset.id.as_str()));
    // Rounded up: a key is never remembered for less than its lifetime.
    item.insert("_ttl".into(), number((claim.expires_at.millis() + 999).div_euclid(1000)));
    item
}

pub fn record(key: &str, item: &Item) -> Option<IdempotencyRecord> {
    let seconds: i64 = item.get("_ttl")?.as_n().ok()?.parse().ok()?;
    Some(IdempotencyRecord {
        key: key.to_owned(),
        fingerprint: string_attr(item, "fingerprint")?.to_owned(),
        asset_id: nna_domain::AssetId::parse(string_attr(item, "assetId")?)?,
        expires_at: Timestamp::from_millis(seconds.checked_mul(1000)?)?,
    })
}
