//! Edits. `PUT` (the edit page) replaces each field it sends; `PATCH` merges objects (RFC 7396:
//! `null` removes). Fields not sent never change. Identity fields (layer, category, subcategory,
//! HFN, addresses, components) cannot change; sending them back unchanged is fine. Today's rules
//! apply to what is new or changed: a stored value sent back as it is (the edit page sends every
//! tag it read, including the old backend's long ones) never blocks an edit.

use super::fields::{EditFields, Identity};
use super::words::{Warning, is_address_for, is_placeholder_description};
use crate::address::{Hfn, Mfa};
use crate::asset::{
    AiMetadata, AlbumArt, AlbumArtField, Asset, CreatorDescription, MusicMetadata, free_object, tags, tags_keeping,
};
use crate::error::{Collector, ErrorCode, FieldError, Invalid};
use crate::limits::{DESCRIPTION_CHARS, SOURCE_CHARS};
use crate::parse::{self, object_or_json_text};
use crate::taxonomy::{normalize_key, taxonomy};
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditMode {
    /// `PUT`: each field sent replaces the stored one.
    Replace,
    /// `PATCH`: objects are merged into the stored ones.
    Merge,
}

/// The asset as it would be after an edit, and what of the edit was not taken as sent.
#[derive(Debug, Clone)]
pub struct Edited {
    pub asset: Asset,
    pub warnings: Vec<Warning>,
}

/// An edit request, parsed once at the edge. Text and tags are parsed here, each on its own;
/// the objects (which a PATCH merges into the stored ones before they can be checked), the
/// identity fields sent back, and the asset's own HFN sent as words are checked against the asset
/// in [`EditAsset::apply`], which reports what was refused here together with what only the asset
/// can show, so a client sees every fault of its request at once. Fields an edit does not take are
/// ignored. `Some(None)` clears a field.
#[derive(Debug, Clone)]
pub struct EditAsset {
    mode: EditMode,
    creator_description: Option<Option<CreatorDescription>>,
    description: Option<Sent<String>>,
    source: Option<Sent<String>>,
    tags: Option<Sent<Vec<String>>>,
    /// The objects as sent, read against the asset in `apply`.
    sent: EditFields,
    /// The identity fields sent back, checked against the asset in `apply`.
    identity: Identity,
    warnings: Vec<Warning>,
    refused: Vec<FieldError>,
}

impl EditAsset {
    pub fn parse(body: &Map<String, Value>, mode: EditMode) -> Self {
        Self { identity: Identity::read(body), ..Self::of(EditFields::read(body), mode) }
    }

    /// An edit of exactly these fields, sending back no identity field.
    pub fn of(sent: EditFields, mode: EditMode) -> Self {
        let mut c = Collector::default();
        let mut warnings = Vec::new();
        let text = |v: &Option<Value>, key: &str, max: usize| {
            v.as_ref().map(|v| Sent::of(v, |v| parse::text(v, key, max)).filter(|s| !s.trim().is_empty()))
        };
        let mut description = text(&sent.description, "description", DESCRIPTION_CHARS);
        if description.as_ref().is_some_and(|d| d.parsed().is_some_and(|s| is_placeholder_description(s))) {
            description = Some(Sent::Parsed(None));
            warnings.push(Warning::placeholder("description"));
        }
        let creator_description = sent
            .creator_description
            .as_ref()
            .map(|v| optional(v, |v| CreatorDescription::from_json(v, "creatorDescription"), &mut c).flatten());
        let source = text(&sent.source, "source", SOURCE_CHARS);
        let tags = sent.tags.as_ref().or(sent.tags_list.as_ref()).map(|v| Sent::of(v, |v| tags(v, "tags")));
        let refused = c.into_errors();
        Self {
            mode,
            creator_description,
            description,
            source,
            tags,
            sent,
            identity: Identity::default(),
            warnings,
            refused,
        }
    }

    pub fn mode(&self) -> EditMode {
        self.mode
    }

    /// What the edit sends, as sent.
    pub fn sent(&self) -> &EditFields {
        &self.sent
    }

    /// The asset as it would be after this edit; revision and times are the caller's business.
    pub fn apply(&self, current: &Asset) -> Result<Edited, Invalid> {
        let mut c = Collector::from(self.refused.clone());
        let mut warnings = self.warnings.clone();
        refuse_identity_changes(current, &self.identity, &mut c);
        let mut next = current.clone();
        match &self.creator_description {
            Some(Some(words)) if is_address_for(current, words.as_str()) => {
                // The edit page pre-fills the HFN where there are no words yet and sends it back.
                warnings.push(Warning::address_as_words("creatorDescription"));
                if next.creator_description.is_none() {
                    next.extra.insert(crate::migration::NEEDS_CREATOR_INPUT.into(), Value::Bool(true));
                }
            }
            Some(words) => {
                next.creator_description.clone_from(words);
                if next.creator_description.is_some() {
                    next.extra.shift_remove(crate::migration::NEEDS_CREATOR_INPUT);
                }
            }
            None => {}
        }
        let unchanged = |stored: &Option<String>| {
            let stored = stored.clone();
            move |v: &Value, refusal: &FieldError| match (v.as_str(), stored) {
                (Some(sent), Some(stored)) if sent == stored => Ok(stored),
                _ => Err(refusal.clone()),
            }
        };
        if let Some(d) = self.description.as_ref().and_then(|d| d.take(unchanged(&current.description), &mut c)) {
            next.description = d;
        }
        if let Some(s) = self.source.as_ref().and_then(|s| s.take(unchanged(&current.source), &mut c)) {
            next.source = s;
        }
        let stored_tags = current.tags.as_deref().unwrap_or_default();
        if let Some(t) = self.tags.as_ref().and_then(|t| t.take(|v, _| tags_keeping(v, "tags", stored_tags), &mut c)) {
            next.tags = t;
        }
        let sent = |sent: &Option<Value>, key: &str, current_json: Value, c: &mut Collector| -> Option<Value> {
            let sent = sent.as_ref()?;
            Some(match (self.mode, sent) {
                (_, Value::Null) => Value::Null,
                (EditMode::Merge, _) if current_json.is_object() => {
                    let patch = match sent {
                        Value::String(s) if s.trim_start().starts_with('{') => {
                            c.take(object_or_json_text(sent, key).map(Value::Object))?
                        }
                        other => other.clone(),
                    };
                    let mut merged = current_json;
                    json_patch::merge(&mut merged, &patch);
                    merged
                }
                _ => sent.clone(),
            })
        };
        // An object sent back as stored stays as stored, whatever today's rules say of it.
        for (sent_value, key, slot) in [
            (&self.sent.training_data, "trainingData", &mut next.training_data),
            (&self.sent.rights, "rights", &mut next.rights),
            (&self.sent.metadata, "metadata", &mut next.metadata),
        ] {
            if let Some(v) = sent(sent_value, key, json_of(&*slot), &mut c).filter(|v| *v != json_of(&*slot)) {
                *slot = optional(&v, |v| free_object(v, key), &mut c).map(Value::Object);
            }
        }
        let ai = json_of(&current.ai_metadata);
        if let Some(v) = sent(&self.sent.ai_metadata, "aiMetadata", ai.clone(), &mut c).filter(|v| *v != ai) {
            next.ai_metadata = optional(&v, |v| AiMetadata::from_input(v, "aiMetadata"), &mut c);
        }
        let music = json_of(&current.music_metadata);
        if let Some(v) = sent(&self.sent.music_metadata, "musicMetadata", music.clone(), &mut c).filter(|v| *v != music)
        {
            next.music_metadata = optional(&v, |v| MusicMetadata::from_input(v, "musicMetadata"), &mut c);
        }
        if next.is_song()
            && self.sent.ai_metadata.is_some()
            && let Some(ai) = &next.ai_metadata
        {
            next.music_metadata = MusicMetadata::with_facts_from(next.music_metadata.take(), ai);
        }
        let current_art = current.album_art.as_ref().and_then(AlbumArtField::art);
        // A URL the asset already shows (answered as `albumArt` in the URL shape, sent back as it
        // was read) is the same art, not new art to fetch.
        let shown = |v: &Value| v.as_str().is_some_and(|u| current.album_art.as_ref().is_some_and(|a| a.shows(u)));
        if let Some(v) = sent(&self.sent.album_art, "albumArt", json_of(&current_art), &mut c).filter(|v| !shown(v)) {
            next.album_art = optional(&v, |v| AlbumArt::from_input(v, "albumArt"), &mut c)
                .flatten()
                .map(|art| AlbumArtField::Art(keep_processing(current_art, art)));
        }
        c.finish()?;
        Ok(Edited { asset: next, warnings })
    }
}

/// A field as an edit sent it: parsed at the edge, or refused by today's rules there and kept to
/// be read again against the asset, where a value it holds already passes.
#[derive(Debug, Clone)]
enum Sent<T> {
    /// `None` clears the field.
    Parsed(Option<T>),
    Refused(Value, FieldError),
}

impl<T: Clone> Sent<T> {
    fn of(v: &Value, parse: impl FnOnce(&Value) -> Result<T, FieldError>) -> Self {
        if v.is_null() {
            return Self::Parsed(None);
        }
        match parse(v) {
            Ok(t) => Self::Parsed(Some(t)),
            Err(e) => Self::Refused(v.clone(), e),
        }
    }

    fn filter(self, keep: impl FnOnce(&T) -> bool) -> Self {
        match self {
            Self::Parsed(Some(t)) if !keep(&t) => Self::Parsed(None),
            other => other,
        }
    }

    fn parsed(&self) -> Option<&T> {
        match self {
            Self::Parsed(t) => t.as_ref(),
            Self::Refused(..) => None,
        }
    }

    /// What to store: the parsed value, or a refused one that `again` (which knows the asset, and
    /// is handed the edge's refusal) accepts; otherwise its refusal is reported and `None` returned.
    fn take(
        &self,
        again: impl FnOnce(&Value, &FieldError) -> Result<T, FieldError>,
        c: &mut Collector,
    ) -> Option<Option<T>> {
        match self {
            Self::Parsed(t) => Some(t.clone()),
            Self::Refused(raw, refusal) => match again(raw, refusal) {
                Ok(t) => Some(Some(t)),
                Err(e) => {
                    c.push(e);
                    None
                }
            },
        }
    }
}

/// Art whose source did not change keeps what the pipeline made of it, so the edit page sending
/// back the object it read loses nothing.
fn keep_processing(current: Option<&AlbumArt>, mut sent: AlbumArt) -> AlbumArt {
    let Some(cur) = current else { return sent };
    if cur.source_url != sent.source_url {
        return sent;
    }
    sent.url = sent.url.or_else(|| cur.url.clone());
    sent.uploaded_at = sent.uploaded_at.or(cur.uploaded_at);
    sent.content_type = sent.content_type.or_else(|| cur.content_type.clone());
    sent.size = sent.size.or(cur.size);
    sent.dimensions = sent.dimensions.or(cur.dimensions);
    sent.variants.clone_from(&cur.variants);
    sent.status = cur.status;
    sent.failure.clone_from(&cur.failure);
    sent.settled_at = cur.settled_at;
    sent
}

fn json_of<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// `null` clears the field; anything else must parse.
fn optional<T, E: Into<Invalid>>(
    v: &Value,
    parse: impl FnOnce(&Value) -> Result<T, E>,
    c: &mut Collector,
) -> Option<T> {
    if v.is_null() { None } else { c.take(parse(v)) }
}

/// Whether a sent value spells the stored one.
type SameAs<'a> = &'a dyn Fn(&str) -> bool;

fn refuse_identity_changes(current: &Asset, sent: &Identity, c: &mut Collector) {
    let text = |v: &Option<Value>| {
        v.as_ref().filter(|v| !v.is_null()).map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
    };
    let layer = taxonomy().find_layer(current.layer().as_str());
    let category = layer.and_then(|l| l.find_category(current.place.category()));
    let subcategory = category.and_then(|c| c.find_subcategory(current.place.subcategory()));
    // Any spelling of the stored value is the same value: `Casual` = `CAS` = `004`.
    let same_layer = |s: &str| taxonomy().find_layer(s).map(|l| l.code) == layer.map(|l| l.code) && layer.is_some();
    let same_category = |s: &str| {
        normalize_key(s) == normalize_key(current.place.category())
            || (category.is_some()
                && layer.and_then(|l| l.find_category(s)).map(|c| c.number) == category.map(|c| c.number))
    };
    let same_subcategory = |s: &str| {
        normalize_key(s) == normalize_key(current.place.subcategory())
            || (subcategory.is_some()
                && category.and_then(|c| c.find_subcategory(s)).map(|x| x.number) == subcategory.map(|x| x.number))
    };
    let same_name = |s: &str| &Hfn::of(s) == current.hfn_key();
    let same_address = |s: &str| Mfa::of(s).is_some_and(|m| Some(&m) == current.mfa_key());
    let same_id = |s: &str| s == current.id.as_str();
    // Who registered an asset decides who may edit it, so it is not an editable field.
    let same_owner =
        |s: &str| current.registered_by.as_deref().is_some_and(|by| by.trim().eq_ignore_ascii_case(s.trim()));
    let checks: [(&str, &Option<Value>, SameAs<'_>); 9] = [
        ("registeredBy", &sent.registered_by, &same_owner),
        ("layer", &sent.layer, &same_layer),
        ("category", &sent.category, &same_category),
        ("subcategory", &sent.subcategory, &same_subcategory),
        ("name", &sent.name, &same_name),
        ("nna_address", &sent.nna_address, &same_address),
        ("mfa", &sent.mfa, &same_address),
        ("id", &sent.id, &same_id),
        ("_id", &sent.mongo_id, &same_id),
    ];
    for (key, value, same) in checks {
        if let Some(s) = text(value)
            && !same(&s)
        {
            c.push(immutable(key));
        }
    }
    let components = sent.components.as_ref().or(sent.components_list.as_ref()).filter(|v| !v.is_null());
    if let Some(v) = components {
        let sent: Option<Vec<&str>> = match v {
            Value::Array(a) => a.iter().map(Value::as_str).collect(),
            Value::String(s) => Some(vec![s.as_str()]),
            _ => None,
        };
        let sent: Option<Vec<&str>> = sent.map(|l| l.into_iter().map(str::trim).filter(|s| !s.is_empty()).collect());
        let stored: Vec<&str> =
            current.components.iter().flatten().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
        if sent.as_ref() != Some(&stored) {
            c.push(immutable("components"));
        }
    }
}

fn immutable(field: &str) -> FieldError {
    FieldError::new(
        field,
        ErrorCode::ImmutableField,
        format!("{field} is part of the asset's identity and cannot change; register a new asset instead"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::TAG_CHARS;
    use serde_json::json;

    /// A staging item with the old backend's long tag and description.
    fn legacy() -> Asset {
        let mut asset = Asset::load(crate::asset::tests::staging_song()).unwrap();
        let mut tags: Vec<String> = (0..30).map(|t| format!("tag-{t}")).collect();
        tags.push("a-very-long-tag-".repeat(7));
        asset.tags = Some(tags);
        asset.description = Some("d".repeat(DESCRIPTION_CHARS + 1));
        asset
    }

    fn put(body: Value) -> EditAsset {
        EditAsset::parse(body.as_object().unwrap(), EditMode::Replace)
    }

    #[test]
    fn stored_values_sent_back_unchanged_never_block_an_edit() {
        let asset = legacy();
        let edit = put(
            json!({"creatorDescription": "Anxiety, in my words", "tags": asset.tags, "description": asset.description}),
        );
        let edited = edit.apply(&asset).unwrap().asset;
        assert_eq!(edited.creator_description.map(|d| d.as_str().to_owned()).as_deref(), Some("Anxiety, in my words"));
        assert_eq!((edited.tags, edited.description), (asset.tags.clone(), asset.description.clone()));
        // Dropping a tag, or keeping the long one beside a new short one, is fine too.
        let mut fewer = asset.tags.clone().unwrap();
        fewer.remove(0);
        fewer.push("new".into());
        assert!(put(json!({"tags": fewer})).apply(&asset).is_ok());
    }

    #[test]
    fn what_is_new_or_changed_meets_todays_rules() {
        let asset = legacy();
        let mut tags = asset.tags.clone().unwrap();
        tags.push("x".repeat(TAG_CHARS + 1));
        let refused = put(json!({"tags": tags})).apply(&asset).unwrap_err();
        assert_eq!((refused.first().field.as_str(), refused.first().code), ("tags[31]", crate::ErrorCode::TooLong));
        let longer = format!("{}more", asset.description.clone().unwrap());
        let refused = put(json!({"description": longer})).apply(&asset).unwrap_err();
        assert_eq!(refused.first().field, "description");
    }
}
