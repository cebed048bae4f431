//! The request bodies, for the OpenAPI document. The domain parses each body itself (every field
//! fault at once, JSON and forms alike), so these only describe what its parsers read; a test
//! holds the described fields and the parser's own list equal, both ways.

#![allow(dead_code)]

use serde_json::Value;
use utoipa::ToSchema;

/// A new asset. As JSON, or as the frontend's multipart form (nested objects as JSON text, an
/// optional `file`). Layer, category and subcategory take codes, numbers or names.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct NewAssetRequest {
    layer: String,
    category: String,
    subcategory: String,
    /// The creator's own words, at most 500 characters.
    creator_description: Option<String>,
    description: Option<String>,
    /// A list, its JSON text, or `a, b`.
    tags: Option<Value>,
    source: Option<String>,
    /// Objects (or their JSON text), kept as sent.
    training_data: Option<Value>,
    rights: Option<Value>,
    metadata: Option<Value>,
    /// Songs: `{sourceUrl}` (or a bare URL) for the cover.
    album_art: Option<Value>,
    ai_metadata: Option<Value>,
    music_metadata: Option<Value>,
    /// HFNs or MFAs of a composite's parts.
    components: Option<Value>,
    /// A direct upload made through `POST /api/assets/uploads`.
    upload_key: Option<String>,
    /// Forms: the asset's file.
    #[schema(value_type = Option<String>, format = Binary)]
    file: Option<Vec<u8>>,
}

/// The fields to change; PATCH merges objects (RFC 7396), PUT replaces each field sent; `null`
/// removes one. Identity fields (layer, category, subcategory, name, addresses, components) may be
/// sent back unchanged, never changed.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct AssetEdit {
    creator_description: Option<String>,
    description: Option<String>,
    source: Option<String>,
    tags: Option<Value>,
    training_data: Option<Value>,
    rights: Option<Value>,
    metadata: Option<Value>,
    ai_metadata: Option<Value>,
    music_metadata: Option<Value>,
    album_art: Option<Value>,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Registration {
    /// At least 5 characters.
    username: String,
    email: String,
    /// At least 6 characters.
    password: String,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Credentials {
    email: String,
    password: String,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct EmailOnly {
    email: String,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct UploadRequest {
    content_type: String,
    size: u64,
    file_name: Option<String>,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct ArtRequest {
    source_url: String,
    source: Option<String>,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct HfnToMfa {
    hfn: String,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct MfaToHfn {
    mfa: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;
    use utoipa::openapi::{RefOr, Schema};

    fn described<T: PartialSchema>() -> Vec<String> {
        match T::schema() {
            RefOr::T(Schema::Object(o)) => o.properties.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn described_fields_are_the_parsers_own() {
        let mut create = described::<NewAssetRequest>();
        let mut read: Vec<_> = nna_domain::input::CREATE_FIELDS.iter().map(|f| (*f).to_owned()).collect();
        create.sort();
        read.sort();
        assert_eq!(create, read);
        let mut edit = described::<AssetEdit>();
        let mut parsed: Vec<_> = nna_domain::input::edit_fields().map(str::to_owned).collect();
        edit.sort();
        parsed.sort();
        assert_eq!(edit, parsed);
    }
}
