//! `GET /files/<key>`: the stored files, as the CDN serves them in production. Only exact keys of
//! stored files answer: no directory listings or redirects, no direct uploads that no asset has
//! claimed (`uploads/`), no temporary files. A file answers with the type its key was stored
//! under, `nosniff`, and a cache for good (a key never changes its bytes); a miss with a JSON
//! problem that nothing caches, so a file that lands later is seen at once.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use nna_domain::ports::BlobKey;
use nna_domain::upload::IMMUTABLE_CACHE;
use nna_http::problem::{ApiError, render};
use std::path::PathBuf;
use tower::ServiceExt;
use tower_http::services::ServeFile;

pub fn routes(root: PathBuf) -> Router {
    Router::new()
        .route("/files", get(missing))
        .route("/files/", get(missing))
        .route("/files/{*key}", get(serve))
        .with_state(root)
        .layer(from_fn(render))
}

async fn missing() -> Response {
    not_found()
}

fn not_found() -> Response {
    let mut response = ApiError::not_found("file_not_found", "no stored file has this path").into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The stored file a request path names, if it names one a client may read.
fn servable(path: &str) -> Option<BlobKey> {
    let raw = path.strip_prefix("/files/")?;
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    let key = BlobKey::parse(&decoded)?;
    let hidden = key.as_str().split('/').any(|segment| segment.starts_with('.'));
    let served = nna_domain::files::SERVED_PREFIXES.iter().any(|p| key.as_str().starts_with(p));
    (!hidden && served).then_some(key)
}

async fn serve(State(root): State<PathBuf>, request: Request) -> Response {
    let Some(key) = servable(request.uri().path()) else { return not_found() };
    let path = root.join(key.as_str());
    if !tokio::fs::metadata(&path).await.is_ok_and(|m| m.is_file()) {
        return not_found();
    }
    // ServeFile answers ranges and conditional requests; its type is the key's extension, which
    // is what the file's own bytes were sniffed as when it was stored.
    let response = match ServeFile::new(&path).oneshot(request).await {
        Ok(r) => r.map(axum::body::Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        return not_found();
    }
    let mut response = response;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE_CACHE));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_keys_a_client_may_read() {
        assert!(servable("/files/assets/abc/cover.png").is_some());
        for path in [
            "/files///assets",
            "/files/assets/",
            "/files/../x",
            "/files/uploads/2026/11/a.png",
            "/files/a/.tmpX",
            "/files/deleted/assets/abc/cover.png",
            "/files/history/abc/1-ab.json",
            "/files/backups/x.gz",
        ] {
            assert!(servable(path).is_none(), "{path}");
        }
    }
}
