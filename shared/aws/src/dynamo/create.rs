//! A create as one transaction: advance the subcategory's sequence from the value just read
//! (counting the asset in it on the same item), put the asset where no item is, claim its name
//! and address, check the components still exist, and count it in its layer and category.
//! Concurrent creates in one subcategory conflict on the sequence; the losers read it again and
//! retry with jittered backoff, so numbers stay consecutive with no gap or duplicate.

use super::counts::Moves;
use super::item::{
    Item, address_claim_key, name_claim_key, number_attr, place_posting_key, sequence_key, text, to_item,
    upload_claim_key,
};
use super::{DynamoStore, index, store_error};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{CancellationReason, ConditionCheck, Put, TransactWriteItem, Update};
use nna_domain::ports::{CreatePlan, StoreError};
use nna_domain::retry::Backoff;
use nna_domain::search::index_terms;
use nna_domain::{Address, Asset, Sequence, Timestamp};

/// Enough for dozens of simultaneous creates in one subcategory; beyond it the caller gets a
/// retryable error instead of waiting on.
const ATTEMPTS: u32 = 200;

/// Transaction items, in this order (then the Idempotency-Key's record and the upload's claim,
/// if any, and the place counts); cancellation reasons come back in the same order.
const SEQUENCE: usize = 0;
const ASSET: usize = 1;
const NAME: usize = 2;
const ADDRESS: usize = 3;
const FIRST_COMPONENT: usize = 4;

/// `replacing`: an asset renumbered under its id (`Maintenance::renumber`) rather than a new one.
pub(super) async fn run(
    store: &DynamoStore,
    plan: &CreatePlan,
    replacing: Option<&Asset>,
) -> Result<Asset, StoreError> {
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
        let items = transaction(store, plan, replacing, &asset, &counter, last, number)?;
        // The asset's postings go in first, outside the transaction, where a write costs half:
        // a posting for an asset that never appears only costs a search a read. A retry writes
        // only the terms of its new number (the place posting's key does not change with it).
        let terms = index_terms(&asset);
        let mut fresh = index::postings_for(&asset, terms.difference(&posted));
        if attempt == 0 {
            fresh.extend(place_posting_key(&asset));
        }
        store.write_batch(&fresh, &[]).await?;
        posted.extend(terms);
        let sent = store.client.transact_write_items().set_transact_items(Some(items)).send().await;
        let reasons = match sent {
            Ok(_) => {
                if let Some(old) = replacing {
                    // A renumbered asset's old name and address terms, and its old place, go after.
                    let (was, is) = (index_terms(old), index_terms(&asset));
                    let mut stale = index::postings_for(old, was.difference(&is));
                    stale.extend(place_posting_key(old).filter(|p| Some(p) != place_posting_key(&asset).as_ref()));
                    store.write_batch(&[], &stale).await?;
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
        let key_record = FIRST_COMPONENT + plan.requires.len();
        let upload_claim = key_record + usize::from(plan.idempotency.is_some());
        let refused = if let Some(i) = (FIRST_COMPONENT..key_record).find(|i| failed(*i)) {
            Some(StoreError::MissingComponent(plan.requires[i - FIRST_COMPONENT].clone()))
        } else if plan.idempotency.is_some() && failed(key_record) {
            Some(StoreError::KeyTaken)
        } else if let Some(upload) = plan.upload.as_ref().filter(|_| failed(upload_claim)) {
            Some(StoreError::UploadClaimed(upload.to_string()))
        } else if failed(ASSET) && replacing.is_some() {
            Some(StoreError::Conflict)
        } else if failed(ASSET) {
            Some(StoreError::internal(format!("asset id {} is already taken", asset.id)))
        } else {
            None
        };
        if let Some(refused) = refused {
            if replacing.is_none() {
                // Nothing of this asset will ever be: its postings go (best effort: one left
                // behind costs a search a read).
                let mut written: Vec<Item> = index::postings_for(&asset, &posted);
                written.extend(place_posting_key(&asset));
                if let Err(e) = store.write_batch(&[], &written).await {
                    tracing::warn!(error = %e, "postings of a refused create were left behind");
                }
            }
            return Err(refused);
        }
        if failed(NAME) || failed(ADDRESS) {
            skip_past = number;
            continue;
        }
        // Another create took the number first (or the transaction collided with one): again.
        Backoff::SEQUENCE.wait(attempt).await;
    }
    Err(StoreError::unavailable(format!("too many simultaneous creates in {counter}; retry")))
}

fn transaction(
    store: &DynamoStore,
    plan: &CreatePlan,
    replacing: Option<&Asset>,
    asset: &Asset,
    counter: &str,
    last: Option<u32>,
    number: u32,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let build = |e: aws_sdk_dynamodb::error::BuildError| StoreError::internal(e);
    let table = store.table.as_str();
    // The places' counts move with the create; a renumbered asset leaves its old places. The
    // subcategory's count is on the sequence item, which the transaction already writes.
    let mut changes = vec![(asset, 1)];
    changes.extend(replacing.map(|old| (old, -1)));
    let mut moves = Moves::of(&changes);
    let counted = moves.take_count(&format!("S#{counter}"));
    let sequence = Update::builder()
        .table_name(table)
        .set_key(Some(sequence_key(counter)))
        .update_expression("SET #last = :n ADD #count :counted")
        .expression_attribute_names("#last", "last")
        .expression_attribute_names("#count", "n")
        .expression_attribute_values(":n", super::item::number(number))
        .expression_attribute_values(":counted", super::item::number(counted));
    let sequence = match last {
        Some(l) => {
            sequence.condition_expression("#last = :last").expression_attribute_values(":last", super::item::number(l))
        }
        None => sequence.condition_expression("attribute_not_exists(#last)"),
    };
    let claim = |mut key: super::item::Item| {
        key.insert("assetId".into(), text(asset.id.as_str()));
        Put::builder().table_name(table).set_item(Some(key)).condition_expression("attribute_not_exists(pk)").build()
    };
    let mfa = asset.mfa_key().ok_or_else(|| StoreError::internal("a new asset has no MFA"))?;
    // A new asset goes where no item is; a renumbered one over itself at the revision read.
    let put_asset = match replacing {
        Some(current) => super::put_at_revision(current.revision),
        None => Put::builder().condition_expression("attribute_not_exists(pk)"),
    };
    let mut items = vec![
        TransactWriteItem::builder().update(sequence.build().map_err(build)?).build(),
        TransactWriteItem::builder()
            .put(put_asset.table_name(table).set_item(Some(to_item(asset)?)).build().map_err(build)?)
            .build(),
        TransactWriteItem::builder().put(claim(name_claim_key(asset.hfn_key().as_str())).map_err(build)?).build(),
        TransactWriteItem::builder().put(claim(address_claim_key(mfa.as_str())).map_err(build)?).build(),
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
            .set_item(Some(super::idempotency_keys::record_item(claim, asset)))
            .condition_expression("attribute_not_exists(pk) OR #ttl <= :now")
            .expression_attribute_names("#ttl", "_ttl")
            .expression_attribute_values(":now", super::item::number(Timestamp::now().unix_seconds()))
            .build()
            .map_err(build)?;
        items.push(TransactWriteItem::builder().put(put).build());
    }
    if let Some(upload) = &plan.upload {
        // Kept a day, far past the upload URL's life: by then the upload itself is gone.
        let mut item = upload_claim_key(upload.as_str());
        item.insert("_ttl".into(), super::item::number(Timestamp::now().unix_seconds() + 86_400));
        items.push(TransactWriteItem::builder().put(claim(item).map_err(build)?).build());
    }
    items.extend(moves.transact(table)?);
    let entry = match replacing {
        Some(current) => plan.change.entry(&asset.id, Some(current), Some(asset), asset.revision),
        None => plan.change.created(asset),
    };
    items.push(super::put_new(table, store.history_item(&entry)?)?);
    debug_assert_eq!((SEQUENCE, ASSET, NAME, ADDRESS), (0, 1, 2, 3));
    Ok(items)
}
