//! Where a deployment keeps its data, from environment variables read once (set by `template.yaml`
//! for the functions, by the operator for `nna-ops`), and the one place the AWS adapters are made.

use crate::{DynamoStore, S3Blobs, SqsQueue};
use nna_domain::jobs::JobQueue;
use nna_domain::ports::{Adapters, BlobStore};
use nna_domain::settings::{Env, SettingsError};
use std::sync::Arc;
use std::time::Duration;

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
