//! The one place a data folder becomes adapters: `nna-local` serves from it and `nna-ops
//! --store embedded:` works on it, so both find the database and the files where the other
//! left them.

use crate::{DiskBlobs, SqliteQueue, SqliteStore};
use nna_domain::jobs::JobQueue;
use nna_domain::ports::{Adapters, BlobStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A data folder's adapters, with the concrete parts only the local server uses (its worker
/// polls the queue; its routes serve the files folder and take direct uploads).
pub struct Embedded {
    pub adapters: Adapters,
    pub store: Arc<SqliteStore>,
    pub queue: SqliteQueue,
    pub blobs: DiskBlobs,
    pub files_dir: PathBuf,
}

impl Embedded {
    /// `public_url` is how clients reach the server, for file and upload URLs.
    pub fn open(data_dir: &Path, public_url: &str) -> Result<Self, String> {
        let fault = |e: &dyn std::fmt::Display| format!("{}: {e}", data_dir.display());
        std::fs::create_dir_all(data_dir).map_err(|e| fault(&e))?;
        let store = Arc::new(SqliteStore::open(data_dir.join("registry.sqlite3")).map_err(|e| fault(&e))?);
        let queue = store.queue();
        let files_dir = data_dir.join("files");
        let blobs = DiskBlobs::new(&files_dir, &format!("{public_url}/files"), &format!("{public_url}/upload"))
            .map_err(|e| fault(&e))?;
        let mut adapters = Adapters::of(store.clone());
        adapters.files = Some(Arc::new(blobs.clone()) as Arc<dyn BlobStore>);
        adapters.jobs = Some(Arc::new(queue.clone()) as Arc<dyn JobQueue>);
        Ok(Self { adapters, store, queue, blobs, files_dir })
    }
}
