//! `GET /api/health`. The frontend checks the top-level `"status": "healthy"`: without it, it
//! fakes asset creation instead of calling us, so this answer's shape is load-bearing.

use crate::AppState;
use crate::openapi::schemas::Health;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use nna_domain::Timestamp;
use nna_domain::taxonomy::taxonomy;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/health", get(health))
}

#[utoipa::path(get, path = "/api/health", tag = "meta",
    responses((status = 200, description = "Serving; top-level `status` is `healthy`", body = Health)))]
pub(crate) async fn health(State(s): State<AppState>) -> Response {
    let (status, word, store) = match s.registry.health().await {
        Ok(()) => (StatusCode::OK, "healthy", "ok".to_owned()),
        Err(e) => {
            tracing::warn!(error = %e, "health check: store unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "unhealthy", "unavailable".to_owned())
        }
    };
    let data = json!({
        "status": word,
        "version": env!("CARGO_PKG_VERSION"),
        "taxonomyVersion": taxonomy().version(),
        "checks": { "store": store },
    });
    let body = json!({
        "status": word,
        "success": status.is_success(),
        "data": data,
        "metadata": { "timestamp": Timestamp::now() },
    });
    (status, axum::Json(body)).into_response()
}
