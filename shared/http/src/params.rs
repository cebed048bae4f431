//! Path parameters with refusals in the API's error shape rather than axum's plain text.

use crate::problem::ApiError;
use axum::extract::{FromRequestParts, Path, RawPathParams};
use axum::http::StatusCode;
use axum::http::request::Parts;
use nna_domain::{AssetKey, RegistryError};
use serde::de::DeserializeOwned;

pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| Self(t))
            .map_err(|e| invalid_path(e.body_text()))
    }
}

/// The asset a route names (`{key}`, or `{id}` where only an id will do), parsed: an id, an HFN or
/// an MFA (`nna_address` spellings read as the MFA).
pub struct KeyPath(pub AssetKey);

impl<S: Send + Sync> FromRequestParts<S> for KeyPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state).await.map_err(|e| invalid_path(e.body_text()))?;
        let raw = params.iter().find(|(name, _)| matches!(*name, "key" | "id")).map_or("", |(_, value)| value);
        Ok(Self(AssetKey::parse(raw).map_err(RegistryError::from)?))
    }
}

/// A path axum could not read, in the API's error shape.
fn invalid_path(why: String) -> ApiError {
    ApiError::request(StatusCode::BAD_REQUEST, "invalid_path", why)
}
