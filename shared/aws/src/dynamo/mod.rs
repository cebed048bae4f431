//! Assets in one DynamoDB table (see `schema` for the items and indexes). Reads by id are a
//! consistent `GetItem`; by HFN or MFA two: the name or address claim, then the asset it names
//! (no index to keep in step, and an asset is found the moment its create returns). A create is
//! one `TransactWriteItems`; edits and deletes are conditional on the revision.

mod counts;
mod create;
mod idempotency_keys;
mod import_new;
mod index;
pub mod item;
mod maintenance;
mod metrics;
pub mod schema;
mod users;

pub use metrics::ReadMetrics;

use crate::errors::{code, map};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnValue};
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use futures::{StreamExt, TryStreamExt};
use item::{Item, asset_key, from_item, number, text, to_item};
use nna_domain::asset::Deletion;
use nna_domain::history::{Entry, sort_key};
use nna_domain::idempotency::IdempotencyRecord;
use nna_domain::ports::{AssetStore, CreatePlan, StoreError};
use nna_domain::search::index_terms;
use nna_domain::{Address, Asset, AssetId, AssetKey};
use std::sync::Arc;

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    metrics: Arc<ReadMetrics>,
    /// History entries' TTL past their time, if they expire.
    history_expiry: Option<std::time::Duration>,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into(), metrics: Arc::default(), history_expiry: None }
    }

    /// History entries written from now on carry a TTL (`_ttl`, the table's TTL attribute) this
    /// long past their time; DynamoDB deletes them some time after.
    pub fn expiring_history(self, after: Option<std::time::Duration>) -> Self {
        Self { history_expiry: after, ..self }
    }

    /// A history entry as this store writes it.
    pub(super) fn history_item(&self, entry: &Entry) -> Result<Item, StoreError> {
        let mut item = item::history_item(entry)?;
        if let Some(after) = self.history_expiry {
            item.insert("_ttl".into(), number(entry.at.after(after).unix_seconds()));
        }
        Ok(item)
    }

    /// Reads made so far (for benchmarks and operators).
    pub fn metrics(&self) -> &ReadMetrics {
        &self.metrics
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    async fn get_item(&self, key: Item) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(store_error)?;
        self.metrics.read(usize::from(out.item.is_some()));
        Ok(out.item)
    }

    /// Items by key, in any order: `BatchGetItem`s of 100 keys, several at once.
    async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
        let chunks: Vec<Vec<Item>> = keys.chunks(100).map(<[Item]>::to_vec).collect();
        let batches = futures::stream::iter(chunks).map(|chunk| self.batch_get_100(chunk));
        let done: Vec<Vec<Item>> = batches.buffer_unordered(16).try_collect().await?;
        Ok(done.into_iter().flatten().collect())
    }

    /// Up to 100 items by key, retrying what DynamoDB hands back unprocessed when throttled.
    async fn batch_get_100(&self, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
        let build = |e: aws_sdk_dynamodb::error::BuildError| StoreError::internal(e);
        let mut out = Vec::with_capacity(keys.len());
        let mut request = Some(KeysAndAttributes::builder().set_keys(Some(keys)).build().map_err(build)?);
        while let Some(keys) = request.take() {
            let page =
                self.client.batch_get_item().request_items(&self.table, keys).send().await.map_err(store_error)?;
            let items = page.responses.unwrap_or_default().remove(&self.table).unwrap_or_default();
            self.metrics.read(items.len());
            out.extend(items);
            request = page.unprocessed_keys.and_then(|mut u| u.remove(&self.table));
            if request.is_some() {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
        Ok(out)
    }

    /// Puts `item` where `condition` (with `values`) holds: `false` where it did not.
    async fn put_where(
        &self,
        item: Item,
        condition: &str,
        values: &[(&str, AttributeValue)],
    ) -> Result<bool, StoreError> {
        let mut put =
            self.client.put_item().table_name(&self.table).set_item(Some(item)).condition_expression(condition);
        for (name, value) in values {
            put = put.expression_attribute_values(*name, value.clone());
        }
        match put.send().await {
            Ok(_) => Ok(true),
            Err(e) if conditional_failed(&e) => Ok(false),
            Err(e) => Err(store_error(e)),
        }
    }

    /// One transaction; `Conflict` when a condition failed (the revision read has moved on: read
    /// again and redo).
    async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<(), StoreError> {
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(()),
            Err(e) if code(&e) == Some("TransactionCanceledException") => Err(StoreError::Conflict),
            Err(e) => Err(store_error(e)),
        }
    }

    /// Puts `item` if the stored one is still at `revision`.
    async fn put_at(&self, item: Item, revision: u64) -> Result<bool, StoreError> {
        self.put_where(item, at_revision(revision), &[(":r", number(revision))]).await
    }

    async fn by_id(&self, id: &AssetId) -> Result<Option<Asset>, StoreError> {
        self.get_item(asset_key(id)).await?.map(from_item).transpose()
    }

    /// The asset a name or address claim names: the first registered under it (legacy data may
    /// hold two).
    async fn by_claim(&self, claim: Item) -> Result<Option<Asset>, StoreError> {
        let claimed = self.get_item(claim).await?;
        match claimed.as_ref().and_then(|c| item::string_attr(c, "assetId")).and_then(AssetId::parse) {
            Some(id) => self.by_id(&id).await,
            None => Ok(None),
        }
    }
}

pub(crate) fn store_error<E, R>(e: aws_sdk_dynamodb::error::SdkError<E, R>) -> StoreError
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    map(&e, StoreError::unavailable, StoreError::internal)
}

fn conditional_failed<E: aws_sdk_dynamodb::error::ProvideErrorMetadata, R>(
    e: &aws_sdk_dynamodb::error::SdkError<E, R>,
) -> bool {
    code(e) == Some("ConditionalCheckFailedException")
}

/// Deletion records share one partition, sorted by time: listing them is one `Query`.
pub(super) const DELETIONS_PK: &str = "D";

fn deletion_item(record: &Deletion) -> Result<Item, StoreError> {
    let doc = serde_json::to_string(record).map_err(StoreError::internal)?;
    let mut item = item::key(DELETIONS_PK, record.sort_key());
    item.insert("doc".to_owned(), text(doc));
    Ok(item)
}

/// The condition of a put that makes an item, never overwrites one.
const ABSENT: &str = "attribute_not_exists(pk)";

fn build_error(e: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::internal(e)
}

/// A transaction's put that replaces the item only while it is at `revision`.
pub(super) fn put_at_revision(revision: u64) -> aws_sdk_dynamodb::types::builders::PutBuilder {
    Put::builder().condition_expression(at_revision(revision)).expression_attribute_values(":r", number(revision))
}

/// A transaction's put of an item where none is (a history entry, a record).
pub(super) fn put_new(table: &str, item: Item) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder().table_name(table).set_item(Some(item)).condition_expression(ABSENT);
    Ok(TransactWriteItem::builder().put(put.build().map_err(build_error)?).build())
}

/// The condition every edit and delete carries: the item exists at the revision that was read.
/// Revision 0 also matches items from before revisions existed.
fn at_revision(expected: u64) -> &'static str {
    if expected == 0 {
        "attribute_exists(pk) AND (attribute_not_exists(revision) OR revision = :r)"
    } else {
        "attribute_exists(pk) AND revision = :r"
    }
}

#[async_trait]
impl AssetStore for DynamoStore {
    async fn create(&self, plan: CreatePlan) -> Result<Asset, StoreError> {
        create::run(self, &plan, None).await
    }

    async fn get(&self, key: &AssetKey) -> Result<Option<Asset>, StoreError> {
        match key {
            AssetKey::Id(id) => self.by_id(id).await,
            AssetKey::Hfn(h) => self.by_claim(item::name_claim_key(h.as_str())).await,
            AssetKey::Mfa(m) => self.by_claim(item::address_claim_key(m.as_str())).await,
        }
    }

    /// The asset's `Put`, conditioned on the revision read, and its history entry's, in one
    /// transaction. The postings the edit gains go in before it and those it loses after, outside
    /// any transaction (half the write units): a posting early or late costs a search one read,
    /// never a wrong answer (see `write_batch`).
    async fn replace(&self, current: &Asset, next: &Asset, entry: &Entry) -> Result<(), StoreError> {
        let (old, new) = (index_terms(current), index_terms(next));
        let mut added = index::postings_for(next, new.difference(&old));
        let mut removed = index::postings_for(current, old.difference(&new));
        // An edit that moves the asset (a legacy item placed by the migration) moves its place posting.
        let (was, is) = (item::place_posting_key(current), item::place_posting_key(next));
        if was != is {
            added.extend(is);
            removed.extend(was);
        }
        self.write_batch(&added, &[]).await?;
        let put = put_at_revision(current.revision).table_name(&self.table).set_item(Some(to_item(next)?));
        let put = put.build().map_err(build_error)?;
        self.transact(vec![
            TransactWriteItem::builder().put(put).build(),
            put_new(&self.table, self.history_item(entry)?)?,
        ])
        .await?;
        self.write_batch(&[], &removed).await
    }

    /// The asset's `Delete` (on its revision), the record's and the history entry's `Put`s and its
    /// places' counts in one transaction; then its postings, from `current`, which the condition
    /// proves is what was deleted.
    async fn delete(&self, current: &Asset, record: &Deletion, entry: &Entry) -> Result<(), StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(asset_key(&current.id)))
            .condition_expression(at_revision(current.revision))
            .expression_attribute_values(":r", number(current.revision))
            .build()
            .map_err(build_error)?;
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(deletion_item(record)?))
            .build()
            .map_err(build_error)?;
        let mut items =
            vec![TransactWriteItem::builder().delete(delete).build(), TransactWriteItem::builder().put(put).build()];
        items.extend(counts::Moves::of(&[(current, -1)]).transact(&self.table)?);
        items.push(put_new(&self.table, self.history_item(entry)?)?);
        self.transact(items).await?;
        self.write_batch(&[], &index::all_postings(current)).await
    }

    /// The asset's postings, then one transaction: the item where none is, its claims, its
    /// counts (as the cutover's import writes them), the deletion record's `Delete` (it must be
    /// there) and the history entry's `Put`.
    async fn undelete(&self, asset: &Asset, record: &str, entry: &Entry) -> Result<(), StoreError> {
        self.write_batch(&index::all_postings(asset), &[]).await?;
        let mut items = self.import_transaction(asset).await?;
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(item::key(DELETIONS_PK, record)))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(build_error)?;
        items.push(TransactWriteItem::builder().delete(delete).build());
        items.push(put_new(&self.table, self.history_item(entry)?)?);
        self.transact(items).await
    }

    /// One `Query` of the asset's history partition, newest first, from `before` down.
    async fn history(&self, id: &AssetId, before: Option<u64>, limit: usize) -> Result<Vec<Entry>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk < :before")
            .expression_attribute_values(":pk", text(item::history_pk(id)))
            .expression_attribute_values(":before", text(before.map_or_else(|| "~".to_owned(), sort_key)))
            .scan_index_forward(false)
            .consistent_read(true)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .projection_expression("doc");
        let out = query.send().await.map_err(store_error)?;
        let items = out.items.unwrap_or_default();
        self.metrics.read(items.len());
        items
            .iter()
            .map(|i| {
                let doc = item::string_attr(i, "doc").unwrap_or_default();
                Entry::from_json(doc).map_err(|e| StoreError::corrupt(format!("history of {id}"), e))
            })
            .collect()
    }

    async fn import(&self, asset: &Asset) -> Result<(), StoreError> {
        let terms = index_terms(asset);
        let mut postings = index::postings_for(asset, &terms);
        postings.extend(item::place_posting_key(asset));
        self.write_batch(&postings, &[]).await?;
        let out = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(asset)?))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(store_error)?;
        if let Some(old) = out.attributes {
            let old = from_item(old)?;
            counts::adjust(self, &old, -1).await;
            let stale: Vec<_> = index_terms(&old).into_iter().filter(|t| !terms.contains(t)).collect();
            let mut stale = index::postings_for(&old, &stale);
            stale.extend(item::place_posting_key(&old).filter(|p| !postings.contains(p)));
            self.write_batch(&[], &stale).await?;
        }
        counts::adjust(self, asset, 1).await;
        let id = text(asset.id.as_str());
        let mut claims = vec![item::name_claim_key(asset.hfn_key().as_str())];
        claims.extend(asset.mfa_key().map(|m| item::address_claim_key(m.as_str())));
        for mut claim in claims {
            claim.insert("assetId".into(), id.clone());
            // A name another item already holds stays with it: legacy duplicates are reported by
            // the migration, never resolved silently here.
            self.put_where(claim, ABSENT, &[]).await?;
        }
        if let Some(address) = asset.mfa_key().and_then(|m| Address::parse(m.as_str())) {
            let advanced = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(item::sequence_key(&address.path.code_path())))
                .update_expression("SET #last = :n")
                .condition_expression("attribute_not_exists(#last) OR #last < :n")
                .expression_attribute_names("#last", "last")
                .expression_attribute_values(":n", number(address.sequence.get()))
                .send()
                .await;
            if let Err(e) = advanced
                && !conditional_failed(&e)
            {
                return Err(store_error(e));
            }
        }
        Ok(())
    }

    async fn import_new(&self, assets: &[Asset]) -> Result<Vec<bool>, StoreError> {
        self.import_new_all(assets).await
    }

    /// One cheap read; also what opens the connection at start-up.
    /// Reads a key that is never written. It lies under the accounts' prefix (`U#`, no email
    /// after it), so a function whose role is limited to accounts (auth-users: IAM
    /// `dynamodb:LeadingKeys` `U#*`) may make this call too.
    async fn ping(&self) -> Result<(), StoreError> {
        let key = item::key("U#", "HEALTH");
        self.client.get_item().table_name(&self.table).set_key(Some(key)).send().await.map_err(store_error)?;
        Ok(())
    }

    async fn idempotency_record(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        Ok(self
            .get_item(idempotency_keys::record_key(key))
            .await?
            .and_then(|item| idempotency_keys::record(key, &item)))
    }

    async fn upload_claimed_by(&self, upload: &nna_domain::ports::BlobKey) -> Result<Option<AssetId>, StoreError> {
        let claim = self.get_item(item::upload_claim_key(upload.as_str())).await?;
        Ok(claim.as_ref().and_then(|c| item::string_attr(c, "assetId")).and_then(AssetId::parse))
    }
}
