//! Successful answers keep the old backend's shape: `{"success": true, "data": …, "metadata":
//! {"timestamp": …}}`.

use crate::art_shape::ArtShape;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use nna_domain::asset::{AlbumArt, AlbumArtField};
use nna_domain::input::Warning;
use nna_domain::{Asset, AssetId, Timestamp};
use serde::Serialize;
use std::borrow::Cow;

#[derive(Serialize)]
struct Envelope<'w, T> {
    success: bool,
    data: T,
    /// What a write did not take as sent, though it saved the rest.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    warnings: &'w [Warning],
    metadata: Metadata,
}

#[derive(Serialize)]
struct Metadata {
    timestamp: Timestamp,
}

pub fn ok<T: Serialize>(status: StatusCode, data: T) -> Response {
    ok_warned(status, data, &[])
}

pub fn ok_warned<T: Serialize>(status: StatusCode, data: T, warnings: &[Warning]) -> Response {
    let body = Envelope { success: true, data, warnings, metadata: Metadata { timestamp: Timestamp::now() } };
    (status, axum::Json(body)).into_response()
}

/// An asset as the frontend reads it: the stored record with `_id` (MongoDB's name) beside `id`,
/// without the migration's bookkeeping, `albumArt` in the shape asked for, and the art's one
/// showable URL and its thumbnail as plain strings.
#[derive(Serialize)]
pub struct AssetView<'a> {
    #[serde(rename = "_id")]
    mongo_id: &'a AssetId,
    #[serde(flatten)]
    asset: Cow<'a, Asset>,
    /// The object, when `albumArt` is answered as a URL.
    #[serde(rename = "albumArtDetails", skip_serializing_if = "Option::is_none")]
    art_details: Option<&'a AlbumArt>,
    #[serde(rename = "albumArtUrl", skip_serializing_if = "Option::is_none")]
    art_url: Option<&'a str>,
    /// 150×150, once processed: what lists show.
    #[serde(rename = "albumArtThumbnailUrl", skip_serializing_if = "Option::is_none")]
    art_thumbnail_url: Option<&'a str>,
}

impl<'a> AssetView<'a> {
    pub fn of(asset: &'a Asset, shape: ArtShape) -> Self {
        let art = asset.album_art.as_ref();
        let art_url = art.and_then(AlbumArtField::display_url);
        let as_url = shape == ArtShape::Url && matches!(art, Some(AlbumArtField::Art(_)));
        // Only migrated items, and art answered as a URL, pay for the copy.
        let shown = if asset.migration.is_none() && !as_url {
            Cow::Borrowed(asset)
        } else {
            let mut copy = Asset { migration: None, ..asset.clone() };
            if as_url {
                copy.album_art = art_url.map(|u| AlbumArtField::LegacyUrl(u.to_owned()));
            }
            Cow::Owned(copy)
        };
        Self {
            mongo_id: &asset.id,
            asset: shown,
            art_details: art.and_then(AlbumArtField::art).filter(|_| as_url),
            art_url,
            art_thumbnail_url: art.and_then(AlbumArtField::thumbnail_url),
        }
    }
}

/// An answer whose fields the frontend reads at the top level (the taxonomy routes), with the
/// usual envelope beside them: `{...fields, "success": true, "data": {...fields}, "metadata"}`.
pub fn flat<T: Serialize>(status: StatusCode, fields: &T) -> Response {
    let data = serde_json::to_value(fields).unwrap_or(serde_json::Value::Null);
    let mut top = match &data {
        serde_json::Value::Object(m) => m.clone(),
        _ => serde_json::Map::new(),
    };
    top.insert("success".into(), serde_json::Value::Bool(status.is_success()));
    top.insert("data".into(), data);
    top.insert("metadata".into(), serde_json::json!({ "timestamp": Timestamp::now() }));
    (status, axum::Json(top)).into_response()
}
