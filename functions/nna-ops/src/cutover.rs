//! The cutover's commands on the command line and in the ops function: where exports are read
//! from and the way back written to (a local path or `s3://bucket/key`), and the guarded client
//! that downloads the old bucket's files.

use crate::target::{Error, archive};
use nna_domain::legacy::export::{self, Exported};
use nna_fetch::{FetchPolicy, GuardedFetcher, SystemResolver};
use nna_operations::archive::Archive;
use nna_operations::cutover::files::CopyOptions;
use std::sync::Arc;
use std::time::Duration;

/// A location's folder (an archive) and its file name.
async fn split(location: &str) -> Result<(Box<dyn Archive>, String), Error> {
    let (dir, name) = location.rsplit_once('/').unwrap_or((".", location));
    if name.is_empty() {
        return Err(format!("{location:?} names a folder, not a file").into());
    }
    Ok((archive(if dir.is_empty() { "/" } else { dir }).await?, name.to_owned()))
}

/// A mongoexport file (JSON lines or one array), from a path or `s3://bucket/key`.
pub async fn read_export(location: &str) -> Result<Vec<Exported>, Error> {
    let (archive, name) = split(location).await?;
    let bytes = archive.get(&name).await?;
    let text = String::from_utf8(bytes.to_vec()).map_err(|e| format!("{location}: not UTF-8 text: {e}"))?;
    Ok(export::read(&text).map_err(|e| format!("{location}: {e}"))?)
}

/// Writes `text` at a path or `s3://bucket/key`; where it went.
pub async fn write(location: &str, text: String) -> Result<String, Error> {
    let (archive, name) = split(location).await?;
    archive.put(&name, text.into()).await?;
    Ok(archive.locate(&name))
}

/// How long one file may take: a 32 MB file over a slow link, not a stalled host forever.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// The guarded client, allowed only the old bucket's host (plain http only if the operator named
/// an http base, as the rehearsal's stand-in does). `NNA_FETCH_LOOPBACK_HOSTS` lets tests name a
/// loopback host; production never sets it.
pub fn old_bucket(options: &CopyOptions) -> Result<GuardedFetcher, Error> {
    let base = url::Url::parse(&options.from).map_err(|e| format!("--from {:?}: {e}", options.from))?;
    let host = base.host_str().ok_or_else(|| format!("--from {:?} names no host", options.from))?;
    let loopback = std::env::var("NNA_FETCH_LOOPBACK_HOSTS").unwrap_or_default();
    let policy = FetchPolicy {
        https_only: base.scheme() == "https",
        loopback_names: loopback.split(',').map(str::trim).filter(|h| !h.is_empty()).map(str::to_owned).collect(),
        max_bytes: options.max_bytes,
        connect_timeout: Duration::from_secs(5),
        timeout: DOWNLOAD_TIMEOUT,
        ..FetchPolicy::default()
    }
    .restricted_to(host);
    Ok(GuardedFetcher::new(policy, Arc::new(SystemResolver))?)
}
