//! `/api/assets`: create, read by id / HFN / MFA, edit, delete, curate, list.

use super::batch;
use crate::envelope::{AssetView, ok};
use crate::params::Params;
use crate::problem::ApiError;
use crate::{AppState, body};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::{get, post, put};
use nna_domain::error::{ErrorCode, FieldError};
use nna_domain::input::EditMode;
use nna_domain::{Asset, RegistryError};
use serde_json::json;

pub fn create() -> Router<AppState> {
    Router::new()
        .route("/api/assets", post(create_one))
        .route("/api/assets/batch", post(batch::create))
        .route("/api/assets/uploads", post(upload_slot))
}

pub fn read() -> Router<AppState> {
    Router::new().route("/api/assets/{key}", get(read_one))
}

pub fn update() -> Router<AppState> {
    Router::new()
        .route("/api/assets/{key}", put(replace).patch(merge).delete(remove))
        .route("/api/assets/curate/{key}", post(curate))
        .route("/api/assets/{key}/album-art", post(album_art))
}

pub fn search() -> Router<AppState> {
    Router::new().route("/api/assets", get(list)).route("/api/assets/search", get(list))
}

/// 201 with the asset and where to find it.
fn created(asset: &Asset) -> Response {
    let mut response = ok(StatusCode::CREATED, AssetView::of(asset));
    if let Ok(location) = HeaderValue::from_str(&format!("/api/assets/{}", asset.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

async fn create_one(State(s): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let form = body::submission(request, s.limits).await?;
    let mut files = form.files.into_iter();
    let upload = files.next().map(|(_, u)| u);
    if files.next().is_some() {
        tracing::debug!("a create sent more than one file; only the first is kept");
    }
    let asset = s.registry.create(&form.fields, upload).await?;
    Ok(created(&asset))
}

/// Where to `PUT` a file too large to send inline; the create then names it by `uploadKey`.
async fn upload_slot(State(s): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let body = body::object(request, s.limits.json_bytes).await?;
    let slot = s.registry.upload_slot(&body).await?;
    let headers: serde_json::Map<String, serde_json::Value> =
        slot.put.headers.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    Ok(ok(
        StatusCode::CREATED,
        json!({
            "uploadKey": slot.key.as_str(),
            "uploadUrl": slot.put.url,
            "method": "PUT",
            "headers": headers,
            "contentType": slot.content_type,
            "size": slot.size,
            "expiresAt": slot.put.expires_at,
        }),
    ))
}

async fn read_one(State(s): State<AppState>, Params(key): Params<String>) -> Result<Response, ApiError> {
    let asset = s.registry.get(&key).await?;
    Ok(ok(StatusCode::OK, AssetView::of(&asset)))
}

async fn replace(
    State(s): State<AppState>,
    Params(key): Params<String>,
    request: Request,
) -> Result<Response, ApiError> {
    edit(s, key, request, EditMode::Replace).await
}

async fn merge(State(s): State<AppState>, Params(key): Params<String>, request: Request) -> Result<Response, ApiError> {
    edit(s, key, request, EditMode::Merge).await
}

async fn edit(s: AppState, key: String, request: Request, mode: EditMode) -> Result<Response, ApiError> {
    let changes = body::object(request, s.limits.json_bytes).await?;
    let asset = s.registry.edit(&key, &changes, mode).await?;
    Ok(ok(StatusCode::OK, AssetView::of(&asset)))
}

/// New album art for a song, from `{"sourceUrl"}` or an uploaded image. 202: the asset shows the
/// art pending; it turns ready (or failed, with a reason) when the job has run.
async fn album_art(
    State(s): State<AppState>,
    Params(key): Params<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let form = body::submission(request, s.limits).await?;
    let mut files = form.files.into_iter().map(|(_, u)| u);
    let upload = files.next();
    if files.next().is_some() {
        let two = FieldError::new("file", ErrorCode::TwoFiles, "send one image, or a sourceUrl");
        return Err(RegistryError::from(two).into());
    }
    let asset = s.registry.request_album_art(&key, &form.fields, upload).await?;
    Ok(ok(StatusCode::ACCEPTED, AssetView::of(&asset)))
}

async fn remove(State(s): State<AppState>, Params(key): Params<String>) -> Result<Response, ApiError> {
    let gone = s.registry.delete(&key).await?;
    Ok(ok(StatusCode::OK, json!({ "deleted": true, "id": gone.id, "_id": gone.id, "name": gone.name })))
}

async fn curate(State(s): State<AppState>, Params(key): Params<String>) -> Result<Response, ApiError> {
    let asset = s.registry.curate(&key).await?;
    Ok(ok(StatusCode::OK, AssetView::of(&asset)))
}

/// The old list's shape, plus where the next page starts. `total` is `null` when counting would
/// cost more than answering (an unselective search).
async fn list(State(s): State<AppState>, uri: Uri) -> Result<Response, ApiError> {
    let (query, page) = s.registry.search(&body::query_pairs(&uri)).await?;
    let items: Vec<AssetView<'_>> = page.items.iter().map(AssetView::of).collect();
    let total_pages = page.total.map(|t| t.div_ceil(u64::from(query.limit)));
    Ok(ok(
        StatusCode::OK,
        json!({
            "items": items,
            "total": page.total,
            "page": query.page,
            "limit": query.limit,
            "totalPages": total_pages,
            "nextCursor": page.next_cursor,
            "hasMore": page.next_cursor.is_some(),
        }),
    ))
}
