//! The embedded default adapters: [`SqliteStore`] keeps assets in one SQLite file, [`DiskBlobs`]
//! keeps uploaded files in a folder. Together they are the registry with no cloud at all.

mod blobs;
mod open;
mod sqlite;

pub use blobs::{DiskBlobs, PutRefused, SignedPut};
pub use open::Embedded;
pub use sqlite::{DeadJob, SqliteQueue, SqliteStore};
