//! Listings without a scan: the index for the order and place level gives the page's keys in
//! order (reading at most offset + limit keys per place), one `BatchGetItem` per hundred fetches
//! the items, and the count items give the total.

use super::item::{Item, from_item, s, string_attr};
use super::schema::{Level, Order, listing_index};
use super::{DynamoStore, counts, store_error};
use futures::future::try_join_all;
use nna_domain::input::{ListQuery, SortKey, SortOrder};
use nna_domain::ports::{AssetPage, StoreError};
use std::collections::HashMap;

pub(super) async fn run(store: &DynamoStore, q: &ListQuery) -> Result<AssetPage, StoreError> {
    if q.text.is_some() {
        return Err(StoreError::Unsupported("text search on DynamoDB".into()));
    }
    let order = match q.sort {
        SortKey::CreatedAt => Order::Created,
        SortKey::UpdatedAt => Order::Updated,
        SortKey::Name | SortKey::Layer => Order::Name,
        SortKey::RegisteredBy => Order::Owner,
    };
    let (level, places) = match (&q.subcategories, &q.categories, q.layer) {
        (Some(subs), _, _) => (Level::Subcategory, subs.clone()),
        (None, Some(cats), _) => (Level::Category, cats.clone()),
        (None, None, Some(layer)) => (Level::Layer, vec![layer.to_string()]),
        (None, None, None) => (Level::All, vec!["all".to_owned()]),
    };
    let ascending = q.order == SortOrder::Asc;
    let offset = usize::try_from(q.offset()).unwrap_or(usize::MAX);
    let want = offset.saturating_add(q.limit as usize);
    let index = listing_index(order, level);
    let per_place =
        places.iter().map(|p| keys_in_order(store, &index, level.attribute(), order.attribute(), p, ascending, want));
    let mut keys: Vec<(String, Item)> = try_join_all(per_place).await?.into_iter().flatten().collect();
    keys.sort_by(|a, b| if ascending { a.0.cmp(&b.0) } else { b.0.cmp(&a.0) });
    let page: Vec<Item> = keys.into_iter().skip(offset).take(q.limit as usize).map(|(_, k)| k).collect();
    let (items, total) = futures::try_join!(fetch(store, &page), counts::total(store, &places))?;
    Ok(AssetPage { items, total })
}

/// Up to `want` table keys under one place, in index order, each with its order value.
async fn keys_in_order(
    store: &DynamoStore,
    index: &str,
    place_attr: &str,
    order_attr: &str,
    place: &str,
    ascending: bool,
    want: usize,
) -> Result<Vec<(String, Item)>, StoreError> {
    let mut out = Vec::new();
    let mut start: Option<Item> = None;
    while out.len() < want {
        let page = store
            .client
            .query()
            .table_name(&store.table)
            .index_name(index)
            .key_condition_expression("#p = :p")
            .expression_attribute_names("#p", place_attr)
            .expression_attribute_values(":p", s(place))
            .scan_index_forward(ascending)
            .limit(i32::try_from(want - out.len()).unwrap_or(i32::MAX).min(5000))
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(store_error)?;
        for item in page.items.unwrap_or_default() {
            let value = string_attr(&item, order_attr).unwrap_or_default().to_owned();
            let key: Item = item.into_iter().filter(|(k, _)| k == "pk" || k == "sk").collect();
            out.push((value, key));
        }
        match page.last_evaluated_key {
            Some(k) if !k.is_empty() => start = Some(k),
            _ => break,
        }
    }
    out.truncate(want);
    Ok(out)
}

/// The items for these keys, in the same order; any deleted since the keys were read are left out.
async fn fetch(store: &DynamoStore, keys: &[Item]) -> Result<Vec<nna_domain::Asset>, StoreError> {
    let batches = keys.chunks(100).map(|chunk| store.batch_get(chunk.to_vec()));
    let mut found: HashMap<String, Item> = HashMap::new();
    for items in try_join_all(batches).await? {
        for item in items {
            if let Some(pk) = string_attr(&item, "pk") {
                found.insert(pk.to_owned(), item);
            }
        }
    }
    let mut assets = Vec::with_capacity(keys.len());
    for key in keys {
        let Some(item) = string_attr(key, "pk").and_then(|pk| found.remove(pk)) else { continue };
        match from_item(item) {
            Ok(a) => assets.push(a),
            // One unreadable item must not take the whole listing down with it.
            Err(e) => tracing::error!(error = %e, "skipping an unreadable stored asset in a listing"),
        }
    }
    Ok(assets)
}
