//! Rate limits on login and register: a client (its address) and an account may make only so
//! many attempts in a window; past that, `TooManyAttempts` says when to come back. Attempts are
//! counted before the password is checked, so guessing costs the same whether it is right.

use super::Email;
use crate::limits::{LOGINS_PER_ACCOUNT, LOGINS_PER_CLIENT, REGISTRATIONS_PER_CLIENT};
use crate::ports::Attempts;
use crate::registry::RegistryError;
use crate::time::Timestamp;

/// Who is asking, as the deployment sees them (the connection's or API Gateway's source address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl ClientAddress {
    /// For callers that have no address (tests, tools): they share one budget.
    pub fn unknown() -> Self {
        Self("unknown".into())
    }
}

/// What attempts are counted by; its text is the key the store counts under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, derive_more::Display)]
pub enum AttemptKey<'a> {
    /// Registrations from one client.
    #[display("register:{}", _0.0)]
    Registrations(&'a ClientAddress),
    /// Logins from one client.
    #[display("login:{}", _0.0)]
    Logins(&'a ClientAddress),
    /// Logins to one account, from anywhere.
    #[display("login-account:{_0}")]
    LoginsTo(&'a Email),
}

/// At most `limit` attempts in each window of `seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub limit: u64,
    pub seconds: u64,
}

impl Rate {
    const fn of((limit, seconds): (u64, u64)) -> Self {
        Self { limit, seconds }
    }
}

/// The rates a deployment enforces (`limits.rs` has the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthRates {
    pub logins_per_client: Rate,
    pub logins_per_account: Rate,
    pub registrations_per_client: Rate,
}

impl Default for AuthRates {
    fn default() -> Self {
        Self {
            logins_per_client: Rate::of(LOGINS_PER_CLIENT),
            logins_per_account: Rate::of(LOGINS_PER_ACCOUNT),
            registrations_per_client: Rate::of(REGISTRATIONS_PER_CLIENT),
        }
    }
}

/// Counts an attempt under `key`; past the rate, when the window ends.
pub(crate) async fn admit(attempts: &dyn Attempts, key: AttemptKey<'_>, rate: Rate) -> Result<(), RegistryError> {
    let now = Timestamp::now();
    let seconds = rate.seconds.max(1);
    let made = attempts.attempt(&key, seconds, now).await?;
    if made <= rate.limit {
        return Ok(());
    }
    let into = u64::try_from(now.unix_seconds()).unwrap_or(0) % seconds;
    Err(RegistryError::TooManyAttempts { retry_after_secs: (seconds - into).max(1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys stores count under, which deployed counters already use.
    #[test]
    fn attempt_keys_spell_what_they_count() {
        let client = ClientAddress("10.0.0.1".into());
        let email = Email::parse("Kelly@Example.com").unwrap();
        assert_eq!(AttemptKey::Registrations(&client).to_string(), "register:10.0.0.1");
        assert_eq!(AttemptKey::Logins(&client).to_string(), "login:10.0.0.1");
        assert_eq!(AttemptKey::LoginsTo(&email).to_string(), format!("login-account:{email}"));
    }
}
