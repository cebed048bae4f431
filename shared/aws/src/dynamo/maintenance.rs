//! Operators' access to the table. Every asset is read by a parallel `Scan` of the keys-only
//! `name-all` index (asset items only, not the postings beside them), then a consistent
//! `BatchGetItem` of the items; a scan position is the index's last evaluated key. Checkpoints
//! are items `O#<run>` / `<segment>`. Sequences and counts are read by key, their places being
//! the taxonomy's: no pass over the whole table. A restore empties the table (checkpoints aside)
//! and imports.

use super::item::{Item, count_slot, from_item, key, key_of, layer_count_key, number, sequence_key, string_attr, text};
use super::schema::{PK, category, layer_keys, listing_index};
use super::{DELETIONS_PK, DynamoStore, store_error};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use nna_domain::Asset;
use nna_domain::asset::Deletion;
use nna_domain::ports::{
    AssetStore, Checkpoint, CountFix, Maintenance, Run, RunLock, ScanPage, SequenceState, StoreError, Unreadable,
};
use nna_domain::search::{Level, Order, Scope};
use nna_domain::taxonomy::taxonomy;
use std::collections::{BTreeMap, BTreeSet};

/// Imports in flight during a restore.
const RESTORE_CONCURRENCY: usize = 16;
/// The most keys one scan page asks for. A keys-only index entry is about 100 bytes, so
/// DynamoDB's 1 MB page holds about this many; more would only be cut short by it.
const MAX_PAGE: usize = 10_000;

/// `L.CAS.ATL` for every subcategory of the taxonomy.
fn taxonomy_paths() -> impl Iterator<Item = String> {
    taxonomy().layers().iter().flat_map(|l| {
        l.categories
            .iter()
            .flat_map(move |c| c.subcategories.iter().map(move |s| format!("{}.{}.{}", l.code, c.code, s.code)))
    })
}

/// The operators' run lock: among the checkpoints (`O#`), so a restore keeps it.
fn lock_key() -> Item {
    key("O#lock", "ops")
}

fn checkpoint_key(run: Run, segment: u32) -> Item {
    key(format!("O#{}", run.name()), segment.to_string())
}

/// A scan position as text: the index's last evaluated key, all strings.
fn encode(key: &Item) -> String {
    let map: serde_json::Map<String, serde_json::Value> = key
        .iter()
        .filter_map(|(k, v)| v.as_s().ok().map(|v| (k.clone(), serde_json::Value::String(v.clone()))))
        .collect();
    serde_json::Value::Object(map).to_string()
}

fn decode(position: &str) -> Result<Item, StoreError> {
    let bad = || StoreError::internal(format!("not a scan position of this table: {position}"));
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(position).map_err(|_| bad())?;
    map.into_iter().map(|(k, v)| v.as_str().map(|v| (k, text(v))).ok_or_else(bad)).collect()
}

fn pk_of(item: &Item) -> String {
    string_attr(item, PK).unwrap_or_default().to_owned()
}

/// A place from its value as `recount` is given it: `all`, a category or subcategory of the
/// taxonomy (`L.CAS`, `L.CAS.ATL`), else a layer (legacy data may hold any).
fn place_named(value: &str) -> Scope {
    let parts: Vec<&str> = value.split('.').collect();
    let level = match parts.as_slice() {
        ["all"] => Level::All,
        [l, c] if category(l, c).is_some() => Level::Category,
        [l, c, sub] if category(l, c).is_some_and(|c| c.subcategories.iter().any(|s| s.code == *sub)) => {
            Level::Subcategory
        }
        _ => Level::Layer,
    };
    Scope { level, value: value.to_owned() }
}

/// A count slot as the place it counts, for the report: `L`, `L.CAS`, `L.CAS.ATL`, `?`.
fn slot_name((pk, attr): &(String, String)) -> String {
    let place = pk.get(2..).unwrap_or_default();
    match attr.strip_prefix("c:") {
        Some(category) => format!("{place}.{category}"),
        None => place.to_owned(),
    }
}

impl DynamoStore {
    /// Every key of the table, with a sequence's `last` and a count's `n`.
    async fn all_keys(&self) -> Result<Vec<Item>, StoreError> {
        let scan = self.client.scan().table_name(&self.table).projection_expression("pk, sk, #last, #n");
        let scan = scan.expression_attribute_names("#last", "last").expression_attribute_names("#n", "n");
        scan.into_paginator().items().send().try_collect().await.map_err(store_error)
    }

    /// Deletes these items (by their keys alone).
    async fn delete_keys(&self, items: &[Item]) -> Result<(), StoreError> {
        self.write_batch(&[], &items.iter().map(key_of).collect::<Vec<_>>()).await
    }
}

#[async_trait]
impl Maintenance for DynamoStore {
    /// Sets every kept count that differs from the pass's. Creates, renumbers and deletes move
    /// counts in their own transactions, so only an interrupted import (or a table from before
    /// this layout) leaves any off. Creates running meanwhile may leave a count off by their
    /// number again: run it when quiet.
    async fn recount(&self, exact: &BTreeMap<String, u64>) -> Result<Vec<CountFix>, StoreError> {
        // Every slot that can hold a count: the taxonomy's layers and subcategories (read by key,
        // as the sequences are), and any other the pass found.
        let mut wanted: BTreeMap<(String, String), u64> = BTreeMap::new();
        let mut keys: BTreeMap<String, Item> = BTreeMap::new();
        for layer in layer_keys() {
            let key = layer_count_key(&layer);
            keys.insert(pk_of(&key), key);
        }
        for path in taxonomy_paths() {
            let key = sequence_key(&path);
            keys.insert(pk_of(&key), key);
        }
        for (value, count) in exact {
            let Some((key, attr)) = count_slot(&place_named(value)) else { continue };
            let pk = pk_of(&key);
            *wanted.entry((pk.clone(), attr)).or_default() += count;
            keys.insert(pk, key);
        }
        let mut kept: BTreeMap<(String, String), i64> = BTreeMap::new();
        for item in self.batch_get(keys.values().cloned().collect()).await? {
            let pk = pk_of(&item);
            for (attr, value) in &item {
                let counted = attr == "n" || (pk.starts_with("C#") && attr.starts_with("c:"));
                if let (true, Ok(v)) = (counted, value.as_n()) {
                    kept.insert((pk.clone(), attr.clone()), v.parse().unwrap_or(0));
                }
            }
        }
        let slots: BTreeSet<&(String, String)> = kept.keys().chain(wanted.keys()).collect();
        let mut fixes = Vec::new();
        for slot in slots {
            let (was, now) = (kept.get(slot).copied().unwrap_or(0), wanted.get(slot).copied().unwrap_or(0));
            if i64::try_from(now).ok() == Some(was) {
                continue;
            }
            let Some(key) = keys.get(&slot.0) else { continue };
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key.clone()))
                .update_expression("SET #a = :v")
                .expression_attribute_names("#a", &slot.1)
                .expression_attribute_values(":v", number(now))
                .send()
                .await
                .map_err(store_error)?;
            fixes.push(CountFix { place: slot_name(slot), was, now });
        }
        Ok(fixes)
    }

    async fn renumber(&self, current: &Asset, plan: nna_domain::ports::CreatePlan) -> Result<Asset, StoreError> {
        super::create::run(self, &plan, Some(current)).await
    }

    /// The asset's place posting, and the item again with this layout's attributes (and none of
    /// an earlier one's), on the revision read.
    async fn reindex(&self, asset: &Asset) -> Result<(), StoreError> {
        self.write_batch(&super::item::place_posting_key(asset).into_iter().collect::<Vec<_>>(), &[]).await?;
        // Written since: the writer's layout is this one already.
        self.put_at(super::item::to_item(asset)?, asset.revision).await.map(drop)
    }

    async fn scan(
        &self,
        segment: u32,
        segments: u32,
        after: Option<&str>,
        limit: usize,
    ) -> Result<ScanPage, StoreError> {
        let mut request = self
            .client
            .scan()
            .table_name(&self.table)
            .index_name(listing_index(Order::Name, Level::All))
            .limit(i32::try_from(limit.clamp(1, MAX_PAGE)).unwrap_or(100));
        if segments > 1 {
            let count = |v: u32| i32::try_from(v).map_err(|_| StoreError::internal("too many segments"));
            request = request.segment(count(segment)?).total_segments(count(segments)?);
        }
        if let Some(after) = after {
            request = request.set_exclusive_start_key(Some(decode(after)?));
        }
        let out = request.send().await.map_err(store_error)?;
        let keys: Vec<Item> = out.items.unwrap_or_default().iter().map(key_of).collect();
        let mut page = ScanPage {
            next: out.last_evaluated_key.filter(|k| !k.is_empty()).map(|k| encode(&k)),
            ..ScanPage::default()
        };
        for item in self.batch_get(keys).await? {
            match from_item(item) {
                Ok(asset) => page.assets.push(asset),
                Err(StoreError::Corrupt { id, cause }) => {
                    page.unreadable.push(Unreadable { id, reason: cause.to_string() })
                }
                Err(e) => return Err(e),
            }
        }
        page.assets.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        Ok(page)
    }

    /// Read by key, not by a scan: every sequence a create can make is a subcategory of the
    /// taxonomy, and a scan would read the whole table (postings too) to find a few hundred items.
    async fn sequences(&self) -> Result<Vec<SequenceState>, StoreError> {
        let keys = taxonomy_paths().map(|path| sequence_key(&path)).collect();
        let mut out: Vec<SequenceState> = self
            .batch_get(keys)
            .await?
            .iter()
            .filter_map(|item| {
                let path = string_attr(item, PK)?.strip_prefix("S#")?.to_owned();
                let last = item.get("last").and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok())?;
                Some(SequenceState { path, last })
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    async fn checkpoint(&self, run: Run, segment: u32) -> Result<Option<Checkpoint>, StoreError> {
        let Some(item) = self.get_item(checkpoint_key(run, segment)).await? else { return Ok(None) };
        Ok(Some(match string_attr(&item, "cursor") {
            Some(c) => Checkpoint::After(c.to_owned()),
            None => Checkpoint::Done,
        }))
    }

    async fn save_checkpoint(&self, run: Run, segment: u32, at: &Checkpoint) -> Result<(), StoreError> {
        let mut item = checkpoint_key(run, segment);
        match at {
            Checkpoint::After(c) => item.insert("cursor".into(), text(c.clone())),
            Checkpoint::Done => item.insert("done".into(), AttributeValue::Bool(true)),
        };
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(store_error)?;
        Ok(())
    }

    async fn clear_checkpoints(&self, run: Run) -> Result<(), StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", text(format!("O#{}", run.name())))
            .send()
            .await
            .map_err(store_error)?;
        self.delete_keys(&out.items.unwrap_or_default()).await
    }

    async fn take_lock(&self, lock: &RunLock) -> Result<Option<RunLock>, StoreError> {
        let doc = serde_json::to_string(lock).map_err(StoreError::internal)?;
        let mut item = lock_key();
        item.insert("holder".into(), text(lock.holder.clone()));
        item.insert("expiresAt".into(), number(lock.expires_at.millis()));
        item.insert("doc".into(), text(doc));
        let free = "attribute_not_exists(pk) OR expiresAt < :now OR holder = :me";
        let values = [(":now", number(nna_domain::Timestamp::now().millis())), (":me", text(lock.holder.clone()))];
        if self.put_where(item, free, &values).await? {
            return Ok(None);
        }
        let held = self.get_item(lock_key()).await?;
        match held.as_ref().and_then(|i| string_attr(i, "doc")).and_then(|d| serde_json::from_str(d).ok()) {
            Some(h) => Ok(Some(h)),
            // Let go of in between: try again.
            None => Box::pin(self.take_lock(lock)).await,
        }
    }

    async fn release_lock(&self, holder: &str) -> Result<(), StoreError> {
        let deleted = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(lock_key()))
            .condition_expression("holder = :me")
            .expression_attribute_values(":me", text(holder))
            .send()
            .await;
        match deleted {
            Ok(_) => Ok(()),
            Err(e) if crate::errors::code(&e) == Some("ConditionalCheckFailedException") => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn deletions(&self, after: Option<&str>, limit: usize) -> Result<Vec<Deletion>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .expression_attribute_values(":p", text(DELETIONS_PK))
            .projection_expression("doc")
            .limit(i32::try_from(limit.min(1000)).unwrap_or(1000));
        // A key may not be empty: without a position, the whole partition.
        let query = match after.filter(|a| !a.is_empty()) {
            Some(a) => query.key_condition_expression("pk = :p AND sk > :a").expression_attribute_values(":a", text(a)),
            None => query.key_condition_expression("pk = :p"),
        };
        let mut items = query.into_paginator().items().send();
        let mut out = Vec::new();
        while out.len() < limit
            && let Some(item) = items.try_next().await.map_err(store_error)?
        {
            let doc = string_attr(&item, "doc").unwrap_or_default();
            out.push(serde_json::from_str(doc).map_err(|e| StoreError::internal(format!("a deletion record: {e}")))?);
        }
        Ok(out)
    }

    async fn restore(&self, assets: &[Asset], sequences: &[SequenceState]) -> Result<(), StoreError> {
        let everything = self.all_keys().await?;
        // A backup holds assets and numbering only: checkpoints, deletion records, accounts (and
        // their attempts), idempotency keys and upload claims stay, as the embedded store keeps them.
        let kept = |pk: &str| ["O#", "U#", "K#", "UP#"].iter().any(|p| pk.starts_with(p)) || pk == DELETIONS_PK;
        let doomed: Vec<Item> = everything.into_iter().filter(|k| !string_attr(k, PK).is_some_and(kept)).collect();
        self.delete_keys(&doomed).await?;
        for chunk in assets.chunks(RESTORE_CONCURRENCY) {
            futures::future::try_join_all(chunk.iter().map(|a| self.import(a))).await?;
        }
        for seq in sequences {
            // The item also holds the subcategory's count, which the imports have just set.
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(sequence_key(&seq.path)))
                .update_expression("SET #last = :last")
                .expression_attribute_names("#last", "last")
                .expression_attribute_values(":last", number(seq.last))
                .send()
                .await
                .map_err(store_error)?;
        }
        Ok(())
    }
}
