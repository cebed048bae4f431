//! Configuration from environment variables, read once at start-up.

use std::net::SocketAddr;
use std::path::PathBuf;

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
}

#[derive(Debug, thiserror::Error)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    var: &'static str,
    problem: String,
}

impl LocalConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let addr = match get("NNA_ADDR") {
            Some(a) => a
                .parse()
                .map_err(|e| ConfigError { var: "NNA_ADDR", problem: format!("{a:?} is not host:port ({e})") })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        let max_upload_bytes = match get("NNA_MAX_UPLOAD_BYTES") {
            Some(n) => n.parse().map_err(|_| ConfigError {
                var: "NNA_MAX_UPLOAD_BYTES",
                problem: format!("{n:?} is not a byte count"),
            })?,
            None => 32 * 1024 * 1024,
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
            max_upload_bytes,
            cursor_key: get("NNA_CURSOR_KEY"),
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
        let c = LocalConfig::from_lookup(|k| match k {
            "NNA_ADDR" => Some("0.0.0.0:9000".into()),
            "NNA_CORS_ORIGINS" => Some("https://a.io, https://b.io".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.addr.port(), 9000);
        assert_eq!(c.cors_origins, ["https://a.io", "https://b.io"]);
        assert!(LocalConfig::from_lookup(|k| (k == "NNA_ADDR").then(|| "nope".into())).is_err());
    }
}
