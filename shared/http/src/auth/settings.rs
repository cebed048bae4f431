//! Auth configuration from the environment, the same for every deployment:
//! `NNA_JWT_SECRET` (≥ 32 bytes), `NNA_JWT_ISSUER` (default `nna-registry`), `NNA_JWT_AUDIENCE`
//! (default `nna-registry-api`), `NNA_JWT_TTL_SECS` (default a day). Admins are made by an operator
//! (`nna-ops make-admin`) or an admin, so `NNA_ADMIN_EMAILS`, which once made anyone who registered
//! a listed address an admin, is refused rather than silently ignored.

use super::TokenSettings;
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
        if get("NNA_ADMIN_EMAILS").is_some() {
            return Err(
                "NNA_ADMIN_EMAILS is no longer read: registering an address proves nothing, so it never makes \
                 an admin; make one with `nna-ops make-admin <email>` (or as an admin, POST /api/auth/make-admin)"
                    .into(),
            );
        }
        Ok(Self {
            secret,
            issuer: get("NNA_JWT_ISSUER").unwrap_or_else(|| "nna-registry".into()),
            audience: get("NNA_JWT_AUDIENCE").unwrap_or_else(|| "nna-registry-api".into()),
            lifetime: Duration::from_secs(lifetime),
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
        let with = |k: &str| match k {
            "NNA_ADMIN_EMAILS" => Some("boss@example.com".to_owned()),
            _ => None,
        };
        let refused = AuthSettings::from_lookup(with).unwrap_err();
        assert!(refused.contains("nna-ops make-admin"), "{refused}");
        // The template used to set it empty: that is no setting at all.
        assert!(AuthSettings::from_lookup(|k| (k == "NNA_ADMIN_EMAILS").then(String::new)).is_ok());
    }
}
