//! The shapes the API answers and accepts, for the OpenAPI document only: handlers build their
//! JSON with `serde_json`, and the contract tests (schemathesis against `nna-local`) hold the
//! two together. Objects allow more properties than listed: stored assets keep fields written
//! before these existed, and requests may carry fields the frontend adds.

#![allow(dead_code)]

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// `metadata` of every answer.
#[derive(Serialize, ToSchema)]
pub struct Meta {
    /// When the answer was made (ISO 8601).
    timestamp: String,
}

/// Every error: a stable `code`, a sentence, the field at fault, and details (each refused field
/// under `details.errors`).
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// Always `false`.
    success: bool,
    error: ProblemError,
    metadata: ProblemMeta,
}

#[derive(Serialize, ToSchema)]
pub struct ProblemError {
    /// Machine-readable, e.g. `too_long`, `unauthorized`, `precondition_failed`.
    code: String,
    message: String,
    field: Option<String>,
    #[schema(value_type = Option<Object>)]
    details: Option<Map<String, Value>>,
}

#[derive(Serialize, ToSchema)]
pub struct ProblemMeta {
    timestamp: String,
    path: String,
}

/// An asset as stored and shown. Legacy assets may lack most fields.
#[derive(Serialize, ToSchema)]
#[schema(as = Asset)]
pub struct AssetDoc {
    /// The id (MongoDB's name for it).
    #[serde(rename = "_id")]
    mongo_id: String,
    id: String,
    /// G, S, L, M, W, B, P, T, C or R.
    layer: String,
    category: String,
    subcategory: String,
    /// The HFN, `L.CAS.ATL.001` (composites: `C.…:…`).
    name: String,
    /// `L.004.004.001`.
    nna_address: String,
    /// `3.004.004.001`.
    mfa: Option<String>,
    /// The creator's own words, at most 500 characters.
    #[serde(rename = "creatorDescription")]
    creator_description: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    source: Option<String>,
    #[serde(rename = "registeredBy")]
    registered_by: Option<String>,
    #[serde(rename = "createdAt")]
    created_at: Option<String>,
    #[serde(rename = "updatedAt")]
    updated_at: Option<String>,
    /// Songs: the cover and its processing state (or, from old data, a bare URL). Answered as one
    /// image URL where the deployment sets `NNA_ALBUM_ART_SHAPE=url` or the request sends
    /// `Prefer: album-art=url`; `Prefer: album-art=object` asks for the object.
    #[serde(rename = "albumArt")]
    #[schema(value_type = Option<Value>)]
    album_art: Option<Value>,
    /// The object, when `albumArt` is answered as a URL.
    #[serde(rename = "albumArtDetails")]
    #[schema(value_type = Option<Object>)]
    album_art_details: Option<Map<String, Value>>,
    /// The one image URL to show: the 500×500 rendition once ready, else the source.
    #[serde(rename = "albumArtUrl")]
    album_art_url: Option<String>,
    /// The 150×150 rendition, once ready.
    #[serde(rename = "albumArtThumbnailUrl")]
    album_art_thumbnail_url: Option<String>,
    #[serde(rename = "aiMetadata")]
    #[schema(value_type = Option<Object>)]
    ai_metadata: Option<Map<String, Value>>,
    #[serde(rename = "musicMetadata")]
    #[schema(value_type = Option<Object>)]
    music_metadata: Option<Map<String, Value>>,
    /// The version; the `ETag` is `"<id>.<revision>"`.
    revision: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct AssetAnswer {
    success: bool,
    data: AssetDoc,
    /// Edits only: what was not taken as sent, though the rest was saved (e.g. `address_not_words`
    /// when creatorDescription was the asset's own HFN, `placeholder_not_words` for the
    /// frontend's generated description).
    warnings: Option<Vec<WarningDoc>>,
    metadata: Meta,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Warning)]
pub struct WarningDoc {
    field: String,
    code: String,
    message: String,
}

#[derive(Serialize, ToSchema)]
pub struct AssetPage {
    items: Vec<AssetDoc>,
    /// Exact up to 10,000 matches; `null` past that.
    total: Option<u64>,
    /// `true` when `total` is unknown (more than 10,000 matches).
    #[serde(rename = "totalIsLowerBound")]
    total_is_lower_bound: bool,
    /// With `totalIsLowerBound`: how many matches there are at least.
    #[serde(rename = "totalAtLeast")]
    total_at_least: Option<u64>,
    page: u32,
    limit: u32,
    #[serde(rename = "totalPages")]
    total_pages: Option<u64>,
    #[serde(rename = "nextCursor")]
    next_cursor: Option<String>,
    #[serde(rename = "hasMore")]
    has_more: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ListAnswer {
    success: bool,
    data: AssetPage,
    metadata: Meta,
}

/// Any JSON object answer (taxonomy, batch results, upload slots, deletes).
#[derive(Serialize, ToSchema)]
pub struct ObjectAnswer {
    success: bool,
    #[schema(value_type = Object)]
    data: Map<String, Value>,
    metadata: Meta,
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `healthy` or `unhealthy`; the frontend reads this top-level field.
    status: String,
    success: bool,
    #[schema(value_type = Object)]
    data: Map<String, Value>,
    metadata: Meta,
}

#[derive(Serialize, ToSchema)]
pub struct User {
    id: String,
    #[serde(rename = "_id")]
    mongo_id: String,
    username: Option<String>,
    email: String,
    /// `editor` or `admin`.
    role: String,
    #[serde(rename = "createdAt")]
    created_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UserAnswer {
    success: bool,
    data: User,
    metadata: Meta,
}

#[derive(Serialize, ToSchema)]
pub struct Session {
    /// A bearer token (HS256 JWT).
    token: String,
    /// Seconds until it expires.
    #[serde(rename = "expiresIn")]
    expires_in: u64,
    user: User,
}

#[derive(Serialize, ToSchema)]
pub struct SessionAnswer {
    success: bool,
    data: Session,
    metadata: Meta,
}

/// A new asset. As JSON, or as the frontend's multipart form (nested objects as JSON text, an
/// optional `file`). Layer, category and subcategory take codes, numbers or names.
#[derive(Serialize, ToSchema)]
pub struct NewAsset {
    layer: String,
    category: String,
    subcategory: String,
    #[serde(rename = "creatorDescription")]
    creator_description: Option<String>,
    description: Option<String>,
    #[schema(value_type = Option<Value>)]
    tags: Option<Value>,
    source: Option<String>,
    #[serde(rename = "albumArt")]
    #[schema(value_type = Option<Value>)]
    album_art: Option<Value>,
    #[serde(rename = "aiMetadata")]
    #[schema(value_type = Option<Value>)]
    ai_metadata: Option<Value>,
    #[serde(rename = "musicMetadata")]
    #[schema(value_type = Option<Value>)]
    music_metadata: Option<Value>,
    /// HFNs or MFAs of a composite's parts.
    #[schema(value_type = Option<Value>)]
    components: Option<Value>,
    /// A direct upload made through `POST /api/assets/uploads`.
    #[serde(rename = "uploadKey")]
    upload_key: Option<String>,
}

/// The fields to change; PATCH merges objects (RFC 7396), PUT replaces each field sent.
#[derive(Serialize, ToSchema)]
pub struct AssetEdit {
    #[serde(rename = "creatorDescription")]
    creator_description: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    #[serde(rename = "albumArt")]
    #[schema(value_type = Option<Value>)]
    album_art: Option<Value>,
}

#[derive(Serialize, ToSchema)]
pub struct Registration {
    /// At least 5 characters.
    username: String,
    email: String,
    /// At least 6 characters.
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Credentials {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct EmailOnly {
    email: String,
}

#[derive(Serialize, ToSchema)]
pub struct UploadRequest {
    #[serde(rename = "contentType")]
    content_type: String,
    size: u64,
    #[serde(rename = "fileName")]
    file_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ArtRequest {
    #[serde(rename = "sourceUrl")]
    source_url: String,
    source: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HfnToMfa {
    hfn: String,
}

#[derive(Serialize, ToSchema)]
pub struct MfaToHfn {
    mfa: String,
}
