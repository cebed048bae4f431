//! Assets as the frontend reads them.

use crate::art_shape::ArtShape;
use nna_domain::asset::{
    AiMetadata, AlbumArt, AlbumArtField, AssetStatus, CreatorDescription, Deletion, FileCopy, MusicMetadata,
};
use nna_domain::input::Warning;
use nna_domain::registry::UploadSlot;
use nna_domain::{Asset, AssetId, Timestamp};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use utoipa::ToSchema;

/// An asset: the stored fields (legacy items may lack most of them, and keep fields written before
/// these existed, served as stored), `_id` beside `id`, `albumArt` in the shape asked for, and the
/// art's one showable URL and its thumbnail as plain strings. The migration's bookkeeping is not
/// shown.
#[serde_with::skip_serializing_none]
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Asset)]
pub struct AssetView<'a> {
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

impl<'a> AssetView<'a> {
    pub fn of(asset: &'a Asset, shape: ArtShape) -> Self {
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
pub struct AssetPage<'a> {
    pub items: Vec<AssetView<'a>>,
    /// Exact up to 10,000 matches; `null` past that.
    pub total: Option<u64>,
    /// `true` when `total` is unknown (more than 10,000 matches).
    pub total_is_lower_bound: bool,
    /// With `totalIsLowerBound`: how many matches there are at least.
    pub total_at_least: Option<u64>,
    pub page: u32,
    pub limit: u32,
    pub total_pages: Option<u64>,
    /// Where the next page starts (`cursor=`); `null` on the last page.
    pub next_cursor: Option<&'a str>,
    pub has_more: bool,
}

/// What a delete answers: the record kept of the asset.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletedView<'a> {
    /// Always `true`.
    pub deleted: bool,
    pub id: &'a AssetId,
    #[serde(rename = "_id")]
    pub mongo_id: &'a AssetId,
    /// The HFN, which stays used: its number is never given again.
    pub name: &'a str,
    pub record: &'a Deletion,
    /// How many files storage did not remove at once; a job removes them.
    pub files_pending: usize,
}

/// Where to `PUT` a file too large to send inline.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadSlotView<'a> {
    /// What the create names as `uploadKey` once the file is there.
    upload_key: &'a str,
    upload_url: &'a str,
    /// Always `PUT`.
    method: &'static str,
    /// Send these headers with the PUT, as given (they are signed).
    #[schema(value_type = Object)]
    headers: Map<String, Value>,
    content_type: &'a str,
    size: u64,
    expires_at: Timestamp,
}

impl<'a> UploadSlotView<'a> {
    pub fn of(slot: &'a UploadSlot) -> Self {
        Self {
            upload_key: slot.key.as_str(),
            upload_url: &slot.put.url,
            method: "PUT",
            headers: slot.put.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect(),
            content_type: slot.content_type,
            size: slot.size,
            expires_at: slot.put.expires_at,
        }
    }
}

/// A batch's outcome: each item created or refused on its own, by its position in the request.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchAnswer<'a> {
    pub created: Vec<BatchSuccess<'a>>,
    pub failed: Vec<BatchFailure>,
    pub created_count: usize,
    pub failed_count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct BatchSuccess<'a> {
    pub index: usize,
    pub asset: AssetView<'a>,
    /// As a single create's `warnings`: what this item sent that was not taken as words.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub warnings: &'a [Warning],
}

#[derive(Serialize, ToSchema)]
pub struct BatchFailure {
    pub index: usize,
    /// The `error` object of the API's `Problem`.
    pub error: crate::problem::ProblemError,
}
