use super::*;
use crate::asset::AlbumArtField;
use crate::asset::tests::staging_song;
use serde_json::json;

fn asset(v: Value) -> Asset {
    Asset::load(v).unwrap()
}

fn stored(asset: &Asset) -> Value {
    serde_json::to_value(asset).unwrap()
}

fn now() -> Timestamp {
    Timestamp::parse("2026-11-25T22:00:00Z").unwrap()
}

fn mark_of(asset: &Asset) -> MigrationMark {
    asset.migration.clone().unwrap()
}

fn changed(m: Migrated) -> (Asset, Vec<&'static str>, Vec<Finding>, bool) {
    match m {
        Migrated::Changed { next, rules, findings, art_job } => (*next, rules, findings, art_job),
        other => panic!("expected a change, got {other:?}"),
    }
}

#[test]
fn the_staging_song_is_repaired_and_marked() {
    let mut v = staging_song();
    v["friendlyName"] = json!("Anxiety by Doechii");
    v["albumArt"] = json!("https://is1-ssl.mzstatic.com/image/thumb/a/600x600bb.jpg");
    let before = asset(v);
    let (next, rules, findings, art_job) = changed(migrate(&before, now()));
    assert_eq!(
        rules,
        [
            "creator_description_from_friendly_name",
            "ai_metadata_added",
            "training_data_parsed",
            "rights_parsed",
            "empty_components_removed",
            "album_art_url_converted",
            "mfa_added",
        ]
    );
    assert!(findings.is_empty(), "{findings:?}");
    assert!(art_job, "the song's art is queued");
    assert_eq!(next.creator_description.as_ref().map(|d| d.as_str()), Some("Anxiety by Doechii"));
    let served = stored(&next);
    assert_eq!(
        served["aiMetadata"],
        json!({"generatedBy": "Legacy", "generationStrategy": "pre-ai", "generatedAt": "2025-07-05T01:53:38.417Z"})
    );
    assert_eq!(served["trainingData"], json!({"prompts": [], "images": [], "videos": []}));
    assert_eq!(served["rights"]["rights_split"], "100%");
    assert_eq!(served["components"], json!([]));
    assert_eq!(
        (served["category"].as_str(), served["subcategory"].as_str()),
        (Some("Hip_Hop"), Some("Modern_Hip_Hop"))
    );
    assert_eq!(served["mfa"], "1.003.003.001");
    assert_eq!(served["albumArt"]["status"], "pending");
    assert_eq!(served["albumArt"]["sourceUrl"], "https://is1-ssl.mzstatic.com/image/thumb/a/600x600bb.jpg");
    // Untouched: the record's history and everything the migration does not own.
    for field in ["updatedAt", "createdAt", "__v", "name", "nna_address", "tags", "description"] {
        assert_eq!(served[field], stored(&before)[field], "{field}");
    }
    // Its words are the creator's description now, so the field the frontend shows where the
    // HFN belongs is gone; the mark keeps it for a rollback.
    assert_eq!(served.get("friendlyName"), None);
    assert!(mark_of(&next).changes.iter().any(|c| c.field == "friendlyName" && c.after.is_none()));
    let RolledBack::Reverted { next: back, .. } = rollback(&next) else { panic!("rolled back") };
    assert_eq!(stored(&back)["friendlyName"], "Anxiety by Doechii");
    assert_eq!(next.revision, before.revision + 1);
    let mark = next.migration.clone().unwrap();
    assert_eq!((mark.id.as_str(), mark.version, mark.revision_before), (MIGRATION_ID, MIGRATION_VERSION, 0));
    assert!(mark.changes.iter().any(|c| c.field == "creatorDescription" && c.before.is_none()));

    assert_eq!(migrate(&next, now()), Migrated::Done, "a second run changes nothing");
    assert!(verify(&next, &before).is_empty(), "{:?}", verify(&next, &before));
}

#[test]
fn creator_words_come_from_friendly_name_then_name_and_never_from_an_hfn() {
    let cases = [
        (json!({"friendlyName": "Kelly in Adidas"}), Some("Kelly in Adidas"), false),
        (json!({"friendlyName": ""}), None, true),
        (json!({"friendlyName": "   "}), None, true),
        (json!({"friendlyName": "G.HIP.MOD.001"}), None, true),
        (json!({}), None, true),
        (json!({"creatorDescription": "G.HIP.MOD.001"}), None, true),
        (json!({"creatorDescription": "g.hip.mod.001", "friendlyName": "Anxiety"}), Some("Anxiety"), false),
        (json!({"creatorDescription": "Kept as typed"}), Some("Kept as typed"), false),
        (json!({"name": "Anxiety by Doechii"}), Some("Anxiety by Doechii"), false),
        (json!({"name": "G.undefined.undefined.001"}), None, true),
        (json!({"friendlyName": "x".repeat(501)}), None, true),
        (json!({"creatorDescription": "www.adidas.co.uk"}), Some("www.adidas.co.uk"), false),
        (json!({"friendlyName": "J.R.R.Tolkien"}), Some("J.R.R.Tolkien"), false),
        (json!({"friendlyName": "v1.2.3.4"}), Some("v1.2.3.4"), false),
        (json!({"friendlyName": "L.CAS.ATL.001"}), None, true),
    ];
    for (extra, words, flagged) in cases {
        let mut v = staging_song();
        for (k, val) in extra.as_object().unwrap() {
            v[k] = val.clone();
        }
        let (next, _, findings, _) = changed(migrate(&asset(v), now()));
        assert_eq!(next.creator_description.as_ref().map(|d| d.as_str()), words, "{extra}");
        assert_eq!(next.extra.get(NEEDS_CREATOR_INPUT) == Some(&json!(true)), flagged, "{extra}");
        if extra.get("friendlyName").and_then(Value::as_str).is_some_and(|s| s.len() > 500) {
            assert_eq!(findings[0].code, "creator_words_too_long");
        }
    }
}

#[test]
fn defects_that_are_names_are_reported_not_renamed() {
    let mut v = staging_song();
    v["name"] = json!("G.undefined.undefined.001");
    v["nna_address"] = json!("G.undefined.undefined.001");
    let before = asset(v);
    let (next, _, findings, _) = changed(migrate(&before, now()));
    assert_eq!((next.name(), next.naming.nna_address()), ("G.undefined.undefined.001", "G.undefined.undefined.001"));
    let broken = findings.iter().find(|f| f.code == "broken_address").unwrap();
    assert_eq!(broken.proposed_fix.as_deref(), Some("give it the next free number in G.HIP.MOD"));

    let mut v = staging_song();
    v["layer"] = json!("G");
    v["category"] = json!("Nope");
    let (_, _, findings, _) = changed(migrate(&asset(v), now()));
    assert!(findings.iter().any(|f| f.code == "unknown_place"), "{findings:?}");
}

#[test]
fn codes_become_names_and_composite_names_lose_their_trailing_colon() {
    let mut v = staging_song();
    v["category"] = json!("HIP");
    v["subcategory"] = json!("mod");
    let (next, ..) = changed(migrate(&asset(v), now()));
    assert_eq!((next.place.category(), next.place.subcategory()), ("Hip_Hop", "Modern_Hip_Hop"));

    let composite = json!({"id": "c1", "layer": "C", "category": "Full", "subcategory": "Pop", "name": "C.FUL.POP.001:",
        "nna_address": "C.003.001.001", "components": [], "createdAt": "2025-07-05T01:53:38.417Z", "updatedAt": "2025-07-05T01:53:38.417Z"});
    let (next, rules, ..) = changed(migrate(&asset(composite), now()));
    assert_eq!(next.name(), "C.FUL.POP.001");
    assert!(rules.contains(&"composite_name_trimmed"));
}

#[test]
fn an_item_already_in_shape_is_left_alone() {
    let mut v = staging_song();
    v["creatorDescription"] = json!("Anxiety by Doechii");
    v["aiMetadata"] = json!({"generatedBy": "OpenAI GPT-4o"});
    v["trainingData"] = json!({"prompts": []});
    v["rights"] = json!({"source": "Original"});
    v["components"] = json!([]);
    v["mfa"] = json!("1.003.003.001");
    assert_eq!(migrate(&asset(v), now()), Migrated::Unchanged { findings: vec![] });
}

#[test]
fn rollback_restores_the_item_exactly_unless_someone_wrote_since() {
    let before = asset(staging_song());
    let (migrated, ..) = changed(migrate(&before, now()));
    match rollback(&migrated) {
        RolledBack::Reverted { next, kept, edited_since } => {
            assert_eq!((kept.len(), edited_since), (0, false));
            let (mut now, mut was) = (stored(&next), stored(&before));
            assert_eq!((now["revision"].take(), was["revision"].take()), (json!(migrated.revision + 1), json!(0)));
            assert_eq!(now, was, "every field as it was; the revision moves on");
        }
        other => panic!("{other:?}"),
    }

    // A creator fills in their words afterwards: the words stay, the rest goes back.
    let mut edited = migrated.clone();
    edited.creator_description = crate::asset::CreatorDescription::parse("Anxiety, by Doechii", "x").unwrap();
    edited.extra.remove(NEEDS_CREATOR_INPUT);
    edited.description = Some("Rewritten".into());
    edited.revision += 1;
    match rollback(&edited) {
        RolledBack::Reverted { next, kept, edited_since } => {
            assert!(edited_since);
            assert_eq!(kept, [NEEDS_CREATOR_INPUT.to_owned()]);
            assert_eq!(next.creator_description.as_ref().map(|d| d.as_str()), Some("Anxiety, by Doechii"));
            assert_eq!(next.description.as_deref(), Some("Rewritten"));
            assert!(next.ai_metadata.is_none() && next.migration.is_none());
            assert_eq!(next.revision, edited.revision + 1);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(rollback(&before), RolledBack::NotMigrated);
}

#[test]
fn verify_finds_what_differs_from_the_backup() {
    let before = asset(staging_song());
    let (mut migrated, ..) = changed(migrate(&before, now()));
    assert!(verify(&migrated, &before).is_empty());
    migrated.tags = Some(vec!["changed".into()]);
    migrated.ai_metadata = None;
    let found: Vec<String> = verify(&migrated, &before).into_iter().map(|d| d.field).collect();
    assert_eq!(found, ["aiMetadata", "tags"]);
}

#[test]
fn non_songs_keep_a_bare_art_url_without_a_job() {
    let mut v = staging_song();
    v["layer"] = json!("S");
    v["category"] = json!("Pop");
    v["subcategory"] = json!("Base");
    v["name"] = json!("S.POP.BAS.001");
    v["nna_address"] = json!("S.001.001.001");
    v["albumArt"] = json!("https://a.io/x.jpg");
    let (next, _, _, art_job) = changed(migrate(&asset(v), now()));
    assert!(!art_job);
    assert!(matches!(next.album_art, Some(AlbumArtField::Art(ref a)) if a.status.is_none()));
}

#[test]
fn a_renumbered_asset_keeps_its_id_components_and_first_name() {
    let mut composite = staging_song();
    composite["layer"] = json!("C");
    composite["name"] = json!("C.FUL.POP.125:G.003.003.001:S.001.002.004");
    composite["nna_address"] = json!("C.003.001.125");
    let composite = asset(composite);
    let address = crate::Address::parse("C.FUL.POP.126").unwrap();
    let once = renumbered(&composite, &address);
    assert_eq!(once.id, composite.id);
    assert_eq!(once.name(), "C.FUL.POP.126:G.003.003.001:S.001.002.004");
    assert_eq!((once.naming.nna_address(), once.naming.stored_mfa()), ("C.003.001.126", Some("9.003.001.126")));
    assert_eq!(once.revision, composite.revision + 1);
    let twice = renumbered(&once, &crate::Address::parse("C.FUL.POP.127").unwrap());
    assert_eq!(twice.extra[RENAMED_FROM], json!("C.FUL.POP.125:G.003.003.001:S.001.002.004"));
}

#[test]
fn the_frontends_placeholder_description_is_dropped_and_song_facts_move_to_music_metadata() {
    let mut v = staging_song();
    v["description"] = json!("Asset G.TEMP.TEMP.001 (G.HIP.MOD)");
    v["aiMetadata"] = json!({"generatedDescription": "d", "bpm": 92, "key": "F minor", "duration": 171,
        "genre": "Hip Hop", "mood": "tense", "tempo": "slow"});
    v["musicMetadata"] = json!({"bpm": 90});
    let (next, rules, _, _) = changed(migrate(&asset(v), now()));
    assert!(rules.contains(&"placeholder_description_dropped") && rules.contains(&"music_facts_from_ai_metadata"));
    assert_eq!(next.description, None);
    let music = serde_json::to_value(&next.music_metadata).unwrap();
    assert_eq!(music, json!({"bpm": 90, "key": "F minor", "duration": 171, "genre": ["Hip Hop"], "mood": "tense"}));

    let mut look = staging_song();
    look["layer"] = json!("L");
    look["aiMetadata"] = json!({"bpm": 92});
    let rules = match migrate(&asset(look), now()) {
        Migrated::Changed { rules, .. } => rules,
        _ => vec![],
    };
    assert!(!rules.contains(&"music_facts_from_ai_metadata"), "only songs have music facts");
}
