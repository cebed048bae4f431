//! What every deployment's API reads from its environment, read the same way everywhere, and the
//! one wiring that turns a deployment's adapters and these settings into its registry.

use crate::HttpConfig;
use crate::art_shape::ArtShape;
use crate::auth::{AuthSettings, Tokens};
use nna_domain::auth::AuthRates;
use nna_domain::ports::Adapters;
use nna_domain::search::CursorKey;
use nna_domain::settings::{Env, SettingsError};
use nna_domain::{Registry, RegistryConfig, limits};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// `NNA_CORS_ORIGINS`, comma-separated; default the deployed frontends and localhost:3000.
    pub cors_origins: Vec<String>,
    /// `NNA_MAX_UPLOAD_BYTES`: the largest file, uploaded directly (default 32 MiB).
    pub max_upload_bytes: u64,
    /// `NNA_ART_LOOKUP`: whether songs created without album art get it looked up (default on).
    pub art_lookup: bool,
    /// `NNA_ALBUM_ART_SHAPE`: `object` (default) or `url` while today's frontend, which shows
    /// `albumArt` as an image URL, is the client.
    pub art_shape: ArtShape,
    /// `NNA_CURSOR_KEY`: signs paging cursors (a deployment may read it from a secret instead).
    pub cursor_key: Option<String>,
    /// `NNA_JWT_*` (see `AuthSettings`).
    pub auth: AuthSettings,
    /// Login and register limits (`nna_domain::limits`; not read from the environment).
    pub auth_rates: AuthRates,
    /// `NNA_DELETED_RETENTION_DAYS`: how long a deleted asset can be brought back, its files kept
    /// unserved meanwhile (default 30; 0: deleted files go at once and nothing is brought back).
    pub deleted_retention_days: u32,
}

impl ApiSettings {
    pub fn read(env: &Env) -> Result<Self, SettingsError> {
        Ok(Self {
            cors_origins: env
                .list("NNA_CORS_ORIGINS")
                .unwrap_or_else(|| crate::cors::DEFAULT_ORIGINS.iter().map(|o| (*o).to_owned()).collect()),
            max_upload_bytes: env.number("NNA_MAX_UPLOAD_BYTES", limits::UPLOAD_BYTES_DEFAULT)?,
            art_lookup: env.switch("NNA_ART_LOOKUP", true)?,
            art_shape: ArtShape::from_setting(env.text("NNA_ALBUM_ART_SHAPE").as_deref())
                .map_err(|problem| SettingsError::new("NNA_ALBUM_ART_SHAPE", problem))?,
            cursor_key: env.text("NNA_CURSOR_KEY"),
            auth: AuthSettings::read(env)?,
            auth_rates: AuthRates::default(),
            deleted_retention_days: env.number("NNA_DELETED_RETENTION_DAYS", limits::DELETED_RETENTION_DAYS_DEFAULT)?,
        })
    }
}

impl ApiSettings {
    /// The one wiring every deployment goes through (the Lambda bootstrap, `nna-local`): its
    /// adapters and these settings make its registry.
    pub fn wire(&self, adapters: &Adapters, cursor_key: CursorKey) -> Result<Registry, SettingsError> {
        let files =
            adapters.files.clone().ok_or_else(|| SettingsError::new("NNA_BUCKET", "the API needs a file store"))?;
        let mut config = RegistryConfig::new(self.max_upload_bytes, cursor_key);
        config.auth_rates = self.auth_rates;
        config.deleted_retention = limits::days(self.deleted_retention_days);
        let registry = Registry::over(adapters, files, config);
        Ok(match &adapters.jobs {
            Some(jobs) => registry.with_jobs(jobs.clone(), self.art_lookup),
            None => registry,
        })
    }

    /// The router's config: `inline_bytes` is the largest file a request may carry itself (on
    /// Lambda, less than the largest upload).
    pub fn http(&self, tokens: Arc<Tokens>, inline_bytes: u64) -> HttpConfig {
        let mut http = HttpConfig::new(self.cors_origins.clone(), inline_bytes, tokens);
        http.art_shape = self.art_shape;
        http.legacy_tokens = self.auth.legacy_tokens();
        http
    }
}
