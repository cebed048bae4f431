//! How the domain's leaf values appear in the API's OpenAPI document (feature `openapi`, which
//! `nna-http` turns on): each as the JSON its `Serialize` writes. Records derive theirs.

use crate::asset::CreatorDescription;
use crate::id::AssetId;
use crate::limits::CREATOR_DESCRIPTION_CHARS;
use crate::time::Timestamp;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{PartialSchema, ToSchema};

/// A string that is one of `labels`.
pub(crate) fn choice(labels: &[&str]) -> RefOr<Schema> {
    text().enum_values(Some(labels.iter().copied())).into()
}

/// A string, with what it holds.
fn text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

impl PartialSchema for Timestamp {
    fn schema() -> RefOr<Schema> {
        text()
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .examples(["2025-07-05T01:53:38.417Z"])
            .into()
    }
}
impl ToSchema for Timestamp {}

impl PartialSchema for AssetId {
    fn schema() -> RefOr<Schema> {
        text().description(Some("24 hexadecimal digits (a MongoDB ObjectId for items the old backend made)")).into()
    }
}
impl ToSchema for AssetId {}

impl PartialSchema for CreatorDescription {
    fn schema() -> RefOr<Schema> {
        text().max_length(Some(CREATOR_DESCRIPTION_CHARS)).description(Some("The creator's own words")).into()
    }
}
impl ToSchema for CreatorDescription {}
