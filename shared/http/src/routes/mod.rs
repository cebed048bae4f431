//! Route tables. Each group is its own router so a Lambda function can serve just its part.

pub(crate) mod assets;
pub(crate) mod auth;
pub(crate) mod batch;
pub(crate) mod health;
pub(crate) mod history;
pub(crate) mod taxonomy;

pub use assets::{create, read, search, update};
pub use auth::routes as auth;

use crate::AppState;
use axum::Router;

pub fn meta() -> Router<AppState> {
    health::routes().merge(taxonomy::routes()).route("/api/openapi.json", axum::routing::get(crate::openapi::document))
}
