//! Assets as the frontend reads them.

use crate::art_shape::ArtShape;
use nna_domain::asset::{
    AiMetadata, AlbumArt, AlbumArtField, AssetStatus, CreatorDescription, Deletion, FileCopy, MusicMetadata,
};
use nna_domain::input::Warning;
use nna_domain::registry::{BatchOutcome, Deleted, UploadSlot};
use nna_domain::search::{SearchPage, SearchQuery};
use nna_domain::{Asset, AssetId, Timestamp};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use utoipa::ToSchema;

/// An asset as answered, in the `albumArt` shape asked for: owned, so a handler can return it;
/// served (and described) as [`Shown`].
pub struct AssetView {
    asset: Asset,
    art: ArtShape,
}

impl AssetView {
    pub fn of(asset: Asset, art: ArtShape) -> Self {
        Self { asset, art }
    }

    pub fn asset(&self) -> &Asset {
        &self.asset
    }
}

impl Serialize for AssetView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Shown::of(&self.asset, self.art).serialize(serializer)
    }
}

impl utoipa::PartialSchema for AssetView {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        Shown::schema()
    }
}

impl ToSchema for AssetView {
    fn name() -> Cow<'static, str> {
        Shown::name()
    }

    fn schemas(into: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        Shown::schemas(into);
    }
}

/// An asset: the stored fields (legacy items may lack most of them, and keep fields written before
/// these existed, served as stored), `_id` beside `id`, `albumArt` in the shape asked for, and the
/// art's one showable URL and its thumbnail as plain strings. The migration's bookkeeping is not
/// shown.
#[serde_with::skip_serializing_none]
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Asset)]
struct Shown<'a> {
    /// The id, by MongoDB's name for it.
    #[serde(rename = "_id")]
    mongo_id: &'a AssetId,
    id: &'a AssetId,
    /// G, S, L, M, W, B, P, T, C or R.
    layer: &'a str,
    /// Category and subcategory names (`Casual`, `Athleisure`).
    category: &'a str,
    subcategory: &'a str,
    /// The HFN, `L.CAS.ATL.001` (composites: the HFN, `:` and the component addresses).
    name: &'a str,
    /// `L.004.004.001`.
    #[serde(rename = "nna_address")]
    nna_address: &'a str,
    /// `3.004.004.001`.
    mfa: Option<&'a str>,
    source: Option<&'a str>,
    tags: Option<&'a [String]>,
    description: Option<&'a str>,
    /// Objects for new items; legacy items hold JSON text here, served as stored.
    training_data: Option<&'a Value>,
    rights: Option<&'a Value>,
    /// A composite's parts, by stored address.
    components: Option<&'a [String]>,
    /// The uploaded file's public URL (the frontend knows it by this name whatever the storage).
    gcp_storage_url: Option<&'a str>,
    /// Imported assets whose file the cutover copied into this registry's storage: the old URL
    /// and what was checked of the bytes.
    copied_from: Option<&'a FileCopy>,
    registered_by: Option<&'a str>,
    created_at: Timestamp,
    updated_at: Timestamp,
    metadata: Option<&'a Value>,
    /// `curated` once an admin has curated it.
    status: Option<&'a str>,
    curated_at: Option<Timestamp>,
    creator_description: Option<&'a CreatorDescription>,
    /// Songs: the cover and its processing state (or, from old data, a bare URL). One image URL
    /// where the deployment sets `NNA_ALBUM_ART_SHAPE=url` or the request sends
    /// `Prefer: album-art=url`; `Prefer: album-art=object` asks for the object.
    album_art: Option<Cow<'a, AlbumArtField>>,
    ai_metadata: Option<&'a AiMetadata>,
    music_metadata: Option<&'a MusicMetadata>,
    /// The version; the `ETag` is `"<id>.<revision>"`.
    revision: u64,
    /// Fields of legacy items this API does not model (`__v`, `friendlyName`, …), as stored.
    #[serde(flatten)]
    #[schema(ignore)]
    kept: &'a Map<String, Value>,
    /// The object, when `albumArt` is answered as a URL.
    #[serde(rename = "albumArtDetails")]
    art_details: Option<&'a AlbumArt>,
    /// The one image URL to show: the 500×500 rendition once ready, else the source.
    #[serde(rename = "albumArtUrl")]
    art_url: Option<&'a str>,
    /// The 150×150 rendition, once ready: what lists show.
    #[serde(rename = "albumArtThumbnailUrl")]
    art_thumbnail_url: Option<&'a str>,
}

impl<'a> Shown<'a> {
    fn of(asset: &'a Asset, shape: ArtShape) -> Self {
        let art = asset.album_art.as_ref();
        let art_url = art.and_then(AlbumArtField::display_url);
        let as_url = shape == ArtShape::Url && matches!(art, Some(AlbumArtField::Art(_)));
        let album_art = match art {
            Some(_) if as_url => art_url.map(|u| Cow::Owned(AlbumArtField::LegacyUrl(u.to_owned()))),
            other => other.map(Cow::Borrowed),
        };
        Self {
            mongo_id: &asset.id,
            id: &asset.id,
            layer: asset.layer().as_str(),
            category: asset.place.category(),
            subcategory: asset.place.subcategory(),
            name: asset.name(),
            nna_address: asset.naming.nna_address(),
            mfa: asset.naming.stored_mfa(),
            source: asset.source.as_deref(),
            tags: asset.tags.as_deref(),
            description: asset.description.as_deref(),
            training_data: asset.training_data.as_ref(),
            rights: asset.rights.as_ref(),
            components: asset.components.as_deref(),
            gcp_storage_url: asset.gcp_storage_url.as_deref(),
            copied_from: asset.copied_from.as_ref(),
            registered_by: asset.registered_by.as_deref(),
            created_at: asset.created_at,
            updated_at: asset.updated_at,
            metadata: asset.metadata.as_ref(),
            status: asset.status.as_ref().map(AssetStatus::as_str),
            curated_at: asset.curated_at,
            creator_description: asset.creator_description.as_ref(),
            album_art,
            ai_metadata: asset.ai_metadata.as_ref(),
            music_metadata: asset.music_metadata.as_ref(),
            revision: asset.revision,
            kept: &asset.extra,
            art_details: art.and_then(AlbumArtField::art).filter(|_| as_url),
            art_url,
            art_thumbnail_url: art.and_then(AlbumArtField::thumbnail_url),
        }
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
