//! The cutover's import of one item that is not in the table yet, whole or not at all: its
//! postings first (outside any transaction, as a create writes them: one without its asset costs
//! a search a read), then one transaction that puts the item where none is, claims its name and
//! address where nobody holds them, and counts it in its places. Its subcategory's counter moves
//! past its number afterwards: a counter left behind by a kill is harmless, since a create skips
//! numbers an item's claims hold.

use super::counts::Moves;
use super::item::{Item, address_claim_key, asset_key, name_claim_key, sequence_key, text, to_item};
use super::{DynamoStore, conditional_failed, index, store_error};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{CancellationReason, Put, TransactWriteItem};
use futures::{StreamExt, TryStreamExt};
use nna_domain::ports::StoreError;
use nna_domain::retry::Backoff;
use nna_domain::{Address, Asset};

/// Items imported at once.
const AT_ONCE: usize = 8;
/// Lost races for a claim (another import of a duplicate name) before giving up.
const ATTEMPTS: u32 = 10;

impl DynamoStore {
    pub(super) async fn import_new_all(&self, assets: &[Asset]) -> Result<Vec<bool>, StoreError> {
        let mut seen = std::collections::BTreeSet::new();
        // The same id twice in one call: the first one is the import.
        let firsts: Vec<bool> = assets.iter().map(|a| seen.insert(a.id.clone())).collect();
        // An item under a name an earlier one of this call holds waits for that one, so the
        // earlier keeps the name as it would across calls (imports run several at once).
        let mut names = std::collections::BTreeSet::new();
        let repeats: Vec<bool> = assets
            .iter()
            .map(|a| {
                let fresh = names.insert(a.hfn_key().as_str().to_owned());
                let fresh_mfa = a.mfa_key().is_none_or(|m| names.insert(m.as_str().to_owned()));
                !(fresh && fresh_mfa)
            })
            .collect();
        let mut written = vec![false; assets.len()];
        for later in [false, true] {
            let pass: Vec<usize> = (0..assets.len()).filter(|i| repeats[*i] == later).collect();
            let imports: Vec<_> = pass.iter().map(|&i| self.import_one(&assets[i], firsts[i])).collect();
            let done: Vec<bool> = futures::stream::iter(imports).buffered(AT_ONCE).try_collect().await?;
            for (i, w) in pass.into_iter().zip(done) {
                written[i] = w;
            }
        }
        Ok(written)
    }

    async fn import_one(&self, asset: &Asset, first: bool) -> Result<bool, StoreError> {
        if !first || self.get_item(asset_key(&asset.id)).await?.is_some() {
            return Ok(false);
        }
        self.write_batch(&index::all_postings(asset), &[]).await?;
        for attempt in 0..ATTEMPTS {
            let items = self.import_transaction(asset).await?;
            let sent = self.client.transact_write_items().set_transact_items(Some(items)).send().await;
            let reasons = match sent {
                Ok(_) => {
                    self.advance_counter(asset).await?;
                    return Ok(true);
                }
                Err(e) => match e.as_service_error() {
                    Some(TransactWriteItemsError::TransactionCanceledException(c)) => c.cancellation_reasons().to_vec(),
                    _ => return Err(store_error(e)),
                },
            };
            let failed = |i: usize| {
                reasons.get(i).and_then(CancellationReason::code).is_some_and(|c| c == "ConditionalCheckFailed")
            };
            if failed(0) {
                // Imported meanwhile by another run.
                return Ok(false);
            }
            // A claim taken between reading and writing it: read the claims again.
            Backoff::SEQUENCE.wait(attempt).await;
        }
        Err(StoreError::unavailable(format!("asset {}: its name kept being claimed; run again", asset.id)))
    }

    /// The item, the claims nobody holds yet, the counts.
    pub(super) async fn import_transaction(&self, asset: &Asset) -> Result<Vec<TransactWriteItem>, StoreError> {
        let build = |e: aws_sdk_dynamodb::error::BuildError| StoreError::internal(e);
        let table = self.table.as_str();
        let absent = |item: Item| {
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()
        };
        let mut items = vec![TransactWriteItem::builder().put(absent(to_item(asset)?).map_err(build)?).build()];
        let mut claims = vec![name_claim_key(asset.hfn_key().as_str())];
        claims.extend(asset.mfa_key().map(|m| address_claim_key(m.as_str())));
        for key in claims {
            // A name another item holds stays with it (legacy duplicates are the migration's to
            // report); one this item holds already (an earlier run) is left.
            if self.get_item(key.clone()).await?.is_some() {
                continue;
            }
            let mut claim = key;
            claim.insert("assetId".into(), text(asset.id.as_str()));
            items.push(TransactWriteItem::builder().put(absent(claim).map_err(build)?).build());
        }
        items.extend(Moves::of(&[(asset, 1)]).transact(table)?);
        Ok(items)
    }

    /// The subcategory's counter past the item's number, if it is not already.
    async fn advance_counter(&self, asset: &Asset) -> Result<(), StoreError> {
        let Some(address) = asset.mfa_key().and_then(|m| Address::parse(m.as_str())) else { return Ok(()) };
        let advanced = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(sequence_key(&address.path.code_path())))
            .update_expression("SET #last = :n")
            .condition_expression("attribute_not_exists(#last) OR #last < :n")
            .expression_attribute_names("#last", "last")
            .expression_attribute_values(":n", super::item::number(address.sequence.get()))
            .send()
            .await;
        match advanced {
            Err(e) if !conditional_failed(&e) => Err(store_error(e)),
            _ => Ok(()),
        }
    }
}
