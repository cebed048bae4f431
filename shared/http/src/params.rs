//! What a route reads from its path and query, parsed by extractors that refuse in the API's error
//! shape (not axum's plain text) and that document themselves (`IntoParams`): a parameter the
//! document lists is one an extractor reads.

use crate::body::query_pairs;
use crate::problem::ApiError;
use axum::extract::{FromRequestParts, Path, RawPathParams};
use axum::http::request::Parts;
use nna_domain::error::{ErrorCode, FieldError};
use nna_domain::search::{SEARCH_PARAMS, SearchQuery};
use nna_domain::{AssetKey, RegistryError};
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};

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

/// A path axum could not read, in the API's error shape.
fn invalid_path(why: String) -> ApiError {
    ApiError::bad_request("invalid_path", why)
}

/// The path parameter `name`, as the router matched it.
async fn path_param<S: Send + Sync>(parts: &mut Parts, state: &S, names: &[&str]) -> Result<String, ApiError> {
    let params = RawPathParams::from_request_parts(parts, state).await.map_err(|e| invalid_path(e.body_text()))?;
    Ok(params.iter().find(|(name, _)| names.contains(name)).map_or("", |(_, value)| value).to_owned())
}

/// One parameter as the document lists it.
pub(crate) fn described(name: &str, place: ParameterIn, of: Type, about: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(place.clone())
        .required(if place == ParameterIn::Path { Required::True } else { Required::False })
        .description(Some(about))
        .schema(Some(ObjectBuilder::new().schema_type(of)))
        .build()
}

/// The asset a route names (`{key}`, or `{id}` where only an id will do), parsed: an id, an HFN or
/// an MFA (`nna_address` spellings read as the MFA).
#[derive(IntoParams)]
#[into_params(names("key"), parameter_in = Path)]
pub struct KeyPath(
    /// An HFN (`L.CAS.ATL.001`), an MFA (`3.004.004.001`), the stored `nna_address` or the id (a
    /// deleted asset: its id; its HFN and MFA name no one while it is deleted)
    #[param(value_type = String)]
    pub AssetKey,
);

impl<S: Send + Sync> FromRequestParts<S> for KeyPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = path_param(parts, state, &["key", "id"]).await?;
        Ok(Self(AssetKey::parse(&raw).map_err(RegistryError::from)?))
    }
}

/// `{revision}`: a revision number, as the history lists them.
#[derive(IntoParams)]
#[into_params(names("revision"), parameter_in = Path)]
pub struct RevisionPath(
    /// A revision number, as the history lists them
    pub u64,
);

impl<S: Send + Sync> FromRequestParts<S> for RevisionPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = path_param(parts, state, &["revision"]).await?;
        let refused = || FieldError::new("revision", ErrorCode::OutOfRange, "a revision is a whole number");
        raw.parse().map(Self).map_err(|_| refused().into())
    }
}

/// A history page's query: `limit` (1 to 100) and `cursor`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Entries per page: 1 to 100; default 20
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page
    pub cursor: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for HistoryQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mut query = Self { cursor: None, limit: None };
        for (name, value) in query_pairs(&parts.uri)? {
            match name.as_str() {
                "cursor" => query.cursor = Some(value),
                "limit" => {
                    let refused = || FieldError::new("limit", ErrorCode::OutOfRange, "limit is a number from 1 to 100");
                    query.limit = Some(value.parse::<u32>().map_err(|_| refused())?);
                }
                _ => {}
            }
        }
        Ok(query)
    }
}

/// A delete's `force`: delete even though composites list the asset.
#[derive(IntoParams)]
#[into_params(names("force"), parameter_in = Query)]
pub struct Force(
    /// `true`: delete even though composites list the asset; they are marked `brokenComponents`
    #[param(required = false)]
    pub bool,
);

impl<S: Send + Sync> FromRequestParts<S> for Force {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let pairs = query_pairs(&parts.uri)?;
        Ok(Self(pairs.iter().any(|(k, v)| k == "force" && matches!(v.as_str(), "true" | "1" | "yes"))))
    }
}

/// A list's or search's query, parsed by the search (unknown parameters are ignored).
pub struct Search(pub SearchQuery);

impl<S: Send + Sync> FromRequestParts<S> for Search {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(SearchQuery::parse(&query_pairs(&parts.uri)?).map_err(RegistryError::from)?))
    }
}

impl IntoParams for Search {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        SEARCH_PARAMS.iter().map(|(name, about)| described(name, ParameterIn::Query, Type::String, about)).collect()
    }
}
