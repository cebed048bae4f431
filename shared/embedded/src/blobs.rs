//! Uploaded files in a folder, one file per key. Writes go to a temporary file that is synced and
//! renamed into place, so a reader or a crash never sees half a file. Direct uploads get URLs
//! signed with a per-process key (HMAC-SHA256) that `nna-local` checks, as S3 checks its own.

use async_trait::async_trait;
use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use nna_domain::Timestamp;
use nna_domain::ports::{Blob, BlobError, BlobInfo, BlobKey, BlobMeta, BlobStore, PresignedPut, StoredBlob};
use nna_domain::upload::IMMUTABLE_CACHE;
use sha2::Sha256;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Clone)]
pub struct DiskBlobs {
    root: PathBuf,
    public_base_url: String,
    upload_base_url: String,
    secret: [u8; 32],
}

/// The query of a signed upload URL, as `nna-local` receives it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SignedPut {
    #[serde(rename = "type")]
    pub content_type: String,
    pub size: u64,
    pub expires: i64,
    pub signature: String,
}

/// Why a signed upload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PutRefused {
    #[error("the upload URL's signature does not match")]
    BadSignature,
    #[error("the upload URL has expired")]
    Expired,
    #[error("the Content-Type must be {0}, as signed")]
    WrongType(String),
}

impl DiskBlobs {
    /// Files under `root`, served from `public_base_url` (`http://127.0.0.1:8080/files`); direct
    /// uploads go to `upload_base_url` (`http://127.0.0.1:8080/upload`).
    pub fn new(root: impl AsRef<Path>, public_base_url: &str, upload_base_url: &str) -> std::io::Result<Self> {
        std::fs::create_dir_all(root.as_ref())?;
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(Self {
            root: root.as_ref().to_path_buf(),
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
            upload_base_url: upload_base_url.trim_end_matches('/').to_owned(),
            secret,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn file(&self, key: &BlobKey) -> PathBuf {
        // BlobKey admits no `..`, empty or absolute segments, so this stays under root.
        self.root.join(key.as_str())
    }

    fn mac(&self, key: &str, content_type: &str, size: u64, expires: i64) -> Hmac<Sha256> {
        // A 32-byte key always fits HMAC; the fallback is unreachable but keeps this total.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        mac.update(format!("PUT\n{key}\n{content_type}\n{size}\n{expires}").as_bytes());
        mac
    }

    /// Checks a signed upload before any byte is written. The size is enforced while reading.
    pub fn authorize_put(
        &self,
        key: &str,
        signed: &SignedPut,
        content_type: Option<&str>,
        now: Timestamp,
    ) -> Result<BlobKey, PutRefused> {
        let signature = hex::decode(&signed.signature).map_err(|_| PutRefused::BadSignature)?;
        self.mac(key, &signed.content_type, signed.size, signed.expires)
            .verify_slice(&signature)
            .map_err(|_| PutRefused::BadSignature)?;
        if now.unix_seconds() > signed.expires {
            return Err(PutRefused::Expired);
        }
        if content_type.map(|c| c.trim().to_ascii_lowercase()) != Some(signed.content_type.clone()) {
            return Err(PutRefused::WrongType(signed.content_type.clone()));
        }
        BlobKey::parse(key).ok_or(PutRefused::BadSignature)
    }
}

fn io(e: std::io::Error) -> BlobError {
    BlobError::internal(e)
}

fn content_type_of(path: &Path) -> String {
    // Keys end in the extension the file's own bytes were sniffed as.
    mime_guess::from_path(path).first_or_octet_stream().to_string()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> Result<T, BlobError> {
    tokio::task::spawn_blocking(f).await.map_err(BlobError::internal)?.map_err(io)
}

fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = target.parent().ok_or_else(|| std::io::Error::other("a blob key names a folder"))?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// The files under `dir`, keyed by their path from `root`; anything that is not a valid key is
/// not this store's and is left out.
fn walk(root: &Path, dir: &Path, out: &mut Vec<StoredBlob>) -> std::io::Result<()> {
    let Some(entries) = missing_is_none(std::fs::read_dir(dir))? else { return Ok(()) };
    for entry in entries {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(root, &entry.path(), out)?;
        } else if kind.is_file() {
            let path = entry.path();
            let relative = path.strip_prefix(root).ok().and_then(|p| p.to_str()).map(|p| p.replace('\\', "/"));
            let modified = entry.metadata()?.modified()?;
            let millis = modified.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
            let modified = Timestamp::from_millis(i64::try_from(millis).unwrap_or(i64::MAX));
            if let (Some(key), Some(modified)) = (relative.as_deref().and_then(BlobKey::parse), modified) {
                out.push(StoredBlob { key, modified });
            }
        }
    }
    Ok(())
}

fn missing_is_none<T>(r: std::io::Result<T>) -> std::io::Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[async_trait]
impl BlobStore for DiskBlobs {
    async fn put(&self, key: &BlobKey, bytes: Bytes, _meta: &BlobMeta) -> Result<(), BlobError> {
        let target = self.file(key);
        blocking(move || write_atomically(&target, &bytes)).await
    }

    async fn get(&self, key: &BlobKey) -> Result<Option<Blob>, BlobError> {
        let path = self.file(key);
        let bytes = missing_is_none(tokio::fs::read(&path).await).map_err(io)?;
        Ok(bytes.map(|b| Blob {
            bytes: Bytes::from(b),
            meta: BlobMeta { content_type: content_type_of(&path), cache_control: IMMUTABLE_CACHE.to_owned() },
        }))
    }

    async fn head(&self, key: &BlobKey) -> Result<Option<BlobInfo>, BlobError> {
        let path = self.file(key);
        let meta = missing_is_none(tokio::fs::metadata(&path).await).map_err(io)?;
        Ok(meta.filter(|m| m.is_file()).map(|m| BlobInfo { size: m.len(), content_type: Some(content_type_of(&path)) }))
    }

    async fn read_prefix(&self, key: &BlobKey, len: u64) -> Result<Option<Bytes>, BlobError> {
        let path = self.file(key);
        blocking(move || {
            let Some(file) = missing_is_none(std::fs::File::open(&path))? else { return Ok(None) };
            let mut head = Vec::new();
            file.take(len).read_to_end(&mut head)?;
            Ok(Some(Bytes::from(head)))
        })
        .await
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        missing_is_none(tokio::fs::remove_file(self.file(key)).await).map(|_| ()).map_err(io)
    }

    /// Every file under the root (temporary files of an interrupted write too), walked on each
    /// call: a local store is small.
    async fn list(&self, prefix: &str, after: Option<&BlobKey>, limit: usize) -> Result<Vec<StoredBlob>, BlobError> {
        let root = self.root.clone();
        let (prefix, after) = (prefix.to_owned(), after.map(|k| k.as_str().to_owned()));
        // The folder holding everything under the prefix (`album-art/` → `album-art`).
        let folder = match prefix.rsplit_once('/') {
            Some((dir, _)) if BlobKey::parse(dir).is_some() => root.join(dir),
            _ => root.clone(),
        };
        blocking(move || {
            let mut found = Vec::new();
            walk(&root, &folder, &mut found)?;
            found.retain(|b: &StoredBlob| {
                b.key.as_str().starts_with(&prefix) && after.as_deref().is_none_or(|a| b.key.as_str() > a)
            });
            found.sort_by(|a, b| a.key.as_str().cmp(b.key.as_str()));
            found.truncate(limit);
            Ok(found)
        })
        .await
    }

    async fn copy(&self, from: &BlobKey, to: &BlobKey, _meta: &BlobMeta) -> Result<(), BlobError> {
        let (from, to) = (self.file(from), self.file(to));
        blocking(move || {
            let bytes = std::fs::read(from)?;
            write_atomically(&to, &bytes)
        })
        .await
    }

    async fn presign_put(
        &self,
        key: &BlobKey,
        content_type: &str,
        size: u64,
        expires_in: Duration,
    ) -> Result<PresignedPut, BlobError> {
        let now = Timestamp::now();
        let expires = now.unix_seconds().saturating_add(i64::try_from(expires_in.as_secs()).unwrap_or(i64::MAX));
        let signature = hex::encode(self.mac(key.as_str(), content_type, size, expires).finalize().into_bytes());
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("type", content_type)
            .append_pair("size", &size.to_string())
            .append_pair("expires", &expires.to_string())
            .append_pair("signature", &signature)
            .finish();
        Ok(PresignedPut {
            url: format!("{}/{key}?{query}", self.upload_base_url),
            headers: vec![
                ("content-type".to_owned(), content_type.to_owned()),
                ("content-length".to_owned(), size.to_string()),
            ],
            expires_at: Timestamp::from_millis(expires.saturating_mul(1000)).unwrap_or(now),
        })
    }

    fn public_url(&self, key: &BlobKey) -> String {
        format!("{}/{}", self.public_base_url, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn signed_uploads_are_bound_to_key_type_size_and_time() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = DiskBlobs::new(dir.path(), "http://h/files", "http://h/upload").unwrap();
        let key = BlobKey::parse("uploads/2026/11/a.png").unwrap();
        let put = blobs.presign_put(&key, "image/png", 10, Duration::from_secs(60)).await.unwrap();
        let query = put.url.split_once('?').unwrap().1;
        let signed: SignedPut = serde_json::from_value(serde_json::Value::Object(
            url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| {
                    (
                        k.into_owned(),
                        v.parse::<i64>()
                            .map(serde_json::Value::from)
                            .unwrap_or(serde_json::Value::from(v.into_owned())),
                    )
                })
                .collect(),
        ))
        .unwrap();
        let now = Timestamp::now();
        assert_eq!(blobs.authorize_put(key.as_str(), &signed, Some("image/png"), now), Ok(key.clone()));
        assert_eq!(
            blobs.authorize_put("uploads/2026/11/b.png", &signed, Some("image/png"), now),
            Err(PutRefused::BadSignature)
        );
        assert_eq!(
            blobs.authorize_put(key.as_str(), &signed, Some("text/html"), now),
            Err(PutRefused::WrongType("image/png".into()))
        );
        let bigger = SignedPut { size: 11, ..signed.clone() };
        assert_eq!(blobs.authorize_put(key.as_str(), &bigger, Some("image/png"), now), Err(PutRefused::BadSignature));
        let later = Timestamp::from_millis(now.millis() + 120_000).unwrap();
        assert_eq!(blobs.authorize_put(key.as_str(), &signed, Some("image/png"), later), Err(PutRefused::Expired));
        let other = DiskBlobs::new(dir.path(), "http://h/files", "http://h/upload").unwrap();
        assert_eq!(other.authorize_put(key.as_str(), &signed, Some("image/png"), now), Err(PutRefused::BadSignature));
    }
}
