//! Accounts as the old backend had them: email unique (compared case-insensitively), password at
//! least 6 characters, username at least 5. The rules are for new registrations: an account as
//! stored (one the old backend made, carried over by the cutover) loads as it was kept.

use super::Role;
use crate::error::{Collector, ErrorCode, FieldError, Invalid};
use crate::parse::{as_str, present};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::limits::{EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN};

/// Why an account's email, username or password was refused: what the refusal says is its
/// message; which field it is about, the caller knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountFieldError {
    #[error("{0:?} is not an email address")]
    NotAnEmail(String),
    #[error("{0:?} cannot name an account")]
    CannotNameAnAccount(String),
    #[error("a username has {USERNAME_MIN} to {USERNAME_MAX} characters")]
    UsernameLength,
    #[error("a password has {PASSWORD_MIN} to {PASSWORD_MAX} characters")]
    PasswordLength,
}

/// An email address, trimmed and lower-cased: one account per mailbox however it is typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, derive_more::Display)]
#[serde(try_from = "String")]
pub struct Email(String);

/// The most bytes an address carried over from the old backend may have: it becomes part of a
/// storage key, and DynamoDB's partition keys hold 2,048 bytes.
const KEPT_EMAIL_BYTES: usize = 1024;

impl Email {
    pub fn parse(raw: &str) -> Result<Self, AccountFieldError> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= EMAIL_MAX
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !domain.starts_with('.')
            });
        if valid { Ok(Self(email)) } else { Err(AccountFieldError::NotAnEmail(raw.to_owned())) }
    }

    /// An address as another system kept it (the old backend, an account stored before today's
    /// rules): folded like any other, and refused only where it could not be a storage key (no
    /// `@` between two parts, white space or control characters, far too long).
    pub fn kept(raw: &str) -> Result<Self, AccountFieldError> {
        let email = raw.trim().to_lowercase();
        let keyable = email.len() <= KEPT_EMAIL_BYTES
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
        if keyable { Ok(Self(email)) } else { Err(AccountFieldError::CannotNameAnAccount(raw.to_owned())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a stored `registeredBy` names this mailbox.
    pub fn matches(&self, other: &str) -> bool {
        other.trim().eq_ignore_ascii_case(&self.0)
    }
}

/// Stored accounts load as they were kept: today's rules are for new registrations.
impl TryFrom<String> for Email {
    type Error = AccountFieldError;
    fn try_from(s: String) -> Result<Self, AccountFieldError> {
        Self::kept(&s)
    }
}

/// A username: 5 to 64 characters for a new registration; an account carried over keeps its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, AccountFieldError> {
        let name = raw.trim();
        let n = name.chars().count();
        if !(USERNAME_MIN..=USERNAME_MAX).contains(&n) || name.chars().any(char::is_control) {
            return Err(AccountFieldError::UsernameLength);
        }
        Ok(Self(name.to_owned()))
    }

    /// A username as another system kept it: whatever it is (the old backend asked only for five
    /// characters), so nobody loses the name they sign in with.
    pub fn kept(raw: &str) -> Self {
        Self(raw.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed; never stored, never logged.
#[derive(derive_more::Debug)]
#[debug("Password(..)")]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, AccountFieldError> {
        let n = raw.chars().count();
        if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&n) {
            return Err(AccountFieldError::PasswordLength);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub String);

/// An account as stored: the password only as a hash (argon2id, or the old backend's bcrypt
/// until the account's first login here replaces it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub email: Email,
    pub role: Role,
    pub password_hash: PasswordHash,
    pub created_at: Timestamp,
}

/// How a stored password hash was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum HashKind {
    /// The registry's own: argon2id in PHC form.
    Argon2id,
    /// The old backend's (bcryptjs): verified as bcrypt and replaced at the next login.
    Bcrypt,
}

/// A stored password hash. Never shown: no answer carries it and its `Debug` says only its kind.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, derive_more::Debug)]
#[serde(transparent)]
#[debug("PasswordHash({:?})", self.kind())]
pub struct PasswordHash(String);

impl PasswordHash {
    /// An argon2id PHC string this registry made.
    pub(crate) fn argon2(phc: String) -> Self {
        Self(phc)
    }

    /// A bcrypt hash as bcryptjs writes it: `$2a$` (or `$2b$`, `$2y$`), a two-digit cost from 04
    /// to 31, `$`, then 53 characters of salt and hash in bcrypt's base64 alphabet.
    pub fn bcrypt(raw: &str) -> Result<Self, String> {
        let refused = || "not a bcrypt hash ($2a$, $2b$ or $2y$, a cost, 53 characters)".to_owned();
        let rest = ["$2a$", "$2b$", "$2y$"].iter().find_map(|v| raw.strip_prefix(v)).ok_or_else(refused)?;
        let (cost, tail) = rest.split_once('$').ok_or_else(refused)?;
        let cost_ok = cost.len() == 2 && cost.parse::<u8>().is_ok_and(|c| (4..=31).contains(&c));
        let alphabet = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'/';
        if cost_ok && tail.len() == 53 && tail.bytes().all(alphabet) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(refused())
        }
    }

    pub fn kind(&self) -> HashKind {
        if self.0.starts_with("$2") { HashKind::Bcrypt } else { HashKind::Argon2id }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// `POST /api/auth/register`'s body, every fault reported at once.
#[derive(Debug)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Registration))]
pub struct NewUser {
    /// At least 5 characters.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub username: Username,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub email: Email,
    /// At least 6 characters.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub password: Password,
}

impl NewUser {
    pub fn parse(body: &Map<String, Value>) -> Result<Self, Invalid> {
        let mut c = Collector::default();
        let username = c.take(text(body, "username").and_then(|s| field(Username::parse(&s), "username")));
        let email = c.take(text(body, "email").and_then(|s| field(Email::parse(&s), "email")));
        let password = c.take(text(body, "password").and_then(|s| field(Password::parse(&s), "password")));
        c.finish()?;
        match (username, email, password) {
            (Some(username), Some(email), Some(password)) => Ok(Self { username, email, password }),
            // finish() has returned every missing piece already.
            _ => Err(FieldError::new("body", ErrorCode::Required, "username, email and password are required").into()),
        }
    }
}

/// `POST /api/auth/login`'s body, parsed at the edge.
#[derive(Debug)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Credentials))]
pub struct Login {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub email: Email,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub password: Password,
}

impl Login {
    pub fn parse(body: &Map<String, Value>) -> Result<Self, Invalid> {
        let mut c = Collector::default();
        // Any address an account may have, and any non-empty password, may be tried: the rules
        // are for new registrations (accounts carried over from the old backend keep theirs).
        let email = c.take(text(body, "email").and_then(|s| field(Email::kept(&s), "email")));
        let password = c.take(text(body, "password").map(Password));
        c.finish()?;
        match (email, password) {
            (Some(email), Some(password)) => Ok(Self { email, password }),
            _ => Err(FieldError::new("body", ErrorCode::Required, "email and password are required").into()),
        }
    }
}

/// `POST /api/auth/make-admin`'s body: whose account (any address an account may have).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminGrant {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub email: Email,
}

impl AdminGrant {
    pub fn parse(body: &Map<String, Value>) -> Result<Self, Invalid> {
        let email = field(Email::kept(&text(body, "email")?), "email")?;
        Ok(Self { email })
    }
}

fn text(body: &Map<String, Value>, name: &str) -> Result<String, FieldError> {
    let value = present(body, name).map(|v| as_str(v, name)).transpose()?;
    value.filter(|s| !s.is_empty()).map(str::to_owned).ok_or_else(|| FieldError::required(name))
}

fn field<T>(parsed: Result<T, AccountFieldError>, name: &str) -> Result<T, FieldError> {
    parsed.map_err(|e| FieldError::new(name, ErrorCode::InvalidFormat, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcrypt_hashes_as_the_old_backend_wrote_them() {
        let good = format!("$2a$10${}", "abcdefghijklmnopqrstuv./ABCDEFGHIJKLMNOPQRSTUVWXYZ012");
        assert_eq!(PasswordHash::bcrypt(&good).unwrap().kind(), HashKind::Bcrypt);
        for v in ["$2b$", "$2y$"] {
            assert!(PasswordHash::bcrypt(&good.replacen("$2a$", v, 1)).is_ok(), "{v}");
        }
        for bad in [
            good.replacen("$2a$", "$2x$", 1),
            good.replacen("$10$", "$3$", 1),
            good.replacen("$10$", "$32$", 1),
            good[..good.len() - 1].to_owned(),
            good.replace('N', "!"),
            "plain text password".to_owned(),
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        ] {
            assert!(PasswordHash::bcrypt(&bad).is_err(), "{bad}");
        }
        assert_eq!(format!("{:?}", PasswordHash::bcrypt(&good).unwrap()), "PasswordHash(Bcrypt)");
    }

    #[test]
    fn stored_accounts_load_as_kept() {
        let long_name = "a name far longer than today's sixty-four characters, as the old backend allowed it";
        let user: User = serde_json::from_value(serde_json::json!({"id": "6868865274bd8b06a2f91f0c",
            "username": long_name, "email": "Kyle@Celerity.Studio", "role": "editor",
            "passwordHash": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "createdAt": "2025-07-05T01:53:38.417Z"}))
        .unwrap();
        assert_eq!((user.username.as_str(), user.email.as_str()), (long_name, "kyle@celerity.studio"));
        assert!(Username::parse(long_name).is_err(), "registration still has its rules");
        assert!(Email::kept("no at sign").is_err() && Email::kept("a b@c.d").is_err());
        assert!(!format!("{user:?}").contains("argon2id$"), "the hash never shows: {user:?}");
    }

    #[test]
    fn a_password_never_shows_and_an_email_serializes_as_its_text() {
        assert_eq!(format!("{:?}", Password::parse("correct horse").unwrap()), "Password(..)");
        let email = Email::parse(" Kyle@Celerity.Studio ").unwrap();
        assert_eq!(serde_json::to_value(&email).unwrap(), "kyle@celerity.studio");
        assert_eq!(serde_json::from_value::<Email>("KYLE@celerity.studio".into()).unwrap(), email);
    }

    #[test]
    fn an_admin_grant_names_an_account_by_any_address_it_may_have() {
        let grant = |body: Value| AdminGrant::parse(body.as_object().unwrap()).map(|g| g.email);
        assert_eq!(grant(serde_json::json!({"email": " Kelly@Example.com "})).unwrap().as_str(), "kelly@example.com");
        for (body, code) in [
            (serde_json::json!({}), ErrorCode::Required),
            (serde_json::json!({"email": ""}), ErrorCode::Required),
            (serde_json::json!({"email": 7}), ErrorCode::InvalidType),
            (serde_json::json!({"email": "no-at-sign"}), ErrorCode::InvalidFormat),
        ] {
            assert_eq!(grant(body.clone()).unwrap_err().first().code, code, "{body}");
        }
    }
}
