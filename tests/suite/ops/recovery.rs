use super::{archive, assets, bytes, load_fixture, ops, scan, snapshot};
use crate::conformance::adapters::Adapters;
use crate::conformance::for_both;
use nna_domain::AssetKey;
use nna_domain::asset::Deletion;
use nna_domain::input::EditMode;
use nna_domain::jobs::Job;
use nna_operations::archive::{Archive, DirArchive};
use nna_operations::migrate::{MigrateOptions, migrate};
use nna_operations::reprocess::{ReprocessOptions, SongOutcome, reprocess};
use nna_operations::{OpsError, backup, rollback};
use serde_json::json;
use std::collections::BTreeSet;
use std::num::NonZeroU32;

for_both!(recovery:
    rollback_returns_the_backup_except_what_users_edited,
    a_restore_after_corruption_is_the_backup,
    songs_without_art_get_jobs_and_a_line_each,
    a_recount_of_right_counts_changes_nothing,
    the_migration_and_its_rollback_are_in_each_items_history,
);

/// Each item the migration changed has one entry for it and one for its rollback, naming the
/// command and its run; the migration's revision rebuilds exactly what it wrote.
async fn the_migration_and_its_rollback_are_in_each_items_history(a: Adapters) {
    use nna_domain::history::{Actor, ChangeKind};
    load_fixture(&a, 40).await;
    let o = ops(&a);
    migrate(&o, &scan(), &RUN).await.unwrap();
    let migrated = assets(&a).await;
    rollback::rollback(&o, &scan()).await.unwrap();
    let rolled_back = assets(&a).await;
    let mut seen = 0;
    for (id, now) in &rolled_back {
        let entries = a.store.history(&now.id, None, 100).await.unwrap();
        if migrated[id].migration.is_none() {
            assert!(entries.is_empty(), "{id}: the migration left it as it was");
            continue;
        }
        seen += 1;
        let by: Vec<(u64, ChangeKind, Option<&str>)> = entries
            .iter()
            .map(|e| match &e.by {
                Actor::Operator { command, run } => {
                    (e.revision, e.kind, run.as_deref().filter(|_| command.starts_with("nna-ops")))
                }
                other => panic!("{id}: {other:?}"),
            })
            .collect();
        let at = migrated[id].revision;
        assert_eq!(
            by,
            [
                (at + 1, ChangeKind::Operation, Some(nna_domain::ports::Run::Rollback.name())),
                (at, ChangeKind::Operation, Some(nna_domain::ports::Run::Migrate.name())),
            ],
            "{id}"
        );
        let rebuilt = a.registry.revision(crate::support::auth::admin(), &nna_tests::key(id), at).await.unwrap();
        assert_eq!(bytes(&rebuilt), bytes(&migrated[id]), "{id}");
    }
    assert!(seen > 10, "the fixture has items to migrate: {seen}");
}

/// Counts that are right stay as they are (the faults test shows wrong ones put right).
async fn a_recount_of_right_counts_changes_nothing(a: Adapters) {
    load_fixture(&a, 120).await;
    let report = nna_operations::recount::recount(&ops(&a), &scan()).await.unwrap();
    assert!(report.fixed.is_empty(), "{:?}", report.fixed);
    let page = nna_tests::search(&a.registry, &[("limit".into(), "1".into())]).await.unwrap();
    assert_eq!(page.total, Some(report.assets));
    assert!(report.places > 10, "{report:?}");
}

const RUN: MigrateOptions = MigrateOptions { dry_run: false, restart: false, fix_names: false, places: Vec::new() };

async fn rollback_returns_the_backup_except_what_users_edited(a: Adapters) {
    load_fixture(&a, 300).await;
    let o = ops(&a);
    backup::backup(&o, &scan(), &archive(&a, "pre")).await.unwrap();
    let backed_up = backup::load(&archive(&a, "pre")).await.unwrap();
    migrate(&o, &scan(), &RUN).await.unwrap();
    // Users edit some migrated items: their words, and a field the migration never touched.
    let ids: Vec<String> = assets(&a).await.keys().cloned().collect();
    let mut edited = BTreeSet::new();
    for id in ids.iter().step_by(37) {
        let body = json!({"creatorDescription": format!("Mine now {id}")});
        a.registry
            .edit(
                crate::support::auth::as_admin(),
                &nna_tests::key(id),
                &nna_tests::edit(body.as_object().unwrap(), EditMode::Merge),
            )
            .await
            .unwrap();
        edited.insert(id.clone());
    }
    for id in ids.iter().skip(5).step_by(53) {
        a.registry
            .edit(
                crate::support::auth::as_admin(),
                &nna_tests::key(id),
                &nna_tests::edit(json!({"tags": ["edited"]}).as_object().unwrap(), EditMode::Merge),
            )
            .await
            .unwrap();
        edited.insert(id.clone());
    }

    let report = rollback::rollback(&o, &scan()).await.unwrap();
    assert_eq!((report.scanned, report.reverted, report.left_busy), (300, 300, 0));
    let reported: BTreeSet<String> = report.edited_since.iter().map(|e| e.id.clone()).collect();
    assert_eq!(reported, edited);
    assert!(report.edited_since.iter().any(|e| e.kept_fields == ["creatorDescription"]), "{:?}", report.edited_since);

    let now = assets(&a).await;
    for before in &backed_up.assets {
        let id = before.id.as_str();
        if edited.contains(id) {
            assert!(now[id].migration.is_none() && now[id].ai_metadata.is_none(), "{id}: the migration's part undone");
        } else {
            // Every field as backed up; the revision moves on (migrated, then rolled back).
            let mut was = before.clone();
            was.revision += 2;
            assert_eq!(bytes(&now[id]), bytes(&was), "{id}");
        }
    }
    for id in ids.iter().step_by(37) {
        assert_eq!(now[id].creator_description.as_ref().map(|w| w.as_str().to_owned()), Some(format!("Mine now {id}")));
    }
    // Rolled back, the migration can run again from the start.
    let again = migrate(&o, &scan(), &RUN).await.unwrap();
    assert_eq!((again.scanned, again.changed), (300, 300));
}

async fn a_restore_after_corruption_is_the_backup(a: Adapters) {
    load_fixture(&a, 300).await;
    let o = ops(&a);
    migrate(&o, &scan(), &RUN).await.unwrap();
    backup::backup(&o, &scan(), &archive(&a, "good")).await.unwrap();
    let good = snapshot(&a).await;
    let sequences = a.maintenance.sequences().await.unwrap();

    // Corrupt it: items deleted, items overwritten, items that should not be there.
    let all = assets(&a).await;
    for (n, asset) in all.values().enumerate().filter(|(n, _)| n % 11 == 0) {
        if n % 2 == 0 {
            let record = Deletion::of(asset, "ops@tests.nna", nna_domain::Timestamp::now());
            a.store.delete(asset, &record, &nna_tests::entry_of(Some(asset), None)).await.unwrap();
        } else {
            let mut bad = asset.clone();
            bad.description = Some("CORRUPTED".into());
            bad.revision += 1;
            a.store.replace(asset, &bad, &nna_tests::entry_of(Some(asset), Some(&bad))).await.unwrap();
        }
    }
    let stray = a
        .registry
        .create(
            crate::support::auth::admin(),
            nna_tests::request(json!({"layer": "S", "category": "Pop", "subcategory": "Base"}).as_object().unwrap()),
        )
        .await
        .unwrap()
        .asset;
    assert_ne!(snapshot(&a).await, good);
    // An account, which a backup of assets does not hold and a restore must not take.
    let body = json!({"username": "kept-through", "email": "kept@tests.nna", "password": "password1"});
    let client = nna_domain::auth::ClientAddress::unknown();
    a.registry.register(&client, nna_domain::auth::NewUser::parse(body.as_object().unwrap())).await.unwrap();

    let report = backup::restore(&o, &archive(&a, "good")).await.unwrap();
    let kept = nna_domain::auth::Email::parse("kept@tests.nna").unwrap();
    assert!(a.users.user(&kept).await.unwrap().is_some(), "accounts survive a restore");
    assert_eq!(report.assets, 300);
    assert_eq!(snapshot(&a).await, good);
    let mut restored = a.maintenance.sequences().await.unwrap();
    let mut expected = sequences;
    restored.sort_by(|x, y| x.path.cmp(&y.path));
    expected.sort_by(|x, y| x.path.cmp(&y.path));
    assert_eq!(restored, expected);
    // Lookups are rebuilt with it: the stray name is free, restored names resolve.
    assert!(a.store.get(&AssetKey::Hfn(stray.hfn_key().clone())).await.unwrap().is_none());
    let some = all.values().next().unwrap();
    assert_eq!(a.store.get(&AssetKey::Hfn(some.hfn_key().clone())).await.unwrap().map(|x| x.id), Some(some.id.clone()));
}

async fn songs_without_art_get_jobs_and_a_line_each(a: Adapters) {
    load_fixture(&a, 300).await;
    let o = ops(&a);
    let options = ReprocessOptions { dry_run: false, jobs_per_second: NonZeroU32::new(50).unwrap() };
    let early = reprocess(&o, &ReprocessOptions { dry_run: true, ..options.clone() }).await.unwrap();
    assert_eq!(early.outcomes.get(&SongOutcome::NotMigrated), Some(&2), "bare URLs wait for the migration");
    assert_eq!(early.outcomes.get(&SongOutcome::WouldQueue), Some(&11));
    assert_eq!(early.jobs_sent, 0);
    migrate(&o, &scan(), &RUN).await.unwrap();
    while !a.source.receive(10, std::time::Duration::from_secs(60)).await.unwrap().is_empty() {}

    let report = reprocess(&o, &options).await.unwrap();
    assert_eq!(report.songs, 14);
    assert_eq!(report.per_song.len(), 14);
    let count = |o: SongOutcome| report.outcomes.get(&o).copied().unwrap_or(0);
    assert_eq!(count(SongOutcome::Resent), 2, "the migrated bare URLs, pending: their jobs sent again");
    assert_eq!(count(SongOutcome::NoSongTitle), 1);
    assert_eq!(count(SongOutcome::QueuedLookup), 11);
    assert!(
        report.per_song.iter().any(|s| s.song.as_deref() == Some("Halo") && s.artist.as_deref() == Some("Beyoncé"))
    );
    let mut jobs = Vec::new();
    loop {
        let got = a.source.receive(10, std::time::Duration::from_secs(60)).await.unwrap();
        if got.is_empty() {
            break;
        }
        jobs.extend(got.into_iter().map(|d| Job::from_message(&d.body).unwrap()));
    }
    assert_eq!(jobs.len() as u64, report.jobs_sent);
    assert_eq!(report.jobs_sent, 13);
    // Each job's song is pending at the job's revision, so the worker takes it.
    for job in &jobs {
        let Job::AlbumArt { asset_id, revision, .. } = job else { panic!("not an album-art job: {job:?}") };
        let song = a.store.get(&AssetKey::Id(asset_id.clone())).await.unwrap().unwrap();
        assert_eq!(song.revision, *revision);
        assert_eq!(
            song.album_art.as_ref().and_then(|x| x.art()).and_then(|x| x.status).map(|s| s.as_str()),
            Some("pending")
        );
    }
    // A second pass finds them pending and sends them again, nothing more.
    let again = reprocess(&o, &options).await.unwrap();
    assert_eq!(again.outcomes.get(&SongOutcome::Resent), Some(&13));
}

#[tokio::test]
async fn a_damaged_backup_is_refused_before_anything_is_touched() {
    let dir = tempfile::TempDir::new().unwrap();
    let a = crate::conformance::adapters::embedded().await;
    load_fixture(&a, 50).await;
    let archive = DirArchive::new(dir.path());
    backup::backup(&ops(&a), &scan(), &archive).await.unwrap();
    let data = std::fs::read(dir.path().join(backup::DATA)).unwrap();
    let mut flipped = data.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 1;
    archive.put(backup::DATA, flipped.into()).await.unwrap();
    let before = snapshot(&a).await;
    let refused = backup::restore(&ops(&a), &archive).await.unwrap_err();
    assert!(matches!(refused, OpsError::DamagedBackup { .. }), "{refused}");
    assert!(refused.to_string().contains("SHA-256"), "{refused}");
    assert_eq!(snapshot(&a).await, before);
}
