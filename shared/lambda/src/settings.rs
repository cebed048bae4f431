//! What an API function needs to know about its deployment, from environment variables read once
//! at start-up (set by `template.yaml`).

use nna_aws::AwsStorage;
use nna_domain::settings::{Env, SettingsError};
use nna_http::settings::ApiSettings;
use std::time::Duration;

/// The largest file inside a request unless configured (`NNA_MAX_INLINE_BYTES`): what an API
/// Gateway event holds, base64 and all.
const INLINE_BYTES_DEFAULT: u64 = 4 * 1024 * 1024;
/// How often a function reads its token secret again (`NNA_SECRET_REFRESH_SECS`).
const SECRET_REFRESH_DEFAULT: Duration = Duration::from_secs(300);
/// How long start-up may spend opening its first connection (`NNA_WARM_TIMEOUT_MS`).
const WARM_TIMEOUT_DEFAULT: Duration = Duration::from_millis(1500);

#[derive(Debug, Clone)]
pub struct Settings {
    pub storage: AwsStorage,
    pub api: ApiSettings,
    /// `NNA_MAX_INLINE_BYTES`: the largest file sent inside a request (default 4 MiB, under what
    /// a Lambda request can carry once API Gateway has base64-encoded it).
    pub max_inline_bytes: u64,
    /// `NNA_CURSOR_SECRET_ARN`: the Secrets Manager secret that signs paging cursors, read at
    /// start-up; every instance shares it, or a cursor made by one is refused by the next. Or
    /// `NNA_CURSOR_KEY` itself (tests, `sam local`). Neither: a random key (functions that make
    /// no cursors).
    pub cursor_secret_arn: Option<String>,
    /// `NNA_JWT_SECRET_ARN`: the Secrets Manager secret that signs tokens, read at start-up (the
    /// functions that check tokens have it; the others are not given it). `NNA_JWT_SECRET`
    /// (in `auth`) is the same value given directly, for tests and `sam local`.
    pub jwt_secret_arn: Option<String>,
    /// `NNA_LEGACY_JWT_SECRET_ARN`: the old backend's token secret, through a cutover (with
    /// `NNA_LEGACY_TOKENS_UNTIL`; see `nna_http::auth::LegacySettings`), read at start-up.
    pub legacy_jwt_secret_arn: Option<String>,
    /// `NNA_SECRET_REFRESH_SECS` (default 300): how often the token secret is read again, so a
    /// rotation reaches running instances.
    pub secret_refresh: Duration,
    /// `NNA_WARM_TIMEOUT_MS`: how long start-up may spend opening the first connection; `0`
    /// leaves it to the first request (the benchmark compares the two).
    pub warm_timeout: Duration,
}

impl Settings {
    pub fn read(env: &Env) -> Result<Self, SettingsError> {
        // A function serves files: it needs both, where an operator's run may do without.
        env.required("NNA_BUCKET")?;
        env.required("NNA_PUBLIC_URL")?;
        Ok(Self {
            storage: AwsStorage::read(env)?,
            api: ApiSettings::read(env)?,
            max_inline_bytes: env.number("NNA_MAX_INLINE_BYTES", INLINE_BYTES_DEFAULT)?,
            cursor_secret_arn: env.text("NNA_CURSOR_SECRET_ARN"),
            jwt_secret_arn: env.text("NNA_JWT_SECRET_ARN"),
            legacy_jwt_secret_arn: env.text("NNA_LEGACY_JWT_SECRET_ARN"),
            secret_refresh: env.secs("NNA_SECRET_REFRESH_SECS", SECRET_REFRESH_DEFAULT)?,
            warm_timeout: env.millis("NNA_WARM_TIMEOUT_MS", WARM_TIMEOUT_DEFAULT)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(k: &str) -> Option<String> {
        match k {
            "NNA_TABLE" => Some("assets".to_owned()),
            "NNA_BUCKET" => Some("files".to_owned()),
            "NNA_PUBLIC_URL" => Some("https://cdn.example/".to_owned()),
            "NNA_CURSOR_KEY" => Some("k".to_owned()),
            _ => None,
        }
    }

    #[test]
    fn required_and_defaults() {
        let s = Settings::read(&Env::from_fn(env)).unwrap();
        assert_eq!(
            (s.storage.public_url.as_str(), s.max_inline_bytes, s.storage.queue_url),
            ("https://cdn.example", 4 << 20, None)
        );
        let missing = Settings::read(&Env::from_fn(|k| if k == "NNA_TABLE" { None } else { env(k) })).unwrap_err();
        assert_eq!(missing.to_string(), "NNA_TABLE: is not set");
    }
}
