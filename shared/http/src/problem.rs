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

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::request(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::request(StatusCode::NOT_FOUND, code, message)
    }

    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::request(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", message)
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
        Self::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
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
        let e = match self {
            Self::Request { status, code, message, details } => {
                return (status, ProblemError { code: code.to_owned(), message, field: None, details });
            }
            Self::Registry(e) => e,
        };
        let (status, code) = status_and_code(&e);
        let mut problem =
            ProblemError { code: code.to_owned(), message: e.to_string(), field: None, details: details(&e) };
        match &e {
            RegistryError::Invalid(invalid) => {
                problem.message.clone_from(&invalid.first().message);
                problem.field = Some(invalid.first().field.clone());
            }
            RegistryError::UploadClaimed(_) => problem.field = Some("uploadKey".into()),
            RegistryError::ComponentInUse(_) => problem.message += "; delete them first, or pass ?force=true",
            _ if status == StatusCode::SERVICE_UNAVAILABLE => {
                tracing::warn!(error = %e, "dependency unavailable");
                problem.message = "the registry is briefly unavailable; retry shortly".into();
            }
            _ if status == StatusCode::INTERNAL_SERVER_ERROR => {
                tracing::error!(error = %e, "internal error");
                problem.message = "something went wrong on our side; it has been logged".into();
            }
            _ => {}
        }
        (status, problem)
    }
}

/// Each refusal's status and machine-readable code: the API's contract, one line per case.
fn status_and_code(e: &RegistryError) -> (StatusCode, &'static str) {
    use RegistryError as E;
    match e {
        E::Invalid(invalid) => match invalid.first().code {
            code @ ErrorCode::FileTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, code.as_str()),
            code @ ErrorCode::UnsupportedFileType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, code.as_str()),
            code => (StatusCode::BAD_REQUEST, code.as_str()),
        },
        E::NotFound(_) => (StatusCode::NOT_FOUND, "asset_not_found"),
        E::NoRevision { .. } => (StatusCode::NOT_FOUND, "revision_not_found"),
        E::UserNotFound(_) => (StatusCode::NOT_FOUND, "user_not_found"),
        E::KeptChanging
        | E::Store(StoreError::Conflict | StoreError::SequenceExhausted(_) | StoreError::MissingComponent(_)) => {
            (StatusCode::CONFLICT, "conflict")
        }
        E::NotDeleted(_) => (StatusCode::CONFLICT, "not_deleted"),
        E::UndeleteWindowPassed { .. } => (StatusCode::CONFLICT, "undelete_window_passed"),
        E::FilesGone { .. } => (StatusCode::CONFLICT, "files_gone"),
        E::ComponentInUse(_) => (StatusCode::CONFLICT, "component_in_use"),
        E::EmailTaken => (StatusCode::CONFLICT, "email_taken"),
        E::KeyInUse => (StatusCode::CONFLICT, "idempotency_key_in_use"),
        E::UploadClaimed(_) => (StatusCode::CONFLICT, "upload_claimed"),
        E::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
        E::Stale { .. } => (StatusCode::PRECONDITION_FAILED, "precondition_failed"),
        E::BadCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
        E::KeyReused => (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"),
        E::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
        E::ArtNotConfigured | E::Store(StoreError::Unavailable(_)) | E::Files(BlobError::Unavailable(_)) => {
            (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable")
        }
        E::Store(_) | E::Files(_) | E::Rebuild(_) | E::Internal(_) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "internal_error")
        }
    }
}

/// What a client needs beyond the message to act on a refusal.
fn details(e: &RegistryError) -> Option<Value> {
    use RegistryError as E;
    Some(match e {
        E::Invalid(invalid) => json!({ "errors": invalid.errors() }),
        E::NoRevision { asked, latest } => json!({ "revision": asked, "latestRevision": latest }),
        E::UndeleteWindowPassed { deleted_at, window_days, .. } => {
            json!({ "deletedAt": deleted_at, "windowDays": window_days })
        }
        E::FilesGone { revision, keys } => json!({ "revision": revision, "keys": keys }),
        E::ComponentInUse(names) => json!({ "composites": names }),
        E::Stale { current } => json!({ "currentRevision": current }),
        E::TooManyAttempts { retry_after_secs } => json!({ "retryAfter": retry_after_secs }),
        _ => return None,
    })
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
    ApiError::not_found("route_not_found", "no such route; see the API table in the README")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::request(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not take that method")
}
