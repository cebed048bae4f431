//! `GET /api/health`. The frontend checks the top-level `"status": "healthy"`: without it, it
//! fakes asset creation instead of calling us, so this answer's shape is load-bearing.

use crate::AppState;
use crate::answers::Meta;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use nna_domain::taxonomy::taxonomy;
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/health", get(health))
}

/// The health answer: the envelope with `status` beside it at the top level.
#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    /// `healthy` or `unhealthy`; the frontend reads this top-level field.
    status: &'static str,
    success: bool,
    data: HealthData,
    metadata: Meta,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct HealthData {
    status: &'static str,
    version: &'static str,
    taxonomy_version: &'static str,
    checks: Checks,
}

#[derive(Serialize, ToSchema)]
struct Checks {
    /// `ok` or `unavailable`.
    store: &'static str,
}

#[utoipa::path(get, path = "/api/health", tag = "meta",
    responses((status = 200, description = "Serving; top-level `status` is `healthy`", body = Health)))]
pub(crate) async fn health(State(s): State<AppState>) -> (StatusCode, Json<Health>) {
    let (status, word, store) = match s.registry.health().await {
        Ok(()) => (StatusCode::OK, "healthy", "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: store unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "unhealthy", "unavailable")
        }
    };
    let data = HealthData {
        status: word,
        version: env!("CARGO_PKG_VERSION"),
        taxonomy_version: taxonomy().version(),
        checks: Checks { store },
    };
    let body = Health { status: word, success: status.is_success(), data, metadata: Meta::now() };
    (status, Json(body))
}
