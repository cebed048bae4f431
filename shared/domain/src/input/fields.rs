//! A create's and an edit's fields as the client sent them, before any rule is applied: the one
//! list of what each reads. The parsers take their values from these structs, never from the
//! body by name, and (under `openapi`) the request docs are derived from the same structs, so
//! what is read and what is documented cannot drift apart.

use crate::error::{ErrorCode, FieldError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// A new asset. As JSON, or as the frontend's multipart form (nested objects as JSON text, the
/// file as `file`). Layer, category and subcategory take codes, numbers or names.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = NewAssetRequest))]
pub struct CreateFields {
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub layer: Option<Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub category: Option<Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub subcategory: Option<Value>,
    /// The creator's own words, at most 500 characters.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub creator_description: Option<Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Option<Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub source: Option<Value>,
    /// A list, its JSON text, or `a, b`.
    pub tags: Option<Value>,
    /// Objects (or their JSON text), kept as sent.
    pub training_data: Option<Value>,
    pub rights: Option<Value>,
    pub metadata: Option<Value>,
    /// Songs: `{sourceUrl}` (or a bare URL) for the cover.
    pub album_art: Option<Value>,
    pub ai_metadata: Option<Value>,
    pub music_metadata: Option<Value>,
    /// HFNs or MFAs of a composite's parts.
    pub components: Option<Value>,
    /// A direct upload made through `POST /api/assets/uploads`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub upload_key: Option<Value>,
    /// Forms' spelling of `tags`.
    #[serde(rename = "tags[]")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub tags_list: Option<Value>,
    /// Forms' spelling of `components`.
    #[serde(rename = "components[]")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub components_list: Option<Value>,
    /// Older clients' `creatorDescription` (the HFN is given, never taken from here).
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub name: Option<Value>,
}

/// The fields to change; PATCH merges objects (RFC 7396), PUT replaces each field sent; `null`
/// removes one. Identity fields (layer, category, subcategory, name, addresses, components) may be
/// sent back unchanged, never changed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AssetEdit))]
pub struct EditFields {
    #[serde(default, deserialize_with = "sent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub creator_description: Option<Value>,
    #[serde(default, deserialize_with = "sent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Option<Value>,
    #[serde(default, deserialize_with = "sent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub source: Option<Value>,
    #[serde(default, deserialize_with = "sent")]
    pub tags: Option<Value>,
    #[serde(default, deserialize_with = "sent")]
    pub training_data: Option<Value>,
    #[serde(default, deserialize_with = "sent")]
    pub rights: Option<Value>,
    #[serde(default, deserialize_with = "sent")]
    pub metadata: Option<Value>,
    #[serde(default, deserialize_with = "sent")]
    pub ai_metadata: Option<Value>,
    #[serde(default, deserialize_with = "sent")]
    pub music_metadata: Option<Value>,
    #[serde(default, deserialize_with = "sent")]
    pub album_art: Option<Value>,
    #[serde(default, rename = "tags[]", deserialize_with = "sent")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub tags_list: Option<Value>,
}

/// What names and places an asset, which an edit (the edit page sends back what it read) may
/// send unchanged and never change, read from the same body. `registeredBy` is here: who
/// registered decides who may edit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub registered_by: Option<Value>,
    pub layer: Option<Value>,
    pub category: Option<Value>,
    pub subcategory: Option<Value>,
    pub name: Option<Value>,
    #[serde(rename = "nna_address")]
    pub nna_address: Option<Value>,
    pub mfa: Option<Value>,
    pub id: Option<Value>,
    #[serde(rename = "_id")]
    pub mongo_id: Option<Value>,
    pub components: Option<Value>,
    #[serde(rename = "components[]")]
    pub components_list: Option<Value>,
}

impl EditFields {
    /// The editable fields, each with the name the API knows it by.
    pub fn editable(&self) -> [(&'static str, &Option<Value>); 10] {
        [
            ("creatorDescription", &self.creator_description),
            ("description", &self.description),
            ("source", &self.source),
            ("tags", &self.tags),
            ("trainingData", &self.training_data),
            ("rights", &self.rights),
            ("metadata", &self.metadata),
            ("aiMetadata", &self.ai_metadata),
            ("musicMetadata", &self.music_metadata),
            ("albumArt", &self.album_art),
        ]
    }

    /// Every editable field set to what `fields` holds, `null` where it holds nothing: a PUT that
    /// makes the asset's editable fields exactly these.
    pub fn exactly(fields: &Map<String, Value>) -> Result<Self, FieldError> {
        let editable = Self::default().editable().map(|(name, _)| name);
        read(&editable.iter().map(|n| ((*n).to_owned(), fields.get(*n).cloned().unwrap_or(Value::Null))).collect())
    }
}

/// Kept as sent, `null` included (an edit's "clear this"); absent is `None`.
fn sent<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// A body's fields: JSON as sent, a form's as the HTTP layer made them (a string, or a list of
/// strings). Every field is an optional JSON value and other keys are not read (the frontend sends
/// more than a create or an edit takes), so no object is refused here.
pub(super) fn read<T: DeserializeOwned>(body: &Map<String, Value>) -> Result<T, FieldError> {
    T::deserialize(body)
        .map_err(|e| FieldError::new("body", ErrorCode::MalformedJson, format!("the body cannot be read: {e}")))
}
