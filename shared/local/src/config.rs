//! Configuration from environment variables, read once at start-up.

use nna_domain::limits;
use nna_fetch::ArtSettings;
use nna_http::auth::AuthSettings;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct LocalConfig {
    /// `NNA_ADDR`, default `127.0.0.1:8080`.
    pub addr: SocketAddr,
    /// `NNA_DATA_DIR`, default `./.nna-data`: the database and the uploaded files.
    pub data_dir: PathBuf,
    /// `NNA_PUBLIC_URL`: how clients reach this server, for file URLs. Default `http://<addr>`.
    pub public_url: Option<String>,
    /// `NNA_CORS_ORIGINS`, comma-separated. Default: the deployed frontends and localhost:3000.
    pub cors_origins: Vec<String>,
    /// `NNA_MAX_UPLOAD_BYTES`, default 32 MiB.
    pub max_upload_bytes: u64,
    /// `NNA_CURSOR_KEY`: signs paging cursors. Unset, a random key per run (cursors end with it).
    pub cursor_key: Option<String>,
    /// `NNA_JOB_RETRY_MS`, default 30 s: how long a job that failed for a passing reason (or whose
    /// worker stopped) waits before it is handed out again — the queue's visibility timeout.
    pub job_retry: Duration,
    /// `NNA_ART_PROCESSING`, default on; `off` keeps album art as sent, never fetched or looked up
    /// (for working offline).
    pub process_art: bool,
    /// `NNA_ALBUM_ART_SHAPE`: `object` (default) or `url`, for today's frontend, which shows
    /// `albumArt` as an image URL.
    pub art_shape: nna_http::art_shape::ArtShape,
    /// The album-art fetcher and lookups: `NNA_ART_*`, `NNA_ITUNES_BASE_URL`, … (see `ArtSettings`).
    pub art: ArtSettings,
    /// `NNA_HEADER_TIMEOUT_MS`, `NNA_IDLE_TIMEOUT_MS`, `NNA_BODY_TIMEOUT_MS`, `NNA_MAX_CONNECTIONS`
    /// (defaults in `nna_domain::limits`): see `serve`.
    pub connections: crate::serve::ConnectionLimits,
    /// `NNA_FILE_SWEEP_SECS` (3600; 0: never): how often files no asset owns are removed.
    pub file_sweep: Option<Duration>,
    /// Login and register limits (`nna_domain::limits`; not read from the environment).
    pub auth_rates: nna_domain::auth::AuthRates,
    /// `NNA_JWT_*`, `NNA_ADMIN_EMAILS` (see `AuthSettings`). Without `NNA_JWT_SECRET` a random
    /// secret is made once and kept in the data folder (`jwt-secret`), so tokens outlive restarts.
    pub auth: AuthSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var}: {problem}")]
    Var { var: &'static str, problem: String },
    #[error(transparent)]
    Art(#[from] nna_fetch::SettingsError),
}

impl LocalConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let art = ArtSettings::from_lookup(&get)?;
        let get = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let number = |var: &'static str, default: u64| match get(var) {
            Some(n) => n.parse().map_err(|_| ConfigError::Var { var, problem: format!("{n:?} is not a number") }),
            None => Ok(default),
        };
        let millis = |var: &'static str, default: Duration| {
            let default = u64::try_from(default.as_millis()).unwrap_or(u64::MAX);
            number(var, default).map(|ms| Duration::from_millis(ms.max(100)))
        };
        let addr = match get("NNA_ADDR") {
            Some(a) => a
                .parse()
                .map_err(|e| ConfigError::Var { var: "NNA_ADDR", problem: format!("{a:?} is not host:port ({e})") })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        let cors_origins = match get("NNA_CORS_ORIGINS") {
            Some(list) => list.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect(),
            None => nna_http::cors::DEFAULT_ORIGINS.iter().map(|o| (*o).to_owned()).collect(),
        };
        Ok(Self {
            addr,
            data_dir: get("NNA_DATA_DIR").map_or_else(|| PathBuf::from(".nna-data"), PathBuf::from),
            public_url: get("NNA_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned()),
            cors_origins,
            max_upload_bytes: number("NNA_MAX_UPLOAD_BYTES", nna_domain::limits::UPLOAD_BYTES_DEFAULT)?,
            cursor_key: get("NNA_CURSOR_KEY"),
            job_retry: Duration::from_millis(number("NNA_JOB_RETRY_MS", 30_000)?.max(100)),
            process_art: !matches!(get("NNA_ART_PROCESSING").as_deref(), Some("off" | "false" | "0")),
            art_shape: nna_http::art_shape::ArtShape::from_setting(get("NNA_ALBUM_ART_SHAPE").as_deref())
                .map_err(|problem| ConfigError::Var { var: "NNA_ALBUM_ART_SHAPE", problem })?,
            art,
            connections: crate::serve::ConnectionLimits {
                header_timeout: millis("NNA_HEADER_TIMEOUT_MS", limits::HEADER_TIMEOUT_DEFAULT)?,
                idle_timeout: millis("NNA_IDLE_TIMEOUT_MS", limits::IDLE_TIMEOUT_DEFAULT)?,
                body_timeout: millis("NNA_BODY_TIMEOUT_MS", limits::BODY_TIMEOUT_DEFAULT)?,
                max_connections: usize::try_from(number("NNA_MAX_CONNECTIONS", limits::CONNECTIONS_DEFAULT)?.max(1))
                    .unwrap_or(usize::MAX),
            },
            file_sweep: Some(number("NNA_FILE_SWEEP_SECS", 3600)?).filter(|s| *s > 0).map(Duration::from_secs),
            auth_rates: nna_domain::auth::AuthRates::default(),
            auth: AuthSettings::from_lookup(get).map_err(|problem| ConfigError::Var { var: "NNA_JWT_*", problem })?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let d = LocalConfig::from_lookup(|_| None).unwrap();
        assert_eq!(d.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(d.data_dir, PathBuf::from(".nna-data"));
        assert_eq!(d.cors_origins.len(), 4);
        assert!(d.process_art && d.art.lookup && d.art.policy.https_only);
        assert_eq!(d.job_retry, Duration::from_secs(30));
        assert_eq!((d.connections.header_timeout, d.connections.max_connections), (Duration::from_secs(10), 512));
        let c = LocalConfig::from_lookup(|k| match k {
            "NNA_ADDR" => Some("0.0.0.0:9000".into()),
            "NNA_CORS_ORIGINS" => Some("https://a.io, https://b.io".into()),
            "NNA_ART_PROCESSING" => Some("off".into()),
            "NNA_ART_LOOKUP" => Some("off".into()),
            "NNA_JOB_RETRY_MS" => Some("2500".into()),
            "NNA_ART_ALLOWED_HOSTS" => Some("art.example, .cdn.example".into()),
            "NNA_IDLE_TIMEOUT_MS" => Some("750".into()),
            "NNA_MAX_CONNECTIONS" => Some("64".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.addr.port(), 9000);
        assert_eq!(c.cors_origins, ["https://a.io", "https://b.io"]);
        assert!(!c.process_art && !c.art.lookup);
        assert_eq!(c.job_retry, Duration::from_millis(2500));
        assert_eq!((c.connections.idle_timeout, c.connections.max_connections), (Duration::from_millis(750), 64));
        assert_eq!(c.art.policy.allowed_hosts, Some(vec!["art.example".to_owned(), ".cdn.example".to_owned()]));
        assert!(LocalConfig::from_lookup(|k| (k == "NNA_ADDR").then(|| "nope".into())).is_err());
        assert!(LocalConfig::from_lookup(|k| (k == "NNA_JOB_RETRY_MS").then(|| "soon".into())).is_err());
        assert!(LocalConfig::from_lookup(|k| (k == "NNA_ART_MAX_BYTES").then(|| "big".into())).is_err());
    }
}
