//! Accounts as items `U#<email>` / `U` beside the assets: the account's fields (serde_dynamo).
//! Not in any index: accounts are only ever read by email.

use super::item::{Item, s};
use super::schema::{PK, SK};
use super::{DynamoStore, conditional_failed, store_error};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;
use nna_domain::auth::{Email, Role, User};
use nna_domain::ports::{StoreError, UserStore};
use std::collections::HashMap;

fn key(email: &Email) -> Item {
    HashMap::from([(PK.to_owned(), s(format!("U#{email}"))), (SK.to_owned(), s("U"))])
}

fn decode(email: &Email, item: Item) -> Result<User, StoreError> {
    let item: Item = item.into_iter().filter(|(k, _)| k != PK && k != SK).collect();
    serde_dynamo::from_item(item).map_err(|e| StoreError::Corrupt { id: format!("U#{email}"), reason: e.to_string() })
}

#[async_trait]
impl UserStore for DynamoStore {
    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        let mut item: Item = serde_dynamo::to_item(user).map_err(|e| StoreError::Internal(e.to_string()))?;
        item.extend(key(&user.email));
        match self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if conditional_failed(&e) => Err(StoreError::Conflict),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn user(&self, email: &Email) -> Result<Option<User>, StoreError> {
        self.get_item(key(email)).await?.map(|item| decode(email, item)).transpose()
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
            .expression_attribute_values(":role", s(role.as_str()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match out {
            Ok(out) => out.attributes.map(|item| decode(email, item)).transpose(),
            Err(e) if conditional_failed(&e) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }
}
