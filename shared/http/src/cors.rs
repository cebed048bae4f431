//! Credentialed cross-origin calls from the configured frontends: the origin is echoed (never
//! `*`), credentials allowed, and the headers the frontend and conditional requests use.

use axum::http::{HeaderName, HeaderValue, Method, header};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The deployed frontends and the local dev server.
pub const DEFAULT_ORIGINS: [&str; 4] = [
    "https://nna-registry-frontend.vercel.app",
    "https://nna-registry-frontend-dev.vercel.app",
    "https://nna-registry-frontend-stg.vercel.app",
    "http://localhost:3000",
];

pub fn layer(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> =
        origins.iter().filter_map(|o| HeaderValue::from_str(o.trim().trim_end_matches('/')).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::CACHE_CONTROL,
            header::PRAGMA,
            HeaderName::from_static("x-requested-at"),
            HeaderName::from_static("idempotency-key"),
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            crate::art_shape::PREFER,
        ])
        .expose_headers([header::ETAG, header::LOCATION, HeaderName::from_static("preference-applied")])
        .max_age(Duration::from_secs(600))
}
