//! What a function needs to know about its deployment, from environment variables read once at
//! start-up (set by `template.yaml`), and the one place its AWS adapters are made.

use crate::{DynamoStore, S3Blobs, SqsQueue};
use nna_domain::jobs::JobQueue;
use nna_domain::ports::{Adapters, BlobStore};
use nna_domain::settings::{Env, SettingsError};
use nna_http::settings::ApiSettings;
use std::sync::Arc;
use std::time::Duration;

/// The largest file inside a request unless configured (`NNA_MAX_INLINE_BYTES`): what an API
/// Gateway event holds, base64 and all.
const INLINE_BYTES_DEFAULT: u64 = 4 * 1024 * 1024;
/// How often a function reads its token secret again (`NNA_SECRET_REFRESH_SECS`).
const SECRET_REFRESH_DEFAULT: Duration = Duration::from_secs(300);
/// How long start-up may spend opening its first connection (`NNA_WARM_TIMEOUT_MS`).
const WARM_TIMEOUT_DEFAULT: Duration = Duration::from_millis(1500);

/// Where a deployment keeps its data: read by the functions and by `nna-ops --store dynamodb:`.
#[derive(Debug, Clone)]
pub struct AwsStorage {
    /// `NNA_TABLE`: the DynamoDB table.
    pub table: String,
    /// `NNA_BUCKET`: the S3 bucket for uploaded files and album art.
    pub bucket: Option<String>,
    /// `NNA_QUEUE_URL`: the SQS queue for jobs (functions that send none may leave it unset).
    pub queue_url: Option<String>,
    /// `NNA_PUBLIC_URL`: where clients read stored files (the CloudFront distribution).
    pub public_url: String,
    /// `NNA_S3_PATH_STYLE=true` for S3 emulators; AWS itself uses virtual-hosted style.
    pub s3_path_style: bool,
    /// `NNA_HISTORY_EXPIRY_DAYS`: history entries carry a TTL that far past their time (off
    /// unless set; `nna_domain::settings::history_expiry`).
    pub history_expiry: Option<Duration>,
}

/// The adapters over one deployment's table, bucket and queue, with the concrete store kept for
/// what only DynamoDB has (its read metrics, warming its connection).
pub struct AwsAdapters {
    pub adapters: Adapters,
    pub dynamo: Arc<DynamoStore>,
}

impl AwsStorage {
    pub fn read(env: &Env) -> Result<Self, SettingsError> {
        Ok(Self {
            table: env.required("NNA_TABLE")?,
            bucket: env.text("NNA_BUCKET"),
            queue_url: env.text("NNA_QUEUE_URL"),
            public_url: env.url("NNA_PUBLIC_URL").unwrap_or_default(),
            s3_path_style: path_style(env)?,
            history_expiry: nna_domain::settings::history_expiry(env)?,
        })
    }

    fn s3(&self, sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
        s3_client(sdk, self.s3_path_style)
    }

    pub fn connect(&self, sdk: &aws_config::SdkConfig) -> AwsAdapters {
        let dynamo = Arc::new(
            DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &self.table).expiring_history(self.history_expiry),
        );
        let mut adapters = Adapters::of(dynamo.clone());
        adapters.files = self
            .bucket
            .as_ref()
            .map(|bucket| Arc::new(S3Blobs::new(self.s3(sdk), bucket, &self.public_url)) as Arc<dyn BlobStore>);
        adapters.jobs = self
            .queue_url
            .as_ref()
            .map(|url| Arc::new(SqsQueue::new(aws_sdk_sqs::Client::new(sdk), url)) as Arc<dyn JobQueue>);
        AwsAdapters { adapters, dynamo }
    }
}

/// `NNA_S3_PATH_STYLE=true` for S3 emulators.
fn path_style(env: &Env) -> Result<bool, SettingsError> {
    env.switch("NNA_S3_PATH_STYLE", false)
}

fn s3_client(sdk: &aws_config::SdkConfig, path_style: bool) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(sdk).force_path_style(path_style).build())
}

/// An S3 client for a bucket the deployment does not own (an operator's archive), addressed as the
/// deployment addresses its own.
pub fn s3_for(env: &Env, sdk: &aws_config::SdkConfig) -> Result<aws_sdk_s3::Client, SettingsError> {
    Ok(s3_client(sdk, path_style(env)?))
}

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
