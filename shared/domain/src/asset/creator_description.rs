//! The creator's own words: "Kelly is wearing a sports jersey from brand Adidas". Stored exactly as
//! typed; what users see instead of the HFN.

use crate::error::FieldError;
use crate::limits::CREATOR_DESCRIPTION_CHARS;
use crate::parse;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CreatorDescription(String);

impl CreatorDescription {
    /// Blank text means "no description" (`None`); anything else must fit 500 characters.
    pub fn parse(s: &str, field: &str) -> Result<Option<Self>, FieldError> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        parse::check_text(s, field, CREATOR_DESCRIPTION_CHARS)?;
        Ok(Some(Self(s.to_owned())))
    }

    pub fn from_json(v: &Value, field: &str) -> Result<Option<Self>, FieldError> {
        Self::parse(parse::as_str(v, field)?, field)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for CreatorDescription {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s, "creatorDescription")
            .map_err(parse::serde_error)?
            .ok_or_else(|| serde::de::Error::custom("creatorDescription is blank"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn five_hundred_characters_fit_and_five_hundred_one_do_not() {
        let ok = "ü".repeat(500);
        assert_eq!(CreatorDescription::parse(&ok, "c").unwrap().unwrap().as_str(), ok);
        let e = CreatorDescription::parse(&"a".repeat(501), "c").unwrap_err();
        assert_eq!(e.code, ErrorCode::TooLong);
    }

    #[test]
    fn kept_exactly_as_typed_and_blank_is_absent() {
        let s = "  Kelly is wearing a sports jersey from brand Adidas ";
        assert_eq!(CreatorDescription::parse(s, "c").unwrap().unwrap().as_str(), s);
        assert!(CreatorDescription::parse("   ", "c").unwrap().is_none());
    }
}
