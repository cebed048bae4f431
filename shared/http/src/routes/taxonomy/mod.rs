//! `/api/taxonomy/...`: the frontend reads the taxonomy from here at start-up and converts
//! addresses through it. No auth. Its services read each answer's fields at the top level of the
//! JSON (`answers::flat` puts the usual envelope beside them); `/layers` is read with
//! `Object.keys`, so it is the bare code → name map.

pub(crate) mod answers;
mod convert;

use crate::answers::{Flat, Fresh};
use crate::params::PathParams;
use crate::problem::ApiError;
use crate::{AppState, body, conditional};
use answers::{
    CategoryCount, CategoryList, Converted, HealthChecks, INDEX, LayerCount, LayerNames, SubcategoryCount,
    SubcategoryCounts, SubcategoryList, TREE, TaxonomyHealth, TaxonomyIndex, TaxonomyTree, TaxonomyVersion,
};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use convert::{HfnToMfa, MfaToHfn};
use nna_domain::FieldError;
use nna_domain::taxonomy::{Category, Layer, taxonomy};
use std::sync::LazyLock;
use std::time::Instant;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn routes() -> Router<AppState> {
    LazyLock::force(&STARTED);
    let cached = Router::new()
        .route("/api/taxonomy/version", get(version))
        .route("/api/taxonomy/index", get(index))
        .route("/api/taxonomy/tree", get(tree))
        .route("/api/taxonomy/layers", get(layers))
        .route("/api/taxonomy/layer-count", get(layer_count))
        .route("/api/taxonomy/layers/{layer}/categories", get(categories))
        .route("/api/taxonomy/layers/{layer}/category-count", get(category_count))
        .route("/api/taxonomy/layers/{layer}/subcategory-counts", get(subcategory_counts))
        .route("/api/taxonomy/layers/{layer}/categories/{category}/subcategories", get(subcategories))
        .route("/api/taxonomy/layers/{layer}/categories/{category}/subcategory-count", get(subcategory_count))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, conditional::TAXONOMY));
    Router::new()
        .merge(cached)
        .route("/api/taxonomy/health", get(health))
        .route("/api/taxonomy/convert/hfn-to-mfa", post(hfn_to_mfa))
        .route("/api/taxonomy/convert/mfa-to-hfn", post(mfa_to_hfn))
}

static STARTED: LazyLock<Instant> = LazyLock::new(Instant::now);

#[utoipa::path(get, path = "/api/taxonomy/health", tag = "taxonomy", operation_id = "taxonomyHealth",
    responses((status = 200, description = "`healthy`, or `degraded` while the store does not answer", body = TaxonomyHealth)))]
pub(crate) async fn health(State(s): State<AppState>) -> Flat<TaxonomyHealth> {
    let database = match s.registry.health().await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "taxonomy health: store unavailable");
            false
        }
    };
    let answer = TaxonomyHealth {
        status: if database { "healthy" } else { "degraded" },
        version: taxonomy().version(),
        uptime: STARTED.elapsed().as_secs(),
        checks: HealthChecks { taxonomy: true, database },
    };
    Flat(answer)
}

#[utoipa::path(get, path = "/api/taxonomy/version", tag = "taxonomy",
    responses((status = 200, description = "Taxonomy version", body = TaxonomyVersion)))]
pub(crate) async fn version() -> Flat<TaxonomyVersion> {
    Flat(TaxonomyVersion::of(taxonomy()))
}

#[utoipa::path(get, path = "/api/taxonomy/index", tag = "taxonomy",
    responses((status = 200, description = "Every layer with its categories, counted", body = TaxonomyIndex)))]
pub(crate) async fn index() -> Flat<&'static TaxonomyIndex> {
    Flat(&INDEX)
}

/// The whole tree in one answer, without the envelope's copy under `data` (it is the largest
/// answer). Its `ETag` changes only with the taxonomy's version.
#[utoipa::path(get, path = "/api/taxonomy/tree", tag = "taxonomy",
    responses(
        (status = 200, description = "The whole taxonomy: layers, categories, subcategories", body = TaxonomyTree),
        (status = 304, description = "Unchanged since the If-None-Match version"),
    ))]
pub(crate) async fn tree(headers: HeaderMap) -> Fresh<(HeaderMap, Json<&'static TaxonomyTree>)> {
    static TAG: LazyLock<String> = LazyLock::new(|| format!("\"taxonomy-{}\"", taxonomy().version()));
    let tag = HeaderValue::from_str(&TAG).unwrap_or(HeaderValue::from_static("\"taxonomy\""));
    let tagged = HeaderMap::from_iter([(header::ETAG, tag)]);
    if headers.get_all(header::IF_NONE_MATCH).iter().any(|v| {
        v.to_str()
            .is_ok_and(|list| list.split(',').any(|t| t.trim().trim_start_matches("W/") == *TAG || t.trim() == "*"))
    }) {
        return Fresh::Unchanged(tagged);
    }
    Fresh::Changed((tagged, Json(&TREE)))
}

#[utoipa::path(get, path = "/api/taxonomy/layers", tag = "taxonomy",
    responses((status = 200, description = "Layer code → name, `{\"G\": \"Songs\", …}`, nothing else (read with Object.keys)", body = std::collections::BTreeMap<String, String>)))]
pub(crate) async fn layers() -> Json<LayerNames> {
    Json(LayerNames)
}

#[utoipa::path(get, path = "/api/taxonomy/layer-count", tag = "taxonomy",
    responses((status = 200, description = "How many layers, and their codes", body = LayerCount)))]
pub(crate) async fn layer_count() -> Flat<LayerCount> {
    let layers: Vec<String> = taxonomy().layers().iter().map(|l| l.code.to_string()).collect();
    Flat(LayerCount { count: layers.len(), layers })
}

fn find_layer(input: &str) -> Result<&'static Layer, ApiError> {
    taxonomy().layer_named(input).map_err(not_found)
}

fn find_category(layer: &'static Layer, input: &str) -> Result<&'static Category, ApiError> {
    layer.category_named(input).map_err(not_found)
}

/// A path that names no place in the taxonomy: 404, with the valid choices.
fn not_found(e: FieldError) -> ApiError {
    ApiError::Request {
        status: StatusCode::NOT_FOUND,
        code: e.code.as_str(),
        message: e.message,
        details: e.details.map(|d| *d),
    }
}

#[utoipa::path(get, path = "/api/taxonomy/layers/{layer}/categories", tag = "taxonomy", params(("layer" = String, Path, description = "A layer code, number or name")),
    responses((status = 200, description = "A layer's categories", body = CategoryList)))]
pub(crate) async fn categories(PathParams(layer): PathParams<String>) -> Result<Flat<CategoryList>, ApiError> {
    Ok(Flat(CategoryList::of(find_layer(&layer)?)))
}

#[utoipa::path(get, path = "/api/taxonomy/layers/{layer}/category-count", tag = "taxonomy", params(("layer" = String, Path, description = "A layer code, number or name")),
    responses((status = 200, description = "How many categories a layer has", body = CategoryCount)))]
pub(crate) async fn category_count(PathParams(layer): PathParams<String>) -> Result<Flat<CategoryCount>, ApiError> {
    let layer = find_layer(&layer)?;
    Ok(Flat(CategoryCount { layer: layer.code.to_string(), count: layer.categories.len() }))
}

#[utoipa::path(get, path = "/api/taxonomy/layers/{layer}/subcategory-counts", tag = "taxonomy", params(("layer" = String, Path, description = "A layer code, number or name")),
    responses((status = 200, description = "How many subcategories each of a layer's categories has", body = SubcategoryCounts)))]
pub(crate) async fn subcategory_counts(
    PathParams(layer): PathParams<String>,
) -> Result<Flat<SubcategoryCounts>, ApiError> {
    Ok(Flat(SubcategoryCounts::of(find_layer(&layer)?)))
}

#[utoipa::path(get, path = "/api/taxonomy/layers/{layer}/categories/{category}/subcategories", tag = "taxonomy", params(("layer" = String, Path, description = "A layer code, number or name"), ("category" = String, Path, description = "A category code, number or name")),
    responses((status = 200, description = "A category's subcategories", body = SubcategoryList)))]
pub(crate) async fn subcategories(
    PathParams((layer, category)): PathParams<(String, String)>,
) -> Result<Flat<SubcategoryList>, ApiError> {
    let layer = find_layer(&layer)?;
    Ok(Flat(SubcategoryList::of(layer, find_category(layer, &category)?)))
}

#[utoipa::path(get, path = "/api/taxonomy/layers/{layer}/categories/{category}/subcategory-count", tag = "taxonomy", params(("layer" = String, Path, description = "A layer code, number or name"), ("category" = String, Path, description = "A category code, number or name")),
    responses((status = 200, description = "How many subcategories a category has", body = SubcategoryCount)))]
pub(crate) async fn subcategory_count(
    PathParams((layer, category)): PathParams<(String, String)>,
) -> Result<Flat<SubcategoryCount>, ApiError> {
    let layer = find_layer(&layer)?;
    let category = find_category(layer, &category)?;
    let answer = SubcategoryCount {
        layer: layer.code.to_string(),
        category: &category.code,
        count: category.subcategories.len(),
    };
    Ok(Flat(answer))
}

#[utoipa::path(post, path = "/api/taxonomy/convert/hfn-to-mfa", tag = "taxonomy", request_body = HfnToMfa,
    responses((status = 200, description = "The MFA and nna_address of an HFN", body = Converted)))]
pub(crate) async fn hfn_to_mfa(State(s): State<AppState>, request: Request) -> Result<Flat<Converted>, ApiError> {
    let HfnToMfa { hfn } = HfnToMfa::parse(&body::object(request, s.http.limits.json_bytes).await?)?;
    Ok(Flat(Converted::of(&hfn, "hfn")?))
}

#[utoipa::path(post, path = "/api/taxonomy/convert/mfa-to-hfn", tag = "taxonomy", request_body = MfaToHfn,
    responses((status = 200, description = "The HFN of an MFA (or a stored nna_address)", body = Converted)))]
pub(crate) async fn mfa_to_hfn(State(s): State<AppState>, request: Request) -> Result<Flat<Converted>, ApiError> {
    let MfaToHfn { mfa } = MfaToHfn::parse(&body::object(request, s.http.limits.json_bytes).await?)?;
    Ok(Flat(Converted::of(&mfa, "mfa")?))
}
