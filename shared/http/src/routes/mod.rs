//! Route tables. Each group is its own router so a Lambda function can serve just its part.

mod assets;
mod batch;
mod health;
mod taxonomy;

pub use assets::{create, read, search, update};

use crate::AppState;
use axum::Router;

pub fn meta() -> Router<AppState> {
    health::routes().merge(taxonomy::routes())
}
