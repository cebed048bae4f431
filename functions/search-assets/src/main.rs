//! `search-assets`: GET /api/assets and /api/assets/search behind API Gateway.

use nna_http::RouteGroup;
use nna_lambda::api::Production;
use nna_lambda::{Error, init_tracing};

#[tokio::main]
async fn main() -> Result<(), Error> {
    init_tracing();
    // Settings, SDK clients and the first connection are made once, before any request.
    let production = Production::from_env().await?;
    lambda_http::run(production.router(RouteGroup::served_by(env!("CARGO_BIN_NAME")))?).await
}
