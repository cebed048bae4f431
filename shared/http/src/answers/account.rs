//! Accounts as the API shows them.

use nna_domain::Timestamp;
use nna_domain::auth::{Caller, User};
use serde::Serialize;
use utoipa::ToSchema;

/// An account: never its password or hash.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = User)]
pub struct UserView<'a> {
    id: &'a str,
    /// The id again, by MongoDB's name for it.
    #[serde(rename = "_id")]
    mongo_id: &'a str,
    /// `null` for a caller an authorizer vouched for who never registered here.
    username: Option<&'a str>,
    email: &'a str,
    /// `editor` or `admin`.
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<Timestamp>,
}

impl<'a> UserView<'a> {
    pub fn of(user: &'a User) -> Self {
        Self {
            id: &user.id.0,
            mongo_id: &user.id.0,
            username: Some(user.username.as_str()),
            email: user.email.as_str(),
            role: user.role.as_str(),
            created_at: Some(user.created_at),
        }
    }

    /// A caller signed in elsewhere (an API Gateway authorizer), shown as their token says.
    pub fn of_caller(caller: &'a Caller) -> Self {
        Self {
            id: &caller.user_id,
            mongo_id: &caller.user_id,
            username: None,
            email: caller.email.as_str(),
            role: caller.role.as_str(),
            created_at: None,
        }
    }
}

/// A signed-in account: its token and who it is.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Session<'a> {
    /// A bearer token (HS256 JWT).
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: u64,
    pub user: UserView<'a>,
}
