//! How many assets each place holds, kept in count items so a listing's total costs one read per
//! place instead of a pass over the index. Counts move inside the transaction of the write that
//! changes them (create, renumber, delete), so a write that happened is counted exactly once: a
//! replayed transaction fails its conditions and counts nothing. Imports (restore, migration)
//! still adjust them afterwards; `recount` is the audit for those.

use super::DynamoStore;
use super::item::{Item, count_key, n, number_attr, places};
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use futures::future::{join_all, try_join_all};
use nna_domain::Asset;
use nna_domain::ports::StoreError;
use std::collections::BTreeMap;

/// The count updates of a write, as transaction items: each asset's places moved by its amount,
/// netted per place (a transaction may touch an item once), places left unchanged omitted.
pub(super) fn moves(table: &str, changes: &[(&Asset, i64)]) -> Result<Vec<TransactWriteItem>, StoreError> {
    let mut net: BTreeMap<String, i64> = BTreeMap::new();
    for (asset, by) in changes {
        for (_, place) in places(asset) {
            *net.entry(place).or_default() += by;
        }
    }
    net.into_iter()
        .filter(|(_, by)| *by != 0)
        .map(|(place, by)| {
            Update::builder()
                .table_name(table)
                .set_key(Some(count_key(&place)))
                .update_expression("ADD #n :by")
                .expression_attribute_names("#n", "n")
                .expression_attribute_values(":by", n(by))
                .build()
                .map(|u| TransactWriteItem::builder().update(u).build())
                .map_err(|e| StoreError::Internal(e.to_string()))
        })
        .collect()
}

/// Outside a transaction, for imports: a crash between the import and this leaves a count off
/// until an operator recounts.
pub(super) async fn adjust(store: &DynamoStore, asset: &Asset, by: i64) {
    let updates = places(asset).into_iter().map(|(_, place)| {
        store
            .client
            .update_item()
            .table_name(&store.table)
            .set_key(Some(count_key(&place)))
            .update_expression("ADD #n :by")
            .expression_attribute_names("#n", "n")
            .expression_attribute_values(":by", n(by))
            .send()
    });
    for result in join_all(updates).await {
        if let Err(e) = result {
            tracing::error!(error = %aws_sdk_dynamodb::error::DisplayErrorContext(&e), asset = %asset.id, "a place count was not updated");
        }
    }
}

/// The sum of the counts of these places.
pub(super) async fn total(store: &DynamoStore, places: &[String]) -> Result<u64, StoreError> {
    let keys: Vec<Item> = places.iter().map(|p| count_key(p)).collect();
    let items = try_join_all(keys.chunks(100).map(|chunk| store.batch_get(chunk.to_vec()))).await?;
    let sum: i64 = items.iter().flatten().map(|item| number_attr(item, "n").unwrap_or(0)).sum();
    Ok(u64::try_from(sum).unwrap_or(0))
}
