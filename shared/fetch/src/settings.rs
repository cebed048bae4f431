//! The album-art settings, from environment variables read once at start-up.

use crate::fetcher::{FetchPolicy, GuardedFetcher, SystemResolver};
use crate::{Itunes, Lookups, MusicBrainz};
use nna_album_art::Pipeline;
use nna_domain::ports::{AssetStore, BlobStore};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtSettings {
    /// `NNA_ART_ALLOWED_HOSTS` (comma-separated, `.domain` for subdomains, `*` for any public
    /// host; default the iTunes artwork hosts and Cover Art Archive), `NNA_ART_ALLOW_HTTP`,
    /// `NNA_ART_MAX_BYTES` (20 MiB), `NNA_ART_TIMEOUT_MS` (10 s), `NNA_ART_CONNECT_TIMEOUT_MS`
    /// (3 s), `NNA_ART_LOOPBACK_HOSTS` (tests only: names allowed to be loopback).
    pub policy: FetchPolicy,
    /// `NNA_ART_LOOKUP`: `off` leaves songs without art as they are. Default on.
    pub lookup: bool,
    /// `NNA_ITUNES_BASE_URL`, `NNA_MUSICBRAINZ_BASE_URL`, `NNA_COVERART_BASE_URL`.
    pub itunes: String,
    pub musicbrainz: String,
    pub cover_art: String,
    /// `NNA_MUSICBRAINZ_CONTACT`: how MusicBrainz can reach whoever runs this (URL or email).
    pub contact: String,
    /// `NNA_ART_DECODE_MEMORY_MB`: what concurrent decodes may take together (default 300).
    pub decode_memory_mib: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(String);

impl ArtSettings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let number = |k: &str, default: u64| -> Result<u64, SettingsError> {
            get(k).map_or(Ok(default), |v| v.parse().map_err(|_| SettingsError(format!("{k}: {v:?} is not a number"))))
        };
        let mut policy = FetchPolicy::production();
        if let Some(hosts) = get("NNA_ART_ALLOWED_HOSTS") {
            policy.allowed_hosts = if hosts == "*" {
                None
            } else {
                Some(hosts.split(',').map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()).collect())
            };
        }
        policy.https_only = !get("NNA_ART_ALLOW_HTTP").is_some_and(|v| v == "true" || v == "1");
        policy.max_bytes = number("NNA_ART_MAX_BYTES", policy.max_bytes)?;
        policy.timeout = Duration::from_millis(number("NNA_ART_TIMEOUT_MS", 10_000)?);
        policy.connect_timeout = Duration::from_millis(number("NNA_ART_CONNECT_TIMEOUT_MS", 3_000)?);
        policy.loopback_names = get("NNA_ART_LOOPBACK_HOSTS")
            .map(|v| v.split(',').map(|h| h.trim().to_owned()).collect())
            .unwrap_or_default();
        Ok(Self {
            policy,
            lookup: nna_domain::jobs::lookup_enabled(get("NNA_ART_LOOKUP").as_deref()),
            itunes: get("NNA_ITUNES_BASE_URL").unwrap_or_else(|| "https://itunes.apple.com".into()),
            musicbrainz: get("NNA_MUSICBRAINZ_BASE_URL").unwrap_or_else(|| "https://musicbrainz.org".into()),
            cover_art: get("NNA_COVERART_BASE_URL").unwrap_or_else(|| "https://coverartarchive.org".into()),
            contact: get("NNA_MUSICBRAINZ_CONTACT").unwrap_or_else(|| "https://github.com/nna-registry".into()),
            decode_memory_mib: u32::try_from(number(
                "NNA_ART_DECODE_MEMORY_MB",
                u64::from(nna_album_art::DEFAULT_DECODE_MEMORY_MIB),
            )?)
            .map_err(|_| SettingsError("NNA_ART_DECODE_MEMORY_MB is too large".into()))?,
        })
    }

    /// The album-art pipeline over these adapters: the guarded fetcher and, if lookups are on,
    /// the catalogue lookups.
    pub fn pipeline(&self, store: Arc<dyn AssetStore>, blobs: Arc<dyn BlobStore>) -> Result<Pipeline, SettingsError> {
        if !self.policy.loopback_names.is_empty() {
            tracing::warn!(names = ?self.policy.loopback_names, "album art may be fetched from loopback: a test setting, never for production");
        }
        let fetcher = GuardedFetcher::new(self.policy.clone(), Arc::new(SystemResolver))
            .map_err(|e| SettingsError(e.to_string()))?;
        let pipeline = Pipeline::new(store, blobs, Arc::new(fetcher)).with_decode_memory(self.decode_memory_mib);
        if !self.lookup {
            return Ok(pipeline);
        }
        let client = reqwest::Client::builder()
            .user_agent(format!("nna-registry/{} ( {} )", env!("CARGO_PKG_VERSION"), self.contact))
            .timeout(self.policy.timeout)
            .connect_timeout(self.policy.connect_timeout)
            .build()
            .map_err(|e| SettingsError(e.to_string()))?;
        let lookups = Lookups {
            itunes: Itunes::new(client.clone(), &self.itunes),
            musicbrainz: MusicBrainz::new(client, &self.musicbrainz, &self.cover_art),
        };
        Ok(pipeline.with_lookup(Arc::new(lookups)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decode_budget_is_read_and_checked() {
        let with = |v: &str| ArtSettings::from_lookup(|k| (k == "NNA_ART_DECODE_MEMORY_MB").then(|| v.to_owned()));
        assert_eq!(ArtSettings::from_lookup(|_| None).unwrap().decode_memory_mib, 300);
        assert_eq!(with("600").unwrap().decode_memory_mib, 600);
        assert!(with("lots").is_err());
        assert!(with("99999999999").is_err());
    }
}
