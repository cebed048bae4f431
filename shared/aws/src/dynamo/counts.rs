//! How many assets each place holds, kept in count items so a listing's total costs one read per
//! place instead of a pass over the index. Counts move after the write they follow, with an
//! atomic `ADD`; a crash between the two leaves a count off by one until an operator recounts,
//! which is why the write itself never waits on them.

use super::DynamoStore;
use super::item::{Item, count_key, n, number_attr, places};
use futures::future::{join_all, try_join_all};
use nna_domain::Asset;
use nna_domain::ports::StoreError;

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
