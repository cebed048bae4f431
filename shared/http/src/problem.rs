//! The one place errors become HTTP responses: `{"success": false, "error": {code, message, field,
//! details}, "metadata": {timestamp, path}}` with the status that fits. Handlers return
//! [`ApiError`]; [`render`] (a middleware) writes the body, because only it knows the path.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use nna_domain::ports::{BlobError, StoreError};
use nna_domain::{ErrorCode, FieldError, Invalid, RegistryError, Timestamp};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

#[derive(Debug)]
pub enum ApiError {
    Registry(RegistryError),
    /// Faults of the request itself rather than of its fields: bad JSON, too big, wrong type;
    /// with details a client can act on (`{"reason": "expired"}`) where there are any.
    Request {
        status: StatusCode,
        code: &'static str,
        message: String,
        details: Option<Value>,
    },
}

impl ApiError {
    pub fn request(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Request { status, code, message: message.into(), details: None }
    }

    /// The body stopped arriving before it was whole.
    pub fn body_timeout() -> Self {
        Self::request(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            "the request body stopped arriving before it was whole",
        )
    }

    pub fn malformed_json(e: impl std::fmt::Display) -> Self {
        Self::request(StatusCode::BAD_REQUEST, "malformed_json", format!("the body is not valid JSON: {e}"))
    }

    pub fn too_large(limit: u64) -> Self {
        Self::request(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than {limit} bytes"),
        )
    }
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> Self {
        Self::Registry(e)
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        Self::Registry(RegistryError::Invalid(e))
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::Registry(RegistryError::Invalid(e.into()))
    }
}

/// Every refusal and failure: `{"success": false, "error": {…}, "metadata": {timestamp, path}}`.
#[derive(Serialize, ToSchema)]
#[schema(as = Problem)]
pub(crate) struct ProblemBody {
    /// Always `false`.
    success: bool,
    error: ProblemError,
    metadata: ProblemMeta,
}

/// What went wrong: a stable `code`, a sentence, the field at fault, and details (each refused
/// field under `details.errors`). Carried on the response until the renderer knows the path.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemError {
    /// Machine-readable, e.g. `too_long`, `unauthorized`, `precondition_failed`.
    code: String,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    details: Option<Value>,
}

#[derive(Serialize, ToSchema)]
struct ProblemMeta {
    timestamp: Timestamp,
    /// The request's path.
    path: String,
}

impl ApiError {
    fn parts(self) -> (StatusCode, ProblemError) {
        let detailed = |status: StatusCode, code: &str, message: String, details: Option<Value>| {
            (status, ProblemError { code: code.to_owned(), message, field: None, details })
        };
        let plain = |status, code: &str, message: String| detailed(status, code, message, None);
        match self {
            Self::Request { status, code, message, details } => detailed(status, code, message, details),
            Self::Registry(RegistryError::Invalid(invalid)) => {
                let first = invalid.first();
                let status = match first.code {
                    ErrorCode::FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::UnsupportedFileType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    _ => StatusCode::BAD_REQUEST,
                };
                // Each refused field, with its own details (valid choices, bounds).
                let problem = ProblemError {
                    code: first.code.as_str().to_owned(),
                    message: first.message.clone(),
                    field: Some(first.field.clone()),
                    details: Some(json!({ "errors": invalid.errors() })),
                };
                (status, problem)
            }
            Self::Registry(RegistryError::NotFound(key)) => {
                plain(StatusCode::NOT_FOUND, "asset_not_found", format!("no asset has the id, HFN or MFA {key:?}"))
            }
            Self::Registry(e @ RegistryError::KeptChanging) => plain(StatusCode::CONFLICT, "conflict", e.to_string()),
            Self::Registry(e @ RegistryError::NoRevision { asked, latest }) => detailed(
                StatusCode::NOT_FOUND,
                "revision_not_found",
                e.to_string(),
                Some(json!({ "revision": asked, "latestRevision": latest })),
            ),
            Self::Registry(e @ RegistryError::NotDeleted(_)) => {
                plain(StatusCode::CONFLICT, "not_deleted", e.to_string())
            }
            Self::Registry(e @ RegistryError::UndeleteWindowPassed { deleted_at, window_days, .. }) => detailed(
                StatusCode::CONFLICT,
                "undelete_window_passed",
                e.to_string(),
                Some(json!({ "deletedAt": deleted_at, "windowDays": window_days })),
            ),
            Self::Registry(RegistryError::FilesGone { revision, keys }) => detailed(
                StatusCode::CONFLICT,
                "files_gone",
                format!(
                    "revision {revision} named files that are no longer stored ({}); upload them again, then edit",
                    keys.join(", ")
                ),
                Some(json!({ "revision": revision, "keys": keys })),
            ),
            Self::Registry(RegistryError::ComponentInUse(names)) => {
                let message = format!(
                    "composites list this asset as a component: {}; delete them first, or pass ?force=true",
                    names.join(", ")
                );
                detailed(StatusCode::CONFLICT, "component_in_use", message, Some(json!({ "composites": names })))
            }
            Self::Registry(RegistryError::Forbidden(denied)) => {
                plain(StatusCode::FORBIDDEN, "forbidden", denied.to_string())
            }
            Self::Registry(e @ RegistryError::Stale { current }) => detailed(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                format!("{e}; read it again and reapply the change"),
                Some(json!({ "currentRevision": current })),
            ),
            Self::Registry(e @ RegistryError::EmailTaken) => plain(StatusCode::CONFLICT, "email_taken", e.to_string()),
            Self::Registry(e @ RegistryError::BadCredentials) => {
                plain(StatusCode::UNAUTHORIZED, "invalid_credentials", e.to_string())
            }
            Self::Registry(RegistryError::UserNotFound(email)) => {
                plain(StatusCode::NOT_FOUND, "user_not_found", format!("no account has the email {email:?}"))
            }
            Self::Registry(e @ RegistryError::KeyInUse) => {
                plain(StatusCode::CONFLICT, "idempotency_key_in_use", e.to_string())
            }
            Self::Registry(e @ RegistryError::UploadClaimed(_)) => {
                let (status, mut problem) = plain(StatusCode::CONFLICT, "upload_claimed", e.to_string());
                problem.field = Some("uploadKey".into());
                (status, problem)
            }
            Self::Registry(e @ RegistryError::KeyReused) => {
                plain(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", e.to_string())
            }
            Self::Registry(e @ RegistryError::TooManyAttempts { retry_after_secs }) => detailed(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                e.to_string(),
                Some(json!({ "retryAfter": retry_after_secs })),
            ),
            Self::Registry(RegistryError::Store(
                e @ (StoreError::Conflict | StoreError::SequenceExhausted(_) | StoreError::MissingComponent(_)),
            )) => plain(StatusCode::CONFLICT, "conflict", e.to_string()),
            Self::Registry(
                e @ (RegistryError::ArtNotConfigured
                | RegistryError::Store(StoreError::Unavailable(_))
                | RegistryError::Files(BlobError::Unavailable(_))),
            ) => {
                tracing::warn!(error = %e, "dependency unavailable");
                plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "service_unavailable",
                    "the registry is briefly unavailable; retry shortly".into(),
                )
            }
            Self::Registry(
                e @ (RegistryError::Store(_)
                | RegistryError::Files(_)
                | RegistryError::Rebuild(_)
                | RegistryError::Internal(_)),
            ) => {
                tracing::error!(error = %e, "internal error");
                plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "something went wrong on our side; it has been logged".into(),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            Self::Registry(RegistryError::TooManyAttempts { retry_after_secs }) => Some(*retry_after_secs),
            _ => None,
        };
        let (status, problem) = self.parts();
        let mut response = status.into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if let Some(secs) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response.extensions_mut().insert(problem);
        response
    }
}

/// The `error` object for a failure reported inside a successful response (batch items).
pub fn describe(e: RegistryError) -> ProblemError {
    ApiError::Registry(e).parts().1
}

/// Middleware: writes the body of every [`ApiError`] response, with the request's path.
pub async fn render(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let Some(error) = response.extensions_mut().remove::<ProblemError>() else { return response };
    let body = ProblemBody { success: false, error, metadata: ProblemMeta { timestamp: Timestamp::now(), path } };
    let body = serde_json::to_vec(&body).unwrap_or_default();
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

pub async fn route_not_found() -> ApiError {
    ApiError::request(StatusCode::NOT_FOUND, "route_not_found", "no such route; see the API table in the README")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::request(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not take that method")
}
