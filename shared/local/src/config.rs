//! Configuration from environment variables, read once at start-up through the same reader and
//! the same API settings as the Lambda functions'.

use nna_domain::settings::{Env, SettingsError};
use nna_fetch::ArtSettings;
use nna_http::settings::ApiSettings;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Connections (each configurable below): a request head within this of opening or of the
/// previous answer; closed after this idle; a body silent this long is refused; at most this many
/// open.
const HEADER_TIMEOUT_DEFAULT: Duration = Duration::from_secs(10);
const IDLE_TIMEOUT_DEFAULT: Duration = Duration::from_secs(5);
const BODY_TIMEOUT_DEFAULT: Duration = Duration::from_secs(30);
const CONNECTIONS_DEFAULT: usize = 512;
/// A job that failed for a passing reason waits this long (`NNA_JOB_RETRY_MS`).
const JOB_RETRY_DEFAULT: Duration = Duration::from_secs(30);
/// Unowned files are swept this often (`NNA_FILE_SWEEP_SECS`).
const FILE_SWEEP_EVERY_DEFAULT: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub struct LocalConfig {
    /// `NNA_ADDR`, default `127.0.0.1:8080`.
    pub addr: SocketAddr,
    /// `NNA_DATA_DIR`, default `./.nna-data`: the database and the uploaded files.
    pub data_dir: PathBuf,
    /// `NNA_PUBLIC_URL`: how clients reach this server, for file URLs. Default `http://<addr>`.
    pub public_url: Option<String>,
    /// What every deployment's API reads (`NNA_CORS_ORIGINS`, `NNA_MAX_UPLOAD_BYTES`,
    /// `NNA_CURSOR_KEY`, …). Without `NNA_CURSOR_KEY`, a random key per run (cursors end with it);
    /// without `NNA_JWT_SECRET` a random secret is made once and kept in the data folder
    /// (`jwt-secret`), so tokens outlive restarts.
    pub api: ApiSettings,
    /// `NNA_JOB_RETRY_MS`, default 30 s: how long a job that failed for a passing reason (or whose
    /// worker stopped) waits before it is handed out again — the queue's visibility timeout.
    pub job_retry: Duration,
    /// `NNA_ART_PROCESSING`, default on; `off` keeps album art as sent, never fetched or looked up
    /// (for working offline).
    pub process_art: bool,
    /// The album-art fetcher and lookups: `NNA_ART_*`, `NNA_ITUNES_BASE_URL`, … (see `ArtSettings`).
    pub art: ArtSettings,
    /// `NNA_HEADER_TIMEOUT_MS`, `NNA_IDLE_TIMEOUT_MS`, `NNA_BODY_TIMEOUT_MS`, `NNA_MAX_CONNECTIONS`
    /// (defaults in `nna_domain::limits`): see `serve`.
    pub connections: crate::serve::ConnectionLimits,
    /// `NNA_FILE_SWEEP_SECS` (3600; 0: never): how often files no asset owns are removed.
    pub file_sweep: Option<Duration>,
    /// `NNA_HISTORY_EXPIRY_DAYS` (off): how old history entries may get.
    pub history_expiry: Option<Duration>,
}

impl LocalConfig {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::read(&Env::process())
    }

    pub fn read(env: &Env) -> Result<Self, SettingsError> {
        // Shorter than a tenth of a second would cut off any real client.
        let millis = |var: &str, default: Duration| env.millis(var, default).map(|d| d.max(Duration::from_millis(100)));
        let addr = match env.text("NNA_ADDR") {
            Some(a) => {
                a.parse().map_err(|e| SettingsError::new("NNA_ADDR", format!("{a:?} is not host:port ({e})")))?
            }
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        Ok(Self {
            addr,
            data_dir: env.text("NNA_DATA_DIR").map_or_else(|| PathBuf::from(".nna-data"), PathBuf::from),
            public_url: env.url("NNA_PUBLIC_URL"),
            api: ApiSettings::read(env)?,
            job_retry: millis("NNA_JOB_RETRY_MS", JOB_RETRY_DEFAULT)?,
            process_art: env.switch("NNA_ART_PROCESSING", true)?,
            art: ArtSettings::read(env)?,
            connections: crate::serve::ConnectionLimits {
                header_timeout: millis("NNA_HEADER_TIMEOUT_MS", HEADER_TIMEOUT_DEFAULT)?,
                idle_timeout: millis("NNA_IDLE_TIMEOUT_MS", IDLE_TIMEOUT_DEFAULT)?,
                body_timeout: millis("NNA_BODY_TIMEOUT_MS", BODY_TIMEOUT_DEFAULT)?,
                max_connections: env.number("NNA_MAX_CONNECTIONS", CONNECTIONS_DEFAULT)?.max(1),
            },
            file_sweep: Some(env.secs("NNA_FILE_SWEEP_SECS", FILE_SWEEP_EVERY_DEFAULT)?).filter(|s| !s.is_zero()),
            history_expiry: nna_domain::settings::history_expiry(env)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let d = LocalConfig::read(&Env::from_fn(|_| None)).unwrap();
        assert_eq!(d.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(d.data_dir, PathBuf::from(".nna-data"));
        assert_eq!(d.api.cors_origins.len(), 4);
        assert!(d.process_art && d.art.lookup && d.art.policy.https_only);
        assert_eq!(d.job_retry, Duration::from_secs(30));
        assert_eq!((d.connections.header_timeout, d.connections.max_connections), (Duration::from_secs(10), 512));
        let c = LocalConfig::read(&Env::from_fn(|k| match k {
            "NNA_ADDR" => Some("0.0.0.0:9000".into()),
            "NNA_CORS_ORIGINS" => Some("https://a.io, https://b.io".into()),
            "NNA_ART_PROCESSING" => Some("off".into()),
            "NNA_ART_LOOKUP" => Some("off".into()),
            "NNA_JOB_RETRY_MS" => Some("2500".into()),
            "NNA_ART_ALLOWED_HOSTS" => Some("art.example, .cdn.example".into()),
            "NNA_IDLE_TIMEOUT_MS" => Some("750".into()),
            "NNA_MAX_CONNECTIONS" => Some("64".into()),
            _ => None,
        }))
        .unwrap();
        assert_eq!(c.addr.port(), 9000);
        assert_eq!(c.api.cors_origins, ["https://a.io", "https://b.io"]);
        assert!(!c.process_art && !c.art.lookup);
        assert_eq!(c.job_retry, Duration::from_millis(2500));
        assert_eq!((c.connections.idle_timeout, c.connections.max_connections), (Duration::from_millis(750), 64));
        assert_eq!(c.art.policy.allowed_hosts, Some(vec!["art.example".to_owned(), ".cdn.example".to_owned()]));
        let one = |var: &'static str, value: &'static str| {
            LocalConfig::read(&Env::from_fn(move |k| (k == var).then(|| value.to_owned())))
        };
        assert!(one("NNA_ADDR", "nope").is_err());
        assert!(one("NNA_JOB_RETRY_MS", "soon").is_err());
        assert!(one("NNA_ART_MAX_BYTES", "big").is_err());
        assert!(one("NNA_ART_PROCESSING", "sometimes").is_err());
    }
}
