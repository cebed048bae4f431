//! Stored files have an owner or go away. A file is owned by an asset whose id its key names and
//! that mentions it anywhere in its document (its upload, its album art and the art's source, or
//! a field of a legacy item nobody modelled); anything else older than
//! the grace period (uploads never claimed, art replaced or refused, files of deleted assets,
//! pieces left by a killed write) is an orphan, and the sweep removes it.

use crate::asset::{AlbumArtField, Asset};
use crate::blob::{BlobError, BlobKey};
use crate::id::AssetId;
use crate::ports::{AssetIndex, BlobStore, StoreError};
use crate::time::Timestamp;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

pub use crate::limits::SWEEP_GRACE;

/// Files read per listing page.
const PAGE: usize = 1000;

/// Where the registry writes files. Nothing else in the storage is the sweep's (backups live
/// beside them under `backups/`).
pub const SWEPT_PREFIXES: [&str; 3] = ["album-art/", "assets/", "uploads/"];

/// Every URL of a stored file an asset's fields name: its upload, its art, the art's variants and
/// source (a legacy art URL too).
pub fn referenced_urls(asset: &Asset) -> impl Iterator<Item = &str> {
    let art = asset.album_art.as_ref().and_then(AlbumArtField::art);
    let legacy = match &asset.album_art {
        Some(AlbumArtField::LegacyUrl(url)) => Some(url),
        _ => None,
    };
    asset
        .gcp_storage_url
        .iter()
        .chain(legacy)
        .chain(art.into_iter().flat_map(|a| a.url.iter().chain(a.source_url.iter())))
        .chain(art.into_iter().flat_map(|a| a.variants.iter().map(|v| &v.url)))
        .map(String::as_str)
}

/// An asset as the text the ownership test reads.
pub fn document(asset: &Asset) -> String {
    serde_json::to_string(&crate::asset::Document::of(asset)).unwrap_or_default()
}

/// The stored file a URL of this registry's names for asset `id` (`…/assets/…/<id>.<ext>`),
/// whatever public base it was made with (nna-local's address, a CloudFront domain).
pub fn asset_file_key(url: &str, id: &AssetId) -> Option<BlobKey> {
    let path = url.split(['?', '#']).next()?;
    let at = path.rfind("/assets/")?;
    BlobKey::parse(&path[at + 1..]).filter(|k| k.belongs_to(id))
}

/// Whether the asset (`id`, its `document`) owns the file at `key`: the key names its id and
/// the document mentions the key anywhere, whatever host serves it (so the test needs no public
/// base URL to be right, and keeps what only an unmodelled legacy field names).
pub fn owns(id: &AssetId, document: &str, key: &BlobKey) -> bool {
    key.belongs_to(id) && document.contains(&format!("/{key}"))
}

/// The ids a key names (a segment, or a segment's stem), which may own it.
fn ids_named(key: &BlobKey) -> impl Iterator<Item = AssetId> + '_ {
    key.as_str()
        .split('/')
        .filter_map(|segment| segment.split('.').next())
        .filter(|stem| stem.len() >= 16)
        .filter_map(AssetId::parse)
}

#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSweep {
    pub files: u64,
    /// Younger than the grace period.
    pub young: u64,
    pub owned: u64,
    /// Keys of the orphans found (removed unless `dry_run`).
    pub orphans: Vec<String>,
    pub dry_run: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<SweepError> for crate::registry::RegistryError {
    fn from(e: SweepError) -> Self {
        match e {
            SweepError::Blob(b) => b.into(),
            SweepError::Store(s) => s.into(),
        }
    }
}

/// One pass over every stored file: orphans older than `grace` removed (or, dry, listed).
pub async fn sweep(
    index: &dyn AssetIndex,
    blobs: &dyn BlobStore,
    now: Timestamp,
    grace: Duration,
    dry_run: bool,
) -> Result<FileSweep, SweepError> {
    let cutoff = now.millis().saturating_sub(i64::try_from(grace.as_millis()).unwrap_or(i64::MAX));
    let mut report = FileSweep { dry_run, ..FileSweep::default() };
    for prefix in SWEPT_PREFIXES {
        sweep_prefix(index, blobs, prefix, cutoff, &mut report).await?;
    }
    Ok(report)
}

async fn sweep_prefix(
    index: &dyn AssetIndex,
    blobs: &dyn BlobStore,
    prefix: &str,
    cutoff: i64,
    report: &mut FileSweep,
) -> Result<(), SweepError> {
    let mut after: Option<BlobKey> = None;
    loop {
        let page = blobs.list(prefix, after.as_ref(), PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.key.clone());
        let ids: BTreeSet<AssetId> = page.iter().flat_map(|b| ids_named(&b.key)).collect();
        let ids: Vec<AssetId> = ids.into_iter().collect();
        let documents: HashMap<AssetId, String> =
            index.fetch(&ids).await?.into_iter().map(|a| (a.id.clone(), document(&a))).collect();
        for blob in &page {
            report.files += 1;
            if blob.modified.millis() > cutoff {
                report.young += 1;
            } else if ids_named(&blob.key).any(|id| documents.get(&id).is_some_and(|d| owns(&id, d, &blob.key))) {
                report.owned += 1;
            } else {
                if !report.dry_run {
                    blobs.delete(&blob.key).await?;
                }
                report.orphans.push(blob.key.to_string());
            }
        }
        if page.len() < PAGE {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_asset_owns_the_files_it_refers_to_under_its_id() {
        let id = "6868865274bd8b06a2f91f0c";
        let asset = crate::asset::Document::load(json!({"id": id, "layer": "G", "category": "Pop", "subcategory": "Base",
            "name": "G.POP.BAS.001", "nna_address": "G.001.001.001", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
            "gcpStorageUrl": format!("http://127.0.0.1:8080/files/assets/G/POP/BAS/{id}.mp3"),
            "albumArt": {"url": format!("https://cdn.example/album-art/{id}/a1/cover.jpg?v=2"), "status": "ready",
                "variants": [{"name": "thumb", "url": format!("https://cdn.example/album-art/{id}/a1/thumb.jpg"), "contentType": "image/jpeg", "size": 1, "dimensions": {"width": 1, "height": 1}}]}}))
        .unwrap();
        let key = |k: &str| BlobKey::parse(k).unwrap();
        let (doc, id) = (document(&asset), &asset.id);
        assert!(owns(id, &doc, &key(&format!("assets/G/POP/BAS/{id}.mp3"))));
        assert!(owns(id, &doc, &key(&format!("album-art/{id}/a1/cover.jpg"))));
        assert!(owns(id, &doc, &key(&format!("album-art/{id}/a1/thumb.jpg"))));
        assert!(!owns(id, &doc, &key(&format!("album-art/{id}/a0/cover.jpg"))), "replaced art");
        assert!(!owns(id, &doc, &key("assets/G/POP/BAS/other.mp3")), "not its id");
        assert_eq!(ids_named(&key(&format!("album-art/uploads/{id}/ab12.png"))).count(), 1);
        let url = format!("https://d1.cloudfront.net/assets/G/POP/BAS/{id}.mp3?v=1");
        assert_eq!(asset_file_key(&url, id).map(|k| k.to_string()), Some(format!("assets/G/POP/BAS/{id}.mp3")));
        assert_eq!(asset_file_key("https://storage.googleapis.com/b/G/POP/BAS/G.POP.BAS.001.mp3", id), None);
        assert_eq!(asset_file_key("http://127.0.0.1:8080/files/assets/G/POP/BAS/other.mp3", id), None);
    }
}
