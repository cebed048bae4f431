//! `/api/assets`: create, read by id / HFN / MFA, edit, delete, curate, list.

use super::batch;
use crate::answers::{Answer, Answered, AssetPage, AssetView, DeletedView, Fresh, UploadSlotView};
use crate::art_shape::Shape;
use crate::conditional::IfMatch;
use crate::params::{Force, KeyPath, Search};
use crate::problem::ApiError;
use crate::{AppState, body, conditional};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::routing::{get, post, put};
use nna_domain::auth::Caller;
use nna_domain::error::{ErrorCode, FieldError};
use nna_domain::idempotency::IdempotencyKey;
use nna_domain::input::{ArtFields, CreateAsset, CreateFields, EditAsset, EditFields, EditMode};
use nna_domain::registry::Requester;
use nna_domain::upload::{DirectUpload, Upload};
use nna_domain::{AssetKey, RegistryError, Timestamp};

pub fn create() -> Router<AppState> {
    Router::new()
        .route("/api/assets", post(create_one))
        .route("/api/assets/batch", post(batch::create))
        .route("/api/assets/uploads", post(upload_slot))
}

pub fn read() -> Router<AppState> {
    Router::new().route("/api/assets/{key}", get(read_one)).merge(super::history::read())
}

pub fn update() -> Router<AppState> {
    Router::new()
        .route("/api/assets/{key}", put(replace).patch(merge).delete(remove))
        .route("/api/assets/curate/{key}", post(curate))
        .route("/api/assets/{key}/album-art", post(album_art))
        .merge(super::history::update())
}

pub fn search() -> Router<AppState> {
    Router::new().route("/api/assets", get(list)).route("/api/assets/search", get(search_assets))
}

/// With an `Idempotency-Key`, a retry answers the first attempt's asset (marked
/// `Idempotent-Replayed: true`) instead of making another.
#[utoipa::path(post, path = "/api/assets", tag = "assets", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries of this create answer the first one's asset"), Shape),
    request_body(content(
        (CreateFields = "application/json"),
        (CreateFields = "multipart/form-data"),
        (CreateFields = "application/x-www-form-urlencoded"),
    )),
    responses((status = 201, description = "Created (or, with a reused key, the asset the first request made)", body = Answer<AssetView>)))]
pub(crate) async fn create_one(
    State(s): State<AppState>,
    caller: Caller,
    shape: Shape,
    request: Request,
) -> Result<Answered<AssetView, 201>, ApiError> {
    let key = match request.headers().get(IDEMPOTENCY_KEY) {
        Some(v) => Some(IdempotencyKey::parse(v.to_str().unwrap_or("\u{0}"))?),
        None => None,
    };
    let form = body::submission(request, s.http.limits).await?;
    let upload = one_file(form.files, "send one file per create (a batch takes many), or an uploadKey")?;
    let request = CreateAsset::parse(&form.fields, upload, key)?;
    let done = s.registry.create(&caller, request).await?;
    let location = HeaderValue::from_str(&format!("/api/assets/{}", done.asset.id));
    let mut answer = Answered::asset(done.asset, shape).warned(done.warnings);
    if let Ok(location) = location {
        answer = answer.header(header::LOCATION, location);
    }
    if done.replayed {
        answer = answer.header(REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(answer)
}

const IDEMPOTENCY_KEY: &str = "idempotency-key";
const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The one file a request may carry, if any; a second is refused, never dropped unread.
fn one_file(files: Vec<(String, Upload)>, instead: &str) -> Result<Option<Upload>, ApiError> {
    let mut files = files.into_iter().map(|(_, u)| u);
    let first = files.next();
    if files.next().is_some() {
        return Err(RegistryError::from(FieldError::new("file", ErrorCode::TwoFiles, instead)).into());
    }
    Ok(first)
}

/// Where to `PUT` a file too large to send inline; the create then names it by `uploadKey`.
#[utoipa::path(post, path = "/api/assets/uploads", tag = "assets", security(("bearer" = [])),
    request_body = DirectUpload,
    responses((status = 201, description = "Where to PUT the file; the create then names its uploadKey", body = Answer<UploadSlotView>)))]
pub(crate) async fn upload_slot(
    State(s): State<AppState>,
    _: Caller,
    request: Request,
) -> Result<Answered<UploadSlotView, 201>, ApiError> {
    let body = body::object(request, s.http.limits.json_bytes).await?;
    let request = DirectUpload::parse(&body, s.registry.config().max_upload_bytes, Timestamp::now())
        .map_err(RegistryError::from)?;
    let slot = s.registry.upload_slot(request).await?;
    Ok(Answered::new(UploadSlotView::of(slot)))
}

#[utoipa::path(get, path = "/api/assets/{key}", tag = "assets", security(("bearer" = [])),
    params(KeyPath, Shape),
    responses(
        (status = 200, description = "The asset; ETag is its version", body = Answer<AssetView>),
        (status = 304, description = "Unchanged since the If-None-Match version"),
    ))]
pub(crate) async fn read_one(
    State(s): State<AppState>,
    _: Caller,
    KeyPath(key): KeyPath,
    shape: Shape,
    headers: HeaderMap,
) -> Result<Fresh<Answered<AssetView>>, ApiError> {
    let asset = s.registry.get(&key).await?;
    if let Some(unchanged) = conditional::fresh(&headers, &asset) {
        return Ok(unchanged);
    }
    Ok(Fresh::Changed(Answered::asset(asset, shape)))
}

#[utoipa::path(put, path = "/api/assets/{key}", tag = "assets", security(("bearer" = [])),
    params(KeyPath, Shape), request_body = EditFields,
    responses((status = 200, description = "The edited asset (registrant or admin; If-Match honoured)", body = Answer<AssetView>)))]
pub(crate) async fn replace(
    State(s): State<AppState>,
    caller: Caller,
    KeyPath(key): KeyPath,
    IfMatch(versions): IfMatch,
    shape: Shape,
    request: Request,
) -> Result<Answered<AssetView>, ApiError> {
    let by = Requester::new(&caller).if_match(versions.as_deref());
    edit(s, by, key, request, EditMode::Replace, shape).await
}

#[utoipa::path(patch, path = "/api/assets/{key}", tag = "assets", security(("bearer" = [])),
    params(KeyPath, Shape), request_body(content((EditFields = "application/merge-patch+json"), (EditFields = "application/json"))),
    responses((status = 200, description = "The edited asset (registrant or admin; If-Match honoured)", body = Answer<AssetView>)))]
pub(crate) async fn merge(
    State(s): State<AppState>,
    caller: Caller,
    KeyPath(key): KeyPath,
    IfMatch(versions): IfMatch,
    shape: Shape,
    request: Request,
) -> Result<Answered<AssetView>, ApiError> {
    let by = Requester::new(&caller).if_match(versions.as_deref());
    edit(s, by, key, request, EditMode::Merge, shape).await
}

async fn edit(
    s: AppState,
    by: Requester<'_>,
    key: AssetKey,
    request: Request,
    mode: EditMode,
    shape: Shape,
) -> Result<Answered<AssetView>, ApiError> {
    let changes = EditAsset::parse(&body::object(request, s.http.limits.json_bytes).await?, mode);
    let edited = s.registry.edit(by, &key, &changes).await?;
    Ok(Answered::asset(edited.asset, shape).warned(edited.warnings))
}

/// New album art for a song, from `{"sourceUrl"}` or an uploaded image. 202: the asset shows the
/// art pending; it turns ready (or failed, with a reason) when the job has run.
#[utoipa::path(post, path = "/api/assets/{key}/album-art", tag = "assets", security(("bearer" = [])),
    params(KeyPath, Shape), request_body(content((ArtFields = "application/json"), (ArtFields = "multipart/form-data"))),
    responses((status = 202, description = "The song with its new art pending", body = Answer<AssetView>)))]
pub(crate) async fn album_art(
    State(s): State<AppState>,
    caller: Caller,
    KeyPath(key): KeyPath,
    IfMatch(versions): IfMatch,
    shape: Shape,
    request: Request,
) -> Result<Answered<AssetView, 202>, ApiError> {
    let form = body::submission(request, s.http.limits).await?;
    let upload = one_file(form.files, "send one image, or a sourceUrl")?;
    let by = Requester::new(&caller).if_match(versions.as_deref());
    let request = nna_domain::input::ArtRequest::parse(&form.fields, upload).map_err(RegistryError::from)?;
    let asset = s.registry.request_album_art(by, &key, request).await?;
    Ok(Answered::asset(asset, shape))
}

#[utoipa::path(delete, path = "/api/assets/{key}", tag = "assets", security(("bearer" = [])),
    params(KeyPath, Force),
    responses(
        (status = 200, description = "Deleted (admins only): the record kept of it; the number stays used and the files are removed", body = Answer<DeletedView>),
        (status = 409, description = "`component_in_use`: live composites list the asset (named in `details.composites`)"),
    ))]
pub(crate) async fn remove(
    State(s): State<AppState>,
    caller: Caller,
    KeyPath(key): KeyPath,
    IfMatch(versions): IfMatch,
    Force(force): Force,
) -> Result<Answered<DeletedView>, ApiError> {
    let by = Requester::new(&caller).if_match(versions.as_deref());
    let gone = s.registry.delete(by, &key, force).await?;
    Ok(Answered::new(DeletedView::of(gone)))
}

#[utoipa::path(post, path = "/api/assets/curate/{key}", tag = "assets", security(("bearer" = [])),
    params(KeyPath, Shape), responses((status = 200, description = "Marked curated (admins only)", body = Answer<AssetView>)))]
pub(crate) async fn curate(
    State(s): State<AppState>,
    caller: Caller,
    KeyPath(key): KeyPath,
    IfMatch(versions): IfMatch,
    shape: Shape,
) -> Result<Answered<AssetView>, ApiError> {
    let asset = s.registry.curate(Requester::new(&caller).if_match(versions.as_deref()), &key).await?;
    Ok(Answered::asset(asset, shape))
}

/// The old list's shape, plus where the next page starts. `total` is exact up to 10,000 matches;
/// past that it is `null`, `totalIsLowerBound` is true and `totalAtLeast` says how many at least.
#[utoipa::path(get, path = "/api/assets", tag = "assets", security(("bearer" = [])),
    params(Search, Shape),
    responses((status = 200, description = "A page of assets, newest first unless sorted otherwise", body = Answer<AssetPage>)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    _: Caller,
    shape: Shape,
    Search(query): Search,
) -> Result<Answered<AssetPage>, ApiError> {
    let found = s.registry.search(&query).await?;
    Ok(Answered::new(AssetPage::of(found, &query, shape.art)).shaped(shape))
}

#[utoipa::path(get, path = "/api/assets/search", tag = "assets", security(("bearer" = [])),
    params(Search, Shape),
    responses((status = 200, description = "The same answers as GET /api/assets", body = Answer<AssetPage>)))]
pub(crate) async fn search_assets(
    state: State<AppState>,
    caller: Caller,
    shape: Shape,
    query: Search,
) -> Result<Answered<AssetPage>, ApiError> {
    list(state, caller, shape, query).await
}
