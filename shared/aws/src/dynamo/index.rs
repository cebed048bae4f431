//! Search primitives on DynamoDB, each a `Query` of one partition or a batch read by key: a term's
//! postings (`begins_with` the term), a prefix's postings (`begins_with` the prefix, same
//! partition), a walk through a place's order index (keys only, then the page's items), counts.

use super::item::{Item, asset_key, count_slot, from_item, key_of, posting_key, posting_of, string_attr, text};
use super::schema::{PK, SK, category, layer_key, layer_keys, level_attribute, listing_index, order_attribute};
use super::{DynamoStore, counts, store_error};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
use futures::future::try_join_all;
use nna_domain::ports::{AssetIndex, Posting, StoreError, Walk, Walked};
use nna_domain::search::{Direction, IndexTerm, Level, Order, Scope};
use nna_domain::{Asset, AssetId};
use std::collections::HashMap;

impl DynamoStore {
    /// Items (or index entries) of one partition whose sort key is in `range`, in key order (or
    /// reversed), up to `limit`, following pages.
    async fn query_keys(
        &self,
        partition: &Partition,
        range: Option<SkRange>,
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
                .set_index_name(partition.index.clone())
                .expression_attribute_names("#pk", partition.key_attribute)
                .expression_attribute_values(":pk", text(partition.key.clone()))
                .scan_index_forward(forward)
                .limit(i32::try_from(limit - out.len()).unwrap_or(i32::MAX).min(5000))
                .set_exclusive_start_key(start.take());
            let query = match range.clone() {
                Some(range) => range.apply(query.expression_attribute_names("#sk", partition.sort_attribute)),
                None => query.key_condition_expression("#pk = :pk"),
            };
            let page = query.send().await.map_err(store_error)?;
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
    /// unprocessed: for postings, where an extra or late entry costs a read, never a wrong answer
    /// (every candidate is checked against the asset itself), and for operators' deletes.
    pub(super) async fn write_batch(&self, put: &[Item], delete: &[Item]) -> Result<(), StoreError> {
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
            .map_err(StoreError::internal)?;
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
                    nna_domain::retry::Backoff::THROTTLED.wait(attempt).await;
                }
            }
            if !pending.is_empty() {
                return Err(StoreError::unavailable("DynamoDB is throttling writes; retry"));
            }
        }
        Ok(())
    }
}

/// A partition a `Query` reads: of the table or of an index.
pub(super) struct Partition {
    index: Option<String>,
    key_attribute: &'static str,
    key: String,
    sort_attribute: &'static str,
}

impl Partition {
    fn table(pk: String) -> Self {
        Self { index: None, key_attribute: PK, key: pk, sort_attribute: SK }
    }
}

/// Which sort keys of a partition a `Query` reads.
#[derive(Clone)]
enum SkRange {
    BeginsWith(String),
    /// Both ends included, as DynamoDB's `BETWEEN`.
    Between(String, String),
    Above(String),
    Below(String),
}

impl SkRange {
    /// The sort keys past `after` (if any) walking one way, under `prefix` (if any). A range
    /// with both includes `after` itself, which the reader leaves out.
    fn of(prefix: Option<&str>, after: Option<&str>, ascending: bool) -> Option<Self> {
        match (prefix, after) {
            (None, None) => None,
            (Some(p), None) => Some(Self::BeginsWith(p.to_owned())),
            (None, Some(a)) if ascending => Some(Self::Above(a.to_owned())),
            (None, Some(a)) => Some(Self::Below(a.to_owned())),
            (Some(p), Some(a)) if ascending => Some(Self::Between(a.to_owned(), format!("{p}{PAST_EVERYTHING}"))),
            (Some(p), Some(a)) => Some(Self::Between(p.to_owned(), a.to_owned())),
        }
    }

    fn apply(
        self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        match self {
            Self::BeginsWith(prefix) => query
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_values(":prefix", text(prefix)),
            Self::Between(lo, hi) => query
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
                .expression_attribute_values(":lo", text(lo))
                .expression_attribute_values(":hi", text(hi)),
            Self::Above(a) => {
                query.key_condition_expression("#pk = :pk AND #sk > :a").expression_attribute_values(":a", text(a))
            }
            Self::Below(a) => {
                query.key_condition_expression("#pk = :pk AND #sk < :a").expression_attribute_values(":a", text(a))
            }
        }
    }
}

/// Sorts above every key that begins with what it follows.
const PAST_EVERYTHING: char = '\u{10FFFF}';

/// Sorts above every posting key of a term (positions start with a digit).
const PAST_POSITIONS: &str = "~";

/// The posting items of these terms for this asset.
pub(super) fn postings_for<'a>(asset: &'a Asset, terms: impl IntoIterator<Item = &'a IndexTerm>) -> Vec<Item> {
    terms.into_iter().map(|t| posting_key(t, asset)).collect()
}

/// Every posting `asset` has: its terms' and its place's.
pub(super) fn all_postings(asset: &Asset) -> Vec<Item> {
    let mut postings = postings_for(asset, &nna_domain::search::index_terms(asset));
    postings.extend(super::item::place_posting_key(asset));
    postings
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
        let items =
            self.query_keys(&Partition::table(format!("T#{}", term.bucket())), Some(range), forward, limit + 1).await?;
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
            Some(a) => SkRange::Between(
                format!("{}#{PAST_POSITIONS}", a.as_str()),
                format!("{}{PAST_EVERYTHING}", prefix.as_str()),
            ),
        };
        let items = self.query_keys(&Partition::table(format!("T#{}", prefix.bucket())), Some(range), true, 1).await?;
        Ok(items.first().and_then(|i| string_attr(i, SK)).and_then(term_of).map(IndexTerm::stored))
    }

    async fn prefix_postings(&self, prefix: &IndexTerm, limit: usize) -> Result<Vec<Posting>, StoreError> {
        let partition = Partition::table(format!("T#{}", prefix.bucket()));
        let items =
            self.query_keys(&partition, Some(SkRange::BeginsWith(prefix.as_str().to_owned())), true, limit).await?;
        Ok(parse_postings(items))
    }

    async fn fetch(&self, ids: &[AssetId]) -> Result<Vec<Asset>, StoreError> {
        let items = self.batch_get(ids.iter().map(asset_key).collect()).await?;
        let mut out = Vec::with_capacity(ids.len());
        for item in items {
            match from_item(item) {
                Ok(a) => out.push(a),
                Err(e) => tracing::error!(error = %e, "skipping an unreadable stored asset"),
            }
        }
        Ok(out)
    }

    /// The place's runs (`schema` tells which), each read up to `limit` keys past `after`, merged
    /// by position; then the page's items.
    async fn walk(&self, walk: &Walk, limit: usize) -> Result<Walked, StoreError> {
        let ascending = walk.direction == Direction::Ascending;
        let reads = self.nonempty(runs(walk)).await?.into_iter().map(|run| self.read_run(run, walk, limit));
        let mut entries: Vec<(String, Item)> = Vec::new();
        let mut more = false;
        for got in try_join_all(reads).await? {
            more |= got.len() >= limit;
            entries.extend(got);
        }
        entries.sort_by(|a, b| if ascending { a.0.cmp(&b.0) } else { b.0.cmp(&a.0) });
        more |= entries.len() > limit;
        entries.truncate(limit);
        let keys: Vec<Item> = entries.into_iter().map(|(_, key)| key).collect();
        // The page's items, in the runs' order; any deleted meanwhile are left out.
        let mut by_pk: HashMap<String, Item> = HashMap::new();
        for item in self.batch_get(keys.clone()).await? {
            if let Some(pk) = string_attr(&item, PK) {
                by_pk.insert(pk.to_owned(), item);
            }
        }
        let mut assets = Vec::with_capacity(keys.len());
        for key in &keys {
            let Some(item) = string_attr(key, PK).and_then(|pk| by_pk.remove(pk)) else { continue };
            match from_item(item) {
                // A run may be shared (`?` holds every layer outside the taxonomy).
                Ok(a) if Scope::of(&a).contains(&walk.place) => assets.push(a),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "skipping an unreadable stored asset in a listing"),
            }
        }
        Ok(Walked { assets, more })
    }

    async fn count(&self, places: &[Scope]) -> Result<u64, StoreError> {
        counts::total(self, places).await
    }
}

/// One ordered run of keys a walk reads: a listing index's partition (only the sort keys under
/// a prefix, if one is given), or a subcategory's place postings.
enum Run {
    Index { partition: Partition, level: Level, prefix: Option<String> },
    Places(String),
}

impl Run {
    /// Where the count of the place this run lists is kept.
    fn count_slot(&self) -> (Item, String) {
        let (level, value) = match self {
            Self::Index { partition, level, .. } => (*level, partition.key.clone()),
            Self::Places(subcategory) => (Level::Subcategory, subcategory.clone()),
        };
        count_slot(&Scope { level, value }).unwrap_or_default()
    }
}

fn index_run(order: Order, level: Level, value: &str, prefix: Option<String>) -> Run {
    let partition = Partition {
        index: Some(listing_index(order, level)),
        key_attribute: level_attribute(level),
        key: value.to_owned(),
        sort_attribute: order_attribute(order),
    };
    Run::Index { partition, level, prefix }
}

/// What a walk reads, by the table in `schema`.
fn runs(walk: &Walk) -> Vec<Run> {
    let place = &walk.place;
    match (walk.order, place.level) {
        (Order::Name, Level::All) => vec![index_run(Order::Name, Level::All, "all", None)],
        (Order::Name, _) => vec![index_run(Order::Name, Level::All, "all", Some(format!("{}.", place.value)))],
        (Order::Created, Level::Subcategory) => vec![Run::Places(place.value.clone())],
        (Order::Created, Level::Category) => subcategories(&place.value).into_iter().map(Run::Places).collect(),
        (order, Level::All) => layer_keys().map(|l| index_run(order, Level::Layer, &l, None)).collect(),
        (order, Level::Layer) => vec![index_run(order, Level::Layer, layer_key(&place.value), None)],
        (order, Level::Category) => {
            subcategories(&place.value).into_iter().map(|s| index_run(order, Level::Subcategory, &s, None)).collect()
        }
        (order, Level::Subcategory) => vec![index_run(order, Level::Subcategory, &place.value, None)],
    }
}

/// `L.CAS.ATL`, … for the category `L.CAS`.
fn subcategories(place: &str) -> Vec<String> {
    let Some(found) = place.split_once('.').and_then(|(layer, code)| category(layer, code)) else { return Vec::new() };
    found.subcategories.iter().map(|s| format!("{place}.{}", s.code)).collect()
}

impl DynamoStore {
    /// The runs of a merge whose place holds anything, by its count (one `BatchGetItem` of at
    /// most 16 small items instead of a `Query` of each empty partition: most registries use a
    /// few of the layers). Counts move in the writes' transactions; an interrupted import that
    /// left one at 0 hides its place from merged listings until `recount`.
    async fn nonempty(&self, runs: Vec<Run>) -> Result<Vec<Run>, StoreError> {
        if runs.len() < 2 {
            return Ok(runs);
        }
        let slots: Vec<(Item, String)> = runs.iter().map(Run::count_slot).collect();
        let items = self.batch_get(slots.iter().map(|(key, _)| key.clone()).collect()).await?;
        let counted: HashMap<String, &Item> =
            items.iter().filter_map(|i| Some((string_attr(i, PK)?.to_owned(), i))).collect();
        let holds = |(key, attr): &(Item, String)| {
            let item = string_attr(key, PK).and_then(|pk| counted.get(pk));
            item.and_then(|i| super::item::number_attr(i, attr)).is_some_and(|n| n != 0)
        };
        Ok(runs.into_iter().zip(&slots).filter(|(_, slot)| holds(slot)).map(|(run, _)| run).collect())
    }

    /// Up to `limit` of a run's entries past the walk's position: each entry's position and the
    /// asset's table key.
    async fn read_run(&self, run: Run, walk: &Walk, limit: usize) -> Result<Vec<(String, Item)>, StoreError> {
        let ascending = walk.direction == Direction::Ascending;
        let after = walk.after.as_deref();
        let (partition, prefix) = match run {
            Run::Index { partition, prefix, .. } => (partition, prefix),
            Run::Places(subcategory) => (Partition::table(format!("P#{subcategory}")), None),
        };
        let range = SkRange::of(prefix.as_deref(), after, ascending);
        let inclusive = matches!(range, Some(SkRange::Between(..)));
        let items = self.query_keys(&partition, range, ascending, limit + usize::from(inclusive)).await?;
        let mut out: Vec<(String, Item)> = items
            .iter()
            .filter_map(|item| {
                let position = string_attr(item, partition.sort_attribute)?.to_owned();
                let key = match partition.index {
                    Some(_) => key_of(item),
                    None => asset_key(&AssetId::parse(position.rsplit_once('#')?.1)?),
                };
                Some((position, key))
            })
            .filter(|(position, _)| Some(position.as_str()) != after)
            .collect();
        out.truncate(limit);
        Ok(out)
    }
}
