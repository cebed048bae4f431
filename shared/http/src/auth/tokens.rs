//! HS256 tokens: issued at login, checked on every request. The algorithm is fixed (a token
//! naming another, `none` included, is refused), and so are the issuer and audience; `exp` is
//! required, `nbf` honoured, with a minute of leeway for clocks.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use nna_domain::Timestamp;
use nna_domain::auth::{Caller, Email, Role, User};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct TokenSettings {
    /// At least 32 bytes.
    pub secret: Vec<u8>,
    pub issuer: String,
    pub audience: String,
    pub lifetime: Duration,
}

/// What a token says. `userId` repeats `sub` because the old backend's tokens named it so.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    pub sub: String,
    pub email: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
}

pub struct Tokens {
    keys: std::sync::RwLock<Keys>,
    validation: Validation,
    settings: TokenSettings,
}

/// The secret's keys, and the previous secret's for checking, so that tokens signed just before a
/// rotation still verify until they expire.
struct Keys {
    secret: Vec<u8>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    previous: Option<DecodingKey>,
}

/// Why a token was not accepted (or could not be made), in this service's words: what a client
/// is told never includes the JWT library's. Its reason is a short machine-readable word:
/// `expired`, `bad_signature`, `wrong_audience`, …
#[derive(Debug, thiserror::Error, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum TokenError {
    #[error("the token secret must have at least 32 bytes")]
    WeakSecret,
    #[error("the token could not be signed")]
    #[strum(serialize = "signing_failed")]
    Signing,
    #[error("the token has expired; sign in again")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token's signature does not match")]
    BadSignature,
    #[error("the token was issued for another service")]
    WrongAudience,
    #[error("the token was issued by someone else")]
    WrongIssuer,
    #[error("the token is signed with an algorithm this service does not accept")]
    WrongAlgorithm,
    #[error("the token lacks the {0} claim")]
    MissingClaim(String),
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("the token names no valid user")]
    NoUser,
    /// An old backend's token after the cutover's window closed.
    #[error("sessions from the previous backend ended at {0}; sign in again")]
    #[strum(serialize = "legacy_session_ended")]
    LegacyEnded(String),
}

impl TokenError {
    pub fn reason(&self) -> &'static str {
        self.into()
    }

    pub(super) fn checking(e: &jsonwebtoken::errors::Error) -> Self {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature => Self::Expired,
            ErrorKind::ImmatureSignature => Self::NotYetValid,
            ErrorKind::InvalidSignature => Self::BadSignature,
            ErrorKind::InvalidAudience => Self::WrongAudience,
            ErrorKind::InvalidIssuer => Self::WrongIssuer,
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => Self::WrongAlgorithm,
            ErrorKind::MissingRequiredClaim(claim) => Self::MissingClaim(claim.clone()),
            ErrorKind::InvalidSubject => Self::NoUser,
            _ => Self::Malformed,
        }
    }
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("issuer", &self.settings.issuer)
            .field("audience", &self.settings.audience)
            .finish()
    }
}

impl Tokens {
    pub fn new(settings: TokenSettings) -> Result<Self, TokenError> {
        if settings.secret.len() < 32 {
            return Err(TokenError::WeakSecret);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 60;
        let keys = Keys {
            secret: settings.secret.clone(),
            encoding: EncodingKey::from_secret(&settings.secret),
            decoding: DecodingKey::from_secret(&settings.secret),
            previous: None,
        };
        Ok(Self { keys: std::sync::RwLock::new(keys), validation, settings })
    }

    /// A rotated secret: new tokens are signed with it; tokens signed with the one it replaces
    /// still verify. The same secret again changes nothing.
    pub fn rotate(&self, secret: &[u8]) -> Result<(), TokenError> {
        if secret.len() < 32 {
            return Err(TokenError::WeakSecret);
        }
        let mut keys = self.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if keys.secret == secret {
            return Ok(());
        }
        let previous = std::mem::replace(&mut keys.decoding, DecodingKey::from_secret(secret));
        keys.previous = Some(previous);
        keys.encoding = EncodingKey::from_secret(secret);
        keys.secret = secret.to_vec();
        Ok(())
    }

    pub fn lifetime(&self) -> Duration {
        self.settings.lifetime
    }

    /// A token for this account, valid from now for the configured lifetime.
    pub fn issue(&self, user: &User) -> Result<String, TokenError> {
        self.issue_for(&user.id.0, &user.email, user.role)
    }

    pub fn issue_for(&self, user_id: &str, email: &Email, role: Role) -> Result<String, TokenError> {
        let now = u64::try_from(Timestamp::now().unix_seconds()).unwrap_or(0);
        let claims = Claims {
            sub: user_id.to_owned(),
            email: email.to_string(),
            role: role.as_str().to_owned(),
            user_id: Some(user_id.to_owned()),
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
            iat: now,
            exp: now + self.settings.lifetime.as_secs(),
            nbf: None,
        };
        self.sign(&claims)
    }

    /// Signs any claims with this deployment's key (tests make expired and future tokens so).
    pub fn sign(&self, claims: &Claims) -> Result<String, TokenError> {
        let keys = self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        encode(&Header::new(Algorithm::HS256), claims, &keys.encoding).map_err(|e| {
            tracing::error!(error = %e, "signing a token");
            TokenError::Signing
        })
    }

    pub fn verify(&self, token: &str) -> Result<Caller, TokenError> {
        let claims = {
            let keys = self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            match decode::<Claims>(token, &keys.decoding, &self.validation) {
                Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::InvalidSignature) => match &keys.previous
                {
                    Some(previous) => decode::<Claims>(token, previous, &self.validation),
                    None => Err(e),
                },
                other => other,
            }
            .map_err(|e| TokenError::checking(&e))?
            .claims
        };
        let email = Email::kept(&claims.email).map_err(|_| TokenError::NoUser)?;
        let role = Role::parse(&claims.role).ok_or(TokenError::NoUser)?;
        if claims.sub.is_empty() {
            return Err(TokenError::NoUser);
        }
        Ok(Caller { user_id: claims.sub, email, role })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(secret: &str) -> Tokens {
        let settings = TokenSettings {
            secret: secret.as_bytes().to_vec(),
            issuer: "i".into(),
            audience: "a".into(),
            lifetime: Duration::from_secs(60),
        };
        Tokens::new(settings).unwrap()
    }

    #[test]
    fn a_rotation_signs_with_the_new_secret_and_still_accepts_the_old_ones_tokens() {
        let email = Email::parse("kelly@example.com").unwrap();
        let t = tokens(&"a".repeat(32));
        let before = t.issue_for("u1", &email, Role::Editor).unwrap();
        t.rotate("b".repeat(32).as_bytes()).unwrap();
        let after = t.issue_for("u1", &email, Role::Editor).unwrap();
        assert!(t.verify(&before).is_ok() && t.verify(&after).is_ok());
        assert!(tokens(&"b".repeat(32)).verify(&after).is_ok(), "signed with the new secret");
        let stranger = tokens(&"c".repeat(32)).issue_for("u1", &email, Role::Editor).unwrap();
        assert!(t.verify(&stranger).is_err());
        t.rotate("c".repeat(32).as_bytes()).unwrap();
        assert!(t.verify(&before).is_err(), "two rotations ago is too old");
        assert!(matches!(t.rotate(b"short"), Err(TokenError::WeakSecret)));
    }

    #[test]
    fn refusals_say_what_is_wrong_in_our_words() {
        let t = tokens(&"a".repeat(32));
        let now = u64::try_from(Timestamp::now().unix_seconds()).unwrap();
        let good = Claims {
            sub: "u1".into(),
            email: "kelly@example.com".into(),
            role: "editor".into(),
            user_id: None,
            iss: "i".into(),
            aud: "a".into(),
            iat: now,
            exp: now + 600,
            nbf: None,
        };
        let refused = |c: Claims| t.verify(&t.sign(&c).unwrap()).unwrap_err();
        assert_eq!(refused(Claims { exp: now - 3600, ..good.clone() }), TokenError::Expired);
        assert_eq!(refused(Claims { nbf: Some(now + 3600), ..good.clone() }), TokenError::NotYetValid);
        assert_eq!(refused(Claims { aud: "b".into(), ..good.clone() }), TokenError::WrongAudience);
        assert_eq!(refused(Claims { iss: "x".into(), ..good.clone() }), TokenError::WrongIssuer);
        assert_eq!(refused(Claims { role: "root".into(), ..good.clone() }), TokenError::NoUser);
        assert_eq!(t.verify("not a token").unwrap_err(), TokenError::Malformed);
        let stranger = tokens(&"b".repeat(32)).sign(&good).unwrap();
        assert_eq!(t.verify(&stranger).unwrap_err().reason(), "bad_signature");
        assert!(t.verify(&t.sign(&good).unwrap()).is_ok());
    }
}
