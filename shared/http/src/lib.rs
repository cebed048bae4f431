//! The registry's HTTP API: one axum [`Router`] served by the Lambda functions (through
//! `lambda_http`) and by `nna-local` alike. Handlers parse, call [`nna_domain::Registry`], and
//! answer in the old backend's envelope; [`problem`] turns every error into one response shape.

pub use axum;

pub mod answers;
pub mod art_shape;
pub mod auth;
pub mod body;
pub mod conditional;
pub mod cors;
pub mod openapi;
pub mod params;
pub mod problem;
mod routes;
pub mod settings;
mod strict_json;

use art_shape::ArtShape;
use auth::{LegacyTokens, Tokens};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use body::BodyLimits;
use nna_domain::Registry;
use std::sync::Arc;
use tower_http::LatencyUnit;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::SizeAbove;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use nna_domain::limits::FORM_FIELDS_BYTES;

/// What the HTTP layer needs to know about its deployment.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Origins allowed to call with credentials; see `cors`.
    pub cors_origins: Vec<String>,
    pub limits: BodyLimits,
    pub tokens: Arc<Tokens>,
    /// The old backend's tokens, accepted through a cutover (off unless configured).
    pub legacy_tokens: Option<Arc<LegacyTokens>>,
    /// How `albumArt` is answered unless a request says (`NNA_ALBUM_ART_SHAPE`).
    pub art_shape: ArtShape,
}

impl HttpConfig {
    pub fn new(cors_origins: Vec<String>, max_upload_bytes: u64, tokens: Arc<Tokens>) -> Self {
        Self {
            cors_origins,
            tokens,
            legacy_tokens: None,
            art_shape: ArtShape::default(),
            limits: BodyLimits {
                json_bytes: nna_domain::limits::JSON_BODY_BYTES,
                upload_bytes: max_upload_bytes,
                // Room for a file plus the form's other fields.
                multipart_bytes: max_upload_bytes + FORM_FIELDS_BYTES,
            },
        }
    }
}

/// What every handler is given: the registry, and the deployment's HTTP settings.
#[derive(Clone)]
pub struct AppState {
    pub registry: Registry,
    pub http: Arc<HttpConfig>,
}

/// Parts of the API that a Lambda function serves on its own; `nna-local` serves them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteGroup {
    /// `POST /api/assets`, `/api/assets/batch`, `/api/assets/uploads`
    Create,
    /// `GET /api/assets/:key`
    Read,
    /// `PUT`, `PATCH`, `DELETE /api/assets/:key`, `POST /api/assets/curate/:key`,
    /// `POST /api/assets/:key/album-art`
    Update,
    /// `GET /api/assets`, `/api/assets/search`
    Search,
    /// `GET /api/health`, `/api/taxonomy/...`
    Meta,
    /// `/api/auth/register`, `login`, `profile`, `make-admin`
    Auth,
}

impl RouteGroup {
    pub const ALL: [RouteGroup; 6] = [Self::Create, Self::Read, Self::Update, Self::Search, Self::Meta, Self::Auth];

    /// The groups each API function serves, by its binary's name: the functions start from this
    /// table, and a test holds every route they serve to the template's HttpApi events.
    pub const FUNCTIONS: [(&'static str, &'static [RouteGroup]); 5] = [
        ("create-asset", &[Self::Create]),
        ("get-asset", &[Self::Read, Self::Meta]),
        ("update-asset", &[Self::Update]),
        ("search-assets", &[Self::Search]),
        ("auth-users", &[Self::Auth]),
    ];

    /// What the function `binary` serves; nothing for a name the table lacks.
    pub fn served_by(binary: &str) -> &'static [RouteGroup] {
        Self::FUNCTIONS.iter().find(|(name, _)| *name == binary).map_or(&[], |(_, groups)| groups)
    }
}

/// The whole API under `/api`.
pub fn router(registry: Registry, config: &HttpConfig) -> Router {
    router_for(registry, config, &RouteGroup::ALL)
}

/// Only the given parts of the API; any other route answers 404 in the API's error shape.
pub fn router_for(registry: Registry, config: &HttpConfig, groups: &[RouteGroup]) -> Router {
    let state = AppState { registry, http: Arc::new(config.clone()) };
    let routes = groups.iter().fold(Router::new(), |r, g| {
        r.merge(match g {
            RouteGroup::Create => routes::create(),
            RouteGroup::Read => routes::read(),
            RouteGroup::Update => routes::update(),
            RouteGroup::Search => routes::search(),
            RouteGroup::Meta => routes::meta(),
            RouteGroup::Auth => routes::auth(),
        })
    });
    routes
        .fallback(problem::route_not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .with_state(state)
        // Handlers enforce their own limits while reading, with our error shape.
        .layer(DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn(problem::render))
        // A list of 1,000 assets can pass Lambda's 6 MB answer as plain JSON; compressed it
        // fits many times over (browsers always accept gzip). Small answers are left alone.
        .layer(CompressionLayer::new().gzip(true).compress_when(SizeAbove::new(8 * 1024)))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, conditional::NEVER))
        .layer(cors::layer(&config.cors_origins))
        // One span per request (method and path), and one line when it is answered.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Micros)),
        )
}
