//! Assets as the frontend reads them.

use crate::art_shape::ArtShape;
use nna_domain::asset::{AlbumArt, AlbumArtField, Deletion};
use nna_domain::input::Warning;
use nna_domain::registry::{BatchOutcome, Deleted, UploadSlot};
use nna_domain::search::{SearchPage, SearchQuery};
use nna_domain::{Asset, AssetId, Timestamp};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// An asset as answered: its stored fields, `_id` beside `id`, `albumArt` in the shape asked for,
/// and the art's one showable URL and its thumbnail as plain strings. The migration's bookkeeping
/// is not shown. `albumArt` is one image URL where the deployment sets `NNA_ALBUM_ART_SHAPE=url`
/// or the request sends `Prefer: album-art=url`; `Prefer: album-art=object` asks for the object.
#[serde_with::skip_serializing_none]
#[derive(Serialize, ToSchema)]
#[schema(as = Asset)]
pub struct AssetView {
    /// The id, by MongoDB's name for it.
    #[serde(rename = "_id")]
    mongo_id: AssetId,
    #[serde(flatten)]
    asset: Asset,
    /// The object, when `albumArt` is answered as a URL.
    #[serde(rename = "albumArtDetails")]
    art_details: Option<AlbumArt>,
    /// The one image URL to show: the 500×500 rendition once ready, else the source.
    #[serde(rename = "albumArtUrl")]
    art_url: Option<String>,
    /// The 150×150 rendition, once ready: what lists show.
    #[serde(rename = "albumArtThumbnailUrl")]
    art_thumbnail_url: Option<String>,
}

impl AssetView {
    pub fn of(mut asset: Asset, shape: ArtShape) -> Self {
        asset.migration = None;
        let art = asset.album_art.as_ref();
        let art_url = art.and_then(AlbumArtField::display_url).map(str::to_owned);
        let art_thumbnail_url = art.and_then(AlbumArtField::thumbnail_url).map(str::to_owned);
        let mut art_details = None;
        if shape == ArtShape::Url
            && let Some(AlbumArtField::Art(object)) = asset.album_art.take_if(|a| a.art().is_some())
        {
            art_details = Some(object);
            asset.album_art = art_url.clone().map(AlbumArtField::LegacyUrl);
        }
        Self { mongo_id: asset.id.clone(), asset, art_details, art_url, art_thumbnail_url }
    }
}

/// A page of a listing or search.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssetPage {
    items: Vec<AssetView>,
    /// Exact up to 10,000 matches; `null` past that.
    total: Option<u64>,
    /// `true` when `total` is unknown (more than 10,000 matches).
    total_is_lower_bound: bool,
    /// With `totalIsLowerBound`: how many matches there are at least.
    total_at_least: Option<u64>,
    page: u32,
    limit: u32,
    total_pages: Option<u64>,
    /// Where the next page starts (`cursor=`); `null` on the last page.
    next_cursor: Option<String>,
    has_more: bool,
}

impl AssetPage {
    pub fn of(found: SearchPage, query: &SearchQuery, art: ArtShape) -> Self {
        Self {
            items: found.items.into_iter().map(|a| AssetView::of(a, art)).collect(),
            total: found.total,
            total_is_lower_bound: found.total.is_none(),
            total_at_least: found.total_at_least,
            page: query.page,
            limit: query.limit,
            total_pages: found.total.map(|t| t.div_ceil(u64::from(query.limit))),
            has_more: found.next_cursor.is_some(),
            next_cursor: found.next_cursor,
        }
    }
}

/// What a delete answers: the record kept of the asset.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletedView {
    /// Always `true`.
    deleted: bool,
    id: AssetId,
    #[serde(rename = "_id")]
    mongo_id: AssetId,
    /// The HFN, which stays used: its number is never given again.
    name: String,
    record: Deletion,
    /// How many files storage did not remove at once; a job removes them.
    files_pending: usize,
}

impl DeletedView {
    pub fn of(gone: Deleted) -> Self {
        let name = gone.asset.name().to_owned();
        let id = gone.asset.id;
        Self { deleted: true, mongo_id: id.clone(), id, name, record: gone.record, files_pending: gone.files_pending }
    }
}

/// Where to `PUT` a file too large to send inline.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadSlotView {
    /// What the create names as `uploadKey` once the file is there.
    upload_key: String,
    upload_url: String,
    /// Always `PUT`.
    method: &'static str,
    /// Send these headers with the PUT, as given (they are signed).
    #[schema(value_type = Object)]
    headers: Map<String, Value>,
    content_type: &'static str,
    size: u64,
    expires_at: Timestamp,
}

impl UploadSlotView {
    pub fn of(slot: UploadSlot) -> Self {
        Self {
            upload_key: slot.key.as_str().to_owned(),
            upload_url: slot.put.url,
            method: "PUT",
            headers: slot.put.headers.into_iter().map(|(k, v)| (k, Value::String(v))).collect(),
            content_type: slot.content_type,
            size: slot.size,
            expires_at: slot.put.expires_at,
        }
    }
}

/// A batch's outcome: each item created or refused on its own, by its position in the request.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchAnswer {
    created: Vec<BatchSuccess>,
    failed: Vec<BatchFailure>,
    created_count: usize,
    failed_count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct BatchSuccess {
    index: usize,
    asset: AssetView,
    /// As a single create's `warnings`: what this item sent that was not taken as words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Warning>,
}

#[derive(Serialize, ToSchema)]
pub struct BatchFailure {
    index: usize,
    /// The `error` object of the API's `Problem`.
    error: crate::problem::ProblemError,
}

impl BatchAnswer {
    pub fn of(outcomes: Vec<BatchOutcome>, art: ArtShape) -> Self {
        let (mut created, mut failed) = (Vec::new(), Vec::new());
        for BatchOutcome { index, result } in outcomes {
            match result {
                Ok(done) => {
                    created.push(BatchSuccess { index, asset: AssetView::of(done.asset, art), warnings: done.warnings })
                }
                Err(e) => failed.push(BatchFailure { index, error: crate::problem::describe(e) }),
            }
        }
        Self { created_count: created.len(), failed_count: failed.len(), created, failed }
    }
}
