//! A create as one transaction: advance the subcategory's sequence from the value just read,
//! put the asset where no item is, claim its name and address, and check the components still
//! exist, and count it in its places. Concurrent creates in one subcategory conflict on the sequence; the losers read it
//! again and retry with jittered backoff, so numbers stay consecutive with no gap or duplicate.

use super::item::{address_claim_key, name_claim_key, number_attr, s, sequence_key, to_item};
use super::{DynamoStore, index, store_error};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{CancellationReason, ConditionCheck, Put, TransactWriteItem};
use nna_domain::ports::{CreatePlan, StoreError};
use nna_domain::search::index_terms;
use nna_domain::{Address, Asset, Sequence, Timestamp};
use std::time::Duration;

/// Enough for dozens of simultaneous creates in one subcategory; beyond it the caller gets a
/// retryable error instead of waiting on.
const ATTEMPTS: u32 = 200;

/// Transaction items, in this order (then the Idempotency-Key's record, if any, and the place
/// counts); cancellation reasons come back in the same order.
const SEQUENCE: usize = 0;
const ASSET: usize = 1;
const NAME: usize = 2;
const ADDRESS: usize = 3;
const FIRST_COMPONENT: usize = 4;

pub(super) async fn run(store: &DynamoStore, plan: &CreatePlan) -> Result<Asset, StoreError> {
    let counter = plan.path.code_path();
    let exhausted = || StoreError::SequenceExhausted(counter.clone());
    // A number some imported item already holds is skipped, not shared.
    let mut skip_past: u32 = 0;
    // Postings already written by an earlier attempt (same id, same creation time: same keys).
    let mut posted = std::collections::BTreeSet::new();
    for attempt in 0..ATTEMPTS {
        let last = store.get_item(sequence_key(&counter)).await?.and_then(|i| number_attr(&i, "last"));
        let last = last.map(|l| u32::try_from(l).unwrap_or(u32::MAX));
        let number = last.unwrap_or(0).max(skip_past).checked_add(1).ok_or_else(exhausted)?;
        let sequence = Sequence::new(number).ok_or_else(exhausted)?;
        let asset = (plan.build)(Address { path: plan.path, sequence });
        let items = transaction(store, plan, &asset, &counter, last, number)?;
        // The asset's postings go in first, outside the transaction, where a write costs half:
        // a posting for an asset that never appears only costs a search a read. A retry writes
        // only the terms of its new number.
        let terms = index_terms(&asset);
        store.write_postings(&index::postings_for(&asset, terms.difference(&posted)), &[]).await?;
        posted.extend(terms);
        let sent = store.client.transact_write_items().set_transact_items(Some(items)).send().await;
        let reasons = match sent {
            Ok(_) => {
                if let Some(old) = &plan.replacing {
                    // A renumbered asset's old name and address terms go after the write.
                    let (was, is) = (index_terms(old), index_terms(&asset));
                    store.write_postings(&[], &index::postings_for(old, was.difference(&is))).await?;
                }
                return Ok(asset);
            }
            Err(e) => match e.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(c)) => c.cancellation_reasons().to_vec(),
                _ => return Err(store_error(e)),
            },
        };
        let failed =
            |i: usize| reasons.get(i).and_then(CancellationReason::code).is_some_and(|c| c == "ConditionalCheckFailed");
        if let Some(i) = (FIRST_COMPONENT..FIRST_COMPONENT + plan.requires.len()).find(|i| failed(*i)) {
            return Err(StoreError::MissingComponent(plan.requires[i - FIRST_COMPONENT].clone()));
        }
        if plan.idempotency.is_some() && failed(FIRST_COMPONENT + plan.requires.len()) {
            return Err(StoreError::KeyTaken);
        }
        if failed(NAME) || failed(ADDRESS) {
            skip_past = number;
            continue;
        }
        if failed(ASSET) && plan.replacing.is_some() {
            return Err(StoreError::Conflict);
        }
        if failed(ASSET) {
            return Err(StoreError::Internal(format!("asset id {} is already taken", asset.id)));
        }
        // Another create took the number first (or the transaction collided with one): again.
        tokio::time::sleep(backoff(attempt)).await;
    }
    Err(StoreError::Unavailable(format!("too many simultaneous creates in {counter}; retry")))
}

fn transaction(
    store: &DynamoStore,
    plan: &CreatePlan,
    asset: &Asset,
    counter: &str,
    last: Option<u32>,
    number: u32,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let build = |e: aws_sdk_dynamodb::error::BuildError| StoreError::Internal(e.to_string());
    let table = store.table.as_str();
    let mut sequence_item = sequence_key(counter);
    sequence_item.insert("last".into(), super::item::n(number));
    let sequence = match last {
        Some(l) => Put::builder()
            .condition_expression("#last = :last")
            .expression_attribute_names("#last", "last")
            .expression_attribute_values(":last", super::item::n(l)),
        None => Put::builder().condition_expression("attribute_not_exists(pk)"),
    };
    let claim = |mut key: super::item::Item| {
        key.insert("assetId".into(), s(asset.id.as_str()));
        Put::builder().table_name(table).set_item(Some(key)).condition_expression("attribute_not_exists(pk)").build()
    };
    let mfa = asset.mfa_key().ok_or_else(|| StoreError::Internal("a new asset has no MFA".into()))?;
    // A new asset goes where no item is; a renumbered one over itself at the revision read.
    let put_asset = match &plan.replacing {
        Some(current) => Put::builder()
            .condition_expression(super::at_revision(current.revision))
            .expression_attribute_values(":r", super::item::n(current.revision)),
        None => Put::builder().condition_expression("attribute_not_exists(pk)"),
    };
    let mut items = vec![
        TransactWriteItem::builder()
            .put(sequence.table_name(table).set_item(Some(sequence_item)).build().map_err(build)?)
            .build(),
        TransactWriteItem::builder()
            .put(put_asset.table_name(table).set_item(Some(to_item(asset)?)).build().map_err(build)?)
            .build(),
        TransactWriteItem::builder().put(claim(name_claim_key(&asset.hfn_key())).map_err(build)?).build(),
        TransactWriteItem::builder().put(claim(address_claim_key(&mfa)).map_err(build)?).build(),
    ];
    for id in &plan.requires {
        let check = ConditionCheck::builder()
            .table_name(table)
            .set_key(Some(super::item::asset_key(id)))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(build)?;
        items.push(TransactWriteItem::builder().condition_check(check).build());
    }
    if let Some(claim) = &plan.idempotency {
        // Held while live; an expired record (TTL deletes lazily) is taken over.
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(super::keys::record_item(claim, asset)))
            .condition_expression("attribute_not_exists(pk) OR #ttl <= :now")
            .expression_attribute_names("#ttl", "_ttl")
            .expression_attribute_values(":now", super::item::n(Timestamp::now().unix_seconds()))
            .build()
            .map_err(build)?;
        items.push(TransactWriteItem::builder().put(put).build());
    }
    // The places' counts move with the create; a renumbered asset leaves its old places.
    let mut changes = vec![(asset, 1)];
    changes.extend(plan.replacing.iter().map(|old| (old, -1)));
    items.extend(super::counts::moves(table, &changes)?);
    debug_assert_eq!((SEQUENCE, ASSET, NAME, ADDRESS), (0, 1, 2, 3));
    Ok(items)
}

/// 4 ms doubling to 128 ms, each scaled by a random factor in [0.5, 1.5).
fn backoff(attempt: u32) -> Duration {
    let base = 4u64 << attempt.min(5);
    let jitter = getrandom::u32().unwrap_or(attempt.wrapping_mul(2_654_435_761)) % 1000;
    Duration::from_micros(base * (500 + u64::from(jitter)))
}
