//! Accounts as the old backend had them: email unique (compared case-insensitively), password at
//! least 6 characters, username at least 5.

use super::Role;
use crate::error::{Collector, ErrorCode, FieldError, Invalid};
use crate::parse::{as_str, present};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::limits::{EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN};

/// An email address, trimmed and lower-cased: one account per mailbox however it is typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, derive_more::Display)]
#[serde(try_from = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= EMAIL_MAX
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !domain.starts_with('.')
            });
        if valid { Ok(Self(email)) } else { Err(format!("{raw:?} is not an email address")) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a stored `registeredBy` names this mailbox.
    pub fn matches(&self, other: &str) -> bool {
        other.trim().eq_ignore_ascii_case(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        let n = name.chars().count();
        if !(USERNAME_MIN..=USERNAME_MAX).contains(&n) || name.chars().any(char::is_control) {
            return Err(format!("a username has {USERNAME_MIN} to {USERNAME_MAX} characters"));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

/// A password as typed; never stored, never logged.
#[derive(derive_more::Debug)]
#[debug("Password(..)")]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let n = raw.chars().count();
        if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&n) {
            return Err(format!("a password has {PASSWORD_MIN} to {PASSWORD_MAX} characters"));
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

/// An account as stored: the password only as an argon2id PHC string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub email: Email,
    pub role: Role,
    pub password_hash: String,
    pub created_at: Timestamp,
}

/// `POST /api/auth/register`'s body, every fault reported at once.
#[derive(Debug)]
pub struct NewUser {
    pub username: Username,
    pub email: Email,
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

/// `POST /api/auth/login`'s body.
pub fn credentials(body: &Map<String, Value>) -> Result<(Email, Password), Invalid> {
    let mut c = Collector::default();
    let email = c.take(text(body, "email").and_then(|s| field(Email::parse(&s), "email")));
    // Any non-empty password may be tried: the length rules are for new passwords.
    let password = c.take(text(body, "password").map(Password));
    c.finish()?;
    match (email, password) {
        (Some(e), Some(p)) => Ok((e, p)),
        _ => Err(FieldError::new("body", ErrorCode::Required, "email and password are required").into()),
    }
}

fn text(body: &Map<String, Value>, name: &str) -> Result<String, FieldError> {
    let value = present(body, name).map(|v| as_str(v, name)).transpose()?;
    value.filter(|s| !s.is_empty()).map(str::to_owned).ok_or_else(|| FieldError::required(name))
}

fn field<T>(parsed: Result<T, String>, name: &str) -> Result<T, FieldError> {
    parsed.map_err(|m| FieldError::new(name, ErrorCode::InvalidFormat, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_shows_and_an_email_serializes_as_its_text() {
        assert_eq!(format!("{:?}", Password::parse("correct horse").unwrap()), "Password(..)");
        let email = Email::parse(" Kyle@Celerity.Studio ").unwrap();
        assert_eq!(serde_json::to_value(&email).unwrap(), "kyle@celerity.studio");
        assert_eq!(serde_json::from_value::<Email>("KYLE@celerity.studio".into()).unwrap(), email);
    }
}
