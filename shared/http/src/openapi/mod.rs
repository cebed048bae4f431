//! The OpenAPI 3.1 document, generated from the handlers' annotations and the types they serve
//! (`answers`, utoipa). A copy is committed as `openapi.json` at the repository root, a test fails
//! when the two differ, and `/api/openapi.json` serves that copy.

use crate::routes::{assets, auth, batch, health, history, taxonomy};
use axum::http::HeaderName;
use axum::http::header::CONTENT_TYPE;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "NNA Asset Registry API",
        description = "Register, read, edit and search NNA assets (songs, stars, looks, moves, worlds, composites …) with their human- and machine-friendly names. Errors share one shape (`Problem`).",
        version = env!("CARGO_PKG_VERSION"),
    ),
    paths(
        assets::create_one, batch::create, assets::upload_slot, assets::read_one, assets::replace, assets::merge,
        assets::remove, assets::curate, assets::album_art, assets::list, assets::search_assets,
        history::history, history::revision, history::restore, history::undelete,
        auth::register, auth::login, auth::profile, auth::make_admin,
        health::health, taxonomy::health, taxonomy::version, taxonomy::index, taxonomy::tree, taxonomy::layers,
        taxonomy::layer_count, taxonomy::categories, taxonomy::category_count, taxonomy::subcategory_counts,
        taxonomy::subcategories, taxonomy::subcategory_count, taxonomy::hfn_to_mfa, taxonomy::mfa_to_hfn,
        document,
    ),
    components(schemas(crate::problem::ProblemBody)),
    modifiers(&Common),
)]
struct Api;

/// The document, as JSON text (pretty, stable: the committed copy is compared byte for byte).
pub fn json() -> String {
    Api::openapi().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The committed copy, which the suite holds byte for byte to what [`json`] generates: served as
/// it is, so no function links the generator and every schema it would build.
const COMMITTED: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json"));

/// The document itself.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "This document", content_type = "application/json")))]
pub(crate) async fn document() -> ([(HeaderName, &'static str); 1], &'static str) {
    ([(CONTENT_TYPE, "application/json")], COMMITTED)
}

/// What every operation shares: the bearer scheme, and errors in the one `Problem` shape for
/// any 4xx and 5xx.
struct Common;

impl Modify for Common {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        let problem = || {
            ResponseBuilder::new()
                .description("A refusal or failure, in the API's one error shape")
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
                )
                .build()
        };
        for item in doc.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                op.responses.responses.entry("4XX".into()).or_insert_with(|| problem().into());
                op.responses.responses.entry("5XX".into()).or_insert_with(|| problem().into());
            }
        }
    }
}

#[cfg(test)]
mod checked;
#[cfg(test)]
mod requests;
