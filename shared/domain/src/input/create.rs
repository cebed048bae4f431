//! A create request, parsed. JSON bodies and form fields (already turned into a JSON object by the
//! HTTP layer, each value a string or a list of strings) both come through here.

use super::fields::CreateFields;
use super::words::{Warning, is_placeholder_description};
use crate::address::{AssetKey, is_address};
use crate::asset::{AiMetadata, AlbumArt, CreatorDescription, MusicMetadata, free_object, tags};
use crate::blob::BlobKey;
use crate::error::{Collector, ErrorCode, FieldError, Invalid};
use crate::idempotency::{IdempotencyKey, Keyed};
use crate::limits::{COMPONENTS_MAX, COMPONENTS_MIN, DESCRIPTION_CHARS, SOURCE_CHARS};
use crate::parse;
use crate::taxonomy::{LayerCode, TaxonomyPath, taxonomy};
use crate::upload::{Upload, upload_key};
use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub struct NewAsset {
    pub path: TaxonomyPath,
    pub source: Option<String>,
    pub tags: Option<Vec<String>>,
    pub description: Option<String>,
    pub training_data: Option<Map<String, Value>>,
    pub rights: Option<Map<String, Value>>,
    pub metadata: Option<Map<String, Value>>,
    /// Composites only: 2 to 10 references, in the order given, not yet checked to exist.
    pub components: Vec<ComponentRef>,
    pub creator_description: Option<CreatorDescription>,
    pub album_art: Option<AlbumArt>,
    pub ai_metadata: Option<AiMetadata>,
    pub music_metadata: Option<MusicMetadata>,
    pub registered_by: Option<String>,
    /// A file uploaded directly to storage beforehand (`POST /api/assets/uploads`).
    pub upload_key: Option<BlobKey>,
}

/// A create request, parsed once at the edge (a JSON body, a form, a batch item): the asset to
/// make, its file, and, when the request carries an `Idempotency-Key`, the key with the
/// fingerprint of what was sent.
#[derive(Debug, Clone)]
pub struct CreateAsset {
    pub asset: NewAsset,
    pub upload: Option<Upload>,
    pub keyed: Option<Keyed>,
    /// What was sent but not taken as the creator's words (an address, the frontend's placeholder).
    pub warnings: Vec<Warning>,
}

impl CreateAsset {
    pub fn parse(
        body: &Map<String, Value>,
        upload: Option<Upload>,
        key: Option<IdempotencyKey>,
    ) -> Result<Self, Invalid> {
        let (asset, warnings) = NewAsset::parse(body)?;
        let keyed = key.map(|k| Keyed::new(k, body, upload.as_ref()));
        Ok(Self { asset, upload, keyed, warnings })
    }
}

/// A component as the client named it, and the key that finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentRef {
    pub field: String,
    pub raw: String,
    pub key: AssetKey,
}

impl NewAsset {
    /// The asset, and a warning for each words field set aside as not the creator's words.
    pub fn parse(body: &Map<String, Value>) -> Result<(Self, Vec<Warning>), Invalid> {
        let f = CreateFields::read(body);
        let mut c = Collector::default();
        let mut warnings = Vec::new();
        let path = c.take(placement(&f));
        let text = |v: &Option<Value>, k: &str, max: usize, c: &mut Collector| {
            v.as_ref().and_then(|v| c.take(parse::text(v, k, max))).filter(|s| !s.trim().is_empty())
        };
        let source = text(&f.source, "source", SOURCE_CHARS, &mut c);
        // The frontend's generated placeholder is no description.
        let description = text(&f.description, "description", DESCRIPTION_CHARS, &mut c).filter(|d| {
            let placeholder = is_placeholder_description(d);
            if placeholder {
                warnings.push(Warning::placeholder("description"));
            }
            !placeholder
        });
        // registeredBy is who signs in, never what the body says (the create sets it).
        let registered_by = None;
        let tags = f.tags.as_ref().or(f.tags_list.as_ref()).and_then(|v| c.take(tags(v, "tags")));
        let object = |v: &Option<Value>, k: &str, c: &mut Collector| v.as_ref().and_then(|v| c.take(free_object(v, k)));
        let training_data = object(&f.training_data, "trainingData", &mut c);
        let rights = object(&f.rights, "rights", &mut c);
        let metadata = object(&f.metadata, "metadata", &mut c);
        let creator_description = c.take(creator_description(&f, &mut warnings)).flatten();
        let album_art = f.album_art.as_ref().and_then(|v| c.take(AlbumArt::from_input(v, "albumArt"))).flatten();
        let ai_metadata = f.ai_metadata.as_ref().and_then(|v| c.take(AiMetadata::from_input(v, "aiMetadata")));
        let mut music_metadata =
            f.music_metadata.as_ref().and_then(|v| c.take(MusicMetadata::from_input(v, "musicMetadata")));
        if let (Some(LayerCode::G), Some(ai)) = (path.map(|p| p.layer_code()), &ai_metadata) {
            music_metadata = MusicMetadata::with_facts_from(music_metadata, ai);
        }
        let sent_components = f.components.as_ref().or(f.components_list.as_ref());
        let components = c.take(components(sent_components, path.map(|p| p.layer_code()))).unwrap_or_default();
        let upload_key = f.upload_key.as_ref().and_then(|v| c.take(upload_key(v)));
        c.finish()?;
        let path = path.ok_or_else(|| FieldError::required("layer"))?;
        let asset = Self {
            path,
            source,
            tags,
            description,
            training_data,
            rights,
            metadata,
            components,
            creator_description,
            album_art,
            ai_metadata,
            music_metadata,
            registered_by,
            upload_key,
        };
        Ok((asset, warnings))
    }
}

fn required_text<'a>(v: Option<&'a Value>, key: &str) -> Result<&'a str, FieldError> {
    let s = parse::as_str(v.ok_or_else(|| FieldError::required(key))?, key)?;
    if s.trim().is_empty() {
        return Err(FieldError::required(key));
    }
    Ok(s)
}

fn placement(f: &CreateFields) -> Result<TaxonomyPath, FieldError> {
    let layer = required_text(f.layer.as_ref(), "layer")?;
    let category = required_text(f.category.as_ref(), "category")?;
    let subcategory = required_text(f.subcategory.as_ref(), "subcategory")?;
    taxonomy().resolve(layer, category, subcategory)
}

/// The creator's words. Older clients put them in `name` (the backend generates the real name);
/// words are set aside only when they are an NNA address, and the answer says so.
fn creator_description(
    f: &CreateFields,
    warnings: &mut Vec<Warning>,
) -> Result<Option<CreatorDescription>, FieldError> {
    let (field, v) = match (&f.creator_description, &f.name) {
        (Some(v), _) => ("creatorDescription", v),
        (None, Some(v @ Value::String(_))) => ("name", v),
        _ => return Ok(None),
    };
    if v.as_str().is_some_and(is_address) {
        warnings.push(Warning::address_as_words(field));
        return Ok(None);
    }
    CreatorDescription::from_json(v, field)
}

fn components(sent: Option<&Value>, layer: Option<LayerCode>) -> Result<Vec<ComponentRef>, FieldError> {
    let Some(v) = sent else {
        return match layer {
            Some(LayerCode::C) => Err(count_error(0)),
            _ => Ok(Vec::new()),
        };
    };
    let list = match v {
        Value::String(s) if s.trim_start().starts_with('[') => serde_json::from_str(s).map_err(|e| {
            FieldError::new("components", ErrorCode::MalformedJson, format!("components is not valid JSON: {e}"))
        })?,
        Value::String(s) => Value::Array(vec![Value::String(s.clone())]),
        other => other.clone(),
    };
    // Counted against the composite rule below, not as a plain list bound.
    let raw = parse::text_list(&list, "components", 10 * COMPONENTS_MAX, 200)?;
    match layer {
        Some(LayerCode::C) => {}
        _ if raw.is_empty() => return Ok(Vec::new()),
        _ => {
            return Err(FieldError::new(
                "components",
                ErrorCode::ComponentsNotAllowed,
                "only composites (layer C) have components",
            ));
        }
    }
    if !(COMPONENTS_MIN..=COMPONENTS_MAX).contains(&raw.len()) {
        return Err(count_error(raw.len()));
    }
    let mut out: Vec<ComponentRef> = Vec::with_capacity(raw.len());
    for (i, r) in raw.into_iter().enumerate() {
        let field = format!("components[{i}]");
        let key = AssetKey::parse(&r).map_err(|e| FieldError::new(&field, e.code, e.message))?;
        if out.iter().any(|o| o.key == key) {
            return Err(FieldError::new(&field, ErrorCode::DuplicateComponent, format!("{r} is listed twice")));
        }
        out.push(ComponentRef { field, raw: r, key });
    }
    Ok(out)
}

fn count_error(n: usize) -> FieldError {
    FieldError::new(
        "components",
        ErrorCode::ComponentCount,
        format!("a composite needs {COMPONENTS_MIN} to {COMPONENTS_MAX} components; got {n}"),
    )
    .with_details(serde_json::json!({ "min": COMPONENTS_MIN, "max": COMPONENTS_MAX, "actual": n }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{FREE_JSON_DEPTH, REGISTERED_BY_CHARS, TAGS};
    use serde_json::json;

    fn parse(extra: Value) -> Result<NewAsset, Invalid> {
        parse_warned(extra).map(|(a, _)| a)
    }

    fn parse_warned(extra: Value) -> Result<(NewAsset, Vec<Warning>), Invalid> {
        let mut body = json!({"layer": "L", "category": "Casual", "subcategory": "Athleisure"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        NewAsset::parse(body.as_object().unwrap())
    }

    #[test]
    fn words_are_set_aside_only_when_they_are_an_address_and_the_answer_says_so() {
        for words in ["www.adidas.co.uk", "v1.2.3.4", "J.R.R.Tolkien", "Kelly wears L.CAS.ATL.001"] {
            for field in ["creatorDescription", "name"] {
                let (a, warnings) = parse_warned(json!({ field: words })).unwrap();
                assert_eq!(a.creator_description.map(|d| d.as_str().to_owned()), Some(words.to_owned()));
                assert!(warnings.is_empty(), "{words:?}");
            }
        }
        for address in ["L.CAS.ATL.001", "3.004.004.001", "C.FUL.POP.125:G.003.003.001"] {
            for field in ["creatorDescription", "name"] {
                let (a, warnings) = parse_warned(json!({ field: address })).unwrap();
                assert!(a.creator_description.is_none());
                assert_eq!(
                    warnings.iter().map(|w| (w.field, w.code)).collect::<Vec<_>>(),
                    [(field, "address_not_words")]
                );
            }
        }
        let (_, warnings) = parse_warned(json!({"description": "Asset L.TEMP.TEMP.001 (L.CAS.ATL)"})).unwrap();
        assert_eq!(warnings[0].code, "placeholder_not_words");
    }

    fn refused(extra: Value) -> (String, ErrorCode) {
        let e = parse(extra.clone()).unwrap_err();
        (e.first().field.clone(), e.first().code)
    }

    #[test]
    fn text_field_bounds() {
        assert!(parse(json!({"description": "d".repeat(DESCRIPTION_CHARS)})).is_ok());
        assert_eq!(
            refused(json!({"description": "d".repeat(DESCRIPTION_CHARS + 1)})),
            ("description".into(), ErrorCode::TooLong)
        );
        assert_eq!(refused(json!({"source": "s".repeat(SOURCE_CHARS + 1)})), ("source".into(), ErrorCode::TooLong));
        // Who registered an asset comes from the sign-in, so whatever a body says is not even read.
        let overlong = parse(json!({"registeredBy": format!("{}@x.io", "r".repeat(REGISTERED_BY_CHARS))}));
        assert_eq!(overlong.map(|n| n.registered_by), Ok(None));
        assert_eq!(refused(json!({"description": 7})), ("description".into(), ErrorCode::InvalidType));
    }

    #[test]
    fn free_objects_are_bounded_in_depth() {
        let mut deep = json!("leaf");
        for _ in 0..FREE_JSON_DEPTH {
            deep = json!({ "d": deep });
        }
        assert!(parse(json!({"metadata": deep.clone()})).is_ok());
        assert_eq!(refused(json!({"metadata": {"d": deep}})), ("metadata".into(), ErrorCode::TooDeep));
    }

    #[test]
    fn unknown_ai_keys_are_capped_in_number() {
        let many: serde_json::Map<String, Value> = (0..65).map(|i| (format!("k{i}"), json!(i))).collect();
        assert_eq!(refused(json!({ "aiMetadata": many })), ("aiMetadata".into(), ErrorCode::TooManyItems));
    }

    #[test]
    fn blank_texts_are_absent_and_tags_default_to_none() {
        let a = parse(json!({"description": "  ", "creatorDescription": "", "tags": []})).unwrap();
        assert_eq!((a.description, a.creator_description, a.tags), (None, None, Some(vec![])));
        let most: Vec<String> = (0..TAGS).map(|i| format!("t{i}")).collect();
        assert!(parse(json!({ "tags": most })).is_ok());
    }

    #[test]
    fn components_in_every_form() {
        let comp = |v: Value| {
            let mut body = json!({"layer": "C", "category": "RMX", "subcategory": "POP"});
            body["components[]"] = v;
            NewAsset::parse(body.as_object().unwrap()).map(|(a, _)| a)
        };
        assert_eq!(comp(json!(["G.003.003.001", "S.001.001.001"])).unwrap().components.len(), 2);
        assert_eq!(comp(json!("[\"G.003.003.001\",\"S.001.001.001\"]")).unwrap().components.len(), 2);
        assert_eq!(comp(json!(["G.003.003.001", ""])).unwrap_err().first().code, ErrorCode::ComponentCount);
        assert_eq!(
            comp(json!(["G.003.003.001", "g.003.003.001"])).unwrap_err().first().code,
            ErrorCode::DuplicateComponent
        );
        assert!(
            parse(json!({"components": [""]})).unwrap().components.is_empty(),
            "the old frontend's [\"\"] is no component"
        );
    }
}

#[cfg(test)]
mod words_kept {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Dots, digits, letters, spaces, emoji, right-to-left scripts and combining marks: the
    /// characters creators type and the ones that look most like an address.
    fn creators_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just(".".to_owned()),
            Just(":".to_owned()),
            "[0-9]{1,3}",
            "[A-Za-z]{1,6}",
            Just(" ".to_owned()),
            Just("👟🎵🇬🇧".to_owned()),
            Just("שלום".to_owned()),
            Just("مرحبا".to_owned()),
            Just("e\u{301}\u{308}".to_owned()),
            Just("\n".to_owned()),
        ];
        proptest::collection::vec(piece, 1..40).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn anything_not_an_address_is_kept_exactly(words in creators_text()) {
            prop_assume!(!words.trim().is_empty() && !is_address(&words));
            let body = json!({"layer": "G", "category": "Pop", "subcategory": "Base", "creatorDescription": words});
            let (asset, warnings) = NewAsset::parse(body.as_object().unwrap()).unwrap();
            let kept = asset.creator_description.unwrap();
            prop_assert_eq!(kept.as_str(), words.as_str());
            prop_assert!(warnings.is_empty());
            let stored: CreatorDescription = serde_json::from_value(serde_json::to_value(&kept).unwrap()).unwrap();
            prop_assert_eq!(stored.as_str(), words.as_str());
        }
    }
}
