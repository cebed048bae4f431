//! Which store, queue and archive a command works on, from `--store`, `--queue-url` and the
//! backup location.

use nna_aws::{AwsStorage, S3Blobs};
use nna_domain::settings::Env;
use nna_embedded::Embedded;
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

pub async fn ops(store: &StoreSpec, queue_url: Option<&str>, progress: Arc<dyn Progress>) -> Result<Ops, Error> {
    let adapters = match store {
        // Files are named by nna-local's URLs (the cutover's copies are served from them):
        // its `NNA_PUBLIC_URL`, with the same default.
        StoreSpec::Embedded(dir) => {
            let public = Env::process().url("NNA_PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:8080".into());
            let embedded = Embedded::open(dir, &public)?;
            embedded.store.expire_history_after(nna_domain::settings::history_expiry(&Env::process())?);
            embedded.adapters
        }
        StoreSpec::Dynamo(table) => {
            // The bucket (`NNA_BUCKET`, for `sweep-files`) and how to address it are read as the
            // functions read them; the table is the one `--store` names.
            let mut storage = AwsStorage::read(&Env::process().with("NNA_TABLE", table.as_str()))?;
            storage.queue_url = queue_url.map(str::to_owned);
            storage.connect(&sdk().await).adapters
        }
    };
    with_retention(Ops::over(adapters, progress))
}

/// How long deleted assets' files are kept, read as the API reads it.
fn with_retention(mut ops: Ops) -> Result<Ops, Error> {
    let days =
        Env::process().number("NNA_DELETED_RETENTION_DAYS", nna_domain::limits::DELETED_RETENTION_DAYS_DEFAULT)?;
    ops.deleted_retention = nna_domain::limits::days(days);
    Ok(ops)
}

/// The deployment the ops function belongs to, entirely as its environment names it.
pub async fn deployed(progress: Arc<dyn Progress>) -> Result<Ops, Error> {
    let storage = AwsStorage::read(&Env::process())?;
    with_retention(Ops::over(storage.connect(&sdk().await).adapters, progress))
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
    let client = nna_aws::s3_for(&Env::process(), &sdk().await)?;
    let blobs = Arc::new(S3Blobs::new(client, bucket, &format!("s3://{bucket}")));
    Ok(Box::new(BlobArchive::new(blobs, prefix, &format!("s3://{bucket}"))))
}
