//! Running queued jobs, wherever they were received (the Lambda SQS handler, the local worker).

use super::{Registry, RegistryError};
use crate::address::AssetKey;
use crate::jobs::{Job, JobError};

impl Registry {
    pub async fn run_job(&self, job: &Job) -> Result<(), JobError> {
        let asset =
            self.store.get(&AssetKey::Id(job.asset_id().clone())).await.map_err(|e| transient_or_not(e.into()))?;
        let Some(asset) = asset else {
            return Err(JobError::Permanent(format!("asset {} no longer exists", job.asset_id())));
        };
        match job {
            Job::AlbumArt { source_url, revision, .. } => {
                tracing::info!(asset = %asset.id, hfn = %asset.name, ?source_url, revision, "album art job received");
                Ok(())
            }
        }
    }
}

fn transient_or_not(e: RegistryError) -> JobError {
    match e {
        RegistryError::Unavailable(m) => JobError::Transient(m),
        other => JobError::Permanent(other.to_string()),
    }
}
