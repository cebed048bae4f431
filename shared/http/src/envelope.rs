//! Successful answers keep the old backend's shape: `{"success": true, "data": …, "metadata":
//! {"timestamp": …}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use nna_domain::{Asset, AssetId, Timestamp};
use serde::Serialize;
use std::borrow::Cow;

#[derive(Serialize)]
struct Envelope<T> {
    success: bool,
    data: T,
    metadata: Metadata,
}

#[derive(Serialize)]
struct Metadata {
    timestamp: Timestamp,
}

pub fn ok<T: Serialize>(status: StatusCode, data: T) -> Response {
    let body = Envelope { success: true, data, metadata: Metadata { timestamp: Timestamp::now() } };
    (status, axum::Json(body)).into_response()
}

/// An asset as the frontend reads it: the stored record with `_id` (MongoDB's name) beside `id`,
/// without the migration's bookkeeping.
#[derive(Serialize)]
pub struct AssetView<'a> {
    #[serde(rename = "_id")]
    mongo_id: &'a AssetId,
    #[serde(flatten)]
    asset: Cow<'a, Asset>,
}

impl<'a> AssetView<'a> {
    pub fn of(asset: &'a Asset) -> Self {
        // Only migrated items pay for the copy.
        let shown = match asset.migration {
            None => Cow::Borrowed(asset),
            Some(_) => Cow::Owned(Asset { migration: None, ..asset.clone() }),
        };
        Self { mongo_id: &asset.id, asset: shown }
    }
}
