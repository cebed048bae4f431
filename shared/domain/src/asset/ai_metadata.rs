//! How the frontend's AI produced an asset's metadata (the seed's `aiMetadata`). The seed's keys are
//! typed and bounded; the frontend's own keys (`generatedDescription`, `mood`, `genre`, `bpm`,
//! `tags`, …) are kept as sent, within a size bound, because they are AI output whose shape drifts.

use super::album_art::timestamp;
use crate::error::{ErrorCode, FieldError, Invalid};
use crate::limits::{
    AI_EXTRA_JSON_BYTES, CREATOR_DESCRIPTION_CHARS, FREE_JSON_BYTES, FREE_JSON_DEPTH, PROCESSING_TIME_MS,
    SHORT_LABEL_CHARS,
};
use crate::parse::{self, Fields};
use crate::time::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Number, Value};

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiMetadata {
    pub generated_by: Option<String>,
    pub generation_strategy: Option<String>,
    /// Milliseconds.
    pub processing_time: Option<u64>,
    pub input_context: Option<InputContext>,
    /// From 0 to 1.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub confidence: Option<Number>,
    pub generated_at: Option<Timestamp>,
    pub version: Option<String>,
    #[cfg_attr(feature = "openapi", schema(ignore))]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InputContext {
    pub creator_description: Option<String>,
    pub layer_strategy: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub additional_context: Option<Map<String, Value>>,
    #[cfg_attr(feature = "openapi", schema(ignore))]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

const KNOWN: [&str; 7] =
    ["generatedBy", "generationStrategy", "processingTime", "inputContext", "confidence", "generatedAt", "version"];
const CONTEXT_KNOWN: [&str; 3] = ["creatorDescription", "layerStrategy", "additionalContext"];

impl AiMetadata {
    pub fn from_input(v: &Value, field: &str) -> Result<Self, Invalid> {
        let obj = parse::object_or_json_text(v, field)?;
        Self::from_object(&obj, field)
    }

    pub fn from_object(obj: &Map<String, Value>, field: &str) -> Result<Self, Invalid> {
        let mut f = Fields::of(obj, field);
        let mut label = |k: &str| f.take(k, |v, at| parse::text(v, at, SHORT_LABEL_CHARS));
        let (generated_by, generation_strategy, version) =
            (label("generatedBy"), label("generationStrategy"), label("version"));
        let processing_time = f.take("processingTime", |v, at| parse::count_up_to(v, at, PROCESSING_TIME_MS));
        let confidence = f.take("confidence", |v, at| parse::number_in(v, at, 0.0, 1.0));
        let generated_at = f.take("generatedAt", timestamp);
        let input_context = f.take("inputContext", InputContext::parse);
        let extra = f.refused.take(extra_keys(obj, &KNOWN, field, AI_EXTRA_JSON_BYTES)).unwrap_or_default();
        f.finish()?;
        Ok(Self {
            generated_by,
            generation_strategy,
            processing_time,
            input_context,
            confidence,
            generated_at,
            version,
            extra,
        })
    }
}

impl InputContext {
    fn parse(v: &Value, field: &str) -> Result<Self, Invalid> {
        let obj = parse::as_object(v, field)?;
        let mut f = Fields::of(obj, field);
        let creator_description = f.take("creatorDescription", |v, at| parse::text(v, at, CREATOR_DESCRIPTION_CHARS));
        let layer_strategy = f.take("layerStrategy", |v, at| parse::text(v, at, SHORT_LABEL_CHARS));
        let additional_context = f.take("additionalContext", |v, at| {
            let obj = parse::as_object(v, at)?;
            parse::bounded_json(v, at, FREE_JSON_DEPTH, FREE_JSON_BYTES).map(|()| obj.clone())
        });
        let extra = f.refused.take(extra_keys(obj, &CONTEXT_KNOWN, field, FREE_JSON_BYTES)).unwrap_or_default();
        f.finish()?;
        Ok(Self { creator_description, layer_strategy, additional_context, extra })
    }
}

/// Keys we do not interpret, kept as sent within a size bound; `null`s dropped.
pub(super) fn extra_keys(
    obj: &Map<String, Value>,
    known: &[&str],
    field: &str,
    max_bytes: usize,
) -> Result<Map<String, Value>, FieldError> {
    let extra: Map<String, Value> = obj
        .iter()
        .filter(|(k, v)| !known.contains(&k.as_str()) && !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if extra.len() > 64 {
        return Err(FieldError::new(field, ErrorCode::TooManyItems, format!("{field} has more than 64 keys")));
    }
    let as_value = Value::Object(extra);
    parse::bounded_json(&as_value, field, FREE_JSON_DEPTH, max_bytes)?;
    match as_value {
        Value::Object(m) => Ok(m),
        _ => Ok(Map::new()),
    }
}

impl<'de> Deserialize<'de> for AiMetadata {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let obj = Map::<String, Value>::deserialize(d)?;
        Self::from_object(&obj, "aiMetadata").map_err(|e| serde::de::Error::custom(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_kinds_of_keys_are_kept() {
        let v = json!({
            "generatedBy": "OpenAI GPT-4o", "generationStrategy": "visual-image", "processingTime": 1250,
            "inputContext": {"creatorDescription": "Original creator input", "layerStrategy": "L", "additionalContext": {"x": 1}},
            "confidence": 0.95, "generatedAt": "2025-07-09T04:19:46.716Z", "version": "gpt-4o-2024-08-06",
            "generatedDescription": "A smooth track", "mood": "calm", "genre": ["Hip Hop"], "bpm": 92, "tags": ["a"]
        });
        let ai = AiMetadata::from_input(&v, "aiMetadata").unwrap();
        assert_eq!(serde_json::to_value(&ai).unwrap(), v);
    }

    #[test]
    fn json_text_from_a_form_field() {
        let ai = AiMetadata::from_input(&json!("{\"confidence\":1}"), "aiMetadata").unwrap();
        assert_eq!(ai.confidence.unwrap().to_string(), "1");
    }

    #[test]
    fn every_bound() {
        let big = "x".repeat(AI_EXTRA_JSON_BYTES);
        let cases = [
            (json!({"confidence": 1.5}), "aiMetadata.confidence", ErrorCode::OutOfRange),
            (json!({"confidence": -0.1}), "aiMetadata.confidence", ErrorCode::OutOfRange),
            (json!({"processingTime": -1}), "aiMetadata.processingTime", ErrorCode::OutOfRange),
            (json!({"processingTime": PROCESSING_TIME_MS + 1}), "aiMetadata.processingTime", ErrorCode::OutOfRange),
            (json!({"generatedBy": "x".repeat(SHORT_LABEL_CHARS + 1)}), "aiMetadata.generatedBy", ErrorCode::TooLong),
            (json!({"generatedAt": "later"}), "aiMetadata.generatedAt", ErrorCode::InvalidFormat),
            (
                json!({"inputContext": {"creatorDescription": "x".repeat(501)}}),
                "aiMetadata.inputContext.creatorDescription",
                ErrorCode::TooLong,
            ),
            (
                json!({"inputContext": {"additionalContext": "text"}}),
                "aiMetadata.inputContext.additionalContext",
                ErrorCode::InvalidType,
            ),
            (
                json!({"inputContext": {"additionalContext": {"a": "x".repeat(FREE_JSON_BYTES)}}}),
                "aiMetadata.inputContext.additionalContext",
                ErrorCode::TooLarge,
            ),
            (json!({"generatedDescription": big}), "aiMetadata", ErrorCode::TooLarge),
            (json!({"mood": [[[[[[[[[["deep"]]]]]]]]]]}), "aiMetadata", ErrorCode::TooDeep),
        ];
        for (input, field, code) in cases {
            let e = AiMetadata::from_input(&input, "aiMetadata").unwrap_err();
            assert_eq!((e.first().field.as_str(), e.first().code), (field, code), "{input}");
        }
    }
}
