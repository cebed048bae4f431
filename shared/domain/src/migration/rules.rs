//! The migration's rules, each on the item's stored JSON form: what it fills in, what it repairs,
//! and what it only reports.

use super::{Finding, NEEDS_CREATOR_INPUT};
use crate::address::Mfa;
use crate::asset::{AlbumArt, AlbumArtField, ArtStatus, MusicMetadata};
use crate::input::{is_address_for, is_placeholder_description};
use crate::limits::CREATOR_DESCRIPTION_CHARS;
use crate::taxonomy::LayerCode;
use crate::{Address, Asset};
use serde_json::{Map, Value, json};

#[derive(Debug, Default)]
pub(super) struct Applied {
    pub rules: Vec<&'static str>,
    pub findings: Vec<Finding>,
    pub art_job: bool,
}

pub(super) fn apply(asset: &Asset, doc: &mut Map<String, Value>) -> Applied {
    let mut out = Applied::default();
    creator_description(asset, doc, &mut out);
    placeholder_description(doc, &mut out);
    ai_metadata(asset, doc, &mut out);
    music_facts(asset, doc, &mut out);
    for field in ["trainingData", "rights"] {
        json_text(field, doc, &mut out);
    }
    components(doc, &mut out);
    place(asset, doc, &mut out);
    album_art(asset, doc, &mut out);
    address(asset, doc, &mut out);
    out
}

fn text<'a>(doc: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    doc.get(field).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// The creator's words, from where the old backend left them; never the HFN.
fn creator_description(asset: &Asset, doc: &mut Map<String, Value>, out: &mut Applied) {
    let is_name = |s: &str| is_address_for(asset, s);
    if let Some(current) = asset.creator_description.as_ref().map(|d| d.as_str().to_owned()) {
        if !is_name(&current) {
            return;
        }
        doc.shift_remove("creatorDescription");
        out.rules.push("hfn_creator_description_dropped");
    }
    let fits = |s: &str| s.chars().count() <= CREATOR_DESCRIPTION_CHARS;
    let found = [("friendlyName", "creator_description_from_friendly_name"), ("name", "creator_description_from_name")]
        .into_iter()
        .find_map(|(field, rule)| text(doc, field).filter(|s| !is_name(s)).map(|s| (s.to_owned(), field, rule)));
    match found {
        Some((words, field, rule)) if fits(&words) => {
            doc.insert("creatorDescription".into(), Value::String(words));
            out.rules.push(rule);
            if field == "friendlyName" {
                // Today's frontend shows `friendlyName` where the HFN belongs: once its words are
                // the creator's description, it goes (the mark keeps it for a rollback).
                doc.shift_remove("friendlyName");
            }
            return;
        }
        Some((words, field, _)) => out.findings.push(
            Finding::new("creator_words_too_long", format!("{field} has {} characters", words.chars().count()))
                .fix("the creator shortens it to 500 characters"),
        ),
        None => {}
    }
    if doc.get(NEEDS_CREATOR_INPUT) != Some(&Value::Bool(true)) {
        doc.insert(NEEDS_CREATOR_INPUT.into(), Value::Bool(true));
        out.rules.push("needs_creator_input");
    }
}

/// The frontend's generated `Asset L.TEMP.TEMP.001 (L.CAS.ATL)` is no description.
fn placeholder_description(doc: &mut Map<String, Value>, out: &mut Applied) {
    if text(doc, "description").is_some_and(is_placeholder_description) {
        doc.shift_remove("description");
        out.rules.push("placeholder_description_dropped");
    }
}

/// A song's bpm, key, duration, genre and mood that the frontend put in `aiMetadata`, in
/// `musicMetadata` too, where it lacks them.
fn music_facts(asset: &Asset, doc: &mut Map<String, Value>, out: &mut Applied) {
    let Some(ai) = asset.ai_metadata.as_ref().filter(|_| asset.is_song()) else { return };
    let Some(music) = MusicMetadata::with_facts_from(asset.music_metadata.clone(), ai) else { return };
    if Some(&music) != asset.music_metadata.as_ref()
        && let Ok(v) = serde_json::to_value(&music)
    {
        doc.insert("musicMetadata".into(), v);
        out.rules.push("music_facts_from_ai_metadata");
    }
}

fn ai_metadata(asset: &Asset, doc: &mut Map<String, Value>, out: &mut Applied) {
    if asset.ai_metadata.is_some() {
        return;
    }
    doc.insert(
        "aiMetadata".into(),
        json!({"generatedBy": "Legacy", "generationStrategy": "pre-ai", "generatedAt": asset.created_at}),
    );
    out.rules.push("ai_metadata_added");
}

/// `"{\"prompts\":[]}"` → `{"prompts": []}`.
fn json_text(field: &'static str, doc: &mut Map<String, Value>, out: &mut Applied) {
    let Some(Value::String(s)) = doc.get(field) else { return };
    match serde_json::from_str::<Value>(s) {
        Ok(Value::Object(obj)) => {
            doc.insert(field.into(), Value::Object(obj));
            out.rules.push(if field == "rights" { "rights_parsed" } else { "training_data_parsed" });
        }
        _ => out.findings.push(Finding::new("unparseable_json", format!("{field} is text that is not a JSON object"))),
    }
}

/// `[""]` → `[]`.
fn components(doc: &mut Map<String, Value>, out: &mut Applied) {
    let Some(Value::Array(list)) = doc.get_mut("components") else { return };
    let before = list.len();
    list.retain(|c| c.as_str().is_some_and(|s| !s.trim().is_empty()));
    if list.len() != before {
        out.rules.push("empty_components_removed");
    }
}

/// Category and subcategory by their canonical names, whatever the old backend stored.
fn place(asset: &Asset, doc: &mut Map<String, Value>, out: &mut Applied) {
    let Some(path) = asset.place.path() else {
        out.findings.push(Finding::new(
            "unknown_place",
            format!(
                "{}/{}/{} is not in taxonomy v1.3",
                asset.layer(),
                asset.place.category(),
                asset.place.subcategory()
            ),
        ));
        return;
    };
    for (field, stored, canonical, rule) in [
        ("category", asset.place.category(), &path.category.name, "category_canonical"),
        ("subcategory", asset.place.subcategory(), &path.subcategory.name, "subcategory_canonical"),
    ] {
        if stored != canonical {
            doc.insert(field.into(), Value::String(canonical.clone()));
            out.rules.push(rule);
        }
    }
}

/// A bare URL string becomes art to process (for songs) or to keep (for anything else).
fn album_art(asset: &Asset, doc: &mut Map<String, Value>, out: &mut Applied) {
    let Some(AlbumArtField::LegacyUrl(url)) = &asset.album_art else { return };
    let mut art = AlbumArt::from_source_url(url.clone());
    if asset.is_song() {
        art.status = Some(ArtStatus::Pending);
        out.art_job = true;
    }
    if let Ok(v) = serde_json::to_value(&art) {
        doc.insert("albumArt".into(), v);
        out.rules.push("album_art_url_converted");
    }
}

/// The numeric address where it is missing; broken names reported with what they should be.
fn address(asset: &Asset, doc: &mut Map<String, Value>, out: &mut Applied) {
    let (name, nna_address) = (asset.name(), asset.naming.nna_address());
    if name.ends_with(':') && asset.layer().is(LayerCode::C) {
        doc.insert("name".into(), Value::String(name.trim_end_matches(':').to_owned()));
        out.rules.push("composite_name_trimmed");
    }
    match (asset.naming.stored_mfa().is_none(), Mfa::of(nna_address)) {
        (true, Some(mfa)) => {
            doc.insert("mfa".into(), Value::String(mfa.to_string()));
            out.rules.push("mfa_added");
        }
        (_, Some(_)) => {}
        (_, None) => {
            let fix = asset.placement().map_or_else(
                || "place it in the taxonomy by hand, then give it the next free number there".to_owned(),
                |p| format!("give it the next free number in {}", p.code_path()),
            );
            out.findings.push(Finding::new("broken_address", format!("{name} / {nna_address}")).fix(fix));
        }
    }
    if Address::parse(name).is_none() && Mfa::of(nna_address).is_some() {
        out.findings.push(Finding::new("name_not_in_taxonomy", format!("{name} names no live subcategory")));
    }
}
