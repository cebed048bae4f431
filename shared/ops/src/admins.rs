//! Admins are made by an operator (this) or by an existing admin (`POST /api/auth/make-admin`):
//! never by registering with an address nobody proved is theirs.

use crate::{Ops, OpsError};
use nna_domain::auth::{Email, Role};
use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MadeAdmin {
    pub email: String,
    /// The role the account had.
    pub was: String,
}

/// Gives the account with this email the admin role (it must have registered first).
pub async fn make_admin(ops: &Ops, email: &str) -> Result<MadeAdmin, OpsError> {
    let email = Email::kept(email).map_err(|m| OpsError::Refused(format!("{email:?}: {m}")))?;
    let account = ops
        .ports
        .users
        .user(&email)
        .await?
        .ok_or_else(|| OpsError::Refused(format!("no account has the email {email}; it must register first")))?;
    ops.ports.users.set_role(&email, Role::Admin).await?;
    Ok(MadeAdmin { email: email.to_string(), was: account.role.as_str().to_owned() })
}
