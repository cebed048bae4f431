//! What an API function does before serving: settings from the environment, secrets read, SDK
//! clients built once, the registry wired, and the connection to DynamoDB opened during init (so
//! the first request does not pay for DNS and the TLS handshake); then the router it serves.

use crate::metrics::{Unit, emit};
use crate::{Error, Settings};
use aws_config::BehaviorVersion;
use axum_router::extract::{MatchedPath, Request};
use axum_router::middleware::{Next, from_fn};
use axum_router::response::Response;
use nna_aws::{AwsAdapters, DynamoStore};
use nna_domain::Registry;
use nna_domain::ports::{Adapters, AssetStore};
use nna_domain::search::CursorKey;
use nna_domain::settings::Env;
use nna_http::RouteGroup;
use nna_http::auth::{Tokens, TrustedClaims};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A secret's value, read once at start-up: nothing secret sits in the function's environment,
/// where the console and `GetFunctionConfiguration` show it. A rotation takes effect as instances
/// are replaced.
async fn secret(client: &aws_sdk_secretsmanager::Client, arn: &str) -> Result<String, Error> {
    let out = client.get_secret_value().secret_id(arn).send().await.map_err(|e| {
        let e = aws_sdk_secretsmanager::Error::from(e);
        tracing::error!(secret = arn, error = %e, "a secret could not be read");
        format!("reading secret {arn}: {e}")
    })?;
    out.secret_string.ok_or_else(|| format!("secret {arn} holds no text").into())
}

/// The production adapters and the registry over them.
pub struct Production {
    pub settings: Settings,
    secrets: aws_sdk_secretsmanager::Client,
    pub store: Arc<DynamoStore>,
    pub adapters: Adapters,
    pub registry: Registry,
}

impl Production {
    pub async fn from_env() -> Result<Self, Error> {
        let mut settings =
            Settings::read(&Env::process()).inspect_err(|e| tracing::error!(error = %e, "bad configuration"))?;
        let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
        let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
        if let Some(arn) = settings.jwt_secret_arn.clone() {
            settings.api.auth.secret = Some(secret(&secrets, &arn).await?.into_bytes());
        }
        if let (Some(arn), Some(legacy)) = (settings.legacy_jwt_secret_arn.clone(), settings.api.auth.legacy.as_mut()) {
            legacy.secret = Some(secret(&secrets, &arn).await?.into_bytes());
        }
        let cursor_key = match (&settings.cursor_secret_arn, &settings.api.cursor_key) {
            (Some(arn), _) => CursorKey::from_secret(&secret(&secrets, arn).await?),
            (None, Some(key)) => CursorKey::from_secret(key),
            (None, None) => CursorKey::random(),
        };
        let AwsAdapters { adapters, dynamo } = settings.storage.connect(&sdk);
        let registry = settings.api.wire(&adapters, cursor_key)?;
        let production = Self { settings, secrets, store: dynamo, adapters, registry };
        production.warm().await;
        Ok(production)
    }

    /// Opens the first connection now, while Lambda's init phase runs at full CPU and before any
    /// request waits. A failure is only logged: the request that follows reports it properly.
    async fn warm(&self) {
        if self.settings.warm_timeout.is_zero() {
            return;
        }
        match tokio::time::timeout(self.settings.warm_timeout, self.store.ping()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "warming the DynamoDB connection failed"),
            Err(_) => tracing::warn!("warming the DynamoDB connection timed out"),
        }
    }

    /// The API routes a function serves. Needs `NNA_JWT_SECRET`: tokens are checked here unless
    /// an API Gateway JWT authorizer checked them already (its claims are then taken as they are).
    pub fn router(&self, groups: &[RouteGroup]) -> Result<axum_router::Router, Error> {
        if groups.is_empty() {
            return Err("this function serves no routes: its binary is not in RouteGroup::FUNCTIONS".into());
        }
        let auth = &self.settings.api.auth;
        let secret = auth.secret.clone().ok_or("NNA_JWT_SECRET is not set")?;
        let http = self.settings.api.http(Arc::new(Tokens::new(auth.tokens(secret))?), self.settings.max_inline_bytes);
        let refresh = self.settings.jwt_secret_arn.clone().map(|arn| {
            Arc::new(SecretRefresh {
                client: self.secrets.clone(),
                arn,
                tokens: http.tokens.clone(),
                every: self.settings.secret_refresh,
                last: std::sync::Mutex::new(Instant::now()),
            })
        });
        let mut router = nna_http::router_for(self.registry.clone(), &http, groups).layer(from_fn(authorizer_claims));
        if let Some(refresh) = refresh {
            router = router.layer(from_fn(move |request, next| refresh.clone().before(request, next)));
        }
        if groups.contains(&RouteGroup::Search) {
            let store = self.store.clone();
            router = router.layer(from_fn(move |request, next| search_reads(store.clone(), request, next)));
        }
        Ok(router.layer(from_fn(request_metrics)))
    }
}

/// The token secret, read again when it is older than `every` (at the next request: a frozen
/// instance runs no timers), so a rotation reaches running instances; tokens signed with the
/// secret it replaced still verify.
struct SecretRefresh {
    client: aws_sdk_secretsmanager::Client,
    arn: String,
    tokens: Arc<Tokens>,
    every: Duration,
    last: std::sync::Mutex<Instant>,
}

impl SecretRefresh {
    async fn before(self: Arc<Self>, request: Request, next: Next) -> Response {
        let due = {
            let mut last = self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let due = last.elapsed() >= self.every;
            if due {
                *last = Instant::now();
            }
            due
        };
        if due {
            match secret(&self.client, &self.arn).await {
                Ok(value) => {
                    if let Err(e) = self.tokens.rotate(value.as_bytes()) {
                        tracing::error!(error = %e, "the rotated token secret is not usable; the old one stays");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "the token secret could not be read again; the cached one stays"),
            }
        }
        next.run(request).await
    }
}

/// What one search read from DynamoDB (requests and items), as metrics: the figure that must stay
/// flat as the table grows. An instance answers one request at a time, so the store's counters,
/// reset first, are this request's.
async fn search_reads(store: Arc<DynamoStore>, request: Request, next: Next) -> Response {
    store.metrics().reset();
    let response = next.run(request).await;
    let (requests, items) = store.metrics().snapshot();
    emit(
        &[("Function", "search-assets")],
        &[("SearchReadRequests", requests as f64, Unit::Count), ("SearchItemsRead", items as f64, Unit::Count)],
    );
    response
}

/// Each request's latency and status class as a metric, by operation (`GET /api/assets/{key}`).
async fn request_metrics(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| request.uri().path().to_owned(), |p| p.as_str().to_owned());
    let operation = format!("{} {route}", request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let failed = if response.status().is_server_error() { 1.0 } else { 0.0 };
    emit(&[("Operation", &operation)], &[("Latency", ms, Unit::Milliseconds), ("ServerError", failed, Unit::Count)]);
    response
}

/// Hands the router what API Gateway knows: the caller's address (for the login and register
/// limits) and the claims of its JWT authorizer, when one ran.
async fn authorizer_claims(mut request: Request, next: Next) -> Response {
    use lambda_http::RequestExt;
    use lambda_http::request::RequestContext;
    let (source, claims) = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => {
            let jwt = ctx.authorizer.as_ref().and_then(|a| a.jwt.as_ref());
            let claims = jwt.map(|jwt| jwt.claims.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect());
            (ctx.http.source_ip.clone(), claims)
        }
        _ => (None, None),
    };
    if let Some(ip) = source {
        request.extensions_mut().insert(nna_domain::auth::ClientAddress(ip));
    }
    if let Some(claims) = claims {
        request.extensions_mut().insert(TrustedClaims(claims));
    }
    next.run(request).await
}

/// axum's `Router`, re-exported through nna-http so functions need not depend on axum.
pub use nna_http::axum as axum_router;
