//! The account use cases behind `/api/auth/*`.

use super::password::Verdict;
use super::throttle::{AttemptKey, ClientAddress, admit};
use super::{AdminGrant, Caller, Email, Login, NewUser, Role, User, UserId, password};
use crate::error::Invalid;
use crate::ports::StoreError;
use crate::registry::{Denied, Registry, RegistryError};
use crate::time::Timestamp;

impl Registry {
    /// A new editor account. Nobody becomes an admin by registering: an operator or an admin
    /// makes admins. The body is parsed at the edge; one it refused counts as an attempt too.
    pub async fn register(&self, client: &ClientAddress, new: Result<NewUser, Invalid>) -> Result<User, RegistryError> {
        let rates = self.config().auth_rates;
        admit(self.attempts(), AttemptKey::Registrations(client), rates.registrations_per_client).await?;
        let new = new?;
        let role = Role::Editor;
        let password_hash =
            password::hash(new.password).await.map_err(|e| RegistryError::Internal(crate::error::cause(e)))?;
        let user = User {
            id: UserId(crate::id::AssetId::generate().to_string()),
            username: new.username,
            email: new.email,
            role,
            password_hash,
            created_at: Timestamp::now(),
        };
        match self.users().create_user(&user).await {
            Ok(()) => Ok(user),
            Err(StoreError::Conflict) => Err(RegistryError::EmailTaken),
            Err(e) => Err(e.into()),
        }
    }

    /// The account whose email and password these are; one answer for every kind of mismatch.
    /// A body the edge refused counts against the client's limit as any attempt does.
    pub async fn login(&self, client: &ClientAddress, login: Result<Login, Invalid>) -> Result<User, RegistryError> {
        let rates = self.config().auth_rates;
        admit(self.attempts(), AttemptKey::Logins(client), rates.logins_per_client).await?;
        let Login { email, password } = login?;
        admit(self.attempts(), AttemptKey::LoginsTo(&email), rates.logins_per_account).await?;
        let user = self.users().user(&email).await?;
        let verdict = password::verify(password, user.as_ref().map(|u| u.password_hash.clone())).await;
        match (user, verdict) {
            (Some(user), Verdict::Right) => Ok(user),
            (Some(mut user), Verdict::Rehashed(new)) => {
                // The old backend's bcrypt hash goes once its password is seen; if another login
                // replaced it first, or the write fails, this login stands and a later one retries.
                match self.users().replace_password_hash(&user.email, &user.password_hash, &new).await {
                    Ok(true) => user.password_hash = new,
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "an old password hash was not replaced"),
                }
                Ok(user)
            }
            _ => Err(RegistryError::BadCredentials),
        }
    }

    /// Who an old backend's token names, kept valid through the cutover: the account carried over
    /// with that email and that id (the old backend's `userId`), with the account's role here,
    /// whatever the token says. `None` when no such account was carried over.
    pub async fn legacy_caller(&self, user_id: &str, email: &str) -> Result<Option<Caller>, RegistryError> {
        let Ok(email) = Email::kept(email) else { return Ok(None) };
        let account = self.users().user(&email).await?;
        Ok(account.filter(|a| a.id.0 == user_id).map(|a| Caller { user_id: a.id.0, email: a.email, role: a.role }))
    }

    /// The caller's account; `None` for a caller signed in elsewhere (an API Gateway authorizer)
    /// who never registered here.
    pub async fn profile(&self, caller: &Caller) -> Result<Option<User>, RegistryError> {
        Ok(self.users().user(&caller.email).await?)
    }

    /// Admins only: gives the account with this email the admin role (a caller who may not is
    /// told so before anything about the body).
    pub async fn make_admin(&self, caller: &Caller, grant: Result<AdminGrant, Invalid>) -> Result<User, RegistryError> {
        if !caller.is_admin() {
            return Err(RegistryError::Forbidden(Denied::MakeAdmin));
        }
        let email = grant?.email;
        self.users().set_role(&email, Role::Admin).await?.ok_or(RegistryError::UserNotFound(email))
    }
}
