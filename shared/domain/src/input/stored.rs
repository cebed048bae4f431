//! Today's rules held against what is stored: values kept from before a rule existed (the old
//! backend's 112-character tags, say) stay as they are and never block an edit that sends them
//! back, but operators should know where they are. The same checks as the edge's, one value at
//! a time, so every break is found.

use crate::Asset;
use crate::error::FieldError;
use crate::limits::{DESCRIPTION_CHARS, FREE_JSON_BYTES, FREE_JSON_DEPTH, SOURCE_CHARS, TAG_CHARS, TAGS};
use crate::parse::{bounded_json, check_text};

/// Every stored value of `asset` that today's rules for what clients send would refuse.
pub fn rule_breaks(asset: &Asset) -> Vec<FieldError> {
    let mut out = Vec::new();
    let tags = asset.tags.as_deref().unwrap_or_default();
    out.extend(tags.iter().enumerate().filter_map(|(i, t)| check_text(t, &format!("tags[{i}]"), TAG_CHARS).err()));
    if tags.len() > TAGS {
        out.push(FieldError::new(
            "tags",
            crate::ErrorCode::TooManyItems,
            format!("tags has {} entries; the most is {TAGS}", tags.len()),
        ));
    }
    for (field, text, max) in
        [("description", &asset.description, DESCRIPTION_CHARS), ("source", &asset.source, SOURCE_CHARS)]
    {
        out.extend(text.as_deref().and_then(|t| check_text(t, field, max).err()));
    }
    for (field, value) in
        [("trainingData", &asset.training_data), ("rights", &asset.rights), ("metadata", &asset.metadata)]
    {
        // Legacy JSON text is the migration's to parse; objects are bounded.
        out.extend(
            value
                .as_ref()
                .filter(|v| v.is_object())
                .and_then(|v| bounded_json(v, field, FREE_JSON_DEPTH, FREE_JSON_BYTES).err()),
        );
    }
    out
}

/// A break's rule, as reports group them: the field without its position, and the code
/// (`tags: too_long`).
pub fn rule_of(e: &FieldError) -> String {
    let field = e.field.split('[').next().unwrap_or(&e.field);
    format!("{field}: {}", e.code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn every_break_is_found_one_value_at_a_time() {
        let mut asset = Asset::load(crate::asset::tests::staging_song()).unwrap();
        let mut tags: Vec<String> = (0..30).map(|t| format!("tag-{t}")).collect();
        tags.push("a-very-long-tag-".repeat(7));
        asset.tags = Some(tags);
        asset.source = Some("s".repeat(65));
        let found: Vec<(String, ErrorCode, String)> =
            rule_breaks(&asset).into_iter().map(|e| (e.field.clone(), e.code, rule_of(&e))).collect();
        assert_eq!(
            found,
            [
                ("tags[30]".into(), ErrorCode::TooLong, "tags: too_long".into()),
                ("source".into(), ErrorCode::TooLong, "source: too_long".into())
            ]
        );
        assert!(rule_breaks(&Asset::load(crate::asset::tests::staging_song()).unwrap()).is_empty());
    }
}
