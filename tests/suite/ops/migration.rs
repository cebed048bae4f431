use super::{archive, assets, load_fixture, ops, scan, snapshot, timeless};
use crate::conformance::adapters::Adapters;
use crate::conformance::for_both;
use nna_domain::input::EditMode;
use nna_domain::migration::{self, Migrated};
use nna_domain::time::Timestamp;
use nna_domain::{AssetId, AssetKey};
use nna_operations::migrate::{MigrateOptions, migrate};
use nna_operations::scan::Scan;
use nna_operations::{OpsError, backup, verify};
use serde_json::json;
use std::collections::BTreeMap;
use std::num::NonZeroU32;

for_both!(migration:
    a_dry_run_changes_nothing,
    migrate_then_verify_passes_and_a_second_run_changes_nothing,
    a_killed_run_resumes_to_the_state_of_an_uninterrupted_one,
    users_writing_during_the_migration_keep_their_words,
    shared_names_are_renumbered_only_when_the_operator_says_so,
);

const RUN: MigrateOptions = MigrateOptions { dry_run: false, restart: false, fix_names: false, places: Vec::new() };

async fn a_dry_run_changes_nothing(a: Adapters) {
    load_fixture(&a, 1100).await;
    let before = snapshot(&a).await;
    let report = migrate(&ops(&a), &scan(), &MigrateOptions { dry_run: true, ..RUN }).await.unwrap();
    assert_eq!((report.scanned, report.changed, report.art_jobs_queued), (1100, 1100, 0));
    assert_eq!(snapshot(&a).await, before, "a dry run writes nothing");
    // Nor does it leave checkpoints: the real run reads everything.
    let real = migrate(&ops(&a), &scan(), &RUN).await.unwrap();
    assert_eq!((real.scanned, real.changed), (1100, 1100));
}

async fn migrate_then_verify_passes_and_a_second_run_changes_nothing(a: Adapters) {
    load_fixture(&a, 1100).await;
    let o = ops(&a);
    backup::backup(&o, &scan(), &archive(&a, "pre")).await.unwrap();
    let report = migrate(&o, &scan(), &RUN).await.unwrap();
    assert_eq!((report.scanned, report.changed, report.refused, report.left_busy), (1100, 1100, 0, 0));
    // Counts per rule, and the answer to "friendlyName or name?".
    assert_eq!(report.rules["ai_metadata_added"], 1100);
    assert!(report.rules["creator_description_from_friendly_name"] > 300, "{:?}", report.rules);
    assert!(report.rules["hfn_creator_description_dropped"] > 10, "{:?}", report.rules);
    assert_eq!(report.rules["album_art_url_converted"], 2);
    assert_eq!(report.art_jobs_queued, 2);
    assert!(report.needs_creator_input > 100);
    assert_eq!(report.finding_counts.get("broken_address"), Some(&1));
    assert!(report.findings.iter().any(|f| f.name.starts_with("G.undefined") && f.finding.proposed_fix.is_some()));
    assert!(!report.duplicate_names.is_empty(), "duplicate numbers are listed, not renamed");
    for asset in assets(&a).await.values() {
        assert!(asset.creator_description.as_ref().is_none_or(|w| w.as_str() != asset.name()), "{}", asset.name());
        // The frontend shows friendlyName where the HFN belongs: once its words moved, it goes.
        let friendly = asset.extra.get("friendlyName").and_then(|f| f.as_str()).filter(|f| !f.is_empty());
        assert!(friendly.is_none() || asset.creator_description.is_none(), "{}: {friendly:?}", asset.name());
    }
    // Stored values today's rules would refuse are kept, and reported by rule with their ids:
    // the staging data's 24 items with 112-character tags.
    assert_eq!(report.rule_breaks.get("tags: too_long").map(Vec::len), Some(24), "{:?}", report.rule_breaks.keys());

    let checked = verify::verify(&o, &scan(), Some(backup::load(&archive(&a, "pre")).await.unwrap())).await.unwrap();
    assert!(checked.passed, "{:?}", checked.problems.first());
    assert_eq!((checked.checked, checked.migrated, checked.backup_assets), (1100, 1100, 1100));

    let before = snapshot(&a).await;
    let again = migrate(&o, &scan(), &RUN).await.unwrap();
    assert_eq!((again.scanned, again.changed, again.already_migrated), (1100, 0, 1100));
    assert_eq!(snapshot(&a).await, before);
}

async fn a_killed_run_resumes_to_the_state_of_an_uninterrupted_one(a: Adapters) {
    load_fixture(&a, 300).await;
    // What an uninterrupted run writes: each item's migration, from its stored form alone.
    let expected: BTreeMap<String, String> = assets(&a)
        .await
        .into_iter()
        .map(|(id, asset)| match migration::migrate(&asset, Timestamp::now()) {
            Migrated::Changed { next, .. } => (id, timeless(&next)),
            other => panic!("{id}: {other:?}"),
        })
        .collect();
    let o = ops(&a);
    let killed = migrate(&o, &Scan { stop_after: Some(130), ..scan() }, &RUN).await;
    assert!(matches!(killed, Err(OpsError::Interrupted(_))), "{killed:?}");
    let halfway = assets(&a).await;
    let done = halfway.values().filter(|x| x.migration.is_some()).count();
    assert!((90..=160).contains(&done), "{done} migrated before the kill");

    let reshaped = migrate(&o, &Scan { segments: 5, ..scan() }, &RUN).await;
    assert!(matches!(reshaped, Err(OpsError::SegmentsChanged { before: 3, now: 5 })), "{reshaped:?}");
    let resumed = migrate(&o, &scan(), &RUN).await.unwrap();
    assert!(resumed.scanned < 300, "resumed from the checkpoints, not from the start: {}", resumed.scanned);
    assert_eq!(resumed.already_migrated + resumed.changed, resumed.scanned);
    let after: BTreeMap<String, String> = assets(&a).await.iter().map(|(id, x)| (id.clone(), timeless(x))).collect();
    assert_eq!(after, expected);
}

async fn users_writing_during_the_migration_keep_their_words(a: Adapters) {
    load_fixture(&a, 300).await;
    let ids: Vec<String> = assets(&a).await.keys().cloned().collect();
    let o = ops(&a);
    // Slow enough (150 items/s) that the users' writes land before, during and after.
    let slow = Scan { rate: NonZeroU32::new(150), ..scan() };
    let run = tokio::spawn(async move { migrate(&o, &slow, &RUN).await });
    let mut edited = BTreeMap::new();
    for (n, id) in ids.iter().step_by(10).enumerate() {
        let words = format!("Creator's own words, edit {n}");
        a.registry
            .edit(
                crate::support::auth::as_admin(),
                &nna_tests::key(id),
                &nna_tests::edit(json!({"creatorDescription": words}).as_object().unwrap(), EditMode::Merge),
            )
            .await
            .unwrap();
        edited.insert(id.clone(), words);
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
    }
    let created = a
        .registry
        .create(
            crate::support::auth::admin(),
            nna_tests::request(
                json!({"layer": "S", "category": "Pop", "subcategory": "Base",
        "creatorDescription": "Made while the migration ran"})
                .as_object()
                .unwrap(),
            ),
        )
        .await
        .unwrap()
        .asset;
    let report = run.await.unwrap().unwrap();
    assert_eq!(report.left_busy, 0);
    let now = assets(&a).await;
    for (id, words) in &edited {
        let asset = &now[id];
        assert_eq!(asset.creator_description.as_ref().map(|w| w.as_str()), Some(words.as_str()), "{id}");
        assert!(asset.ai_metadata.is_some(), "{id} migrated too");
    }
    assert!(now.contains_key(created.id.as_str()));
    let checked = verify::verify(&ops(&a), &scan(), None).await.unwrap();
    let unmigrated: Vec<_> = checked.problems.iter().filter(|p| p.id != created.id.as_str()).collect();
    assert!(unmigrated.is_empty(), "{unmigrated:?}");
}

async fn shared_names_are_renumbered_only_when_the_operator_says_so(a: Adapters) {
    load_fixture(&a, 600).await;
    let o = ops(&a);
    let first = migrate(&o, &scan(), &RUN).await.unwrap();
    let shared = first.duplicate_names.clone();
    assert!(!shared.is_empty() && first.renamed.is_empty(), "reported, not renamed");
    let before = a.maintenance.sequences().await.unwrap();

    let fixed = migrate(&o, &scan(), &MigrateOptions { fix_names: true, ..RUN }).await.unwrap();
    assert_eq!(fixed.changed, 0);
    let expected: usize = shared.iter().map(|d| d.ids.len() - 1).sum();
    assert_eq!(fixed.renamed.len(), expected, "{:?}", fixed.renamed);
    for renamed in &fixed.renamed {
        let to = renamed.to.as_deref().unwrap_or_else(|| panic!("{renamed:?}"));
        let holder = shared.iter().find(|d| d.ids.contains(&renamed.id)).unwrap();
        let asset = a.store.get(&AssetKey::Id(AssetId::parse(&renamed.id).unwrap())).await.unwrap().unwrap();
        assert_eq!((asset.name(), asset.extra.get("renamedFrom")), (to, Some(&json!(renamed.from))));
        let (path, number) = to.rsplit_once('.').unwrap();
        let last = before.iter().find(|s| s.path == path).map_or(0, |s| s.last);
        assert!(number.parse::<u32>().unwrap() > last, "{to}: a number never given before");
        // The old name stays with the oldest holder; the new one finds the renamed asset.
        let keeper = a.store.get(&AssetKey::Hfn(nna_domain::address::Hfn::of(&holder.name))).await.unwrap().unwrap();
        assert_eq!(keeper.id.as_str(), holder.ids[0]);
        let found = a.registry.get(&nna_tests::key(to)).await.unwrap();
        assert_eq!(found.id, asset.id);
        // The renumber is in its history, with the name it had and the one it has.
        let newest = a.store.history(&asset.id, None, 1).await.unwrap().remove(0);
        assert_eq!((newest.kind, newest.revision), (nna_domain::history::ChangeKind::Renumbered, asset.revision));
        let name = newest.changes.as_ref().unwrap().iter().find(|c| c.field == "name").unwrap();
        assert_eq!((name.before.clone(), name.after.clone()), (Some(json!(renamed.from)), Some(json!(to))));
    }
    assert_eq!(o.total().await, Some(600), "renumbering counts no asset twice");

    // A broken address is placed where the operator says, and nowhere unless told.
    let broken = first.findings.iter().find(|f| f.finding.code == "broken_address").unwrap();
    let places = vec![(broken.id.clone(), "G.HIP.MOD".to_owned()), (broken.id.clone(), "G.NOPE.MOD".to_owned())];
    let placed = migrate(&o, &scan(), &MigrateOptions { places, ..RUN }).await.unwrap();
    let [moved, refused] = &placed.renamed[..] else { panic!("{:?}", placed.renamed) };
    assert!(moved.to.as_deref().is_some_and(|t| t.starts_with("G.HIP.MOD.")), "{moved:?}");
    assert!(refused.problem.as_deref().is_some_and(|p| p.contains("NOPE")), "{refused:?}");
    let song = a.registry.get(&nna_tests::key(moved.to.as_deref().unwrap())).await.unwrap();
    assert_eq!(
        (song.id.as_str(), song.place.category(), song.place.subcategory()),
        (broken.id.as_str(), "Hip_Hop", "Modern_Hip_Hop")
    );
    assert_eq!(o.total().await, Some(600));
    let after = nna_operations::status::status(&o, &scan()).await.unwrap();
    assert!(after.duplicate_names.is_empty(), "{:?}", after.duplicate_names);
}
