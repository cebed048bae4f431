//! Who is calling and what they may do. Accounts (register, log in, roles) live in `accounts`;
//! how a caller proves who they are (tokens) is the HTTP layer's business, which hands the
//! registry a [`Caller`].

mod accounts;
mod password;
mod throttle;
mod user;

pub use password::Verdict;
pub use throttle::{AttemptKey, AuthRates, ClientAddress, Rate};
pub use user::{
    AccountFieldError, AdminGrant, Email, HashKind, Login, NewUser, Password, PasswordHash, User, UserId, Username,
};

use crate::asset::Asset;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Editor,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "editor" => Some(Self::Editor),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }
}

/// A signed-in user, as their verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub email: Email,
    pub role: Role,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The asset's registrant or an admin. Assets that name no registrant are admins' alone.
    pub fn may_edit(&self, asset: &Asset) -> bool {
        self.is_admin() || asset.registered_by.as_deref().is_some_and(|by| self.email.matches(by))
    }
}
