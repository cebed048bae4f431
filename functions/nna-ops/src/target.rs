//! Which store, queue and archive a command works on, from `--store`, `--queue-url` and the
//! backup location.

use nna_aws::{DynamoStore, S3Blobs, SqsQueue};
use nna_domain::jobs::JobQueue;
use nna_domain::ports::BlobStore;
use nna_embedded::SqliteStore;
use nna_operations::Ops;
use nna_operations::archive::{Archive, BlobArchive, DirArchive};
use nna_operations::progress::Progress;
use std::path::PathBuf;
use std::sync::Arc;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// `embedded:<data folder>` (what `nna-local` serves from) or `dynamodb:<table>`.
#[derive(Debug, Clone)]
pub enum StoreSpec {
    Embedded(PathBuf),
    Dynamo(String),
}

impl std::str::FromStr for StoreSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once(':') {
            Some(("embedded", dir)) if !dir.is_empty() => Ok(Self::Embedded(dir.into())),
            Some(("dynamodb", table)) if !table.is_empty() => Ok(Self::Dynamo(table.into())),
            _ => Err(format!("{s:?}: expected embedded:<data folder> or dynamodb:<table>")),
        }
    }
}

async fn sdk() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await
}

fn path_style() -> bool {
    std::env::var("NNA_S3_PATH_STYLE").is_ok_and(|v| v == "true" || v == "1")
}

pub async fn ops(store: &StoreSpec, queue_url: Option<&str>, progress: Arc<dyn Progress>) -> Result<Ops, Error> {
    Ok(match store {
        StoreSpec::Embedded(dir) => {
            std::fs::create_dir_all(dir)?;
            let sqlite = Arc::new(SqliteStore::open(dir.join("registry.sqlite3"))?);
            let jobs: Arc<dyn JobQueue> = Arc::new(sqlite.queue());
            // URLs are not needed: the sweep recognises a file by its key.
            let files = nna_embedded::DiskBlobs::new(dir.join("files"), "http://files", "http://upload")?;
            Ops {
                store: sqlite.clone(),
                index: sqlite.clone(),
                users: sqlite.clone(),
                files: Some(Arc::new(files)),
                maintenance: sqlite,
                jobs: Some(jobs),
                progress,
            }
        }
        StoreSpec::Dynamo(table) => {
            let sdk = sdk().await;
            let dynamo = Arc::new(DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), table));
            let jobs =
                queue_url.map(|url| Arc::new(SqsQueue::new(aws_sdk_sqs::Client::new(&sdk), url)) as Arc<dyn JobQueue>);
            // The files bucket, as the deployment names it (`NNA_BUCKET`).
            let files = std::env::var("NNA_BUCKET").ok().filter(|b| !b.trim().is_empty()).map(|bucket| {
                let config = aws_sdk_s3::config::Builder::from(&sdk).force_path_style(path_style()).build();
                let public = std::env::var("NNA_PUBLIC_URL").unwrap_or_default();
                Arc::new(S3Blobs::new(aws_sdk_s3::Client::from_conf(config), &bucket, &public)) as Arc<dyn BlobStore>
            });
            Ops {
                store: dynamo.clone(),
                index: dynamo.clone(),
                users: dynamo.clone(),
                files,
                maintenance: dynamo,
                jobs,
                progress,
            }
        }
    })
}

/// A folder, or `s3://bucket/prefix`.
pub async fn archive(location: &str) -> Result<Box<dyn Archive>, Error> {
    let Some(rest) = location.strip_prefix("s3://") else {
        return Ok(Box::new(DirArchive::new(location)));
    };
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("{location:?}: no bucket").into());
    }
    let sdk = sdk().await;
    let client =
        aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(path_style()).build());
    let blobs = Arc::new(S3Blobs::new(client, bucket, &format!("s3://{bucket}")));
    Ok(Box::new(BlobArchive::new(blobs, prefix, &format!("s3://{bucket}"))))
}
