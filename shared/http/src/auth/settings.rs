//! Auth configuration from the environment, the same for every deployment:
//! `NNA_JWT_SECRET` (≥ 32 bytes), `NNA_JWT_ISSUER` (default `nna-registry`), `NNA_JWT_AUDIENCE`
//! (default `nna-registry-api`), `NNA_JWT_TTL_SECS` (default a day). Admins are made by an operator
//! (`nna-ops make-admin`) or an admin, so `NNA_ADMIN_EMAILS`, which once made anyone who registered
//! a listed address an admin, is refused rather than silently ignored.

use super::TokenSettings;
use nna_domain::settings::{Env, SettingsError};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// `None` when `NNA_JWT_SECRET` is unset: the deployment decides (nna-local keeps one in its
    /// data folder; a Lambda function refuses to start).
    pub secret: Option<Vec<u8>>,
    pub issuer: String,
    pub audience: String,
    pub lifetime: Duration,
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
        Ok(Self {
            secret,
            issuer: env.text("NNA_JWT_ISSUER").unwrap_or_else(|| "nna-registry".into()),
            audience: env.text("NNA_JWT_AUDIENCE").unwrap_or_else(|| "nna-registry-api".into()),
            lifetime: env.secs("NNA_JWT_TTL_SECS", nna_domain::limits::TOKEN_LIFETIME_DEFAULT)?,
        })
    }

    pub fn tokens(&self, secret: Vec<u8>) -> TokenSettings {
        TokenSettings { secret, issuer: self.issuer.clone(), audience: self.audience.clone(), lifetime: self.lifetime }
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
}
