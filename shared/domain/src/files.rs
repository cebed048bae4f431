//! Stored files have an owner or go away. A file is owned by an asset whose id its key names and
//! one of whose fields names it (its upload, its album art and the art's source, or a field of a
//! legacy item nobody modelled); anything else older than the grace period (uploads never claimed,
//! art replaced or refused, files of deleted assets once their window ends, pieces left by a killed
//! write) is an orphan, and the sweep removes it.

use crate::asset::{AlbumArtField, Asset};
use crate::blob::{BlobError, BlobKey};
use crate::id::AssetId;
use crate::ports::{AssetIndex, AssetStore, BlobStore, StoreError};
use crate::time::Timestamp;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

pub use crate::limits::SWEEP_GRACE;

/// Files read per listing page.
const PAGE: usize = 1000;

/// Where the registry writes files. Nothing else in the storage is the sweep's (backups live
/// beside them under `backups/`).
pub const SWEPT_PREFIXES: [&str; 5] =
    ["album-art/", "assets/", "uploads/", SET_ASIDE_PREFIX, crate::history::HISTORY_PREFIX];

/// What clients may read of the storage (CloudFront's bucket policy, `nna-local`'s `/files/`):
/// nothing else (direct uploads, files set aside, history values, backups) is ever served.
pub const SERVED_PREFIXES: [&str; 2] = ["assets/", "album-art/"];

/// Where a deleted asset's files wait, unserved (nothing serves this prefix: not CloudFront, not
/// `nna-local`), while it can be brought back: `deleted/<the key they had>`.
pub const SET_ASIDE_PREFIX: &str = "deleted/";

/// Where a file is kept while its asset is deleted.
pub fn set_aside_key(key: &BlobKey) -> Option<BlobKey> {
    BlobKey::parse(&format!("{SET_ASIDE_PREFIX}{key}"))
}

/// Moves a deleted asset's file where nothing serves it.
pub async fn set_aside(blobs: &dyn BlobStore, key: &BlobKey) -> Result<(), BlobError> {
    move_file(blobs, key, &aside(key)?).await.map(drop)
}

/// Puts a file set aside back where its asset names it; whether there was one to put back.
pub async fn bring_back(blobs: &dyn BlobStore, key: &BlobKey) -> Result<bool, BlobError> {
    move_file(blobs, &aside(key)?, key).await
}

fn aside(key: &BlobKey) -> Result<BlobKey, BlobError> {
    set_aside_key(key).ok_or_else(|| BlobError::internal(format!("{key} cannot be set aside")))
}

/// Moves a stored file (if there is one), kept as the registry keeps every file: immutable under
/// its key.
async fn move_file(blobs: &dyn BlobStore, from: &BlobKey, to: &BlobKey) -> Result<bool, BlobError> {
    let Some(info) = blobs.head(from).await? else { return Ok(false) };
    let content_type = info.content_type.unwrap_or_else(|| "application/octet-stream".into());
    let meta = crate::blob::BlobMeta { content_type, cache_control: crate::upload::IMMUTABLE_CACHE.to_owned() };
    blobs.copy(from, to, &meta).await?;
    blobs.delete(from).await?;
    Ok(true)
}

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

/// Every text an asset holds that may name a stored file: the URLs its fields name, and every
/// string in the fields of a legacy item nobody modelled.
fn texts(asset: &Asset) -> impl Iterator<Item = &str> {
    fn strings<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::String(s) => out.push(s),
            serde_json::Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
            serde_json::Value::Object(map) => map.values().for_each(|i| strings(i, out)),
            _ => {}
        }
    }
    let mut unmodelled = Vec::new();
    asset.extra.values().for_each(|v| strings(v, &mut unmodelled));
    referenced_urls(asset).chain(unmodelled)
}

/// The stored file a URL of this registry's names for asset `id` (`…/assets/…/<id>.<ext>`),
/// whatever public base it was made with (nna-local's address, a CloudFront domain).
pub fn asset_file_key(url: &str, id: &AssetId) -> Option<BlobKey> {
    let path = url.split(['?', '#']).next()?;
    let at = path.rfind("/assets/")?;
    BlobKey::parse(&path[at + 1..]).filter(|k| k.belongs_to(id))
}

/// Whether the asset owns the file at `key`: the key names its id and one of its fields names the
/// key, whatever host serves it (so the test needs no public base URL to be right, and keeps what
/// only an unmodelled legacy field names). Read from the typed fields: nothing to fail.
pub fn owns(asset: &Asset, key: &BlobKey) -> bool {
    let named = format!("/{key}");
    key.belongs_to(&asset.id) && texts(asset).any(|t| t.split(['?', '#']).next().is_some_and(|t| t.ends_with(&named)))
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
    /// Files of an asset brought back that were still set aside, put back where it names them.
    pub brought_back: Vec<String>,
    pub dry_run: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a sweep reads and removes: the assets (by id), their histories, the files.
#[derive(Clone, Copy)]
pub struct SweepTarget<'a> {
    pub index: &'a dyn AssetIndex,
    pub store: &'a dyn AssetStore,
    pub blobs: &'a dyn BlobStore,
    /// How long a deleted asset's files are kept (`RegistryConfig::deleted_retention`).
    pub retention: Duration,
}

/// One pass over every stored file: orphans older than `grace` removed (or, dry, listed). Files
/// set aside for a deleted asset stay until its window ends, and go back where they were if it
/// exists again; a history entry's values stay while the entry names them.
pub async fn sweep(
    at: SweepTarget<'_>,
    now: Timestamp,
    grace: Duration,
    dry_run: bool,
) -> Result<FileSweep, SweepError> {
    let cutoff = now.millis().saturating_sub(i64::try_from(grace.as_millis()).unwrap_or(i64::MAX));
    let mut report = FileSweep { dry_run, ..FileSweep::default() };
    for prefix in SWEPT_PREFIXES {
        sweep_prefix(at, prefix, cutoff, now, &mut report).await?;
    }
    Ok(report)
}

/// Whether a file under `deleted/` or `history/` is still wanted; `None` for the other prefixes,
/// whose files are owned by what their asset's fields name.
async fn kept_for_undo(
    at: SweepTarget<'_>,
    key: &BlobKey,
    now: Timestamp,
    report: &mut FileSweep,
) -> Result<Option<bool>, SweepError> {
    if let Some(original) = key.as_str().strip_prefix(SET_ASIDE_PREFIX).and_then(BlobKey::parse) {
        for id in ids_named(&original) {
            if let Some(asset) = at.index.fetch(std::slice::from_ref(&id)).await?.pop() {
                // Brought back, but the file was not moved with it: move it now.
                if owns(&asset, &original) {
                    if !report.dry_run {
                        bring_back(at.blobs, &original).await?;
                    }
                    report.brought_back.push(original.to_string());
                    return Ok(Some(true));
                }
                continue;
            }
            let newest = at.store.history(&id, None, 1).await?.into_iter().next();
            let waiting =
                newest.is_some_and(|e| e.kind == crate::history::ChangeKind::Deleted && e.at.after(at.retention) > now);
            if waiting {
                return Ok(Some(true));
            }
        }
        return Ok(Some(false));
    }
    if let Some(rest) = key.as_str().strip_prefix(crate::history::HISTORY_PREFIX) {
        let Some((id, file)) = rest.split_once('/') else { return Ok(Some(false)) };
        let revision = file.split('-').next().and_then(|r| r.parse::<u64>().ok());
        let (Some(id), Some(revision)) = (AssetId::parse(id), revision) else { return Ok(Some(false)) };
        let entry = at.store.history(&id, Some(revision + 1), 1).await?.into_iter().next();
        let named =
            entry.filter(|e| e.revision == revision).and_then(|e| e.stored).is_some_and(|s| s.key == key.as_str());
        return Ok(Some(named));
    }
    Ok(None)
}

async fn sweep_prefix(
    at: SweepTarget<'_>,
    prefix: &str,
    cutoff: i64,
    now: Timestamp,
    report: &mut FileSweep,
) -> Result<(), SweepError> {
    let SweepTarget { index, blobs, .. } = at;
    let mut after: Option<BlobKey> = None;
    loop {
        let page = blobs.list(prefix, after.as_ref(), PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.key.clone());
        let ids: BTreeSet<AssetId> = page.iter().flat_map(|b| ids_named(&b.key)).collect();
        let ids: Vec<AssetId> = ids.into_iter().collect();
        let assets: HashMap<AssetId, Asset> = index.fetch(&ids).await?.into_iter().map(|a| (a.id.clone(), a)).collect();
        for blob in &page {
            report.files += 1;
            if blob.modified.millis() > cutoff {
                report.young += 1;
            } else if let Some(kept) = kept_for_undo(at, &blob.key, now, report).await? {
                if kept {
                    report.owned += 1;
                } else {
                    if !report.dry_run {
                        blobs.delete(&blob.key).await?;
                    }
                    report.orphans.push(blob.key.to_string());
                }
            } else if ids_named(&blob.key).any(|id| assets.get(&id).is_some_and(|a| owns(a, &blob.key))) {
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
        let asset = Asset::load(json!({"id": id, "layer": "G", "category": "Pop", "subcategory": "Base",
            "name": "G.POP.BAS.001", "nna_address": "G.001.001.001", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
            "gcpStorageUrl": format!("http://127.0.0.1:8080/files/assets/G/POP/BAS/{id}.mp3"),
            "albumArt": {"url": format!("https://cdn.example/album-art/{id}/a1/cover.jpg?v=2"), "status": "ready",
                "variants": [{"name": "thumb", "url": format!("https://cdn.example/album-art/{id}/a1/thumb.jpg"), "contentType": "image/jpeg", "size": 1, "dimensions": {"width": 1, "height": 1}}]}}))
        .unwrap();
        let key = |k: &str| BlobKey::parse(k).unwrap();
        let id = &asset.id;
        assert!(owns(&asset, &key(&format!("assets/G/POP/BAS/{id}.mp3"))));
        assert!(owns(&asset, &key(&format!("album-art/{id}/a1/cover.jpg"))));
        assert!(owns(&asset, &key(&format!("album-art/{id}/a1/thumb.jpg"))));
        assert!(!owns(&asset, &key(&format!("album-art/{id}/a0/cover.jpg"))), "replaced art");
        assert!(!owns(&asset, &key("assets/G/POP/BAS/other.mp3")), "not its id");
        assert!(!owns(&asset, &key(&format!("assets/G/POP/BAS/{id}.mp"))), "a key is named whole");
        // A file only a field nobody modelled names (a legacy item's own URL field) is its.
        let mut legacy = asset.clone();
        legacy.extra.insert("coverUrl".into(), json!({"large": format!("https://old.example/album-art/{id}/old.png")}));
        assert!(owns(&legacy, &key(&format!("album-art/{id}/old.png"))));
        assert_eq!(ids_named(&key(&format!("album-art/uploads/{id}/ab12.png"))).count(), 1);
        let url = format!("https://d1.cloudfront.net/assets/G/POP/BAS/{id}.mp3?v=1");
        assert_eq!(asset_file_key(&url, id).map(|k| k.to_string()), Some(format!("assets/G/POP/BAS/{id}.mp3")));
        assert_eq!(asset_file_key("https://storage.googleapis.com/b/G/POP/BAS/G.POP.BAS.001.mp3", id), None);
        assert_eq!(asset_file_key("http://127.0.0.1:8080/files/assets/G/POP/BAS/other.mp3", id), None);
    }
}
