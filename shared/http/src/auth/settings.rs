//! Auth configuration from the environment, the same for every deployment:
//! `NNA_JWT_SECRET` (≥ 32 bytes), `NNA_JWT_ISSUER` (default `nna-registry`), `NNA_JWT_AUDIENCE`
//! (default `nna-registry-api`), `NNA_JWT_TTL_SECS` (default a day). Admins are made by an operator
//! (`nna-ops make-admin`) or an admin, so `NNA_ADMIN_EMAILS`, which once made anyone who registered
//! a listed address an admin, is refused rather than silently ignored.

use super::{LegacySettings, LegacyTokens, TokenSettings};
use nna_domain::Timestamp;
use nna_domain::settings::{Env, SettingsError};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// `None` when `NNA_JWT_SECRET` is unset: the deployment decides (nna-local keeps one in its
    /// data folder; a Lambda function refuses to start).
    pub secret: Option<Vec<u8>>,
    pub issuer: String,
    pub audience: String,
    pub lifetime: Duration,
    /// The old backend's tokens through a cutover: `NNA_LEGACY_JWT_SECRET` (on Lambda the
    /// secret's ARN, `NNA_LEGACY_JWT_SECRET_ARN`, read at start-up) and `NNA_LEGACY_TOKENS_UNTIL`
    /// (ISO 8601), which either requires. `None`: off, the default.
    pub legacy: Option<LegacySettings>,
}

impl AuthSettings {
    pub fn read(env: &Env) -> Result<Self, SettingsError> {
        let secret = env.text("NNA_JWT_SECRET").map(String::into_bytes);
        if secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err(SettingsError::new("NNA_JWT_SECRET", "use at least 32 bytes (openssl rand -hex 32)"));
        }
        if env.text("NNA_ADMIN_EMAILS").is_some() {
            return Err(SettingsError::new(
                "NNA_ADMIN_EMAILS",
                "is no longer read: registering an address proves nothing, so it never makes an admin; make \
                 one with `nna-ops make-admin <email>` (or as an admin, POST /api/auth/make-admin)",
            ));
        }
        let until = match env.text("NNA_LEGACY_TOKENS_UNTIL") {
            Some(t) => Some(Timestamp::parse(&t).ok_or_else(|| {
                SettingsError::new("NNA_LEGACY_TOKENS_UNTIL", format!("{t:?} is not an ISO 8601 time"))
            })?),
            None => None,
        };
        let legacy_secret = env.text("NNA_LEGACY_JWT_SECRET").map(String::into_bytes);
        let legacy = match (until, legacy_secret) {
            (Some(until), secret) => Some(LegacySettings { secret, until }),
            (None, None) if env.text("NNA_LEGACY_JWT_SECRET_ARN").is_none() => None,
            (None, _) => {
                return Err(SettingsError::new(
                    "NNA_LEGACY_TOKENS_UNTIL",
                    "is required with the old backend's token secret: its tokens are accepted until then, never after",
                ));
            }
        };
        Ok(Self {
            legacy,
            secret,
            issuer: env.text("NNA_JWT_ISSUER").unwrap_or_else(|| "nna-registry".into()),
            audience: env.text("NNA_JWT_AUDIENCE").unwrap_or_else(|| "nna-registry-api".into()),
            lifetime: env.secs("NNA_JWT_TTL_SECS", nna_domain::limits::TOKEN_LIFETIME_DEFAULT)?,
        })
    }

    pub fn tokens(&self, secret: Vec<u8>) -> TokenSettings {
        TokenSettings { secret, issuer: self.issuer.clone(), audience: self.audience.clone(), lifetime: self.lifetime }
    }

    /// The old backend's tokens, where the deployment was given its secret and an end date.
    pub fn legacy_tokens(&self) -> Option<Arc<LegacyTokens>> {
        let legacy = self.legacy.as_ref()?;
        if Timestamp::now() >= legacy.until {
            tracing::warn!(until = %legacy.until, "the old backend's tokens are past their end date: none is accepted");
        }
        LegacyTokens::new(legacy.secret.as_deref()?, legacy.until).ok().map(Arc::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_emails_are_refused_not_ignored() {
        let with = Env::from_fn(|k| (k == "NNA_ADMIN_EMAILS").then(|| "boss@example.com".to_owned()));
        let refused = AuthSettings::read(&with).unwrap_err().to_string();
        assert!(refused.contains("nna-ops make-admin"), "{refused}");
        // The template used to set it empty: that is no setting at all.
        assert!(AuthSettings::read(&Env::from_fn(|k| (k == "NNA_ADMIN_EMAILS").then(String::new))).is_ok());
    }

    #[test]
    fn old_tokens_need_an_end_date() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            Env::from_fn(move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned()))
        };
        assert!(AuthSettings::read(&env(&[])).unwrap().legacy.is_none(), "off by default");
        let refused = AuthSettings::read(&env(&[("NNA_LEGACY_JWT_SECRET", "old")])).unwrap_err().to_string();
        assert!(refused.contains("NNA_LEGACY_TOKENS_UNTIL"), "{refused}");
        assert!(AuthSettings::read(&env(&[("NNA_LEGACY_JWT_SECRET_ARN", "arn:x")])).is_err());
        let on = AuthSettings::read(&env(&[
            ("NNA_LEGACY_JWT_SECRET", "old"),
            ("NNA_LEGACY_TOKENS_UNTIL", "2099-01-01T00:00:00Z"),
        ]))
        .unwrap();
        assert!(on.legacy_tokens().is_some());
        assert!(AuthSettings::read(&env(&[("NNA_LEGACY_TOKENS_UNTIL", "soon")])).is_err());
    }
}
