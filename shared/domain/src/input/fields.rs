//! A create's and an edit's fields as the client sent them, before any rule is applied: the one
//! list of what each reads. The parsers take their values from these structs, never from the
//! body by name, and (under `openapi`) the request docs are derived from the same structs, so
//! what is read and what is documented cannot drift apart.

use serde_json::{Map, Value};

/// A struct of a body's fields, each an optional JSON value taken by the name the API knows it by
/// (`KEYS`, in order), and its `read`; `present` decides what counts as sent. Written once per body:
/// a plain lookup per field, where a serde derive would put a deserializer into every binary.
macro_rules! body_fields {
    (
        $(#[$meta:meta])*
        pub struct $name:ident, sent if $present:expr;
        { $($(#[$field_meta:meta])* $field:ident: $key:literal,)+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: Option<Value>,)+
        }

        impl $name {
            /// Every field this reads, by the name the API knows it by.
            pub const KEYS: &[&str] = &[$($key),+];

            /// The fields of `body` this reads; other keys are not read (the frontend sends more
            /// than a create or an edit takes).
            pub fn read(body: &Map<String, Value>) -> Self {
                let present: fn(&Value) -> bool = $present;
                Self { $($field: body.get($key).filter(|v| present(v)).cloned(),)+ }
            }
        }
    };
}

body_fields! {
    /// A new asset. As JSON, or as the frontend's multipart form (nested objects as JSON text, the
    /// file as `file`). Layer, category and subcategory take codes, numbers or names.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = NewAssetRequest, rename_all = "camelCase"))]
    pub struct CreateFields, sent if |v| !v.is_null();
    {
        #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
        layer: "layer",
        #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
        category: "category",
        #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
        subcategory: "subcategory",
        /// The creator's own words, at most 500 characters.
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        creator_description: "creatorDescription",
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        description: "description",
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        source: "source",
        /// A list, its JSON text, or `a, b`.
        tags: "tags",
        /// Objects (or their JSON text), kept as sent.
        training_data: "trainingData",
        rights: "rights",
        metadata: "metadata",
        /// Songs: `{sourceUrl}` (or a bare URL) for the cover.
        album_art: "albumArt",
        ai_metadata: "aiMetadata",
        music_metadata: "musicMetadata",
        /// HFNs or MFAs of a composite's parts.
        components: "components",
        /// A direct upload made through `POST /api/assets/uploads`.
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        upload_key: "uploadKey",
        /// Forms' spelling of `tags`.
        #[cfg_attr(feature = "openapi", schema(ignore))]
        tags_list: "tags[]",
        /// Forms' spelling of `components`.
        #[cfg_attr(feature = "openapi", schema(ignore))]
        components_list: "components[]",
        /// Older clients' `creatorDescription` (the HFN is given, never taken from here).
        #[cfg_attr(feature = "openapi", schema(ignore))]
        name: "name",
    }
}

body_fields! {
    /// The fields to change; PATCH merges objects (RFC 7396), PUT replaces each field sent; `null`
    /// removes one. Identity fields (layer, category, subcategory, name, addresses, components) may
    /// be sent back unchanged, never changed.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AssetEdit, rename_all = "camelCase"))]
    pub struct EditFields, sent if |_| true;
    {
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        creator_description: "creatorDescription",
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        description: "description",
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        source: "source",
        tags: "tags",
        training_data: "trainingData",
        rights: "rights",
        metadata: "metadata",
        ai_metadata: "aiMetadata",
        music_metadata: "musicMetadata",
        album_art: "albumArt",
        #[cfg_attr(feature = "openapi", schema(ignore))]
        tags_list: "tags[]",
    }
}

body_fields! {
    /// What names and places an asset, which an edit (the edit page sends back what it read) may
    /// send unchanged and never change, read from the same body. `registeredBy` is here: who
    /// registered decides who may edit.
    pub struct Identity, sent if |v| !v.is_null();
    {
        registered_by: "registeredBy",
        layer: "layer",
        category: "category",
        subcategory: "subcategory",
        name: "name",
        nna_address: "nna_address",
        mfa: "mfa",
        id: "id",
        mongo_id: "_id",
        components: "components",
        components_list: "components[]",
    }
}

body_fields! {
    /// New album art for a song: an image to fetch, or (multipart) the image itself as `file`.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ArtRequest, rename_all = "camelCase"))]
    pub struct ArtFields, sent if |v| !v.is_null();
    {
        /// The image's http(s) URL; required without a file.
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        source_url: "sourceUrl",
        /// Older clients' `sourceUrl`.
        #[cfg_attr(feature = "openapi", schema(ignore))]
        url: "url",
        /// Whose the image is; else the URL's host says.
        #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::asset::ArtSource>))]
        source: "source",
    }
}

impl EditFields {
    /// Every editable field set to what `fields` holds, `null` where it holds nothing: a PUT that
    /// makes the asset's editable fields exactly these.
    pub fn exactly(fields: &Map<String, Value>) -> Self {
        let value = |key: &str| fields.get(key).cloned().unwrap_or(Value::Null);
        Self::read(&Self::KEYS.iter().map(|key| ((*key).to_owned(), value(key))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_taken_by_their_wire_names_and_an_edit_keeps_null() {
        let body = json!({"creatorDescription": "Kelly", "tags[]": ["a"], "rights": null, "nna_address": "x"});
        let body = body.as_object().unwrap();
        let create = CreateFields::read(body);
        assert_eq!(
            (create.creator_description, create.tags_list, create.rights),
            (Some(json!("Kelly")), Some(json!(["a"])), None)
        );
        let edit = EditFields::read(body);
        assert_eq!(edit.rights, Some(Value::Null), "null clears the field");
        assert_eq!(Identity::read(body).nna_address, Some(json!("x")));
        assert_eq!(EditFields::exactly(&Map::new()).album_art, Some(Value::Null));
    }
}
