//! The album-art settings, from environment variables read once at start-up.

use crate::fetcher::{FetchPolicy, GuardedFetcher, SystemResolver};
use crate::{Itunes, Lookups, MusicBrainz};
use nna_album_art::Pipeline;
use nna_domain::ports::{AssetStore, BlobStore};
use nna_domain::settings::{Env, SettingsError};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtSettings {
    /// `NNA_ART_ALLOWED_HOSTS` (comma-separated, `.domain` for subdomains; unset, blank or `*`:
    /// any host whose addresses are public, the default), `NNA_ART_ALLOW_HTTP`,
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

impl ArtSettings {
    pub fn read(env: &Env) -> Result<Self, SettingsError> {
        let mut policy = FetchPolicy::default().restricted_to(&env.text("NNA_ART_ALLOWED_HOSTS").unwrap_or_default());
        policy.https_only = !env.switch("NNA_ART_ALLOW_HTTP", false)?;
        policy.max_bytes = env.number("NNA_ART_MAX_BYTES", policy.max_bytes)?;
        policy.timeout = env.millis("NNA_ART_TIMEOUT_MS", policy.timeout)?;
        policy.connect_timeout = env.millis("NNA_ART_CONNECT_TIMEOUT_MS", policy.connect_timeout)?;
        policy.loopback_names = env.list("NNA_ART_LOOPBACK_HOSTS").unwrap_or_default();
        Ok(Self {
            policy,
            lookup: env.switch("NNA_ART_LOOKUP", true)?,
            itunes: env.url("NNA_ITUNES_BASE_URL").unwrap_or_else(|| "https://itunes.apple.com".into()),
            musicbrainz: env.url("NNA_MUSICBRAINZ_BASE_URL").unwrap_or_else(|| "https://musicbrainz.org".into()),
            cover_art: env.url("NNA_COVERART_BASE_URL").unwrap_or_else(|| "https://coverartarchive.org".into()),
            contact: env.text("NNA_MUSICBRAINZ_CONTACT").unwrap_or_else(|| "https://github.com/nna-registry".into()),
            decode_memory_mib: env.number("NNA_ART_DECODE_MEMORY_MB", nna_album_art::DEFAULT_DECODE_MEMORY_MIB)?,
        })
    }

    /// The album-art pipeline over these adapters: the guarded fetcher and, if lookups are on,
    /// the catalogue lookups.
    pub fn pipeline(&self, store: Arc<dyn AssetStore>, blobs: Arc<dyn BlobStore>) -> Result<Pipeline, SettingsError> {
        if !self.policy.loopback_names.is_empty() {
            tracing::warn!(names = ?self.policy.loopback_names, "album art may be fetched from loopback: a test setting, never for production");
        }
        let fetcher = GuardedFetcher::new(self.policy.clone(), Arc::new(SystemResolver))
            .map_err(|e| SettingsError::new("NNA_ART_*", e.to_string()))?;
        let pipeline = Pipeline::new(store, blobs, Arc::new(fetcher)).with_decode_memory(self.decode_memory_mib);
        if !self.lookup {
            return Ok(pipeline);
        }
        let client = reqwest::Client::builder()
            .user_agent(format!("nna-registry/{} ( {} )", env!("CARGO_PKG_VERSION"), self.contact))
            .timeout(self.policy.timeout)
            .connect_timeout(self.policy.connect_timeout)
            .build()
            .map_err(|e| SettingsError::new("NNA_ART_*", e.to_string()))?;
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
        let with = |v: &'static str| {
            ArtSettings::read(&Env::from_fn(move |k| (k == "NNA_ART_DECODE_MEMORY_MB").then(|| v.to_owned())))
        };
        assert_eq!(ArtSettings::read(&Env::from_fn(|_| None)).unwrap().decode_memory_mib, 300);
        assert_eq!(with("600").unwrap().decode_memory_mib, 600);
        assert!(with("lots").is_err());
        assert!(with("99999999999").is_err());
    }
}
