//! `/api/taxonomy/...`: the frontend reads the taxonomy from here at start-up and converts
//! addresses through it. No auth.

use crate::envelope::ok;
use crate::openapi::schemas::{HfnToMfa, MfaToHfn, ObjectAnswer};
use crate::params::Params;
use crate::problem::ApiError;
use crate::{AppState, body, conditional};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use nna_domain::address::Address;
use nna_domain::taxonomy::{Category, Layer, taxonomy};
use nna_domain::{ErrorCode, FieldError};
use serde_json::{Map, Value, json};
use tower_http::set_header::SetResponseHeaderLayer;

pub fn routes() -> Router<AppState> {
    let cached = Router::new()
        .route("/api/taxonomy/version", get(version))
        .route("/api/taxonomy/index", get(index))
        .route("/api/taxonomy/layers", get(layers))
        .route("/api/taxonomy/layers/{layer}/categories", get(categories))
        .route("/api/taxonomy/layers/{layer}/categories/{category}/subcategories", get(subcategories))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, conditional::TAXONOMY));
    Router::new()
        .merge(cached)
        .route("/api/taxonomy/health", get(health))
        .route("/api/taxonomy/convert/hfn-to-mfa", post(hfn_to_mfa))
        .route("/api/taxonomy/convert/mfa-to-hfn", post(mfa_to_hfn))
}

#[utoipa::path(get, path = "/api/taxonomy/health", tag = "taxonomy", 
    responses((status = 200, description = "The taxonomy is loaded", body = ObjectAnswer)))]
pub(crate) async fn health() -> Response {
    let t = taxonomy();
    ok(
        StatusCode::OK,
        json!({ "status": "healthy", "version": t.version(), "layers": t.layers().len(), "subcategories": t.subcategory_count() }),
    )
}

#[utoipa::path(get, path = "/api/taxonomy/version", tag = "taxonomy", 
    responses((status = 200, description = "Taxonomy version", body = ObjectAnswer)))]
pub(crate) async fn version() -> Response {
    let t = taxonomy();
    ok(StatusCode::OK, json!({ "version": t.version(), "lastUpdated": t.last_updated() }))
}

#[utoipa::path(get, path = "/api/taxonomy/index", tag = "taxonomy", 
    responses((status = 200, description = "Every layer with its categories", body = ObjectAnswer)))]
pub(crate) async fn index() -> Response {
    let t = taxonomy();
    let layers: Map<String, Value> = t
        .layers()
        .iter()
        .map(|l| {
            let categories: Map<String, Value> =
                l.categories.iter().map(|c| (c.code.clone(), json!({ "subcategoryCount": c.subcategories.len() }))).collect();
            let subs: usize = l.categories.iter().map(|c| c.subcategories.len()).sum();
            (l.code.to_string(), json!({ "name": l.name, "totalCategories": l.categories.len(), "totalSubcategories": subs, "categories": categories }))
        })
        .collect();
    ok(
        StatusCode::OK,
        json!({ "version": t.version(), "lastUpdated": t.last_updated(), "totalLayers": t.layers().len(), "layers": layers }),
    )
}

#[utoipa::path(get, path = "/api/taxonomy/layers", tag = "taxonomy", 
    responses((status = 200, description = "The ten layers", body = ObjectAnswer)))]
pub(crate) async fn layers() -> Response {
    let list: Vec<Value> = taxonomy()
        .layers()
        .iter()
        .map(|l| json!({ "code": l.code, "name": l.name, "number": l.number(), "categoryCount": l.categories.len() }))
        .collect();
    ok(StatusCode::OK, json!({ "layers": list, "count": list.len() }))
}

fn entry(code: &str, number: u16, name: &str) -> Value {
    json!({ "code": code, "name": name, "numericCode": format!("{number:03}") })
}

fn find_layer(input: &str) -> Result<&'static Layer, ApiError> {
    taxonomy().find_layer(input).ok_or_else(|| {
        ApiError::request(
            StatusCode::NOT_FOUND,
            "unknown_layer",
            format!("unknown layer {input:?}; valid layers: G, S, L, M, W, B, P, T, C, R"),
        )
    })
}

fn find_category(layer: &'static Layer, input: &str) -> Result<&'static Category, ApiError> {
    layer.find_category(input).ok_or_else(|| {
        ApiError::request(
            StatusCode::NOT_FOUND,
            "unknown_category",
            format!("unknown category {input:?} in layer {}", layer.code),
        )
    })
}

#[utoipa::path(get, path = "/api/taxonomy/layers/{layer}/categories", tag = "taxonomy", params(("layer" = String, Path, description = "A layer code, number or name")), 
    responses((status = 200, description = "A layer's categories", body = ObjectAnswer)))]
pub(crate) async fn categories(Params(layer): Params<String>) -> Result<Response, ApiError> {
    let layer = find_layer(&layer)?;
    let list: Vec<Value> = layer.categories.iter().map(|c| entry(&c.code, c.number, &c.name)).collect();
    Ok(ok(StatusCode::OK, json!({ "layer": layer.code, "categories": list, "count": list.len() })))
}

#[utoipa::path(get, path = "/api/taxonomy/layers/{layer}/categories/{category}/subcategories", tag = "taxonomy", params(("layer" = String, Path, description = "A layer code, number or name"), ("category" = String, Path, description = "A category code, number or name")), 
    responses((status = 200, description = "A category's subcategories", body = ObjectAnswer)))]
pub(crate) async fn subcategories(Params((layer, category)): Params<(String, String)>) -> Result<Response, ApiError> {
    let layer = find_layer(&layer)?;
    let cat = find_category(layer, &category)?;
    let list: Vec<Value> = cat.subcategories.iter().map(|s| entry(&s.code, s.number, &s.name)).collect();
    Ok(ok(
        StatusCode::OK,
        json!({ "layer": layer.code, "category": cat.code, "subcategories": list, "count": list.len() }),
    ))
}

/// Each `:`-separated part of a (composite) address, converted.
fn convert(text: &str, field: &str, spell: fn(&Address) -> String) -> Result<String, FieldError> {
    text.trim()
        .split(':')
        .filter(|p| !p.is_empty())
        .map(|part| {
            Address::parse(part).map(|a| spell(&a)).ok_or_else(|| {
                FieldError::new(field, ErrorCode::InvalidFormat, format!("{part:?} is not an address in taxonomy v1.3"))
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|parts| parts.join(":"))
}

#[utoipa::path(post, path = "/api/taxonomy/convert/hfn-to-mfa", tag = "taxonomy", request_body = HfnToMfa, 
    responses((status = 200, description = "The MFA and nna_address of an HFN", body = ObjectAnswer)))]
pub(crate) async fn hfn_to_mfa(state: State<AppState>, request: Request) -> Result<Response, ApiError> {
    let body = body::object(request, state.limits.json_bytes).await?;
    let hfn = required(&body, "hfn")?;
    let mfa = convert(hfn, "hfn", Address::mfa)?;
    let nna = convert(hfn, "hfn", Address::nna_address)?;
    Ok(ok(StatusCode::OK, json!({ "hfn": hfn, "mfa": mfa, "nna_address": nna })))
}

#[utoipa::path(post, path = "/api/taxonomy/convert/mfa-to-hfn", tag = "taxonomy", request_body = MfaToHfn, 
    responses((status = 200, description = "The HFN of an MFA", body = ObjectAnswer)))]
pub(crate) async fn mfa_to_hfn(state: State<AppState>, request: Request) -> Result<Response, ApiError> {
    let body = body::object(request, state.limits.json_bytes).await?;
    let mfa = required(&body, "mfa")?;
    let hfn = convert(mfa, "mfa", Address::hfn)?;
    Ok(ok(StatusCode::OK, json!({ "mfa": mfa, "hfn": hfn })))
}

fn required<'a>(body: &'a Map<String, Value>, key: &str) -> Result<&'a str, FieldError> {
    body.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| FieldError::new(key, ErrorCode::Required, format!("{key} is required")))
}
