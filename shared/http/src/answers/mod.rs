//! What the API answers, as the types that are served: each derives both its JSON (serde) and its
//! OpenAPI schema (utoipa), so the document cannot drift from the bytes. Successful answers keep
//! the old backend's shape: `{"success": true, "data": …, "metadata": {"timestamp": …}}`.

mod account;
mod asset;
mod history;

pub use account::{Session, UserView};
pub use asset::{AssetPage, AssetView, BatchAnswer, BatchFailure, BatchSuccess, DeletedView, UploadSlotView};
pub use history::HistoryView;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use nna_domain::Timestamp;
use nna_domain::input::Warning;
use serde::Serialize;
use utoipa::ToSchema;

/// Every successful answer.
#[derive(Serialize, ToSchema)]
pub struct Answer<'w, T> {
    /// Always `true`.
    success: bool,
    data: T,
    /// What a write did not take as sent, though it saved the rest (e.g. `address_not_words` when
    /// creatorDescription was the asset's own HFN, `placeholder_not_words` for the frontend's
    /// generated description).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    warnings: &'w [Warning],
    metadata: Meta,
}

/// `metadata` of every answer.
#[derive(Serialize, ToSchema)]
pub struct Meta {
    /// When the answer was made.
    timestamp: Timestamp,
}

impl Meta {
    pub fn now() -> Self {
        Self { timestamp: Timestamp::now() }
    }
}

pub fn ok<T: Serialize>(status: StatusCode, data: T) -> Response {
    ok_warned(status, data, &[])
}

pub fn ok_warned<T: Serialize>(status: StatusCode, data: T, warnings: &[Warning]) -> Response {
    let body = Answer { success: true, data, warnings, metadata: Meta::now() };
    (status, axum::Json(body)).into_response()
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
