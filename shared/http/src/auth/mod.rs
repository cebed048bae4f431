//! Who is calling. A request proves it with `Authorization: Bearer <JWT>`, checked here
//! ([`Tokens`]), unless the deployment put an API Gateway JWT authorizer in front, which checked
//! the token already and whose claims the Lambda adapter hands over as [`TrustedClaims`].

mod legacy;
mod settings;
mod tokens;

pub use legacy::{LegacyClaims, LegacySettings, LegacyTokens};
pub use settings::AuthSettings;
pub use tokens::{Claims, TokenError, TokenSettings, Tokens};

use crate::AppState;
use crate::problem::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use nna_domain::auth::{Caller, Email, Role};

/// Claims an authorizer in front of this service has verified (set as a request extension).
#[derive(Debug, Clone)]
pub struct TrustedClaims(pub serde_json::Map<String, serde_json::Value>);

impl TrustedClaims {
    /// `sub` and `email` are required; `role` (or `custom:role`) defaults to editor.
    fn caller(&self) -> Option<Caller> {
        let text = |k: &str| self.0.get(k).and_then(|v| v.as_str());
        let email = Email::kept(text("email")?).ok()?;
        let role = text("role").or_else(|| text("custom:role")).and_then(Role::parse).unwrap_or(Role::Editor);
        Some(Caller { user_id: text("sub")?.to_owned(), email, role })
    }
}

pub fn unauthorized(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::request(StatusCode::UNAUTHORIZED, code, message)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(trusted) = parts.extensions.get::<TrustedClaims>() {
            return trusted
                .caller()
                .ok_or_else(|| unauthorized("invalid_token", "the authorizer's claims name no user (sub and email)"));
        }
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| unauthorized("unauthorized", "sign in: send Authorization: Bearer <token>"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized("invalid_token", "the Authorization header is not a Bearer token"))?;
        let ours = match state.http.tokens.verify(token) {
            Ok(caller) => return Ok(caller),
            Err(e) => e,
        };
        // Not one of ours: perhaps the old backend's, through the cutover.
        let Some(legacy) = state.http.legacy_tokens.as_deref().filter(|_| ours == TokenError::BadSignature) else {
            return Err(refused(&ours));
        };
        let claims = match legacy.verify(token, nna_domain::Timestamp::now()) {
            Ok(claims) => claims,
            Err(TokenError::BadSignature) => return Err(refused(&ours)),
            Err(e) => return Err(refused(&e)),
        };
        match state.registry.legacy_caller(&claims.user_id, &claims.email).await? {
            Some(caller) => Ok(caller),
            None => Err(refused(&TokenError::NoUser)),
        }
    }
}

fn refused(e: &TokenError) -> ApiError {
    tracing::debug!(reason = e.reason(), "token refused");
    let details = Some(serde_json::json!({ "reason": e.reason() }));
    ApiError::Request { status: StatusCode::UNAUTHORIZED, code: "invalid_token", message: e.to_string(), details }
}
