//! The old bucket's files into the registry's own storage, one asset at a time over every asset
//! (segments, concurrency, a rate limit and checkpoints as every pass has): the file at
//! `gcpStorageUrl` is downloaded through the guarded fetcher (only the old bucket's host, no
//! private address, capped, timed), checked (its length, its type against its bytes, the MD5 and
//! CRC32C the host reports), stored under `assets/…/<id>.<ext>`, and the asset rewritten on the
//! revision read to serve the copy, the old URL kept in `copiedFrom`. The asset owns the copy (its
//! key names the id, its document the key), so no sweep removes it.
//!
//! The copy is the checkpoint: an asset with `copiedFrom` is done, so a re-run copies only what is
//! missing. A file that cannot be copied is listed with its reason and its asset keeps the old URL.

use crate::rewrite::{Decision, Rewritten, rewrite};
use crate::scan::{Scan, lock};
use crate::{Ops, OpsError, rate, seconds_since};
use base64::Engine;
use md5::Digest;
use nna_domain::Asset;
use nna_domain::asset::FileCopy;
use nna_domain::ports::{BlobKey, BlobMeta, BlobStore, Download, RemoteFiles};
use nna_domain::retry::Backoff;
use nna_domain::time::Timestamp;
use nna_domain::upload::{CheckedUpload, IMMUTABLE_CACHE, sniff_media};
use serde::Serialize;
use std::sync::Mutex;

/// The checkpoints of the copy's runs.
use nna_domain::ports::Run;

const RUN: Run = Run::CopyFiles;

/// Tries of a download that fails for a passing reason, within one run.
const TRIES: u32 = 3;

#[derive(Debug, Clone)]
pub struct CopyOptions {
    /// The old bucket's public base, `https://storage.googleapis.com/<bucket>/`: only URLs under
    /// it are copied; any other is listed (`outside_old_bucket`).
    pub from: String,
    /// The largest file taken (the old backend's limit was 32 MB).
    pub max_bytes: u64,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CopyReport {
    pub from: String,
    pub scanned: u64,
    pub copied: u64,
    pub bytes: u64,
    /// Copied by an earlier run.
    pub already_copied: u64,
    /// Files the registry stores already (assets made here).
    pub registry_files: u64,
    pub without_file: u64,
    /// Each file not copied, with its reason; its asset keeps the old URL.
    pub failed: Vec<CopyFailure>,
    pub resumed_segments: u32,
    pub seconds: f64,
    pub megabytes_per_second: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CopyFailure {
    /// The asset's line in the export, when the copy ran with the import.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub id: String,
    pub name: String,
    pub url: String,
    /// `not_found`, `md5_mismatch`, `crc32c_mismatch`, `length_mismatch`, `content_type_mismatch`,
    /// `not_media`, `too_large`, `outside_old_bucket`, `blocked_address`, `timeout`, …
    pub code: String,
    pub detail: String,
}

/// What an asset's file came to.
enum Outcome {
    Copied(u64),
    AlreadyCopied,
    RegistryFile,
    NoFile,
    Failed(String, String, String),
}

impl CopyReport {
    /// Each failure with its asset's line in `export`.
    pub fn with_lines(mut self, export: &[nna_domain::legacy::export::Exported]) -> Self {
        let lines: std::collections::HashMap<String, usize> =
            export.iter().filter_map(|e| Some((e.id()?, e.line))).collect();
        for failure in &mut self.failed {
            failure.line = lines.get(&failure.id).copied();
        }
        self
    }
}

pub async fn copy_files(
    ops: &Ops,
    scan: &Scan,
    remote: &dyn RemoteFiles,
    options: &CopyOptions,
) -> Result<CopyReport, OpsError> {
    let clock = std::time::Instant::now();
    let files = ops
        .ports
        .files
        .clone()
        .ok_or_else(|| OpsError::Refused("no file storage is configured to copy into".into()))?;
    let from = options.from.trim_end_matches('/').to_owned() + "/";
    let report = Mutex::new(CopyReport { from: from.clone(), ..Default::default() });
    let scan = scan.clone().named(RUN);
    let scanned = scan
        .run(ops, "copy files", |asset| {
            let (report, files, from) = (&report, files.as_ref(), from.as_str());
            async move {
                let (id, name) = (asset.id.to_string(), asset.name().to_owned());
                let outcome = copy_one(ops, files, remote, from, options.max_bytes, asset).await?;
                let mut r = lock(report);
                r.scanned += 1;
                match outcome {
                    Outcome::Copied(bytes) => {
                        r.copied += 1;
                        r.bytes += bytes;
                    }
                    Outcome::AlreadyCopied => r.already_copied += 1,
                    Outcome::RegistryFile => r.registry_files += 1,
                    Outcome::NoFile => r.without_file += 1,
                    Outcome::Failed(url, code, detail) => {
                        r.failed.push(CopyFailure { line: None, id, name, url, code, detail })
                    }
                }
                Ok(())
            }
        })
        .await?;
    // Finished: the next run reads everything again (and copies what failed this time).
    ops.ports.maintenance.clear_checkpoints(RUN).await?;
    let mut report = report.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    report.resumed_segments = scanned.segments_already_done;
    report.seconds = seconds_since(clock);
    report.megabytes_per_second = rate(report.bytes / 1_000_000, report.seconds);
    report.failed.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(report)
}

async fn copy_one(
    ops: &Ops,
    files: &dyn BlobStore,
    remote: &dyn RemoteFiles,
    from: &str,
    max_bytes: u64,
    asset: Asset,
) -> Result<Outcome, OpsError> {
    let Some(url) = asset.gcp_storage_url.clone().filter(|u| !u.trim().is_empty()) else { return Ok(Outcome::NoFile) };
    if asset.copied_from.is_some() {
        return Ok(Outcome::AlreadyCopied);
    }
    if let Some(key) = nna_domain::files::asset_file_key(&url, &asset.id)
        && files.head(&key).await?.is_some()
    {
        return Ok(Outcome::RegistryFile);
    }
    let failed = |code: &str, detail: String| Ok(Outcome::Failed(url.clone(), code.to_owned(), detail));
    if !url.starts_with(from) {
        return failed("outside_old_bucket", format!("not under {from}"));
    }
    let download = match download(remote, &url).await {
        Ok(d) => d,
        Err(f) => return failed(&f.code, f.detail),
    };
    let file = match check(download, max_bytes) {
        Ok(file) => file,
        Err((code, detail)) => return failed(code, detail),
    };
    let key = match key_for(&asset, file.extension) {
        Some(key) => key,
        None => return failed("no_storage_key", "the asset's id cannot name a stored file".into()),
    };
    let size = file.bytes.len() as u64;
    let meta = BlobMeta { content_type: file.content_type.clone(), cache_control: IMMUTABLE_CACHE.to_owned() };
    files.put(&key, file.bytes, &meta).await?;
    let copy = FileCopy {
        url: url.clone(),
        md5: file.md5,
        size,
        content_type: file.content_type,
        copied_at: Timestamp::now(),
    };
    let served = files.public_url(&key);
    let decided = rewrite(
        ops,
        &nna_domain::history::Change::operator("nna-ops cutover", Some(RUN)),
        asset,
        |current| {
            // Only while the asset still serves the old file: an edit since decides otherwise.
            if current.copied_from.is_some() || current.gcp_storage_url.as_deref() != Some(url.as_str()) {
                return Decision::Leave(());
            }
            let mut next = current.clone();
            next.gcp_storage_url = Some(served.clone());
            next.copied_from = Some(copy.clone());
            next.revision = current.revision + 1;
            Decision::Write(Box::new(next), ())
        },
        |_| {},
    )
    .await?;
    Ok(match decided {
        Rewritten::Written { .. } => Outcome::Copied(size),
        Rewritten::Left { .. } | Rewritten::Gone => Outcome::AlreadyCopied,
        Rewritten::Busy => Outcome::Failed(url, "busy".into(), "the asset kept changing; run again".into()),
    })
}

/// The download, tried again after a passing failure.
async fn download(remote: &dyn RemoteFiles, url: &str) -> Result<Download, nna_domain::ports::DownloadFailure> {
    let mut attempt = 0;
    loop {
        match remote.download(url).await {
            Err(f) if f.transient && attempt + 1 < TRIES => {
                Backoff::DOWNLOAD.wait(attempt).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// A downloaded file that passed every check.
struct Checked {
    bytes: bytes::Bytes,
    content_type: String,
    extension: &'static str,
    md5: String,
}

/// Size, length, type and checksums; a failure's code and detail.
fn check(d: Download, max_bytes: u64) -> Result<Checked, (&'static str, String)> {
    let size = d.bytes.len() as u64;
    if size == 0 {
        return Err(("empty", "the file is empty".into()));
    }
    if size > max_bytes {
        return Err(("too_large", format!("{size} bytes; the most is {max_bytes}")));
    }
    if let Some(declared) = d.content_length.filter(|n| *n != size) {
        return Err(("length_mismatch", format!("Content-Length {declared}, received {size}")));
    }
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let md5 = b64(&md5::Md5::digest(&d.bytes));
    if let Some(reported) = d.md5.filter(|m| *m != md5) {
        return Err(("md5_mismatch", format!("the host reports {reported}, the bytes are {md5}")));
    }
    let crc = b64(&crc32c::crc32c(&d.bytes).to_be_bytes());
    if let Some(reported) = d.crc32c.filter(|c| *c != crc) {
        return Err(("crc32c_mismatch", format!("the host reports {reported}, the bytes are {crc}")));
    }
    let kind = sniff_media(&d.bytes, "file").map_err(|e| ("not_media", e.message))?;
    // What the host says the file is must agree with its bytes, at least in kind (audio/mp3 and
    // audio/mpeg are one); a host that does not know (octet-stream) defers to them.
    let declared = d.content_type.as_deref().map(|t| t.split(';').next().unwrap_or(t).trim().to_ascii_lowercase());
    match declared.as_deref() {
        None | Some("application/octet-stream" | "binary/octet-stream") => {}
        Some(t) if t.split('/').next() == kind.mime_type().split('/').next() => {}
        Some(t) => {
            return Err(("content_type_mismatch", format!("served as {t}, but the bytes are {}", kind.mime_type())));
        }
    }
    Ok(Checked { bytes: d.bytes, content_type: kind.mime_type().to_owned(), extension: kind.extension(), md5 })
}

/// Where an asset's copied file goes: beside the files the registry stores for its place, or,
/// for legacy assets the taxonomy cannot place, under `assets/legacy/`.
fn key_for(asset: &Asset, extension: &str) -> Option<BlobKey> {
    match asset.placement() {
        Some(path) => CheckedUpload::key_for(&path, &asset.id, extension).ok(),
        None => BlobKey::parse(&format!("assets/legacy/{}.{extension}", asset.id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn download(bytes: &'static [u8], content_type: &str) -> Download {
        Download {
            bytes: bytes::Bytes::from_static(bytes),
            content_type: Some(content_type.into()),
            content_length: Some(bytes.len() as u64),
            md5: None,
            crc32c: None,
        }
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

    #[test]
    fn every_check_names_its_failure() {
        let ok = check(download(PNG, "image/png"), 1000).unwrap();
        assert_eq!((ok.content_type.as_str(), ok.extension), ("image/png", "png"));
        let good_md5 = ok.md5.clone();
        let code = |d: Download, max: u64| check(d, max).err().map(|(code, _)| code);
        assert_eq!(code(download(PNG, "image/png"), 10), Some("too_large"));
        assert_eq!(
            code(Download { content_length: Some(3), ..download(PNG, "image/png") }, 1000),
            Some("length_mismatch")
        );
        assert_eq!(
            code(Download { md5: Some("AAAA".into()), ..download(PNG, "image/png") }, 1000),
            Some("md5_mismatch")
        );
        assert_eq!(code(Download { md5: Some(good_md5), ..download(PNG, "image/png") }, 1000), None);
        assert_eq!(
            code(Download { crc32c: Some("AAAAAA==".into()), ..download(PNG, "image/png") }, 1000),
            Some("crc32c_mismatch")
        );
        assert_eq!(code(download(PNG, "audio/mpeg"), 1000), Some("content_type_mismatch"));
        assert_eq!(code(download(PNG, "application/octet-stream"), 1000), None);
        assert_eq!(code(download(b"#!/bin/sh\necho hi", "image/png"), 1000), Some("not_media"));
        assert_eq!(code(download(b"", "image/png"), 1000), Some("empty"));
    }
}
