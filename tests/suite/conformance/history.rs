//! Every change leaves exactly one history entry, written with it; any revision rebuilds exactly;
//! a restore and its races.

use super::adapters::Adapters;
use super::for_both;
use crate::support::auth::{admin, as_admin, caller};
use crate::support::kelly;
use futures::future::join_all;
use nna_domain::RegistryError;
use nna_domain::asset::{Asset, Version};
use nna_domain::auth::Role;
use nna_domain::history::{Actor, ChangeKind, Entry, through};
use nna_domain::input::EditMode;
use nna_domain::registry::Requester;
use serde_json::{Value, json};

for_both!(history:
    every_change_leaves_one_entry,
    any_revision_is_rebuilt_exactly,
    a_restore_brings_back_the_editable_fields,
    restores_and_edits_race_under_if_match,
    large_changes_keep_their_values_in_storage,
    history_pages_with_cursors,
    only_the_owner_and_admins_read_history,
    an_undelete_brings_back_the_asset_its_files_and_its_history,
    undeletes_are_refused_outside_the_window,
);

fn obj(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().cloned().expect("an object")
}

async fn create(a: &Adapters) -> Asset {
    a.registry.create(admin(), nna_tests::request(&obj(kelly()))).await.unwrap().asset
}

async fn edit(a: &Adapters, key: &str, body: Value, mode: EditMode) -> Asset {
    a.registry.edit(as_admin(), &nna_tests::key(key), &nna_tests::edit(&obj(body), mode)).await.unwrap().asset
}

/// The whole history, newest first.
async fn entries(a: &Adapters, asset: &Asset) -> Vec<Entry> {
    a.store.history(&asset.id, None, 1000).await.unwrap()
}

async fn every_change_leaves_one_entry(a: Adapters) {
    let made = create(&a).await;
    let key = made.id.as_str();
    edit(&a, key, json!({"description": "put"}), EditMode::Replace).await;
    edit(&a, key, json!({"metadata": {"shoot": "day one"}}), EditMode::Merge).await;
    // Changing nothing writes nothing, and a refused edit writes nothing.
    edit(&a, key, json!({"description": "put"}), EditMode::Replace).await;
    let bad = nna_tests::edit(&obj(json!({"tags": 7})), EditMode::Replace);
    assert!(a.registry.edit(as_admin(), &nna_tests::key(key), &bad).await.is_err());
    a.registry.curate(as_admin(), &nna_tests::key(key)).await.unwrap();
    let batch = vec![Ok(nna_tests::request(&obj(kelly())))];
    let second = a.registry.create_batch(admin(), batch).await.unwrap().remove(0).result.unwrap().asset;
    let before_delete = a.registry.get(&nna_tests::key(key)).await.unwrap();
    a.registry.delete(as_admin(), &nna_tests::key(key), false).await.unwrap();

    let kept = entries(&a, &made).await;
    let kinds: Vec<(u64, ChangeKind, &str)> = kept.iter().map(|e| (e.revision, e.kind, e.through.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (5, ChangeKind::Deleted, through::DELETE),
            (4, ChangeKind::Curated, through::CURATE),
            (3, ChangeKind::Edited, through::PATCH),
            (2, ChangeKind::Edited, through::PUT),
            (1, ChangeKind::Created, through::CREATE),
        ]
    );
    let put = &kept[3];
    assert_eq!(put.by, Actor::Account { user_id: admin().user_id.clone(), email: admin().email.to_string() });
    let changed: Vec<&str> = put.fields.iter().map(String::as_str).collect();
    assert_eq!(changed, ["description", "updatedAt"], "field by field");
    let description = &put.changes.as_ref().unwrap()[0];
    assert_eq!(description.before, Some(json!(made.description.clone().unwrap())));
    assert_eq!(description.after, Some(json!("put")));
    // A delete keeps every field before, so the asset can be rebuilt from its history.
    let deleted = &kept[0];
    assert!(deleted.changes.as_ref().unwrap().iter().all(|c| c.after.is_none()));
    assert_eq!(deleted.revision, before_delete.revision + 1);
    let batch_entries = entries(&a, &second).await;
    assert_eq!(batch_entries.len(), 1);
    assert_eq!(batch_entries[0].through, through::BATCH);
}

async fn any_revision_is_rebuilt_exactly(a: Adapters) {
    let mut seen = vec![create(&a).await];
    let key = seen[0].id.to_string();
    for (n, body) in [
        json!({"description": "first", "tags": ["one"]}),
        json!({"creatorDescription": "Kelly, again", "tags": null}),
        json!({"metadata": {"lighting": "soft"}, "rights": {"owner": "Kelly"}}),
    ]
    .into_iter()
    .enumerate()
    {
        let mode = if n % 2 == 0 { EditMode::Replace } else { EditMode::Merge };
        seen.push(edit(&a, &key, body, mode).await);
    }
    for was in &seen {
        assert_eq!(
            &a.registry.revision(admin(), &nna_tests::key(&key), was.revision).await.unwrap(),
            was,
            "revision {}",
            was.revision
        );
    }
    let latest = seen.last().unwrap().revision;
    match a.registry.revision(admin(), &nna_tests::key(&key), latest + 1).await {
        Err(RegistryError::NoRevision { asked, latest: named }) => assert_eq!((asked, named), (latest + 1, latest)),
        other => panic!("{other:?}"),
    }
    // A deleted asset's revisions are still there for admins, by id; its delete's is not an asset.
    a.registry.delete(as_admin(), &nna_tests::key(&key), false).await.unwrap();
    assert_eq!(&a.registry.revision(admin(), &nna_tests::key(&key), 2).await.unwrap(), &seen[1]);
    assert!(matches!(
        a.registry.revision(admin(), &nna_tests::key(&key), latest + 1).await,
        Err(RegistryError::NoRevision { .. })
    ));
}

async fn a_restore_brings_back_the_editable_fields(a: Adapters) {
    let made = create(&a).await;
    let key = made.id.to_string();
    let edited = edit(
        &a,
        &key,
        json!({"creatorDescription": "a wrong edit", "tags": [], "description": null}),
        EditMode::Replace,
    )
    .await;
    let versions = [Version::of(&edited)];
    let by = Requester::new(admin()).if_match(Some(&versions));
    let restored = a.registry.restore(by, &nna_tests::key(&key), made.revision).await.unwrap().asset;
    assert_eq!(restored.revision, edited.revision + 1, "a new revision, never a reused one");
    for (field, value) in nna_domain::history::fields_of(&restored) {
        if !matches!(field.as_str(), "updatedAt" | "revision") {
            assert_eq!(nna_domain::history::fields_of(&made).get(&field), Some(&value), "{field}");
        }
    }
    let newest = &entries(&a, &made).await[0];
    assert_eq!(
        (newest.kind, newest.restored_from, newest.through.as_str()),
        (ChangeKind::Restored, Some(1), through::RESTORE)
    );
    // A stale If-Match changes nothing.
    let by = Requester::new(admin()).if_match(Some(&versions));
    assert!(matches!(a.registry.restore(by, &nna_tests::key(&key), 2).await, Err(RegistryError::Stale { .. })));
    assert_eq!(a.registry.get(&nna_tests::key(&key)).await.unwrap(), restored);
    // A revision that never was names the latest.
    let now = [Version::of(&restored)];
    let by = Requester::new(admin()).if_match(Some(&now));
    assert!(matches!(
        a.registry.restore(by, &nna_tests::key(&key), 99).await,
        Err(RegistryError::NoRevision { latest: 3, .. })
    ));
}

async fn restores_and_edits_race_under_if_match(a: Adapters) {
    let made = create(&a).await;
    let key = made.id.to_string();
    let edited = edit(&a, &key, json!({"description": "second"}), EditMode::Replace).await;
    let seen = [Version::of(&edited)];
    let changes: Vec<_> = (0..4)
        .map(|i| nna_tests::edit(&obj(json!({"description": format!("racer {i}")})), EditMode::Replace))
        .collect();
    let by = || Requester::new(admin()).if_match(Some(&seen));
    let named = nna_tests::key(&key);
    let edits = join_all(changes.iter().map(|c| a.registry.edit(by(), &named, c)));
    let restores = join_all((0..4).map(|_| a.registry.restore(by(), &named, 1)));
    let (edits, restores) = futures::join!(edits, restores);
    let won = edits.iter().filter(|r| r.is_ok()).count() + restores.iter().filter(|r| r.is_ok()).count();
    let stale = edits.iter().filter(|r| matches!(r, Err(RegistryError::Stale { .. }))).count()
        + restores.iter().filter(|r| matches!(r, Err(RegistryError::Stale { .. }))).count();
    assert_eq!((won, stale), (1, 7), "one writer wins; the rest are told the asset moved on");
    let kept = entries(&a, &made).await;
    assert_eq!(kept.len(), 3, "one entry per write that happened");
    assert_eq!(kept[0].revision, a.registry.get(&nna_tests::key(&key)).await.unwrap().revision);
}

async fn large_changes_keep_their_values_in_storage(a: Adapters) {
    let made = create(&a).await;
    let key = made.id.to_string();
    let big = |c: char| json!({"note": c.to_string().repeat(15_000)});
    let body =
        json!({"metadata": big('a'), "rights": big('b'), "trainingData": big('c'), "description": "d".repeat(9_000)});
    let first = edit(&a, &key, body, EditMode::Replace).await;
    let body =
        json!({"metadata": big('x'), "rights": big('y'), "trainingData": big('z'), "description": "e".repeat(9_000)});
    let second = edit(&a, &key, body, EditMode::Replace).await;
    let newest = &entries(&a, &made).await[0];
    let stored = newest.stored.as_ref().expect("too large for the entry: kept in storage");
    assert!(newest.changes.is_none());
    assert!(newest.fields.contains(&"metadata".to_owned()));
    let key_of = nna_domain::ports::BlobKey::parse(&stored.key).unwrap();
    assert!(a.blobs.head(&key_of).await.unwrap().is_some());
    assert_eq!(a.registry.revision(admin(), &nna_tests::key(&key), first.revision).await.unwrap(), first);
    assert_eq!(a.registry.revision(admin(), &nna_tests::key(&key), second.revision).await.unwrap(), second);
}

async fn history_pages_with_cursors(a: Adapters) {
    let made = create(&a).await;
    let key = made.id.to_string();
    for i in 0..11 {
        edit(&a, &key, json!({"description": format!("edit {i}")}), EditMode::Replace).await;
    }
    let mut revisions = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = a.registry.history(admin(), &nna_tests::key(&key), cursor.as_deref(), Some(5)).await.unwrap();
        assert_eq!(page.latest, 12);
        revisions.extend(page.entries.iter().map(|e| e.revision));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(revisions, (1..=12).rev().collect::<Vec<u64>>());
    // A cursor belongs to its asset's history.
    let other = create(&a).await;
    let page = a.registry.history(admin(), &nna_tests::key(&key), None, Some(5)).await.unwrap();
    let refused =
        a.registry.history(admin(), &nna_tests::key(other.id.as_str()), page.next_cursor.as_deref(), Some(5)).await;
    assert!(matches!(refused, Err(RegistryError::Invalid(_))), "{refused:?}");
    assert!(matches!(
        a.registry.history(admin(), &nna_tests::key(&key), None, Some(0)).await,
        Err(RegistryError::Invalid(_))
    ));
}

async fn only_the_owner_and_admins_read_history(a: Adapters) {
    let owner = caller("owner@tests.nna", Role::Editor);
    let made = a.registry.create(&owner, nna_tests::request(&obj(kelly()))).await.unwrap().asset;
    let key = made.id.to_string();
    assert_eq!(a.registry.history(&owner, &nna_tests::key(&key), None, None).await.unwrap().entries.len(), 1);
    let stranger = caller("stranger@tests.nna", Role::Editor);
    assert!(matches!(
        a.registry.history(&stranger, &nna_tests::key(&key), None, None).await,
        Err(RegistryError::Forbidden(_))
    ));
    assert!(matches!(a.registry.revision(&stranger, &nna_tests::key(&key), 1).await, Err(RegistryError::Forbidden(_))));
    a.registry.delete(as_admin(), &nna_tests::key(&key), false).await.unwrap();
    assert!(matches!(
        a.registry.history(&owner, &nna_tests::key(&key), None, None).await,
        Err(RegistryError::NotFound(_))
    ));
    assert_eq!(a.registry.history(admin(), &nna_tests::key(&key), None, None).await.unwrap().entries.len(), 2);
}

/// A look with an uploaded file, made as a multipart create makes it.
async fn with_file(a: &Adapters) -> Asset {
    let file =
        nna_domain::upload::Upload { file_name: Some("look.png".into()), bytes: nna_tests::PNG_HEAD.to_vec().into() };
    let request = nna_domain::input::CreateAsset::parse(&obj(kelly()), Some(file), None).unwrap();
    a.registry.create(admin(), request).await.unwrap().asset
}

fn file_of(asset: &Asset) -> nna_domain::ports::BlobKey {
    nna_domain::files::asset_file_key(asset.gcp_storage_url.as_deref().unwrap(), &asset.id).unwrap()
}

async fn an_undelete_brings_back_the_asset_its_files_and_its_history(a: Adapters) {
    let made = with_file(&a).await;
    let key = made.id.to_string();
    let edited = edit(&a, &key, json!({"description": "kept through the delete"}), EditMode::Replace).await;
    let file = file_of(&made);
    let gone = a.registry.delete(as_admin(), &nna_tests::key(&key), false).await.unwrap();
    assert!(gone.record.restorable_until.is_some());
    assert!(a.blobs.head(&file).await.unwrap().is_none(), "no longer served");
    assert!(matches!(a.registry.get(&nna_tests::key(&key)).await, Err(RegistryError::NotFound(_))));
    // An editor may not; an admin may, once.
    let editor = caller("editor@tests.nna", Role::Editor);
    assert!(matches!(a.registry.undelete(&editor, &nna_tests::key(&key)).await, Err(RegistryError::Forbidden(_))));
    let back = a.registry.undelete(admin(), &nna_tests::key(&key)).await.unwrap();
    assert!(matches!(a.registry.undelete(admin(), &nna_tests::key(&key)).await, Err(RegistryError::NotDeleted(_))));
    assert_eq!(back.revision, edited.revision + 2, "the delete made a revision; the undelete the next");
    let mut expected = edited.clone();
    (expected.revision, expected.updated_at) = (back.revision, back.updated_at);
    assert_eq!(back, expected, "the asset exactly as it was");
    for lookup in [made.name(), "3.004.004.001", key.as_str()] {
        assert_eq!(a.registry.get(&nna_tests::key(lookup)).await.unwrap(), back, "{lookup}");
    }
    assert!(a.blobs.head(&file).await.unwrap().is_some(), "its file is back");
    let page = nna_tests::search(&a.registry, &[("search".into(), "kept".into())]).await.unwrap();
    assert_eq!(page.items.iter().map(|i| &i.id).collect::<Vec<_>>(), [&made.id]);
    assert!(a.maintenance.deletions(None, 10).await.unwrap().is_empty(), "its deletion record is gone");
    let kinds: Vec<ChangeKind> = entries(&a, &made).await.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [ChangeKind::Undeleted, ChangeKind::Deleted, ChangeKind::Edited, ChangeKind::Created]);
    // Numbering goes on past it.
    assert_eq!(create(&a).await.name(), "L.CAS.ATL.002");
}

async fn undeletes_are_refused_outside_the_window(a: Adapters) {
    assert!(matches!(
        a.registry.undelete(admin(), &nna_tests::key("6868865274bd8b06a2f91f0c")).await,
        Err(RegistryError::NotFound(_))
    ));
    // A window of 0 keeps today's behaviour: the files go at once, nothing comes back.
    let mut config = a.registry.config().clone();
    config.deleted_retention = std::time::Duration::ZERO;
    let registry = (a.make_registry)(config);
    let made = with_file(&a).await;
    let gone = registry.delete(as_admin(), &nna_tests::key(made.id.as_str()), false).await.unwrap();
    assert_eq!(gone.record.restorable_until, None);
    assert!(a.blobs.head(&file_of(&made)).await.unwrap().is_none());
    let set_aside = nna_domain::files::set_aside_key(&file_of(&made)).unwrap();
    assert!(a.blobs.head(&set_aside).await.unwrap().is_none(), "removed, not set aside");
    assert!(matches!(
        registry.undelete(admin(), &nna_tests::key(made.id.as_str())).await,
        Err(RegistryError::UndeleteWindowPassed { .. })
    ));
    assert!(
        matches!(a.registry.get(&nna_tests::key(made.id.as_str())).await, Err(RegistryError::NotFound(_))),
        "nothing changed"
    );
    // Past the window, the sweep removes what was set aside; within it, keeps it.
    let kept = with_file(&a).await;
    a.registry.delete(as_admin(), &nna_tests::key(kept.id.as_str()), false).await.unwrap();
    let aside = nna_domain::files::set_aside_key(&file_of(&kept)).unwrap();
    let swept = a.registry.sweep_files(std::time::Duration::ZERO, false).await.unwrap();
    assert!(!swept.orphans.contains(&aside.to_string()), "{swept:?}");
    assert!(a.blobs.head(&aside).await.unwrap().is_some());
    let mut short = a.registry.config().clone();
    short.deleted_retention = std::time::Duration::from_millis(1);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let swept = (a.make_registry)(short).sweep_files(std::time::Duration::ZERO, false).await.unwrap();
    assert!(swept.orphans.contains(&aside.to_string()), "{swept:?}");
    assert!(a.blobs.head(&aside).await.unwrap().is_none());
}
