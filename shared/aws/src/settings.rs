//! What a function needs to know about its deployment, from environment variables read once at
//! start-up (set by `template.yaml`).

use nna_http::auth::AuthSettings;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `NNA_TABLE`: the DynamoDB table.
    pub table: String,
    /// `NNA_BUCKET`: the S3 bucket for uploaded files and album art.
    pub bucket: String,
    /// `NNA_QUEUE_URL`: the SQS queue for jobs (functions that send none may leave it unset).
    pub queue_url: Option<String>,
    /// `NNA_PUBLIC_URL`: where clients read stored files (the CloudFront distribution).
    pub public_url: String,
    /// `NNA_CORS_ORIGINS`, comma-separated; default the deployed frontends and localhost:3000.
    pub cors_origins: Vec<String>,
    /// `NNA_MAX_UPLOAD_BYTES`: the largest file, uploaded directly (default 32 MiB).
    pub max_upload_bytes: u64,
    /// `NNA_MAX_INLINE_BYTES`: the largest file sent inside a request (default 4 MiB, under what
    /// a Lambda request can carry once API Gateway has base64-encoded it).
    pub max_inline_bytes: u64,
    /// `NNA_ART_LOOKUP`: whether songs created without album art get it looked up (default on).
    pub art_lookup: bool,
    /// `NNA_ALBUM_ART_SHAPE`: `object` (default) or `url` while today's frontend, which shows
    /// `albumArt` as an image URL, is the client.
    pub art_shape: nna_http::art_shape::ArtShape,
    /// `NNA_S3_PATH_STYLE=true` for S3 emulators; AWS itself uses virtual-hosted style.
    pub s3_path_style: bool,
    /// `NNA_CURSOR_SECRET_ARN`: the Secrets Manager secret that signs paging cursors, read at
    /// start-up; every instance shares it, or a cursor made by one is refused by the next. Or
    /// `NNA_CURSOR_KEY` itself (tests, `sam local`). Neither: a random key (functions that make
    /// no cursors).
    pub cursor_secret_arn: Option<String>,
    pub cursor_key: Option<String>,
    /// `NNA_JWT_SECRET_ARN`: the Secrets Manager secret that signs tokens, read at start-up (the
    /// functions that check tokens have it; the others are not given it). `NNA_JWT_SECRET`
    /// (in `auth`) is the same value given directly, for tests and `sam local`.
    pub jwt_secret_arn: Option<String>,
    /// `NNA_SECRET_REFRESH_SECS` (default 300): how often the token secret is read again, so a
    /// rotation reaches running instances.
    pub secret_refresh: Duration,
    /// `NNA_WARM_TIMEOUT_MS`: how long start-up may spend opening the first connection; `0`
    /// leaves it to the first request (the benchmark compares the two).
    pub warm_timeout: Duration,
    /// `NNA_JWT_*`, `NNA_ADMIN_EMAILS` (see `AuthSettings`). The API functions need the secret.
    pub auth: AuthSettings,
}

#[derive(thiserror::Error)]
#[error("{var}: {problem}")]
pub struct SettingsError {
    var: &'static str,
    problem: String,
}

/// `main` returning this error prints it with `Debug`: say it plainly.
impl std::fmt::Debug for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bad configuration: {self}")
    }
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let required = |var: &'static str| get(var).ok_or(SettingsError { var, problem: "is not set".into() });
        let bytes = |var: &'static str, default: u64| match get(var) {
            Some(v) => {
                v.parse::<u64>().map_err(|_| SettingsError { var, problem: format!("{v:?} is not a byte count") })
            }
            None => Ok(default),
        };
        Ok(Self {
            table: required("NNA_TABLE")?,
            bucket: required("NNA_BUCKET")?,
            queue_url: get("NNA_QUEUE_URL"),
            public_url: required("NNA_PUBLIC_URL")?.trim_end_matches('/').to_owned(),
            cors_origins: match get("NNA_CORS_ORIGINS") {
                Some(list) => list.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect(),
                None => nna_http::cors::DEFAULT_ORIGINS.iter().map(|o| (*o).to_owned()).collect(),
            },
            max_upload_bytes: bytes("NNA_MAX_UPLOAD_BYTES", nna_domain::limits::UPLOAD_BYTES_DEFAULT)?,
            max_inline_bytes: bytes("NNA_MAX_INLINE_BYTES", nna_domain::limits::INLINE_BYTES_DEFAULT)?,
            cursor_secret_arn: get("NNA_CURSOR_SECRET_ARN"),
            cursor_key: get("NNA_CURSOR_KEY"),
            jwt_secret_arn: get("NNA_JWT_SECRET_ARN"),
            secret_refresh: Duration::from_secs(bytes("NNA_SECRET_REFRESH_SECS", 300)?),
            art_lookup: nna_domain::jobs::lookup_enabled(get("NNA_ART_LOOKUP").as_deref()),
            art_shape: nna_http::art_shape::ArtShape::from_setting(get("NNA_ALBUM_ART_SHAPE").as_deref())
                .map_err(|problem| SettingsError { var: "NNA_ALBUM_ART_SHAPE", problem })?,
            s3_path_style: get("NNA_S3_PATH_STYLE").is_some_and(|v| v == "true" || v == "1"),
            warm_timeout: Duration::from_millis(bytes("NNA_WARM_TIMEOUT_MS", 1500)?),
            auth: AuthSettings::from_lookup(get).map_err(|problem| SettingsError { var: "NNA_JWT_*", problem })?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_and_defaults() {
        let env = |k: &str| match k {
            "NNA_TABLE" => Some("assets".to_owned()),
            "NNA_BUCKET" => Some("files".to_owned()),
            "NNA_PUBLIC_URL" => Some("https://cdn.example/".to_owned()),
            "NNA_CURSOR_KEY" => Some("k".to_owned()),
            _ => None,
        };
        let s = Settings::from_lookup(env).unwrap();
        assert_eq!((s.public_url.as_str(), s.max_inline_bytes, s.queue_url), ("https://cdn.example", 4 << 20, None));
        let missing = Settings::from_lookup(|k| if k == "NNA_TABLE" { None } else { env(k) }).unwrap_err();
        assert_eq!(missing.to_string(), "NNA_TABLE: is not set");
    }
}
