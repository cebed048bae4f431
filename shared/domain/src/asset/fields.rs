//! The old backend's free-form fields as the frontend sends them.

use crate::error::FieldError;
use crate::limits::{FREE_JSON_BYTES, FREE_JSON_DEPTH, TAG_CHARS, TAGS};
use crate::parse;
use serde_json::{Map, Value};

/// `["a","b"]`, the JSON text of that (form fields), or a plain `a, b`.
pub fn tags(v: &Value, field: &str) -> Result<Vec<String>, FieldError> {
    tags_keeping(v, field, &[])
}

/// [`tags`], where tags the asset holds already (stored before today's bounds) are sent back.
pub fn tags_keeping(v: &Value, field: &str, stored: &[String]) -> Result<Vec<String>, FieldError> {
    let list = match v {
        Value::String(s) if s.trim_start().starts_with('[') => serde_json::from_str::<Value>(s).map_err(|e| {
            FieldError::new(field, crate::error::ErrorCode::MalformedJson, format!("{field} is not valid JSON: {e}"))
        })?,
        Value::String(s) => Value::Array(s.split(',').map(|t| Value::String(t.to_owned())).collect()),
        other => other.clone(),
    };
    let mut tags = parse::text_list_keeping(&list, field, TAGS, TAG_CHARS, stored)?;
    let mut seen = std::collections::HashSet::new();
    tags.retain(|t| seen.insert(t.to_lowercase()));
    Ok(tags)
}

/// `trainingData`, `rights`, `metadata`: an object (or its JSON text), stored as an object and
/// bounded in size and depth.
pub fn free_object(v: &Value, field: &str) -> Result<Map<String, Value>, FieldError> {
    let obj = parse::object_or_json_text(v, field)?;
    parse::bounded_json(&Value::Object(obj.clone()), field, FREE_JSON_DEPTH, FREE_JSON_BYTES)?;
    Ok(obj)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    #[test]
    fn tags_in_every_form_the_frontend_uses() {
        assert_eq!(tags(&json!(["general"]), "tags").unwrap(), ["general"]);
        assert_eq!(tags(&json!("[\"hip-hop\",\"Doechii\"]"), "tags").unwrap(), ["hip-hop", "Doechii"]);
        assert_eq!(tags(&json!("pop, dance"), "tags").unwrap(), ["pop", "dance"]);
        assert_eq!(tags(&json!(["a", "A", ""]), "tags").unwrap(), ["a"]);
    }

    #[test]
    fn tag_bounds() {
        let most: Vec<String> = (0..TAGS).map(|i| format!("t{i}")).collect();
        assert_eq!(tags(&json!(most), "tags").unwrap().len(), TAGS);
        let many: Vec<String> = (0..=TAGS).map(|i| format!("t{i}")).collect();
        assert_eq!(tags(&json!(many), "tags").unwrap_err().code, ErrorCode::TooManyItems);
        assert_eq!(tags(&json!(["x".repeat(TAG_CHARS + 1)]), "tags").unwrap_err().code, ErrorCode::TooLong);
        assert_eq!(tags(&json!("[bad"), "tags").unwrap_err().code, ErrorCode::MalformedJson);
        assert_eq!(tags(&json!(7), "tags").unwrap_err().code, ErrorCode::InvalidType);
    }

    #[test]
    fn free_objects_are_bounded() {
        assert!(free_object(&json!("{\"prompts\":[],\"images\":[],\"videos\":[]}"), "trainingData").is_ok());
        assert_eq!(
            free_object(&json!({"a": "x".repeat(FREE_JSON_BYTES)}), "rights").unwrap_err().code,
            ErrorCode::TooLarge
        );
        assert_eq!(free_object(&json!("not json"), "rights").unwrap_err().code, ErrorCode::MalformedJson);
    }
}
