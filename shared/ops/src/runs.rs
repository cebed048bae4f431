//! The names of the runs that keep checkpoints, in one place: each pass names its own, and a
//! migration and its rollback clear each other's (from the first item either writes, the other's
//! checkpoints no longer describe the table).

pub const MIGRATE: &str = "migrate-enhanced-metadata-v1";
pub const ROLLBACK: &str = "rollback-enhanced-metadata-v1";
pub const REINDEX: &str = "reindex";
pub const COPY_FILES: &str = "copy-legacy-files";

/// Every run `status` reports the checkpoints of.
pub const ALL: [&str; 4] = [MIGRATE, ROLLBACK, REINDEX, COPY_FILES];
