//! Backups: every asset and every subcategory's numbering as gzip-compressed JSON lines, and a
//! manifest with the counts and the SHA-256 of that file. A restore checks both before it touches
//! the store, then makes the store hold exactly what was exported.
//!
//! Each asset is read consistently, but a backup taken while users write is not one instant of the
//! table: it is the migration's baseline, and `verify`/`rollback` tell items edited since apart
//! by their revision. For a point in time on DynamoDB, point-in-time recovery (kept on by the
//! template) is the first line of defence; see the README.

use crate::archive::Archive;
use crate::scan::{Scan, lock};
use crate::{Ops, OpsError, rate, seconds_since};
use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use nna_domain::Asset;
use nna_domain::ports::{SequenceState, Unreadable};
use nna_domain::time::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{BufRead, Write};
use std::sync::Mutex;

pub const MANIFEST: &str = "manifest.json";
pub const DATA: &str = "assets.jsonl.gz";
const FORMAT: &str = "nna-registry-backup/1";

/// One line of the data file.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Line {
    Asset(Box<Asset>),
    Sequence(SequenceState),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub format: String,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
    pub assets: u64,
    pub sequences: u64,
    /// Items that could not be read as assets, and so are not in the backup.
    pub unreadable: Vec<UnreadableItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnreadableItem {
    pub id: String,
    pub reason: String,
}

impl From<Unreadable> for UnreadableItem {
    fn from(u: Unreadable) -> Self {
        Self { id: u.id, reason: u.reason }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupReport {
    pub manifest: Manifest,
    pub location: String,
    pub seconds: f64,
    pub items_per_second: f64,
}

fn archive_error(e: impl std::fmt::Display) -> OpsError {
    OpsError::Archive(e.to_string())
}

fn write_line(out: &mut GzEncoder<Vec<u8>>, line: &Line) -> Result<(), OpsError> {
    serde_json::to_writer(&mut *out, line).map_err(archive_error)?;
    out.write_all(b"\n").map_err(archive_error)
}

/// Exports every asset, then the numbering (read after the assets, so it covers every one).
pub async fn backup(ops: &Ops, scan: &Scan, archive: &dyn Archive) -> Result<BackupReport, OpsError> {
    let (started_at, clock) = (Timestamp::now(), std::time::Instant::now());
    let out = Mutex::new(GzEncoder::new(Vec::new(), Compression::default()));
    let scanned = scan
        .read_only()
        .run(ops, "backup", |asset| {
            let out = &out;
            async move { write_line(&mut lock(out), &Line::Asset(Box::new(asset))) }
        })
        .await?;
    let sequences = ops.ports.maintenance.sequences().await?;
    let mut out = out.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    for s in &sequences {
        write_line(&mut out, &Line::Sequence(s.clone()))?;
    }
    let data = Bytes::from(out.finish().map_err(archive_error)?);
    let manifest = Manifest {
        format: FORMAT.into(),
        started_at,
        finished_at: Timestamp::now(),
        file: DATA.into(),
        sha256: hex::encode(Sha256::digest(&data)),
        bytes: data.len() as u64,
        assets: scanned.items,
        sequences: sequences.len() as u64,
        unreadable: scanned.unreadable.into_iter().map(Into::into).collect(),
    };
    // The data first: a manifest only ever describes a file that is there in full.
    archive.put(DATA, data).await?;
    let manifest_json = serde_json::to_vec_pretty(&manifest).map_err(archive_error)?;
    archive.put(MANIFEST, Bytes::from(manifest_json)).await?;
    let seconds = seconds_since(clock);
    Ok(BackupReport {
        location: archive.locate(MANIFEST),
        items_per_second: rate(manifest.assets, seconds),
        manifest,
        seconds,
    })
}

/// A backup as read back, checked against its manifest.
#[derive(Debug)]
pub struct Backup {
    pub manifest: Manifest,
    pub assets: Vec<Asset>,
    pub sequences: Vec<SequenceState>,
}

/// Reads a backup and refuses it unless the file's checksum, size and counts are the manifest's.
pub async fn load(archive: &dyn Archive) -> Result<Backup, OpsError> {
    let damaged = |problem: String| OpsError::DamagedBackup { location: archive.locate(MANIFEST), problem };
    let manifest: Manifest = serde_json::from_slice(&archive.get(MANIFEST).await?)
        .map_err(|e| damaged(format!("the manifest does not read: {e}")))?;
    if manifest.format != FORMAT {
        return Err(damaged(format!("format {:?}, expected {FORMAT:?}", manifest.format)));
    }
    let data = archive.get(&manifest.file).await?;
    let sha256 = hex::encode(Sha256::digest(&data));
    if sha256 != manifest.sha256 || data.len() as u64 != manifest.bytes {
        return Err(damaged(format!("{} has SHA-256 {sha256}, the manifest says {}", manifest.file, manifest.sha256)));
    }
    let (mut assets, mut sequences) = (Vec::new(), Vec::new());
    for (n, line) in std::io::BufReader::new(flate2::read::GzDecoder::new(&data[..])).lines().enumerate() {
        let line = line.map_err(|e| damaged(format!("line {}: {e}", n + 1)))?;
        match serde_json::from_str(&line).map_err(|e| damaged(format!("line {}: {e}", n + 1)))? {
            Line::Asset(a) => assets.push(*a),
            Line::Sequence(s) => sequences.push(s),
        }
    }
    if assets.len() as u64 != manifest.assets || sequences.len() as u64 != manifest.sequences {
        return Err(damaged(format!(
            "it holds {} assets and {} sequences, the manifest says {} and {}",
            assets.len(),
            sequences.len(),
            manifest.assets,
            manifest.sequences
        )));
    }
    Ok(Backup { manifest, assets, sequences })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    pub location: String,
    pub assets: u64,
    pub sequences: u64,
    pub backup_finished_at: Timestamp,
    pub seconds: f64,
}

/// Makes the store hold exactly the backup: every asset as exported (revision, migration mark and
/// all), the numbering, lookups and index rebuilt; anything else removed.
pub async fn restore(ops: &Ops, archive: &dyn Archive) -> Result<RestoreReport, OpsError> {
    let clock = std::time::Instant::now();
    let backup = load(archive).await?;
    ops.progress.begin("restore", Some(backup.manifest.assets));
    ops.ports.maintenance.restore(&backup.assets, &backup.sequences).await?;
    ops.progress.advance(backup.manifest.assets);
    ops.progress.end();
    Ok(RestoreReport {
        location: archive.locate(MANIFEST),
        assets: backup.manifest.assets,
        sequences: backup.manifest.sequences,
        backup_finished_at: backup.manifest.finished_at,
        seconds: seconds_since(clock),
    })
}
