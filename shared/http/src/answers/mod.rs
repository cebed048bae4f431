//! What the API answers, as the types that are served: each derives both its JSON (serde) and its
//! OpenAPI schema (utoipa), so the document cannot drift from the bytes. Successful answers keep
//! the old backend's shape: `{"success": true, "data": …, "metadata": {"timestamp": …}}`. A
//! handler returns [`Answered`] (or [`Flat`]) naming the type it serves; the `openapi` tests hold
//! each operation's documented body to its handler's return type.

mod account;
mod asset;
mod history;

pub use account::{Session, UserView};
pub use asset::{AssetPage, AssetView, BatchAnswer, BatchFailure, BatchSuccess, DeletedView, UploadSlotView};
pub use history::HistoryView;

use crate::art_shape::Shape;
use crate::conditional;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use nna_domain::input::Warning;
use nna_domain::{Asset, Timestamp};
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

/// A handler's success: `data` in the envelope with status `STATUS`, and the headers it carries.
pub struct Answered<T, const STATUS: u16 = 200> {
    data: T,
    warnings: Vec<Warning>,
    headers: HeaderMap,
}

impl<T, const STATUS: u16> Answered<T, STATUS> {
    pub fn new(data: T) -> Self {
        Self { data, warnings: Vec::new(), headers: HeaderMap::new() }
    }

    /// With what a write did not take as sent.
    pub fn warned(mut self, warnings: Vec<Warning>) -> Self {
        self.warnings = warnings;
        self
    }

    /// Saying which `albumArt` shape it is in.
    pub fn shaped(mut self, shape: Shape) -> Self {
        shape.stamp(&mut self.headers);
        self
    }

    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }
}

impl<const STATUS: u16> Answered<AssetView, STATUS> {
    /// The asset as it now is, in the shape asked for, its version the `ETag` (for `If-Match` and
    /// `If-None-Match`).
    pub fn asset(asset: Asset, shape: Shape) -> Self {
        let headers = asset_headers(&asset, shape);
        Self { data: AssetView::of(asset, shape.art), warnings: Vec::new(), headers }
    }
}

fn asset_headers(asset: &Asset, shape: Shape) -> HeaderMap {
    let mut headers = HeaderMap::new();
    shape.stamp(&mut headers);
    conditional::version(&mut headers, asset);
    headers
}

impl<T: Serialize, const STATUS: u16> IntoResponse for Answered<T, STATUS> {
    fn into_response(self) -> Response {
        enveloped(StatusCode::from_u16(STATUS).unwrap_or(StatusCode::OK), self.data, &self.warnings, self.headers)
    }
}

/// One copy per answer type, whatever its status: the status is a value here, not a type (each
/// `(T, STATUS)` copy would grow every binary). A body that cannot be serialized stays the 500
/// axum makes of it.
#[inline(never)]
fn enveloped<T: Serialize>(status: StatusCode, data: T, warnings: &[Warning], headers: HeaderMap) -> Response {
    let body = Answer { success: true, data, warnings, metadata: Meta::now() };
    let mut response = axum::Json(body).into_response();
    if response.status().is_success() {
        *response.status_mut() = status;
        response.headers_mut().extend(headers);
    }
    response
}

/// An answer whose fields the frontend reads at the top level (the taxonomy routes), with the
/// usual envelope beside them: `{...fields, "success": true, "data": {...fields}, "metadata"}`.
pub struct Flat<T>(pub T);

impl<T: Serialize> IntoResponse for Flat<T> {
    fn into_response(self) -> Response {
        let data = serde_json::to_value(self.0).unwrap_or(serde_json::Value::Null);
        let mut top = data.as_object().cloned().unwrap_or_default();
        top.insert("success".into(), true.into());
        top.insert("data".into(), data);
        top.insert("metadata".into(), serde_json::json!({ "timestamp": Timestamp::now() }));
        axum::Json(top).into_response()
    }
}

/// An answer, or `304 Not Modified` with these headers when the client's copy is current.
pub enum Fresh<T> {
    Changed(T),
    Unchanged(HeaderMap),
}

impl<T: IntoResponse> IntoResponse for Fresh<T> {
    fn into_response(self) -> Response {
        match self {
            Self::Changed(answer) => answer.into_response(),
            Self::Unchanged(headers) => (StatusCode::NOT_MODIFIED, headers).into_response(),
        }
    }
}
