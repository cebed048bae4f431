//! Reading untrusted JSON into domain values with the field path kept for error messages.
//! Every newtype's `parse` goes through these, and so does its `Deserialize`, so stored data and
//! requests obey one set of rules.

use crate::error::{Collector, ErrorCode, FieldError, Invalid};
use serde_json::{Map, Value};

/// An object's keys read one at a time under its field's name (`albumArt` + `size` →
/// `albumArt.size`), every fault kept, so a client sees all of them at once.
pub(crate) struct Fields<'a> {
    obj: &'a Map<String, Value>,
    field: &'a str,
    pub refused: Collector,
}

impl<'a> Fields<'a> {
    pub fn of(obj: &'a Map<String, Value>, field: &'a str) -> Self {
        Self { obj, field, refused: Collector::default() }
    }

    /// `key` parsed by `parse` (given the value and its field name); `None` when it is absent,
    /// `null`, or refused (the fault kept).
    pub fn take<T, E: Into<Invalid>>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&'a Value, &str) -> Result<T, E>,
    ) -> Option<T> {
        let v = present(self.obj, key)?;
        self.refused.take(parse(v, &join(self.field, key)))
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        present(self.obj, key)
    }

    pub fn finish(self) -> Result<(), Invalid> {
        self.refused.finish()
    }
}

/// `aiMetadata` + `confidence` → `aiMetadata.confidence`.
pub fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() { child.to_owned() } else { format!("{parent}.{child}") }
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub fn wrong_type(field: &str, expected: &str, got: &Value) -> FieldError {
    FieldError::new(field, ErrorCode::InvalidType, format!("{field} must be {expected}, not {}", type_name(got)))
}

/// A field counts as absent when missing or `null`: the frontend sends `null` for "not set".
pub fn present<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).filter(|v| !v.is_null())
}

pub fn as_object<'a>(v: &'a Value, field: &str) -> Result<&'a Map<String, Value>, FieldError> {
    v.as_object().ok_or_else(|| wrong_type(field, "an object", v))
}

pub fn as_str<'a>(v: &'a Value, field: &str) -> Result<&'a str, FieldError> {
    v.as_str().ok_or_else(|| wrong_type(field, "a string", v))
}

/// Text people typed: at most `max_chars` characters (not bytes), no control characters but
/// tab and line breaks.
pub fn text(v: &Value, field: &str, max_chars: usize) -> Result<String, FieldError> {
    let s = as_str(v, field)?;
    check_text(s, field, max_chars)?;
    Ok(s.to_owned())
}

pub fn check_text(s: &str, field: &str, max_chars: usize) -> Result<(), FieldError> {
    let chars = s.chars().count();
    if chars > max_chars {
        return Err(FieldError::new(
            field,
            ErrorCode::TooLong,
            format!("{field} is {chars} characters long; the most is {max_chars}"),
        )
        .with_details(serde_json::json!({ "max": max_chars, "actual": chars })));
    }
    if s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FieldError::new(
            field,
            ErrorCode::InvalidCharacters,
            format!("{field} contains control characters"),
        ));
    }
    Ok(())
}

/// A number within `[min, max]`, kept as the JSON number that was sent so `120` stays `120`.
pub fn number_in(v: &Value, field: &str, min: f64, max: f64) -> Result<serde_json::Number, FieldError> {
    let Value::Number(n) = v else {
        return Err(wrong_type(field, "a number", v));
    };
    match n.as_f64() {
        Some(x) if x.is_finite() && x >= min && x <= max => Ok(n.clone()),
        _ => Err(FieldError::new(field, ErrorCode::OutOfRange, format!("{field} must be between {min} and {max}"))
            .with_details(serde_json::json!({ "min": min, "max": max }))),
    }
}

/// A whole number within `[0, max]`.
pub fn count_up_to(v: &Value, field: &str, max: u64) -> Result<u64, FieldError> {
    let out_of_range = || {
        FieldError::new(field, ErrorCode::OutOfRange, format!("{field} must be a whole number from 0 to {max}"))
            .with_details(serde_json::json!({ "min": 0, "max": max }))
    };
    let Value::Number(n) = v else {
        return Err(wrong_type(field, "a number", v));
    };
    if let Some(u) = n.as_u64() {
        return if u <= max { Ok(u) } else { Err(out_of_range()) };
    }
    // 1250.0 is a whole number too; -1 and 1.5 are not.
    match n.as_f64() {
        Some(x) if x >= 0.0 && x.fract() == 0.0 && x <= max as f64 => Ok(x as u64),
        _ => Err(out_of_range()),
    }
}

/// A list of short texts: blanks dropped (the old frontend sends `[""]`), each bounded, at most
/// `max_items` after that.
pub fn text_list(v: &Value, field: &str, max_items: usize, max_chars: usize) -> Result<Vec<String>, FieldError> {
    text_list_keeping(v, field, max_items, max_chars, &[])
}

/// [`text_list`], where the entries of `stored` sent back as they are pass whatever today's bounds
/// say, and the list may be as long as `stored` was: today's rules apply to what is new.
pub fn text_list_keeping(
    v: &Value,
    field: &str,
    max_items: usize,
    max_chars: usize,
    stored: &[String],
) -> Result<Vec<String>, FieldError> {
    let Value::Array(items) = v else {
        return Err(wrong_type(field, "an array of strings", v));
    };
    let max_items = max_items.max(stored.len());
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("{field}[{i}]");
        let s = as_str(item, &path)?.trim();
        if s.is_empty() {
            continue;
        }
        if !stored.iter().any(|kept| kept == s) {
            check_text(s, &path, max_chars)?;
        }
        out.push(s.to_owned());
    }
    if out.len() > max_items {
        return Err(FieldError::new(
            field,
            ErrorCode::TooManyItems,
            format!("{field} has {} entries; the most is {max_items}", out.len()),
        )
        .with_details(serde_json::json!({ "max": max_items, "actual": out.len() })));
    }
    Ok(out)
}

/// Objects the frontend sends either as objects or as JSON text inside a form field.
pub fn object_or_json_text(v: &Value, field: &str) -> Result<Map<String, Value>, FieldError> {
    match v {
        Value::Object(m) => Ok(m.clone()),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(other) => Err(wrong_type(field, "a JSON object", &other)),
            Err(e) => Err(FieldError::new(field, ErrorCode::MalformedJson, format!("{field} is not valid JSON: {e}"))),
        },
        other => Err(wrong_type(field, "an object or a JSON string of one", other)),
    }
}

/// Free-form JSON we store but do not interpret: bounded in depth and serialized size so one
/// field cannot bloat an item or the indexes built from it.
pub fn bounded_json(v: &Value, field: &str, max_depth: usize, max_bytes: usize) -> Result<(), FieldError> {
    let depth = depth_of(v);
    if depth > max_depth {
        return Err(FieldError::new(
            field,
            ErrorCode::TooDeep,
            format!("{field} nests {depth} levels deep; the most is {max_depth}"),
        ));
    }
    let size = serde_json::to_vec(v).map(|b| b.len()).unwrap_or(usize::MAX);
    if size > max_bytes {
        return Err(FieldError::new(
            field,
            ErrorCode::TooLarge,
            format!("{field} is {size} bytes as JSON; the most is {max_bytes}"),
        )
        .with_details(serde_json::json!({ "max": max_bytes, "actual": size })));
    }
    Ok(())
}

fn depth_of(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth_of).max().unwrap_or(0),
        Value::Object(m) => 1 + m.values().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

/// Used by `Deserialize` impls so stored data passes the same checks as requests.
pub fn serde_error<E: serde::de::Error>(e: FieldError) -> E {
    E::custom(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_counts_characters_not_bytes() {
        let s = "é".repeat(10);
        assert!(text(&json!(s), "f", 10).is_ok());
        assert_eq!(text(&json!(s + "é"), "f", 10).unwrap_err().code, ErrorCode::TooLong);
    }

    #[test]
    fn text_refuses_control_characters_but_keeps_line_breaks() {
        assert!(text(&json!("a\nb\tc"), "f", 10).is_ok());
        assert_eq!(text(&json!("a\u{0}b"), "f", 10).unwrap_err().code, ErrorCode::InvalidCharacters);
    }

    #[test]
    fn numbers_keep_their_form_and_bounds() {
        assert_eq!(number_in(&json!(120), "bpm", 1.0, 999.0).unwrap().to_string(), "120");
        assert_eq!(number_in(&json!(-1), "bpm", 1.0, 999.0).unwrap_err().code, ErrorCode::OutOfRange);
        assert_eq!(number_in(&json!("120"), "bpm", 1.0, 999.0).unwrap_err().code, ErrorCode::InvalidType);
        assert_eq!(count_up_to(&json!(1250.0), "t", 10_000).unwrap(), 1250);
        assert!(count_up_to(&json!(1.5), "t", 10).is_err());
        assert!(count_up_to(&json!(-1), "t", 10).is_err());
        assert!(count_up_to(&json!(11), "t", 10).is_err());
    }

    #[test]
    fn lists_drop_blanks_then_count() {
        assert_eq!(text_list(&json!(["", " a "]), "tags", 1, 5).unwrap(), vec!["a"]);
        assert_eq!(text_list(&json!(["a", "b"]), "tags", 1, 5).unwrap_err().code, ErrorCode::TooManyItems);
        assert_eq!(text_list(&json!(["abcdef"]), "tags", 5, 5).unwrap_err().field, "tags[0]");
    }

    #[test]
    fn objects_arrive_as_objects_or_json_text() {
        assert!(object_or_json_text(&json!({"a": 1}), "x").is_ok());
        assert!(object_or_json_text(&json!("{\"a\":1}"), "x").is_ok());
        assert_eq!(object_or_json_text(&json!("{bad"), "x").unwrap_err().code, ErrorCode::MalformedJson);
        assert_eq!(object_or_json_text(&json!("[1]"), "x").unwrap_err().code, ErrorCode::InvalidType);
    }

    #[test]
    fn free_json_is_bounded() {
        let deep = json!({"a": {"b": {"c": {}}}});
        assert_eq!(bounded_json(&deep, "m", 3, 1000).unwrap_err().code, ErrorCode::TooDeep);
        assert!(bounded_json(&deep, "m", 4, 1000).is_ok());
        assert_eq!(bounded_json(&json!({"a": "x".repeat(100)}), "m", 3, 50).unwrap_err().code, ErrorCode::TooLarge);
    }
}
