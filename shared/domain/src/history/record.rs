//! Entries too large for one store item: their changes go to the registry's storage first, as
//! a JSON file named by the asset, the revision and the content's hash (two writers racing for
//! one revision write two files; the entry that lands names its own, the sweep takes the other).

use super::{Change, Entry, StoredChanges};
use crate::asset::{Asset, FieldChange};
use crate::blob::{BlobError, BlobKey, BlobMeta};
use crate::ports::BlobStore;
use bytes::Bytes;
use sha2::{Digest, Sha256};

/// Where entries' large changes are kept.
pub const HISTORY_PREFIX: &str = "history/";

/// The storage entries may put their large changes in; `None` for an operator's run that named
/// no bucket (its entries then stay inline, as large as they are).
#[derive(Clone, Copy)]
pub struct HistoryFiles<'a>(pub Option<&'a dyn BlobStore>);

impl HistoryFiles<'_> {
    /// The entry of `before` → `after` at `revision`, its changes moved to storage when they are
    /// too large to keep in the entry.
    pub async fn entry(
        self,
        change: &Change,
        id: &crate::id::AssetId,
        before: Option<&Asset>,
        after: Option<&Asset>,
        revision: u64,
    ) -> Result<Entry, BlobError> {
        let mut entry = change.entry(id, before, after, revision);
        let Some(files) = self.0 else { return Ok(entry) };
        if entry.inline_bytes() <= crate::limits::HISTORY_INLINE_BYTES {
            return Ok(entry);
        }
        let changes = entry.changes.take().unwrap_or_default();
        let json = serde_json::to_vec(&changes).map_err(BlobError::internal)?;
        let sha256 = hex::encode(Sha256::digest(&json));
        let key = format!("{HISTORY_PREFIX}{id}/{}-{}.json", entry.sort_key(), &sha256[..16]);
        let key = BlobKey::parse(&key).ok_or_else(|| BlobError::internal(format!("bad history key {key}")))?;
        let meta = BlobMeta { content_type: "application/json".into(), cache_control: "private, no-store".into() };
        let bytes = json.len() as u64;
        files.put(&key, Bytes::from(json), &meta).await?;
        entry.stored = Some(StoredChanges { key: key.to_string(), sha256, bytes });
        Ok(entry)
    }
}

/// An entry's changes with their values: inline, or read from storage and checked against the
/// hash the entry holds. `None` for a create's entry, whose values are its revision.
pub async fn read_changes(entry: &Entry, files: &dyn BlobStore) -> Result<Option<Vec<FieldChange>>, BlobError> {
    if let Some(changes) = &entry.changes {
        return Ok(Some(changes.clone()));
    }
    let Some(stored) = &entry.stored else { return Ok(None) };
    let missing = || BlobError::internal(format!("history file {} is missing or damaged", stored.key));
    let key = BlobKey::parse(&stored.key).ok_or_else(missing)?;
    let blob = files.get(&key).await?.ok_or_else(missing)?;
    if hex::encode(Sha256::digest(&blob.bytes)) != stored.sha256 {
        return Err(missing());
    }
    serde_json::from_slice(&blob.bytes).map(Some).map_err(|_| missing())
}
