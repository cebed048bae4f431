//! An asset's history, its revisions, bringing one back, and undoing a delete:
//! `/api/assets/{key}/history`, `/revisions/{n}`, `/restore`, `/api/assets/{id}/undelete`.

use crate::answers::{Answer, Answered, AssetView, HistoryView};
use crate::art_shape::Shape;
use crate::conditional::IfMatch;
use crate::params::{HistoryQuery, KeyPath, RevisionPath};
use crate::problem::ApiError;
use crate::{AppState, body};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use nna_domain::RegistryError;
use nna_domain::auth::Caller;
use nna_domain::error::{ErrorCode, FieldError};
use nna_domain::registry::Requester;

/// Reading history: served beside the asset's read.
pub fn read() -> Router<AppState> {
    Router::new()
        .route("/api/assets/{key}/history", get(history))
        .route("/api/assets/{key}/revisions/{revision}", get(revision))
}

/// Restoring: served beside the asset's edits.
pub fn update() -> Router<AppState> {
    Router::new().route("/api/assets/{key}/restore", post(restore)).route("/api/assets/{key}/undelete", post(undelete))
}

/// The asset's changes, newest first: who made each, through what, and each field before and
/// after. The registrant's and admins'; a deleted asset's by its id, admins'.
#[utoipa::path(get, path = "/api/assets/{key}/history", tag = "history", security(("bearer" = [])),
    params(KeyPath, HistoryQuery),
    responses((status = 200, description = "A page of the asset's history", body = Answer<HistoryView>)))]
pub(crate) async fn history(
    State(s): State<AppState>,
    caller: Caller,
    KeyPath(key): KeyPath,
    query: HistoryQuery,
) -> Result<Answered<HistoryView>, ApiError> {
    let page = s.registry.history(&caller, &key, query.cursor.as_deref(), query.limit).await?;
    Ok(Answered::new(HistoryView::of(page)))
}

/// The asset as it was at a revision. 404 `revision_not_found` names the latest.
#[utoipa::path(get, path = "/api/assets/{key}/revisions/{revision}", tag = "history", security(("bearer" = [])),
    params(KeyPath, RevisionPath, Shape),
    responses(
        (status = 200, description = "The asset at that revision", body = Answer<AssetView>),
        (status = 404, description = "`revision_not_found`: `details.latestRevision` is the asset's latest"),
    ))]
pub(crate) async fn revision(
    State(s): State<AppState>,
    caller: Caller,
    KeyPath(key): KeyPath,
    RevisionPath(revision): RevisionPath,
    shape: Shape,
) -> Result<Answered<AssetView>, ApiError> {
    let asset = s.registry.revision(&caller, &key, revision).await?;
    Ok(Answered::new(AssetView::of(asset, shape.art)).shaped(shape))
}

/// A restore's body.
#[derive(utoipa::ToSchema)]
pub(crate) struct RestoreRequest {
    /// The revision whose editable fields come back.
    revision: u64,
}

impl RestoreRequest {
    fn parse(body: &serde_json::Map<String, serde_json::Value>) -> Result<Self, FieldError> {
        let revision = body.get("revision").and_then(serde_json::Value::as_u64);
        let missing = || FieldError::new("revision", ErrorCode::Required, "send the revision to restore");
        Ok(Self { revision: revision.ok_or_else(missing)? })
    }
}

/// A new revision whose editable fields are those of an earlier one, made as an edit is (its
/// rules, its warnings). `If-Match` is required: 428 without it, 412 when stale.
#[utoipa::path(post, path = "/api/assets/{key}/restore", tag = "history", security(("bearer" = [])),
    params(KeyPath, Shape), request_body = RestoreRequest,
    responses(
        (status = 200, description = "The asset as restored (registrant or admin)", body = Answer<AssetView>),
        (status = 409, description = "`files_gone`: the revision named files no longer stored"),
        (status = 428, description = "`precondition_required`: send If-Match with the version you saw"),
    ))]
pub(crate) async fn restore(
    State(s): State<AppState>,
    caller: Caller,
    KeyPath(key): KeyPath,
    IfMatch(versions): IfMatch,
    headers: HeaderMap,
    shape: Shape,
    request: Request,
) -> Result<Answered<AssetView>, ApiError> {
    if !headers.contains_key(header::IF_MATCH) {
        return Err(ApiError::request(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "a restore needs If-Match: the ETag of the asset as you last read it",
        ));
    }
    let body = body::object(request, s.http.limits.json_bytes).await?;
    let RestoreRequest { revision } = RestoreRequest::parse(&body).map_err(RegistryError::from)?;
    let by = Requester::new(&caller).if_match(versions.as_deref());
    let restored = s.registry.restore(by, &key, revision).await?;
    Ok(Answered::asset(restored.asset, shape).warned(restored.warnings))
}

/// A deleted asset back, within the retention window (`NNA_DELETED_RETENTION_DAYS`, default 30):
/// same id, HFN and MFA, its history intact, its files put back. Admins only.
#[utoipa::path(post, path = "/api/assets/{key}/undelete", tag = "history", security(("bearer" = [])),
    params(KeyPath, Shape),
    responses(
        (status = 200, description = "The asset, back", body = Answer<AssetView>),
        (status = 404, description = "`asset_not_found`: no asset with this id was deleted"),
        (status = 409, description = "`not_deleted`, or `undelete_window_passed`"),
    ))]
pub(crate) async fn undelete(
    State(s): State<AppState>,
    caller: Caller,
    KeyPath(key): KeyPath,
    shape: Shape,
) -> Result<Answered<AssetView>, ApiError> {
    let asset = s.registry.undelete(&caller, &key).await?;
    Ok(Answered::asset(asset, shape))
}
