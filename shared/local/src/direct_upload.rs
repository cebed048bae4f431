//! `PUT /upload/<key>`: where the URLs from `POST /api/assets/uploads` point on the local server,
//! doing what S3 does for presigned URLs in production: check the signature, expiry and type, take
//! exactly the signed number of bytes, store them.

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use http_body_util::{BodyExt, Limited};
use nna_domain::Timestamp;
use nna_domain::ports::{BlobMeta, BlobStore};
use nna_embedded::{DiskBlobs, PutRefused};
use nna_http::problem::{ApiError, render};

/// Refusals in the API's one error shape, as S3's are XML in production.
pub fn routes(blobs: DiskBlobs) -> Router {
    Router::new().route("/upload/{*key}", put(upload)).with_state(blobs).layer(from_fn(render))
}

fn refuse(status: StatusCode, code: &'static str, message: String) -> Response {
    ApiError::request(status, code, message).into_response()
}

async fn upload(
    State(blobs): State<DiskBlobs>,
    Path(key): Path<String>,
    signed: Result<Query<nna_embedded::SignedPut>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Ok(Query(signed)) = signed else {
        let message = "this is not a signed upload URL: ask POST /api/assets/uploads for one".to_owned();
        return refuse(StatusCode::FORBIDDEN, "upload_refused", message);
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let key = match blobs.authorize_put(&key, &signed, content_type, Timestamp::now()) {
        Ok(k) => k,
        Err(e @ PutRefused::WrongType(_)) => {
            return refuse(StatusCode::BAD_REQUEST, "wrong_content_type", e.to_string());
        }
        Err(e) => return refuse(StatusCode::FORBIDDEN, "upload_refused", e.to_string()),
    };
    let limit = usize::try_from(signed.size).unwrap_or(usize::MAX);
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("this upload was signed for {} bytes", signed.size),
            );
        }
    };
    if bytes.len() as u64 != signed.size {
        return refuse(
            StatusCode::BAD_REQUEST,
            "wrong_size",
            format!("this upload was signed for exactly {} bytes", signed.size),
        );
    }
    let meta = BlobMeta { content_type: signed.content_type.clone(), cache_control: "no-store".to_owned() };
    match blobs.put(&key, bytes, &meta).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => {
            tracing::error!(%key, error = %e, "storing a direct upload failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "the upload could not be stored".to_owned())
        }
    }
}
