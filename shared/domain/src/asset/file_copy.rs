//! Where an asset's file came from when the cutover copied it out of the old backend's bucket:
//! kept beside `gcpStorageUrl` (which then names the registry's copy), for provenance, for the
//! cutover's check that the bytes are the same, and for the way back.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FileCopy {
    /// The URL the old backend served the file at (`gcpStorageUrl` before the copy).
    pub url: String,
    /// The bytes' MD5, base64 (as storage hosts report it), checked against what the old host
    /// reported where it reported one.
    pub md5: String,
    pub size: u64,
    pub content_type: String,
    pub copied_at: Timestamp,
}
