//! `auth-users`: /api/auth/register, login, profile and make-admin behind API Gateway.

use nna_http::RouteGroup;
use nna_lambda::api::Production;
use nna_lambda::{Error, init_tracing};

#[tokio::main]
async fn main() -> Result<(), Error> {
    init_tracing();
    let production = Production::from_env().await?;
    lambda_http::run(production.router(RouteGroup::served_by(env!("CARGO_BIN_NAME")))?).await
}
