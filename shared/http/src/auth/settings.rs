//! Auth configuration from the environment, the same for every deployment:
//! `NNA_JWT_SECRET` (≥ 32 bytes), `NNA_JWT_ISSUER` (default `nna-registry`), `NNA_JWT_AUDIENCE`
//! (default `nna-registry-api`), `NNA_JWT_TTL_SECS` (default a day), `NNA_ADMIN_EMAILS`
//! (comma-separated: these accounts are admins from registration).

use super::TokenSettings;
use nna_domain::auth::Email;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// `None` when `NNA_JWT_SECRET` is unset: the deployment decides (nna-local keeps one in its
    /// data folder; a Lambda function refuses to start).
    pub secret: Option<Vec<u8>>,
    pub issuer: String,
    pub audience: String,
    pub lifetime: Duration,
    pub admin_emails: Vec<Email>,
}

impl AuthSettings {
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let get = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let secret = get("NNA_JWT_SECRET").map(String::into_bytes);
        if secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err("NNA_JWT_SECRET: use at least 32 bytes (openssl rand -hex 32)".into());
        }
        let lifetime = match get("NNA_JWT_TTL_SECS") {
            Some(n) => n.parse().map_err(|_| format!("NNA_JWT_TTL_SECS: {n:?} is not a number of seconds"))?,
            None => 24 * 3600,
        };
        let admin_emails = get("NNA_ADMIN_EMAILS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| Email::parse(e).map_err(|m| format!("NNA_ADMIN_EMAILS: {m}")))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            secret,
            issuer: get("NNA_JWT_ISSUER").unwrap_or_else(|| "nna-registry".into()),
            audience: get("NNA_JWT_AUDIENCE").unwrap_or_else(|| "nna-registry-api".into()),
            lifetime: Duration::from_secs(lifetime),
            admin_emails,
        })
    }

    pub fn tokens(&self, secret: Vec<u8>) -> TokenSettings {
        TokenSettings { secret, issuer: self.issuer.clone(), audience: self.audience.clone(), lifetime: self.lifetime }
    }
}
