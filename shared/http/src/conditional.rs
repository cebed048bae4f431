//! Versions and caching: every asset response carries its `ETag`; `If-Match` makes a write
//! conditional (412 when the asset moved on), `If-None-Match` makes a read cheap (304).
//! Cache-Control is set per route: responses are per user (tokens), so nothing is `public` but
//! the taxonomy, and an asset is always revalidated.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use nna_domain::Asset;
use nna_domain::asset::Version;

/// An asset: any cache must ask again, with its `ETag`, before using a stored copy.
pub const ASSET: HeaderValue = HeaderValue::from_static("private, no-cache");
/// The taxonomy changes with a release, not with use.
pub const TAXONOMY: HeaderValue = HeaderValue::from_static("public, max-age=300");
/// Everything else: lists, writes, accounts, errors.
pub const NEVER: HeaderValue = HeaderValue::from_static("no-store");

/// The versions an `If-Match` lists; `None` when absent or `*`.
pub fn if_match(headers: &HeaderMap) -> Option<Vec<Version>> {
    match headers.get(header::IF_MATCH)?.to_str() {
        Ok(v) => Version::list(v, false),
        // A header that is not text matches nothing.
        Err(_) => Some(Vec::new()),
    }
}

/// Whether the client's copy (`If-None-Match`, weak comparison) is this version.
pub fn unchanged(headers: &HeaderMap, asset: &Asset) -> bool {
    let Some(value) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else { return false };
    match Version::list(value, true) {
        None => true,
        Some(listed) => Version::matches(asset, &listed),
    }
}

/// Stamps an asset response with its version and caching rule.
pub fn versioned(mut response: Response, asset: &Asset) -> Response {
    if let Ok(tag) = HeaderValue::from_str(&Version::of(asset).etag()) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, ASSET);
    response
}

pub fn not_modified(asset: &Asset) -> Response {
    versioned(StatusCode::NOT_MODIFIED.into_response(), asset)
}

/// The versions a write's `If-Match` lists (`None`: absent or `*`).
pub struct IfMatch(pub Option<Vec<Version>>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IfMatch {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(if_match(&parts.headers)))
    }
}
