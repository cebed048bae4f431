//! Assets in one DynamoDB table (see `schema` for the items and indexes). Reads by id are a
//! consistent `GetItem`; by HFN or MFA one `Query` of an index, falling back to the name claim
//! (a consistent `GetItem`) for an asset written a moment ago that the index has not caught up
//! with. A create is one `TransactWriteItems`; edits and deletes are conditional on the revision.

mod counts;
mod create;
pub mod item;
mod list;
pub mod schema;

use crate::errors::{code, map};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnValue};
use item::{Item, asset_key, from_item, n, s, to_item};
use nna_domain::input::ListQuery;
use nna_domain::ports::{AssetPage, AssetStore, CreatePlan, StoreError};
use nna_domain::{Address, Asset, AssetId, AssetKey};

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into() }
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
        Ok(out.item)
    }

    /// Up to 100 items by key, retrying what DynamoDB hands back unprocessed when throttled.
    async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
        let build = |e: aws_sdk_dynamodb::error::BuildError| StoreError::Internal(e.to_string());
        let mut out = Vec::with_capacity(keys.len());
        let mut request = Some(KeysAndAttributes::builder().set_keys(Some(keys)).build().map_err(build)?);
        while let Some(keys) = request.take() {
            let page =
                self.client.batch_get_item().request_items(&self.table, keys).send().await.map_err(store_error)?;
            out.extend(page.responses.unwrap_or_default().remove(&self.table).unwrap_or_default());
            request = page.unprocessed_keys.and_then(|mut u| u.remove(&self.table));
            if request.is_some() {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
        Ok(out)
    }

    async fn by_id(&self, id: &AssetId) -> Result<Option<Asset>, StoreError> {
        self.get_item(asset_key(id)).await?.map(from_item).transpose()
    }

    /// The first registered asset under a name or address (legacy data may hold two).
    async fn by_index(
        &self,
        index: &str,
        attribute: &str,
        value: &str,
        claim: Item,
    ) -> Result<Option<Asset>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression("#k = :v")
            .expression_attribute_names("#k", attribute)
            .expression_attribute_values(":v", s(value))
            .scan_index_forward(true)
            .limit(1)
            .send()
            .await
            .map_err(store_error)?;
        if let Some(found) = out.items.and_then(|items| items.into_iter().next()) {
            return from_item(found).map(Some);
        }
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
    map(&e, StoreError::Unavailable, StoreError::Internal)
}

fn conditional_failed<E: aws_sdk_dynamodb::error::ProvideErrorMetadata, R>(
    e: &aws_sdk_dynamodb::error::SdkError<E, R>,
) -> bool {
    code(e) == Some("ConditionalCheckFailedException")
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
        let asset = create::run(self, &plan).await?;
        counts::adjust(self, &asset, 1).await;
        Ok(asset)
    }

    async fn get(&self, key: &AssetKey) -> Result<Option<Asset>, StoreError> {
        match key {
            AssetKey::Id(id) => self.by_id(id).await,
            AssetKey::Hfn(h) => self.by_index(schema::HFN_INDEX, "hfnKey", h, item::name_claim_key(h)).await,
            AssetKey::Mfa(m) => self.by_index(schema::MFA_INDEX, "mfaKey", m, item::address_claim_key(m)).await,
        }
    }

    async fn replace(&self, asset: &Asset, expected_revision: u64) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(asset)?))
            .condition_expression(at_revision(expected_revision))
            .expression_attribute_values(":r", n(expected_revision))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if conditional_failed(&e) => Err(StoreError::Conflict),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn delete(&self, id: &AssetId, expected_revision: u64) -> Result<(), StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(asset_key(id)))
            .condition_expression(at_revision(expected_revision))
            .expression_attribute_values(":r", n(expected_revision))
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => {
                if let Some(old) = out.attributes {
                    counts::adjust(self, &from_item(old)?, -1).await;
                }
                Ok(())
            }
            Err(e) if conditional_failed(&e) => Err(StoreError::Conflict),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn list(&self, query: &ListQuery) -> Result<AssetPage, StoreError> {
        list::run(self, query).await
    }

    async fn import(&self, asset: &Asset) -> Result<(), StoreError> {
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
            counts::adjust(self, &from_item(old)?, -1).await;
        }
        counts::adjust(self, asset, 1).await;
        let id = s(asset.id.as_str());
        let mut claims = vec![item::name_claim_key(&asset.hfn_key())];
        claims.extend(asset.mfa_key().map(|m| item::address_claim_key(&m)));
        for mut claim in claims {
            claim.insert("assetId".into(), id.clone());
            // A name another item already holds stays with it: legacy duplicates are reported by
            // the migration, never resolved silently here.
            let put = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(claim))
                .condition_expression("attribute_not_exists(pk)")
                .send()
                .await;
            if let Err(e) = put
                && !conditional_failed(&e)
            {
                return Err(store_error(e));
            }
        }
        if let Some(address) = asset.mfa_key().as_deref().and_then(Address::parse) {
            let advanced = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(item::sequence_key(&address.path.code_path())))
                .update_expression("SET #last = :n")
                .condition_expression("attribute_not_exists(#last) OR #last < :n")
                .expression_attribute_names("#last", "last")
                .expression_attribute_values(":n", n(address.sequence.get()))
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

    /// One cheap read; also what opens the connection at start-up.
    async fn ping(&self) -> Result<(), StoreError> {
        let key = std::collections::HashMap::from([
            (schema::PK.to_owned(), AttributeValue::S("HEALTH".into())),
            (schema::SK.to_owned(), AttributeValue::S("HEALTH".into())),
        ]);
        self.client.get_item().table_name(&self.table).set_key(Some(key)).send().await.map_err(store_error)?;
        Ok(())
    }
}
