//! How many assets each place holds, kept so a listing's total costs a read or two instead of a
//! pass over the index (where, see `item::count_slot`). Counts move inside the transaction of
//! the write that changes them (create, renumber, delete), so a write that happened is counted
//! exactly once: a replayed transaction fails its conditions and counts nothing. Imports
//! (restore, migration) still adjust them afterwards; `recount` is the audit for those.

use super::DynamoStore;
use super::item::{Item, count_slot, layer_count_key, number, number_attr};
use super::schema::{PK, layer_keys};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use futures::future::join_all;
use nna_domain::Asset;
use nna_domain::ports::StoreError;
use nna_domain::search::{Level, Scope};
use std::collections::BTreeMap;

/// What a write does to the counts: for each count item (by partition key), each attribute's
/// change. A transaction may touch an item once, so a write's changes are netted per item.
#[derive(Default)]
pub(super) struct Moves {
    items: BTreeMap<String, (Item, BTreeMap<String, i64>)>,
}

impl Moves {
    /// Each asset's places moved by its amount, unchanged ones left out.
    pub(super) fn of(changes: &[(&Asset, i64)]) -> Self {
        let mut moves = Self::default();
        for (asset, by) in changes {
            for place in Scope::of(asset) {
                moves.add(&place, *by);
            }
        }
        moves.items.retain(|_, (_, attrs)| {
            attrs.retain(|_, by| *by != 0);
            !attrs.is_empty()
        });
        moves
    }

    fn add(&mut self, place: &Scope, by: i64) {
        let Some((key, attr)) = count_slot(place) else { return };
        let pk = key.get(PK).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
        *self.items.entry(pk).or_insert_with(|| (key, BTreeMap::new())).1.entry(attr).or_default() += by;
    }

    /// The change to `n` of the item with this key, taken out (the create's sequence item, which
    /// the create writes itself).
    pub(super) fn take_count(&mut self, pk: &str) -> i64 {
        match self.items.remove(pk) {
            Some((key, mut attrs)) => {
                let by = attrs.remove("n").unwrap_or(0);
                if !attrs.is_empty() {
                    self.items.insert(pk.to_owned(), (key, attrs));
                }
                by
            }
            None => 0,
        }
    }

    /// One `ADD` update per item.
    fn updates(&self) -> impl Iterator<Item = CountUpdate> + '_ {
        self.items.values().map(|(key, attrs)| {
            let mut update = CountUpdate { key: key.clone(), ..CountUpdate::default() };
            let mut parts = Vec::with_capacity(attrs.len());
            for (i, (attr, by)) in attrs.iter().enumerate() {
                update.names.push((format!("#a{i}"), attr.clone()));
                update.values.push((format!(":v{i}"), number(by)));
                parts.push(format!("#a{i} :v{i}"));
            }
            update.expression = format!("ADD {}", parts.join(", "));
            update
        })
    }

    /// The updates as transaction items.
    pub(super) fn transact(&self, table: &str) -> Result<Vec<TransactWriteItem>, StoreError> {
        self.updates()
            .map(|u| {
                let builder = Update::builder().table_name(table).set_key(Some(u.key)).update_expression(u.expression);
                let builder = u.names.into_iter().fold(builder, |b, (p, name)| b.expression_attribute_names(p, name));
                let builder = u.values.into_iter().fold(builder, |b, (p, v)| b.expression_attribute_values(p, v));
                builder.build().map(|u| TransactWriteItem::builder().update(u).build()).map_err(StoreError::internal)
            })
            .collect()
    }
}

#[derive(Default)]
struct CountUpdate {
    key: Item,
    expression: String,
    names: Vec<(String, String)>,
    values: Vec<(String, AttributeValue)>,
}

/// Outside a transaction, for imports: a crash between the import and this leaves a count off
/// until an operator recounts.
pub(super) async fn adjust(store: &DynamoStore, asset: &Asset, by: i64) {
    let moves = Moves::of(&[(asset, by)]);
    let updates = moves.updates().map(|u| {
        let builder =
            store.client.update_item().table_name(&store.table).set_key(Some(u.key)).update_expression(u.expression);
        let builder = u.names.into_iter().fold(builder, |b, (p, name)| b.expression_attribute_names(p, name));
        u.values.into_iter().fold(builder, |b, (p, v)| b.expression_attribute_values(p, v)).send()
    });
    for result in join_all(updates).await {
        if let Err(e) = result {
            tracing::error!(error = %aws_sdk_dynamodb::error::DisplayErrorContext(&e), asset = %asset.id, "a place count was not updated");
        }
    }
}

/// Every count item a total of these places reads, with the attribute it reads.
fn slots(places: &[Scope]) -> Vec<(Item, String)> {
    places
        .iter()
        .flat_map(|p| match p.level {
            Level::All => layer_keys().map(|l| (layer_count_key(&l), "n".to_owned())).collect(),
            _ => count_slot(p).into_iter().collect::<Vec<_>>(),
        })
        .collect()
}

/// The sum of the counts of these places.
pub(super) async fn total(store: &DynamoStore, places: &[Scope]) -> Result<u64, StoreError> {
    let wanted = slots(places);
    let mut keys: Vec<Item> = wanted.iter().map(|(k, _)| k.clone()).collect();
    keys.sort_by_key(|k| k.get(PK).and_then(|v| v.as_s().ok()).cloned());
    keys.dedup();
    let items = store.batch_get(keys).await?;
    let by_pk: BTreeMap<&str, &Item> =
        items.iter().filter_map(|i| Some((i.get(PK)?.as_s().ok()?.as_str(), i))).collect();
    let sum: i64 =
        wanted.iter().filter_map(|(key, attr)| number_attr(by_pk.get(key.get(PK)?.as_s().ok()?.as_str())?, attr)).sum();
    Ok(u64::try_from(sum).unwrap_or(0))
}
