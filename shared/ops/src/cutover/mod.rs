//! Moving onto the registry from the old backend (NestJS + MongoDB + Google Cloud Storage), and
//! back. One resumable command per collection: [`import`] of the assets and the users exports
//! (items already there are left as they are, so a second run changes nothing and says so), the
//! [`files`] copied out of the old bucket, [`verify`] of everything exported against what the
//! registry holds, and the [`way_back`]: what changed here since the switch, in the old schema.

pub mod files;
pub mod import;
pub mod verify;
pub mod way_back;

use serde::Serialize;

/// A document of an export that was not taken, where it was, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refused {
    /// Its line in the export (its position, in a `--jsonArray` export).
    pub line: usize,
    /// Its `_id`, or `?` where it has none.
    pub id: String,
    pub reason: String,
}
