//! Request bodies as the frontend sends them: JSON, `multipart/form-data` (nested objects as JSON
//! text, `tags[]` and `components[]` repeated, files) or URL-encoded forms. Sizes are enforced
//! while reading, before anything is parsed.

use crate::problem::ApiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use bytes::Bytes;
use nna_domain::error::{ErrorCode, FieldError};
use nna_domain::registry::RegistryError;
use nna_domain::upload::Upload;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// JSON and URL-encoded bodies.
    pub json_bytes: u64,
    /// One uploaded file.
    pub upload_bytes: u64,
    /// A whole multipart body (files and fields together).
    pub multipart_bytes: u64,
}

/// A submitted form or JSON object, and the files that came with it.
#[derive(Debug, Default)]
pub struct Submission {
    pub fields: Map<String, Value>,
    pub files: Vec<(String, Upload)>,
}

enum Kind {
    Json,
    Multipart(String),
    UrlEncoded,
}

/// What the body is, by its Content-Type. JSON must say so: a body sent as `text/plain` or with no
/// type is one a browser sends cross-origin without asking first, so it is never read as JSON.
fn kind(headers: &HeaderMap) -> Result<Kind, ApiError> {
    let ct = headers.get(header::CONTENT_TYPE).map_or("", |v| v.to_str().unwrap_or("")).trim();
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Ok(Kind::Json),
        "" => Err(ApiError::unsupported_media_type(
            "the body has no Content-Type; send application/json (or multipart/form-data where a file goes)",
        )),
        e if e.ends_with("+json") => Ok(Kind::Json),
        "multipart/form-data" => multer::parse_boundary(ct)
            .map(Kind::Multipart)
            .map_err(|e| ApiError::bad_request("malformed_multipart", format!("bad multipart Content-Type: {e}"))),
        "application/x-www-form-urlencoded" => Ok(Kind::UrlEncoded),
        other => Err(ApiError::unsupported_media_type(format!(
            "{other} bodies are not accepted; send application/json or multipart/form-data"
        ))),
    }
}

/// A JSON value: `PUT`, `PATCH`, conversions, JSON batches.
pub async fn json(request: Request, limit: u64) -> Result<Value, ApiError> {
    match kind(request.headers())? {
        Kind::Json => {}
        _ => {
            return Err(ApiError::unsupported_media_type("send this as application/json"));
        }
    }
    let bytes = bytes(request, limit).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::malformed_json("the body is empty"));
    }
    strict(&bytes)
}

/// One JSON value, each key once, a fault inside it named by its field.
pub fn strict(bytes: &[u8]) -> Result<Value, ApiError> {
    crate::strict_json::parse(bytes).map_err(|refusal| match refusal {
        crate::strict_json::Refusal::Field(e) => ApiError::Registry(RegistryError::Invalid(e.into())),
        crate::strict_json::Refusal::Malformed(e) => ApiError::malformed_json(e),
    })
}

pub async fn object(request: Request, limit: u64) -> Result<Map<String, Value>, ApiError> {
    match json(request, limit).await? {
        Value::Object(m) => Ok(m),
        _ => Err(ApiError::bad_request("invalid_body", "the body must be a JSON object")),
    }
}

/// Whatever a create sends: a JSON object, a multipart form with files, or a URL-encoded form.
pub async fn submission(request: Request, limits: BodyLimits) -> Result<Submission, ApiError> {
    match kind(request.headers())? {
        Kind::Json => Ok(Submission { fields: object(request, limits.json_bytes).await?, files: Vec::new() }),
        Kind::UrlEncoded => {
            let bytes = bytes(request, limits.json_bytes).await?;
            let mut fields = Map::new();
            for (k, v) in form_pairs(&bytes)? {
                add_field(&mut fields, &k, v);
            }
            Ok(Submission { fields, files: Vec::new() })
        }
        Kind::Multipart(boundary) => multipart(request, boundary, limits).await,
    }
}

async fn multipart(request: Request, boundary: String, limits: BodyLimits) -> Result<Submission, ApiError> {
    // A form too large is one whose file is: every size says where large files go.
    check_declared_length(request.headers(), limits.multipart_bytes).map_err(|_| file_too_large(limits))?;
    let size = multer::SizeLimit::new().whole_stream(limits.multipart_bytes).per_field(limits.upload_bytes);
    let stream = request.into_body().into_data_stream();
    let mut form = multer::Multipart::with_constraints(stream, boundary, multer::Constraints::new().size_limit(size));
    let mut out = Submission::default();
    while let Some(field) = form.next_field().await.map_err(|e| multipart_error(e, limits))? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        if file_name.is_some() || matches!(name.as_str(), "file" | "files" | "files[]") {
            let bytes = field.bytes().await.map_err(|e| multipart_error(e, limits))?;
            out.files.push((name, Upload { file_name, bytes }));
        } else {
            let bytes = field.bytes().await.map_err(|e| multipart_error(e, limits))?;
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| not_utf8(&name))?;
            add_field(&mut out.fields, &name, text);
        }
    }
    Ok(out)
}

/// `tags[]` (and any repeated name) collects into a list under its own name; the domain reads
/// both `tags` and `tags[]`.
fn add_field(fields: &mut Map<String, Value>, name: &str, value: String) {
    let value = Value::String(value);
    match fields.get_mut(name) {
        Some(Value::Array(list)) => list.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None if name.ends_with("[]") => {
            fields.insert(name.to_owned(), Value::Array(vec![value]));
        }
        None => {
            fields.insert(name.to_owned(), value);
        }
    }
}

/// 413 with the way to send a file this large: a direct upload, then a create naming it.
fn file_too_large(limits: BodyLimits) -> ApiError {
    ApiError::Request {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        code: "file_too_large",
        message: format!(
            "an uploaded file is larger than {} bytes, the most a request can carry here; \
             upload it with POST /api/assets/uploads and create the asset with its uploadKey",
            limits.upload_bytes
        ),
        details: Some(serde_json::json!({ "max": limits.upload_bytes, "directUpload": "POST /api/assets/uploads" })),
    }
}

fn multipart_error(e: multer::Error, limits: BodyLimits) -> ApiError {
    match e {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => file_too_large(limits),
        multer::Error::StreamReadFailed(e) if stalled(e.as_ref()) => ApiError::body_timeout(),
        other => ApiError::bad_request("malformed_multipart", format!("the multipart body cannot be read: {other}")),
    }
}

/// Whether a body failed because it stopped arriving (the server's body timeout).
fn stalled(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut at = Some(e);
    while let Some(e) = at {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        at = e.source();
    }
    false
}

fn check_declared_length(headers: &HeaderMap, limit: u64) -> Result<(), ApiError> {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limit => Err(ApiError::too_large(limit)),
        _ => Ok(()),
    }
}

async fn bytes(request: Request, limit: u64) -> Result<Bytes, ApiError> {
    check_declared_length(request.headers(), limit)?;
    let body: Body = request.into_body();
    axum::body::to_bytes(body, usize::try_from(limit).unwrap_or(usize::MAX)).await.map_err(|e| {
        let inner = e.into_inner();
        if inner.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
            ApiError::too_large(limit)
        } else if stalled(inner.as_ref()) {
            ApiError::body_timeout()
        } else {
            ApiError::bad_request("unreadable_body", format!("the body could not be read: {inner}"))
        }
    })
}

/// Query parameters in order; unknown ones are the handler's to ignore.
pub fn query_pairs(uri: &Uri) -> Result<Vec<(String, String)>, ApiError> {
    form_pairs(uri.query().unwrap_or("").as_bytes())
}

/// `application/x-www-form-urlencoded` pairs, refusing any name or value whose decoded bytes are
/// not UTF-8 (a lossy decode would store U+FFFD in their place).
fn form_pairs(bytes: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let decode = |part: &[u8]| -> Option<String> {
        let spaced: Vec<u8> = part.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
        let decoded: std::borrow::Cow<'_, [u8]> = percent_encoding::percent_decode(&spaced).into();
        String::from_utf8(decoded.into_owned()).ok()
    };
    bytes
        .split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &[][..]),
            };
            let name = decode(name).ok_or_else(|| not_utf8(&String::from_utf8_lossy(name)))?;
            let value = decode(value).ok_or_else(|| not_utf8(&name))?;
            Ok((name, value))
        })
        .collect()
}

fn not_utf8(field: &str) -> ApiError {
    let error = FieldError::new(field, ErrorCode::InvalidUtf8, format!("{field} is not valid UTF-8 text"));
    ApiError::Registry(RegistryError::Invalid(error.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_decode_strictly() {
        let pairs = form_pairs(b"a+b=c%20d&e&&f=caf%C3%A9").unwrap();
        let expected = [("a b", "c d"), ("e", ""), ("f", "café")].map(|(k, v)| (k.to_owned(), v.to_owned()));
        assert_eq!(pairs, expected);
        for bad in [&b"x=%E9"[..], b"%FF=1", b"x=\xff"] {
            let Err(ApiError::Registry(RegistryError::Invalid(e))) = form_pairs(bad) else { panic!("{bad:?}") };
            assert_eq!(e.first().code, ErrorCode::InvalidUtf8);
        }
    }

    #[test]
    fn repeated_and_bracketed_names_become_lists() {
        let mut f = Map::new();
        add_field(&mut f, "tags[]", "a".into());
        add_field(&mut f, "tags[]", "b".into());
        add_field(&mut f, "layer", "L".into());
        add_field(&mut f, "components", "x".into());
        add_field(&mut f, "components", "y".into());
        assert_eq!(Value::Object(f), serde_json::json!({"tags[]": ["a", "b"], "layer": "L", "components": ["x", "y"]}));
    }
}
