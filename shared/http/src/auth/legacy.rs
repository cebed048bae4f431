//! The old backend's tokens, kept valid through the cutover so nobody signed in at the switch is
//! signed out by it. Off unless the deployment is given the old backend's `JWT_SECRET`. Such a
//! token (HS256, `{userId, email, role}`, `iat`/`exp`, no issuer or audience) is accepted until
//! its own `exp`, and never after the configured end; it names the account carried over with
//! that email and that id, and the caller gets the account's role here, never the token's.
//! Tokens this registry issues are unchanged.

use super::TokenError;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use nna_domain::Timestamp;
use serde::Deserialize;

/// `NNA_LEGACY_JWT_SECRET` (or, on Lambda, `NNA_LEGACY_JWT_SECRET_ARN`) and
/// `NNA_LEGACY_TOKENS_UNTIL`.
#[derive(Debug, Clone)]
pub struct LegacySettings {
    /// The old backend's secret (its `JWT_SECRET`), as it was: whatever its length.
    pub secret: Option<Vec<u8>>,
    /// After this, no old token is accepted, whatever its `exp`.
    pub until: Timestamp,
}

/// What an old token says; its role is read and ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyClaims {
    pub user_id: String,
    pub email: String,
}

pub struct LegacyTokens {
    key: DecodingKey,
    validation: Validation,
    until: Timestamp,
}

impl std::fmt::Debug for LegacyTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LegacyTokens").field("until", &self.until).finish()
    }
}

impl LegacyTokens {
    pub fn new(secret: &[u8], until: Timestamp) -> Result<Self, TokenError> {
        if secret.is_empty() {
            return Err(TokenError::WeakSecret);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        // As @nestjs/jwt made them: an expiry, nothing else; to the second, as it checked it.
        validation.set_required_spec_claims(&["exp"]);
        validation.validate_aud = false;
        validation.leeway = 0;
        Ok(Self { key: DecodingKey::from_secret(secret), validation, until })
    }

    /// The old token's user, if it is one signed with the old secret, unexpired, and the
    /// cutover's window is still open.
    pub fn verify(&self, token: &str, now: Timestamp) -> Result<LegacyClaims, TokenError> {
        let claims =
            decode::<LegacyClaims>(token, &self.key, &self.validation).map_err(|e| TokenError::checking(&e))?.claims;
        if now >= self.until {
            return Err(TokenError::LegacyEnded(self.until.to_string()));
        }
        if claims.user_id.is_empty() {
            return Err(TokenError::NoUser);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header, encode};
    use serde_json::json;

    fn signed(secret: &str, claims: serde_json::Value) -> String {
        encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
    }

    #[test]
    fn old_tokens_until_their_expiry_and_never_after_the_end() {
        let now = Timestamp::now();
        let in_secs = |s: i64| u64::try_from(now.unix_seconds() + s).unwrap();
        let until = Timestamp::from_millis(now.millis() + 3_600_000).unwrap();
        let legacy = LegacyTokens::new(b"old-secret", until).unwrap();
        let claims = |exp: u64| json!({"userId": "6868865274bd8b06a2f91f0c", "email": "kyle@celerity.studio", "role": "admin", "iat": in_secs(-60), "exp": exp});
        let good = signed("old-secret", claims(in_secs(600)));
        assert_eq!(legacy.verify(&good, now).unwrap().user_id, "6868865274bd8b06a2f91f0c");
        assert_eq!(legacy.verify(&signed("old-secret", claims(in_secs(-1))), now).unwrap_err(), TokenError::Expired);
        assert_eq!(legacy.verify(&signed("another", claims(in_secs(600))), now).unwrap_err(), TokenError::BadSignature);
        let later = Timestamp::from_millis(until.millis() + 1).unwrap();
        assert!(matches!(legacy.verify(&good, later).unwrap_err(), TokenError::LegacyEnded(_)));
        let none = jsonwebtoken::encode(
            &Header::new(Algorithm::HS384),
            &claims(in_secs(600)),
            &EncodingKey::from_secret(b"old-secret"),
        )
        .unwrap();
        assert_eq!(legacy.verify(&none, now).unwrap_err(), TokenError::WrongAlgorithm);
    }
}
