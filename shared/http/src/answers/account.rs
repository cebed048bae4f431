//! Accounts as the API shows them.

use nna_domain::Timestamp;
use nna_domain::auth::{Caller, User};
use serde::Serialize;
use utoipa::ToSchema;

/// An account: never its password or hash.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = User)]
pub struct UserView {
    id: String,
    /// The id again, by MongoDB's name for it.
    #[serde(rename = "_id")]
    mongo_id: String,
    /// `null` for a caller an authorizer vouched for who never registered here.
    username: Option<String>,
    email: String,
    /// `editor` or `admin`.
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<Timestamp>,
}

impl UserView {
    pub fn of(user: &User) -> Self {
        Self {
            id: user.id.0.clone(),
            mongo_id: user.id.0.clone(),
            username: Some(user.username.as_str().to_owned()),
            email: user.email.as_str().to_owned(),
            role: user.role.as_str(),
            created_at: Some(user.created_at),
        }
    }

    /// A caller signed in elsewhere (an API Gateway authorizer), shown as their token says.
    pub fn of_caller(caller: &Caller) -> Self {
        Self {
            id: caller.user_id.clone(),
            mongo_id: caller.user_id.clone(),
            username: None,
            email: caller.email.as_str().to_owned(),
            role: caller.role.as_str(),
            created_at: None,
        }
    }
}

/// A signed-in account: its token and who it is.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// A bearer token (HS256 JWT).
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: u64,
    pub user: UserView,
}
