//! Accounts as items `U#<email>` / `U` beside the assets: the account's fields (serde_dynamo).
//! Not in any index: requests only ever read an account by email; operators' counts and the
//! way-back export list them all with a filtered scan of the table. Login and register attempts are
//! items `U# attempts:<key>` / `<window start>` (under `U#`, so a function limited to accounts
//! may count them; no email holds a space), `n` and a TTL a day past the window.

use super::item::{Item, number, text};
use super::schema::{PK, SK};
use super::{DynamoStore, conditional_failed, store_error};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;
use nna_domain::Timestamp;
use nna_domain::auth::{AttemptKey, Email, PasswordHash, Role, User};
use nna_domain::ports::{Attempts, StoreError, UserStore};

fn key(email: &Email) -> Item {
    super::item::key(format!("U#{email}"), "U")
}

fn decode(email: &str, item: Item) -> Result<User, StoreError> {
    let item: Item = item.into_iter().filter(|(k, _)| k != PK && k != SK).collect();
    serde_dynamo::from_item(item).map_err(|e| StoreError::corrupt(format!("U#{email}"), e))
}

#[async_trait]
impl UserStore for DynamoStore {
    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        let mut item: Item = serde_dynamo::to_item(user).map_err(StoreError::internal)?;
        item.extend(key(&user.email));
        if self.put_where(item, super::ABSENT, &[]).await? { Ok(()) } else { Err(StoreError::Conflict) }
    }

    async fn user(&self, email: &Email) -> Result<Option<User>, StoreError> {
        self.get_item(key(email)).await?.map(|item| decode(email.as_str(), item)).transpose()
    }

    async fn set_role(&self, email: &Email, role: Role) -> Result<Option<User>, StoreError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(email)))
            .update_expression("SET #role = :role")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":role", text(role.as_str()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match out {
            Ok(out) => out.attributes.map(|item| decode(email.as_str(), item)).transpose(),
            Err(e) if conditional_failed(&e) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn replace_password_hash(
        &self,
        email: &Email,
        from: &PasswordHash,
        to: &PasswordHash,
    ) -> Result<bool, StoreError> {
        let value = |h: &PasswordHash| serde_dynamo::to_attribute_value(h).map_err(StoreError::internal);
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(email)))
            .update_expression("SET #hash = :to")
            .condition_expression("#hash = :from")
            .expression_attribute_names("#hash", "passwordHash")
            .expression_attribute_values(":from", value(from)?)
            .expression_attribute_values(":to", value(to)?)
            .send()
            .await;
        match out {
            Ok(_) => Ok(true),
            Err(e) if conditional_failed(&e) => Ok(false),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn all_users(&self) -> Result<Vec<User>, StoreError> {
        let items: Vec<Item> = self
            .client
            .scan()
            .table_name(&self.table)
            .filter_expression("#sk = :u AND begins_with(#pk, :prefix)")
            .expression_attribute_names("#sk", SK)
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":u", text("U"))
            .expression_attribute_values(":prefix", text("U#"))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(store_error)?;
        items
            .into_iter()
            .map(|item| {
                let email = super::item::string_attr(&item, PK).unwrap_or_default().trim_start_matches("U#").to_owned();
                decode(&email, item)
            })
            .collect()
    }
}

#[async_trait]
impl Attempts for DynamoStore {
    async fn attempt(&self, key: &AttemptKey<'_>, window_secs: u64, now: Timestamp) -> Result<u64, StoreError> {
        let seconds = i64::try_from(window_secs.max(1)).unwrap_or(i64::MAX);
        let window = now.unix_seconds() - now.unix_seconds().rem_euclid(seconds);
        let item = super::item::key(format!("U# attempts:{key}"), window.to_string());
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(item))
            .update_expression("ADD #n :one SET #ttl = :expires")
            .expression_attribute_names("#n", "n")
            .expression_attribute_names("#ttl", "_ttl")
            .expression_attribute_values(":one", number(1))
            .expression_attribute_values(":expires", number(window + seconds + 86_400))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(store_error)?;
        Ok(out
            .attributes
            .as_ref()
            .and_then(|a| super::item::number_attr(a, "n"))
            .map_or(1, |v| u64::try_from(v).unwrap_or(0)))
    }
}
