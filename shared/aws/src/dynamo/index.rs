//! Search primitives on DynamoDB, each a `Query` of one partition or a batch read by key: a term's
//! postings (`begins_with` the term), a prefix's postings (`begins_with` the prefix, same
//! partition), a walk through a place's order index (keys only, then the page's items), counts.

use super::item::{Item, from_item, posting_key, posting_of, s, string_attr};
use super::schema::{PK, SK, level_attribute, listing_index, order_attribute};
use super::{DynamoStore, counts, store_error};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
use futures::future::try_join_all;
use nna_domain::ports::{AssetIndex, Posting, StoreError, Walk, Walked};
use nna_domain::search::{Direction, IndexTerm, Place};
use nna_domain::{Asset, AssetId};
use std::collections::HashMap;
use std::time::Duration;

impl DynamoStore {
    /// Items of one partition whose sort key begins with `prefix`, in key order (or reversed), up
    /// to `limit`, following pages.
    async fn query_prefix(
        &self,
        pk: String,
        prefix: &str,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<Item>, StoreError> {
        self.query_keys(pk, SkRange::BeginsWith(prefix.to_owned()), forward, limit).await
    }

    /// Items of one partition whose sort key is in `range`, in key order (or reversed), up to
    /// `limit`, following pages.
    async fn query_keys(
        &self,
        pk: String,
        range: SkRange,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<Item>, StoreError> {
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        while out.len() < limit {
            let query = self
                .client
                .query()
                .table_name(&self.table)
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", s(pk.clone()))
                .scan_index_forward(forward)
                .limit(i32::try_from(limit - out.len()).unwrap_or(i32::MAX).min(5000))
                .set_exclusive_start_key(start.take());
            let page = range.clone().apply(query).send().await.map_err(store_error)?;
            let items = page.items.unwrap_or_default();
            self.metrics.read(items.len());
            out.extend(items);
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        Ok(out)
    }

    /// Puts and deletes outside a transaction, 25 to a request, retrying what comes back
    /// unprocessed. Used only for postings, where an extra or late entry costs a read, never a
    /// wrong answer: every candidate is checked against the asset itself.
    pub(super) async fn write_postings(&self, put: &[Item], delete: &[Item]) -> Result<(), StoreError> {
        let requests: Vec<WriteRequest> = put
            .iter()
            .map(|item| {
                PutRequest::builder()
                    .set_item(Some(item.clone()))
                    .build()
                    .map(|p| WriteRequest::builder().put_request(p).build())
            })
            .chain(delete.iter().map(|key| {
                DeleteRequest::builder()
                    .set_key(Some(key.clone()))
                    .build()
                    .map(|d| WriteRequest::builder().delete_request(d).build())
            }))
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        for chunk in requests.chunks(25) {
            let mut pending = chunk.to_vec();
            for attempt in 0..8u32 {
                if pending.is_empty() {
                    break;
                }
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, std::mem::take(&mut pending))
                    .send()
                    .await
                    .map_err(store_error)?;
                pending = out.unprocessed_items.and_then(|mut u| u.remove(&self.table)).unwrap_or_default();
                if !pending.is_empty() {
                    tokio::time::sleep(Duration::from_millis(10 << attempt.min(5))).await;
                }
            }
            if !pending.is_empty() {
                return Err(StoreError::Unavailable("the search index is throttled; retry".into()));
            }
        }
        Ok(())
    }
}

/// Which sort keys of a partition a `Query` reads.
#[derive(Clone)]
enum SkRange {
    BeginsWith(String),
    /// Both ends included, as DynamoDB's `BETWEEN`.
    Between(String, String),
}

impl SkRange {
    fn apply(
        self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        match self {
            Self::BeginsWith(prefix) => query
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_values(":prefix", s(prefix)),
            Self::Between(lo, hi) => query
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
                .expression_attribute_values(":lo", s(lo))
                .expression_attribute_values(":hi", s(hi)),
        }
    }
}

/// Sorts above every posting key of a term (positions start with a digit).
const PAST_POSITIONS: &str = "~";

/// The posting items of these terms for this asset.
pub(super) fn postings_for<'a>(asset: &'a Asset, terms: impl IntoIterator<Item = &'a IndexTerm>) -> Vec<Item> {
    terms.into_iter().map(|t| posting_key(t, asset)).collect()
}

/// The term of a posting key `<term>#<ms>#<id>`.
fn term_of(sk: &str) -> Option<&str> {
    let (rest, _id) = sk.rsplit_once('#')?;
    rest.rsplit_once('#').map(|(term, _ms)| term)
}

fn parse_postings(items: Vec<Item>) -> Vec<Posting> {
    items.iter().filter_map(posting_of).collect()
}

#[async_trait]
impl AssetIndex for DynamoStore {
    async fn postings_from(
        &self,
        term: &IndexTerm,
        direction: Direction,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Posting>, StoreError> {
        let base = format!("{}#", term.as_str());
        let forward = direction == Direction::Ascending;
        // BETWEEN includes its ends: the posting at `after` itself is read and left out.
        let range = match after {
            None => SkRange::BeginsWith(base),
            Some(a) if forward => SkRange::Between(format!("{base}{a}"), format!("{base}{PAST_POSITIONS}")),
            Some(a) => SkRange::Between(base.clone(), format!("{base}{a}")),
        };
        let items = self.query_keys(format!("T#{}", term.bucket()), range, forward, limit + 1).await?;
        let mut out: Vec<Posting> =
            parse_postings(items).into_iter().filter(|p| after.is_none_or(|a| p.position != a)).collect();
        out.truncate(limit);
        Ok(out)
    }

    async fn next_term(&self, prefix: &IndexTerm, after: Option<&IndexTerm>) -> Result<Option<IndexTerm>, StoreError> {
        // A term's postings are contiguous keys `<term>#<position>`: the next term's first key
        // lies past every key of `after`.
        let range = match after {
            None => SkRange::BeginsWith(prefix.as_str().to_owned()),
            Some(a) => {
                SkRange::Between(format!("{}#{PAST_POSITIONS}", a.as_str()), format!("{}\u{10FFFF}", prefix.as_str()))
            }
        };
        let items = self.query_keys(format!("T#{}", prefix.bucket()), range, true, 1).await?;
        Ok(items.first().and_then(|i| string_attr(i, SK)).and_then(term_of).map(IndexTerm::stored))
    }

    async fn prefix_postings(&self, prefix: &IndexTerm, limit: usize) -> Result<Vec<Posting>, StoreError> {
        let items = self.query_prefix(format!("T#{}", prefix.bucket()), prefix.as_str(), true, limit).await?;
        Ok(parse_postings(items))
    }

    async fn fetch(&self, ids: &[AssetId]) -> Result<Vec<Asset>, StoreError> {
        let keys: Vec<Item> = ids.iter().map(super::item::asset_key).collect();
        let batches = try_join_all(keys.chunks(100).map(|chunk| self.batch_get(chunk.to_vec()))).await?;
        let mut out = Vec::with_capacity(ids.len());
        for item in batches.into_iter().flatten() {
            match from_item(item) {
                Ok(a) => out.push(a),
                Err(e) => tracing::error!(error = %e, "skipping an unreadable stored asset"),
            }
        }
        Ok(out)
    }

    async fn walk(&self, walk: &Walk, limit: usize) -> Result<Walked, StoreError> {
        let order_attr = order_attribute(walk.order);
        let ascending = walk.direction == Direction::Ascending;
        let mut condition = "#p = :p".to_owned();
        if walk.after.is_some() {
            condition.push_str(if ascending { " AND #o > :after" } else { " AND #o < :after" });
        }
        let mut keys: Vec<Item> = Vec::new();
        let mut start: Option<Item> = None;
        while keys.len() < limit {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(listing_index(walk.order, walk.place.level))
                .key_condition_expression(&condition)
                .expression_attribute_names("#p", level_attribute(walk.place.level))
                .expression_attribute_values(":p", s(&walk.place.value))
                .scan_index_forward(ascending)
                .limit(i32::try_from(limit - keys.len()).unwrap_or(i32::MAX).min(5000))
                .set_exclusive_start_key(start.take());
            if let Some(after) = &walk.after {
                query =
                    query.expression_attribute_names("#o", order_attr).expression_attribute_values(":after", s(after));
            }
            let page = query.send().await.map_err(store_error)?;
            let items = page.items.unwrap_or_default();
            self.metrics.read(items.len());
            keys.extend(items.into_iter().map(|i| i.into_iter().filter(|(k, _)| k == PK || k == SK).collect::<Item>()));
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        // The page's items, in the index's order; any deleted meanwhile are left out.
        let fetched = try_join_all(keys.chunks(100).map(|chunk| self.batch_get(chunk.to_vec()))).await?;
        let mut by_pk: HashMap<String, Item> = HashMap::new();
        for item in fetched.into_iter().flatten() {
            if let Some(pk) = string_attr(&item, PK) {
                by_pk.insert(pk.to_owned(), item);
            }
        }
        let mut assets = Vec::with_capacity(keys.len());
        for key in &keys {
            let Some(item) = string_attr(key, PK).and_then(|pk| by_pk.remove(pk)) else { continue };
            match from_item(item) {
                Ok(a) => assets.push(a),
                Err(e) => tracing::error!(error = %e, "skipping an unreadable stored asset in a listing"),
            }
        }
        Ok(Walked { assets, more: keys.len() == limit })
    }

    async fn count(&self, places: &[Place]) -> Result<u64, StoreError> {
        let values: Vec<String> = places.iter().map(|p| p.value.clone()).collect();
        counts::total(self, &values).await
    }
}
