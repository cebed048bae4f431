use super::adapters::Adapters;
use super::for_both;
use crate::support::{asset_in, kelly, legacy_song, song};
use nna_domain::input::EditMode;
use nna_domain::ports::{Checkpoint, ScanPage};
use nna_domain::{Asset, AssetKey};
use serde_json::Value;
use std::collections::BTreeMap;

for_both!(maintenance:
    segments_hold_every_asset_once,
    checkpoints_are_kept_per_run_and_segment,
    a_restore_puts_back_exactly_the_backup,
    one_run_holds_the_lock_at_a_time,
    the_cutovers_import_writes_only_what_is_new_and_each_item_whole,
);

/// `import_new`: new items whole (found by id, name and address, counted, searchable, numbering
/// past them), items already there left as they are, a name another item holds left with it.
async fn the_cutovers_import_writes_only_what_is_new_and_each_item_whole(a: Adapters) {
    let legacy = |seq: u32, id: &str| {
        let mut doc = legacy_song(seq);
        doc["id"] = Value::String(id.into());
        Asset::load(doc).unwrap()
    };
    let (first, second) = (legacy(4, "6868865274bd8b06a2f91f01"), legacy(7, "6868865274bd8b06a2f91f02"));
    // A second item under the first one's name: the old backend's duplicate numbers.
    let twin = legacy(4, "6868865274bd8b06a2f91f03");
    let written = a.store.import_new(&[first.clone(), second.clone(), twin.clone(), first.clone()]).await.unwrap();
    assert_eq!(written, [true, true, true, false], "the same id twice: the first is the import");
    let by = |key: &str| {
        let store = a.store.clone();
        let key = AssetKey::parse(key).unwrap();
        async move { store.get(&key).await.unwrap().map(|a| a.id.to_string()) }
    };
    assert_eq!(by("G.HIP.MOD.004").await.as_deref(), Some("6868865274bd8b06a2f91f01"), "the first holds the name");
    assert_eq!(by("1.003.003.007").await.as_deref(), Some("6868865274bd8b06a2f91f02"));
    assert_eq!(by("6868865274bd8b06a2f91f03").await.as_deref(), Some("6868865274bd8b06a2f91f03"));

    // Again, and with one changed since: nothing is written, the change stays.
    let mut edited = a.store.get(&AssetKey::Id(second.id.clone())).await.unwrap().unwrap();
    let mut next = edited.clone();
    next.description = Some("edited on the new backend".into());
    next.revision += 1;
    a.store.replace(&edited, &next, &nna_tests::entry_of(Some(&edited), Some(&next))).await.unwrap();
    edited = next;
    assert_eq!(a.store.import_new(&[first.clone(), second.clone(), twin]).await.unwrap(), [false, false, false]);
    assert_eq!(a.store.get(&AssetKey::Id(second.id.clone())).await.unwrap(), Some(edited));

    // Counted exactly (a recount finds nothing to fix), searchable, and numbering goes on after.
    let mut exact = BTreeMap::new();
    for asset in read_all(&a, 1, 100).await.values() {
        for place in nna_domain::search::Scope::of(asset) {
            *exact.entry(place.value).or_insert(0u64) += 1;
        }
    }
    assert_eq!(a.maintenance.recount(&exact).await.unwrap(), []);
    let found = nna_tests::search(&a.registry, &[("q".into(), "doechii".into())]).await.unwrap();
    assert_eq!(found.total, Some(3));
    let mut body = song("After the cutover");
    body["category"] = "Hip_Hop".into();
    body["subcategory"] = "Modern_Hip_Hop".into();
    let made = a.registry.create(crate::support::auth::admin(), nna_tests::request(&obj(body))).await.unwrap();
    assert_eq!(made.asset.name(), "G.HIP.MOD.008");
}

/// The operators' run lock: one holder; renewed by it, refused to others while live, free again
/// when released or lapsed.
async fn one_run_holds_the_lock_at_a_time(a: Adapters) {
    use nna_domain::Timestamp;
    use nna_domain::ports::RunLock;
    let at = |ms_from_now: i64| Timestamp::from_millis(Timestamp::now().millis() + ms_from_now).unwrap();
    let lock = |holder: &str, lease_ms: i64| RunLock {
        holder: holder.into(),
        command: "migrate".into(),
        since: Timestamp::now(),
        expires_at: at(lease_ms),
    };
    let m = &a.maintenance;
    assert_eq!(m.take_lock(&lock("cli ana", 60_000)).await.unwrap(), None);
    assert_eq!(m.take_lock(&lock("cli ana", 90_000)).await.unwrap(), None, "the holder renews");
    let refused = m.take_lock(&lock("lambda 1", 60_000)).await.unwrap().expect("held by another");
    assert_eq!((refused.holder.as_str(), refused.command.as_str()), ("cli ana", "migrate"));
    m.release_lock("lambda 1").await.unwrap();
    assert!(m.take_lock(&lock("lambda 1", 60_000)).await.unwrap().is_some(), "only the holder lets go");
    m.release_lock("cli ana").await.unwrap();
    assert_eq!(m.take_lock(&lock("lambda 1", 1)).await.unwrap(), None);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(m.take_lock(&lock("lambda 2", 60_000)).await.unwrap(), None, "a lapsed lease is free");
}

fn obj(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().unwrap().clone()
}

async fn fill(a: &Adapters) -> Vec<Asset> {
    let mut made = Vec::new();
    for n in 0..12 {
        let body = match n % 3 {
            0 => kelly(),
            1 => song(&format!("Song {n}")),
            _ => asset_in("S", "Pop", "Base"),
        };
        made.push(
            a.registry.create(crate::support::auth::admin(), nna_tests::request(&obj(body))).await.unwrap().asset,
        );
    }
    for seq in 1..=3 {
        let mut legacy = legacy_song(seq);
        legacy["id"] = Value::String(format!("6868865274bd8b06a2f91f{seq:02}"));
        let legacy = Asset::load(legacy).unwrap();
        a.store.import(&legacy).await.unwrap();
        made.push(legacy);
    }
    made
}

/// Every asset, by id, read through `segments` segments `limit` at a time.
async fn read_all(a: &Adapters, segments: u32, limit: usize) -> BTreeMap<String, Asset> {
    let mut out = BTreeMap::new();
    for segment in 0..segments {
        let mut after: Option<String> = None;
        loop {
            let ScanPage { assets, unreadable, next } =
                a.maintenance.scan(segment, segments, after.as_deref(), limit).await.unwrap();
            assert!(unreadable.is_empty(), "{unreadable:?}");
            for asset in assets {
                let id = asset.id.as_str().to_owned();
                assert!(out.insert(id.clone(), asset).is_none(), "{id} read twice");
            }
            match next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
    }
    out
}

async fn segments_hold_every_asset_once(a: Adapters) {
    let made = fill(&a).await;
    let expected: BTreeMap<String, Asset> = made.into_iter().map(|x| (x.id.as_str().to_owned(), x)).collect();
    for (segments, limit) in [(1, 1000), (1, 4), (3, 2), (4, 5)] {
        let got = read_all(&a, segments, limit).await;
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{segments} segments of {limit}"
        );
        assert_eq!(got, expected);
    }
}

async fn checkpoints_are_kept_per_run_and_segment(a: Adapters) {
    use nna_domain::ports::Run;
    let m = &a.maintenance;
    assert_eq!(m.checkpoint(Run::Reindex, 0).await.unwrap(), None);
    m.save_checkpoint(Run::Reindex, 0, &Checkpoint::After("abc".into())).await.unwrap();
    m.save_checkpoint(Run::Reindex, 1, &Checkpoint::Done).await.unwrap();
    m.save_checkpoint(Run::CopyFiles, 0, &Checkpoint::Done).await.unwrap();
    m.save_checkpoint(Run::Reindex, 0, &Checkpoint::After("def".into())).await.unwrap();
    assert_eq!(m.checkpoint(Run::Reindex, 0).await.unwrap(), Some(Checkpoint::After("def".into())));
    assert_eq!(m.checkpoint(Run::Reindex, 1).await.unwrap(), Some(Checkpoint::Done));
    m.clear_checkpoints(Run::Reindex).await.unwrap();
    assert_eq!(
        (m.checkpoint(Run::Reindex, 0).await.unwrap(), m.checkpoint(Run::Reindex, 1).await.unwrap()),
        (None, None)
    );
    assert_eq!(m.checkpoint(Run::CopyFiles, 0).await.unwrap(), Some(Checkpoint::Done), "other runs are untouched");
    // Checkpoints are not assets.
    assert!(read_all(&a, 1, 100).await.is_empty());
}

async fn a_restore_puts_back_exactly_the_backup(a: Adapters) {
    fill(&a).await;
    let backup: Vec<Asset> = read_all(&a, 1, 1000).await.into_values().collect();
    let sequences = a.maintenance.sequences().await.unwrap();
    assert!(sequences.iter().any(|s| s.path == "L.CAS.ATL" && s.last == 4), "{sequences:?}");

    // Damage: edits, a delete, new assets, a wrong counter.
    let victim = &backup[0];
    a.registry
        .edit(
            crate::support::auth::as_admin(),
            &nna_tests::key(victim.id.as_str()),
            &nna_tests::edit(&obj(serde_json::json!({"description": "vandalized"})), EditMode::Merge),
        )
        .await
        .unwrap();
    a.registry.delete(crate::support::auth::as_admin(), &nna_tests::key(backup[1].id.as_str()), false).await.unwrap();
    for _ in 0..3 {
        a.registry.create(crate::support::auth::admin(), nna_tests::request(&obj(kelly()))).await.unwrap();
    }
    a.maintenance.checkpoint(nna_domain::ports::Run::Reindex, 0).await.unwrap();
    a.maintenance.save_checkpoint(nna_domain::ports::Run::Reindex, 0, &Checkpoint::Done).await.unwrap();

    a.maintenance.restore(&backup, &sequences).await.unwrap();
    let restored: Vec<Asset> = read_all(&a, 1, 1000).await.into_values().collect();
    assert_eq!(restored, backup);
    assert_eq!(a.maintenance.sequences().await.unwrap(), sequences);
    assert_eq!(
        a.maintenance.checkpoint(nna_domain::ports::Run::Reindex, 0).await.unwrap(),
        Some(Checkpoint::Done),
        "checkpoints survive"
    );
    // Lookups, search and numbering work on the restored data.
    let by_name = a.store.get(&AssetKey::parse(victim.name()).unwrap()).await.unwrap().unwrap();
    assert_eq!(by_name, *victim);
    let page = nna_tests::search(&a.registry, &[("q".into(), "Song".into())]).await.unwrap();
    assert_eq!(page.items.len(), 4);
    // The per-word counts totals come from are put back with the postings.
    for word in ["kelly", "song", "vandalized"] {
        let term = nna_domain::search::IndexTerm::word(word);
        let listed = a.index.postings(&term, 1000).await.unwrap().len() as u64;
        assert_eq!(a.index.count_postings(&term, 1000).await.unwrap(), listed, "{word}");
    }
    assert_eq!(
        a.registry.create(crate::support::auth::admin(), nna_tests::request(&obj(kelly()))).await.unwrap().asset.name(),
        "L.CAS.ATL.005"
    );
}
