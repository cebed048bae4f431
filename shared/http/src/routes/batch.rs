//! `POST /api/assets/batch`: many creates in one request. Multipart (`files` + `csvData`, a JSON
//! array of asset fields, as the frontend sends it) or JSON (an array, or `{assets: [...]}`).
//! Each item succeeds or fails on its own; the answer lists both.

use crate::answers::{Answer, Answered, BatchAnswer};
use crate::art_shape::Shape;
use crate::problem::ApiError;
use crate::{AppState, body};
use axum::extract::{Request, State};
use nna_domain::auth::Caller;
use nna_domain::input::CreateAsset;
use nna_domain::upload::Upload;
use serde_json::{Map, Value};

#[utoipa::path(post, path = "/api/assets/batch", tag = "assets", security(("bearer" = [])), params(Shape),
    request_body(content((Object = "multipart/form-data"), (Object = "application/json")),
        description = "multipart `files` + `csvData` (JSON text of an array of assets), or JSON `{assets: [...]}`"),
    responses((status = 200, description = "Each item created or refused on its own", body = Answer<BatchAnswer>)))]
pub(crate) async fn create(
    State(s): State<AppState>,
    caller: Caller,
    shape: Shape,
    request: Request,
) -> Result<Answered<BatchAnswer>, ApiError> {
    let form = body::submission(request, batch_limits(&s)).await?;
    let items = items(&form.fields)?;
    let requests = pair_files(items, form.files).into_iter().map(|(item, file)| CreateAsset::parse(&item, file, None));
    let outcomes = s.registry.create_batch(&caller, requests.collect()).await?;
    Ok(Answered::new(BatchAnswer::of(outcomes, shape.art)).shaped(shape))
}

/// A batch may carry many files.
fn batch_limits(s: &AppState) -> body::BodyLimits {
    let mut limits = s.http.limits;
    limits.multipart_bytes = limits.multipart_bytes.saturating_mul(4);
    limits
}

/// The items: `csvData` (JSON text of an array) from a form, or the JSON body itself.
fn items(fields: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ApiError> {
    let list = match fields.get("csvData").or_else(|| fields.get("assets")).or_else(|| fields.get("items")) {
        Some(Value::String(text)) => body::strict(text.as_bytes())?,
        Some(v) => v.clone(),
        None => {
            return Err(ApiError::bad_request("invalid_body", "send the assets as csvData (form) or assets (JSON)"));
        }
    };
    let Value::Array(list) = list else {
        return Err(ApiError::bad_request("invalid_body", "the batch must be a JSON array of assets"));
    };
    list.into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Object(m) => Ok(m),
            _ => Err(ApiError::bad_request("invalid_body", format!("batch item {i} is not an object"))),
        })
        .collect()
}

/// An item takes the file whose name it gives (`fileName`), else the file at its position.
fn pair_files(
    items: Vec<Map<String, Value>>,
    files: Vec<(String, Upload)>,
) -> Vec<(Map<String, Value>, Option<Upload>)> {
    let mut files: Vec<Option<Upload>> = files.into_iter().map(|(_, u)| Some(u)).collect();
    let named = |item: &Map<String, Value>| {
        ["fileName", "filename"].iter().find_map(|k| item.get(*k)?.as_str().map(str::to_owned))
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let by_name = named(&item).and_then(|n| {
            files.iter().position(|f| f.as_ref().and_then(|u| u.file_name.as_deref()) == Some(n.as_str()))
        });
        let file = by_name.or(Some(i)).and_then(|p| files.get_mut(p)).and_then(Option::take);
        out.push((item, file));
    }
    out
}
