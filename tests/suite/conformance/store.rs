use super::adapters::Adapters;
use super::for_both;
use crate::support::{asset_in, kelly, legacy_song};
use futures::future::join_all;
use nna_domain::asset::{Deletion, Naming};
use nna_domain::input::EditMode;
use nna_domain::ports::{CreatePlan, StoreError};
use nna_domain::{Address, Asset, AssetId, AssetKey, RegistryError, Timestamp};
use nna_tests::entry_of;
use serde_json::{Value, json};
use std::sync::Arc;

for_both!(store:
    numbers_start_at_one_per_subcategory,
    fifty_concurrent_creates_are_consecutive,
    reads_by_id_hfn_and_mfa,
    racing_replaces_one_wins,
    concurrent_edits_lose_nothing,
    deletes_are_conditional_and_numbers_stay_used,
    deletes_leave_no_composite_pointing_nowhere,
    a_legacy_item_loads_and_holds_its_number,
    a_vanished_component_refuses_the_create,
    refused_creates_among_concurrent_ones_use_no_number,
    listings_order_filter_and_count,
    accounts_are_unique_by_email_and_take_roles,
    idempotent_creates_make_one_asset,
    an_expired_key_is_free_again,
    attempts_are_counted_per_key_and_window,
    creators_words_with_dots_are_kept_exactly,
    one_upload_makes_one_asset_however_many_creates_name_it,
);

/// Eight creates naming one fresh upload at once: exactly one makes an asset, the others hear
/// `UploadClaimed` (409), never a store or file failure; one file is left under `assets/`.
async fn one_upload_makes_one_asset_however_many_creates_name_it(a: Adapters) {
    let slot = json!({"contentType": "image/png", "size": crate::support::PNG_HEAD.len()});
    let max = a.registry.config().max_upload_bytes;
    let slot = nna_domain::upload::DirectUpload::parse(slot.as_object().unwrap(), max, Timestamp::now()).unwrap();
    let slot = a.registry.upload_slot(slot).await.unwrap();
    let meta = nna_domain::ports::BlobMeta { content_type: "image/png".into(), cache_control: "no-cache".into() };
    a.blobs.put(&slot.key, crate::support::PNG_HEAD.to_vec().into(), &meta).await.unwrap();
    let mut body = kelly();
    body["uploadKey"] = json!(slot.key.as_str());
    let creates =
        (0..8).map(|_| a.registry.create(crate::support::auth::admin(), nna_tests::request(&obj(body.clone()))));
    let results = join_all(creates).await;
    let made: Vec<&Asset> = results.iter().filter_map(|r| r.as_ref().ok()).map(|c| &c.asset).collect();
    let outcomes: Vec<String> =
        results.iter().map(|r| r.as_ref().map_or_else(|e| format!("{e:?}"), |c| c.asset.name().to_owned())).collect();
    assert_eq!(made.len(), 1, "{outcomes:?}");
    for refused in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(matches!(refused, RegistryError::UploadClaimed(_)), "{refused:?}");
    }
    let files = a.blobs.list("assets/", None, 100).await.unwrap();
    let keys: Vec<&str> = files.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys.len(), 1, "the losers' copies are removed: {keys:?}");
    assert!(made[0].gcp_storage_url.as_deref().is_some_and(|u| u.ends_with(keys[0])), "{keys:?}");
    // Later, the same key again: refused, and nothing more is made.
    let again = a.registry.create(crate::support::auth::admin(), nna_tests::request(&obj(body))).await;
    assert!(matches!(again, Err(RegistryError::UploadClaimed(_))), "{again:?}");
    assert_eq!(a.blobs.list("assets/", None, 100).await.unwrap().len(), 1);
}

/// Dotted words that are no address are the creator's, stored and read back as typed; an address
/// is set aside with a warning.
async fn creators_words_with_dots_are_kept_exactly(a: Adapters) {
    let words = ["www.adidas.co.uk", "v1.2.3.4", "J.R.R.Tolkien", "שלום.עולם.👟.e\u{301}", "  spaced.out.words.here  "];
    for w in words {
        let mut body = kelly();
        body["creatorDescription"] = json!(w);
        let made = a.registry.create(crate::support::auth::admin(), nna_tests::request(&obj(body))).await.unwrap();
        assert!(made.warnings.is_empty(), "{w:?}: {:?}", made.warnings);
        let read = a.registry.get(&nna_tests::key(&made.asset.id.to_string())).await.unwrap();
        assert_eq!(read.creator_description.as_ref().map(|d| d.as_str()), Some(w));
    }
    let mut body = kelly();
    body["creatorDescription"] = json!("G.POP.BAS.001");
    let made = a.registry.create(crate::support::auth::admin(), nna_tests::request(&obj(body))).await.unwrap();
    assert_eq!(made.warnings.iter().map(|w| w.code).collect::<Vec<_>>(), ["address_not_words"]);
    assert!(made.asset.creator_description.is_none());
}

/// The login and register limits' counter: per key, per window, shared by every caller.
async fn attempts_are_counted_per_key_and_window(a: Adapters) {
    use nna_domain::auth::{AttemptKey, ClientAddress};
    let at = |secs: i64| nna_domain::Timestamp::from_millis(secs * 1000).unwrap();
    let (one, two) = (ClientAddress("10.0.0.1".into()), ClientAddress("10.0.0.2".into()));
    let (key, other) = (AttemptKey::Logins(&one), AttemptKey::Logins(&two));
    let counts: Vec<u64> = futures::future::join_all((0..5).map(|_| a.attempts.attempt(&key, 60, at(120))))
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let mut sorted = counts.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [1, 2, 3, 4, 5], "concurrent attempts each counted once: {counts:?}");
    assert_eq!(a.attempts.attempt(&key, 60, at(179)).await.unwrap(), 6, "the same window");
    assert_eq!(a.attempts.attempt(&key, 60, at(180)).await.unwrap(), 1, "the next window");
    assert_eq!(a.attempts.attempt(&other, 60, at(179)).await.unwrap(), 1, "another key");
}

fn obj(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().unwrap().clone()
}

async fn create(a: &Adapters, body: Value) -> Asset {
    a.registry.create(crate::support::auth::admin(), nna_tests::request(&obj(body))).await.unwrap().asset
}

async fn numbers_start_at_one_per_subcategory(a: Adapters) {
    let names = [
        create(&a, kelly()).await.name().to_owned(),
        create(&a, kelly()).await.name().to_owned(),
        create(&a, asset_in("L", "Casual", "Denim")).await.name().to_owned(),
        create(&a, kelly()).await.name().to_owned(),
    ];
    assert_eq!(names, ["L.CAS.ATL.001", "L.CAS.ATL.002", "L.CAS.DNM.001", "L.CAS.ATL.003"]);
}

async fn fifty_concurrent_creates_are_consecutive(a: Adapters) {
    let body = obj(kelly());
    let created =
        join_all((0..50).map(|_| a.registry.create(crate::support::auth::admin(), nna_tests::request(&body)))).await;
    let mut names: Vec<String> = created.into_iter().map(|r| r.unwrap().asset.name().to_owned()).collect();
    names.sort();
    let expected: Vec<String> = (1..=50).map(|n| format!("L.CAS.ATL.{n:03}")).collect();
    assert_eq!(names, expected);
}

async fn reads_by_id_hfn_and_mfa(a: Adapters) {
    let made = create(&a, kelly()).await;
    for key in [made.id.as_str(), "L.CAS.ATL.001", "3.004.004.001", "L.004.004.001"] {
        assert_eq!(a.registry.get(&nna_tests::key(key)).await.unwrap(), made, "{key}");
    }
    assert!(matches!(a.registry.get(&nna_tests::key("L.CAS.ATL.002")).await, Err(RegistryError::NotFound(_))));
    assert!(a.store.get(&AssetKey::Id(AssetId::generate())).await.unwrap().is_none());
}

async fn racing_replaces_one_wins(a: Adapters) {
    let made = create(&a, kelly()).await;
    let edit = |words: &str| {
        let mut next = made.clone();
        next.description = Some(words.to_owned());
        next.revision += 1;
        next
    };
    let (x, y) = (edit("first"), edit("second"));
    let results = join_all([
        a.store.replace(&made, &x, &entry_of(Some(&made), Some(&x))),
        a.store.replace(&made, &y, &entry_of(Some(&made), Some(&y))),
    ])
    .await;
    let wins = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results.iter().filter(|r| matches!(r, Err(StoreError::Conflict))).count();
    assert_eq!((wins, conflicts), (1, 1), "{results:?}");
    let stored = a.registry.get(&nna_tests::key(made.id.as_str())).await.unwrap();
    assert!(stored == x || stored == y);
    // A stale revision never writes.
    let late = edit("late");
    assert!(matches!(
        a.store.replace(&made, &late, &entry_of(Some(&made), Some(&late))).await,
        Err(StoreError::Conflict)
    ));
}

async fn concurrent_edits_lose_nothing(a: Adapters) {
    create(&a, kelly()).await;
    let edits: Vec<_> = (0..10)
        .map(|i| nna_tests::edit(&obj(json!({ "aiMetadata": { format!("note{i}"): i } })), EditMode::Merge))
        .collect();
    let key = nna_tests::key("L.CAS.ATL.001");
    let done = join_all(edits.iter().map(|e| a.registry.edit(crate::support::auth::as_admin(), &key, e))).await;
    assert!(done.iter().all(Result::is_ok), "{done:?}");
    let ai = a.registry.get(&nna_tests::key("L.CAS.ATL.001")).await.unwrap().ai_metadata.unwrap();
    for i in 0..10 {
        assert_eq!(ai.extra.get(&format!("note{i}")), Some(&json!(i)), "edit {i} survived");
    }
}

async fn deletes_are_conditional_and_numbers_stay_used(a: Adapters) {
    let made = create(&a, kelly()).await;
    let mut stale = made.clone();
    stale.revision += 1;
    let record = |x: &Asset| Deletion::of(x, "admin@tests.nna", Timestamp::now());
    assert!(matches!(
        a.store.delete(&stale, &record(&stale), &entry_of(Some(&stale), None)).await,
        Err(StoreError::Conflict)
    ));
    assert!(a.maintenance.deletions(None, 10).await.unwrap().is_empty(), "a refused delete keeps no record");
    a.store.delete(&made, &record(&made), &entry_of(Some(&made), None)).await.unwrap();
    assert!(a.store.get(&AssetKey::Id(made.id.clone())).await.unwrap().is_none());
    assert!(matches!(
        a.store.delete(&made, &record(&made), &entry_of(Some(&made), None)).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(create(&a, kelly()).await.name(), "L.CAS.ATL.002");
    let kept = a.maintenance.deletions(None, 10).await.unwrap();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!((kept[0].asset_id.clone(), kept[0].name.as_str()), (made.id.clone(), "L.CAS.ATL.001"));
    assert!(a.maintenance.deletions(Some(&kept[0].sort_key()), 10).await.unwrap().is_empty());
}

/// A component a composite lists is not deleted out from under it, unless forced; then the
/// composite says which of its parts is gone, the record says who did it, and the files go.
async fn deletes_leave_no_composite_pointing_nowhere(a: Adapters) {
    use nna_domain::registry::BROKEN_COMPONENTS;
    let star = create(&a, asset_in("S", "Pop", "Base")).await;
    let look = create(&a, kelly()).await;
    let composite = create(
        &a,
        json!({"layer": "C", "category": "Full_Composites", "subcategory": "Pop", "components": [star.naming.nna_address(), look.name()]}),
    )
    .await;
    let admin = crate::support::auth::as_admin();
    match a.registry.delete(admin, &nna_tests::key(star.name()), false).await {
        Err(RegistryError::ComponentInUse(names)) => assert_eq!(names, std::slice::from_ref(&composite.name())),
        other => panic!("expected component_in_use, got {other:?}"),
    }
    assert!(a.registry.get(&nna_tests::key(star.name())).await.is_ok(), "the refused delete changed nothing");
    assert!(a.maintenance.deletions(None, 10).await.unwrap().is_empty());

    let gone = a.registry.delete(admin, &nna_tests::key(star.name()), true).await.unwrap();
    assert_eq!(gone.record.broken_composites, std::slice::from_ref(&composite.name()));
    assert_eq!(gone.record.deleted_by, "admin@tests.nna");
    let marked = a.registry.get(&nna_tests::key(composite.id.as_str())).await.unwrap();
    assert_eq!(marked.extra.get(BROKEN_COMPONENTS), Some(&json!([star.naming.nna_address()])));
    assert_eq!(a.maintenance.deletions(None, 10).await.unwrap(), std::slice::from_ref(&gone.record));
    // The composite itself, and an asset nothing lists, go without force.
    a.registry.delete(admin, &nna_tests::key(composite.id.as_str()), false).await.unwrap();
    a.registry.delete(admin, &nna_tests::key(look.name()), false).await.unwrap();
    assert_eq!(a.maintenance.deletions(None, 10).await.unwrap().len(), 3);
}

async fn a_legacy_item_loads_and_holds_its_number(a: Adapters) {
    let legacy = Asset::load(legacy_song(5)).unwrap();
    a.store.import(&legacy).await.unwrap();
    for key in ["6868865274bd8b06a2f91f0c", "G.HIP.MOD.005", "1.003.003.005", "G.003.003.005"] {
        let got = a.registry.get(&nna_tests::key(key)).await.unwrap();
        let mut json = serde_json::to_value(&got).unwrap();
        json.as_object_mut().unwrap().remove("revision");
        assert_eq!(json, legacy_song(5), "{key}");
    }
    let next = create(&a, json!({"layer": "G", "category": "Hip_Hop", "subcategory": "Modern_Hip_Hop"})).await;
    assert_eq!(next.name(), "G.HIP.MOD.006", "the sequence moved past the imported number");
    let page = nna_tests::search(&a.registry, &[("category".into(), "Hip_Hop".into())]).await.unwrap();
    assert_eq!((page.total, page.items.len()), (Some(2), 2));
}

/// A create straight to the store: a copy of `template` under a new id at the next number of
/// `place` (`L.CAS.DNM`), requiring `requires` to exist.
fn plan_at(place: &str, template: &Asset, requires: Vec<AssetId>) -> CreatePlan {
    let path = Address::parse(&format!("{place}.001")).unwrap().path;
    let template = template.clone();
    CreatePlan {
        path,
        requires,
        build: Arc::new(move |address: Address| {
            let mut a = template.clone();
            a.id = AssetId::generate();
            a.place = nna_domain::asset::Place::of(address.path);
            a.naming = Naming::given(&address, "");
            a
        }),
        idempotency: None,
        upload: None,
        change: nna_domain::history::Change::operator("tests", None),
    }
}

async fn a_vanished_component_refuses_the_create(a: Adapters) {
    let look = create(&a, kelly()).await;
    let star = create(&a, asset_in("S", "Pop", "Base")).await;
    let plan = plan_at("C.FUL.POP", &look, vec![look.id.clone(), AssetId::generate()]);
    assert!(matches!(a.store.create(plan).await, Err(StoreError::MissingComponent(_))));
    let ok = a
        .registry
        .create(
            crate::support::auth::admin(),
            nna_tests::request(&obj(
                json!({"layer": "C", "category": "FUL", "subcategory": "POP", "components": [look.name(), star.name()]}),
            )),
        )
        .await
        .unwrap()
        .asset;
    assert_eq!(ok.name(), "C.FUL.POP.001:L.004.004.001:S.001.001.001", "the refused create used no number");
}

/// Concurrent creates may share a transaction (the embedded store's group commit): one refused
/// among them is refused alone, and uses no number.
async fn refused_creates_among_concurrent_ones_use_no_number(a: Adapters) {
    let look = create(&a, kelly()).await;
    let plan = |i: usize| {
        plan_at("L.CAS.DNM", &look, if i.is_multiple_of(4) { vec![AssetId::generate()] } else { Vec::new() })
    };
    let results = join_all((0..40).map(|i| a.store.create(plan(i)))).await;
    let mut names = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(asset) => names.push(asset.name().to_owned()),
            Err(StoreError::MissingComponent(_)) if i.is_multiple_of(4) => {}
            other => panic!("create {i}: {other:?}"),
        }
    }
    names.sort();
    let expected: Vec<String> = (1..=30).map(|n| format!("L.CAS.DNM.{n:03}")).collect();
    assert_eq!(names, expected);
}

async fn listings_order_filter_and_count(a: Adapters) {
    for body in [
        kelly(),
        asset_in("G", "Pop", "Base"),
        asset_in("S", "Pop", "Base"),
        asset_in("L", "Casual", "Denim"),
        kelly(),
        asset_in("G", "Rock", "Base"),
    ] {
        // registeredBy is who created it.
        let by = crate::support::auth::caller(
            if body["layer"] == "L" { "b@x.io" } else { "a@x.io" },
            nna_domain::auth::Role::Editor,
        );
        a.registry.create(&by, nna_tests::request(&obj(body))).await.unwrap();
    }
    a.registry
        .edit(
            crate::support::auth::as_admin(),
            &nna_tests::key("G.POP.BAS.001"),
            &nna_tests::edit(&obj(json!({"description": "touched"})), EditMode::Merge),
        )
        .await
        .unwrap();
    let names = |params: &[(&str, &str)]| {
        let params: Vec<(String, String)> = params.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        let registry = a.registry.clone();
        async move {
            let page = nna_tests::search(&registry, &params).await.unwrap();
            (page.items.iter().map(|x| x.name().to_owned()).collect::<Vec<_>>(), page.total.unwrap())
        }
    };
    let all = ["L.CAS.ATL.001", "G.POP.BAS.001", "S.POP.BAS.001", "L.CAS.DNM.001", "L.CAS.ATL.002", "G.RCK.BAS.001"];
    let newest: Vec<&str> = all.iter().rev().copied().collect();
    assert_eq!(names(&[]).await, (newest.iter().map(|s| s.to_string()).collect(), 6));
    assert_eq!(
        names(&[("sortOrder", "asc"), ("limit", "2"), ("page", "2")]).await,
        (vec![all[2].into(), all[3].into()], 6)
    );
    assert_eq!(
        names(&[("sortBy", "name")]).await.0,
        ["G.POP.BAS.001", "G.RCK.BAS.001", "L.CAS.ATL.001", "L.CAS.ATL.002", "L.CAS.DNM.001", "S.POP.BAS.001"]
    );
    assert_eq!(names(&[("sortBy", "updatedAt")]).await.0[0], "G.POP.BAS.001");
    assert_eq!(
        names(&[("sortBy", "registeredBy"), ("sortOrder", "asc")]).await.0,
        ["G.POP.BAS.001", "S.POP.BAS.001", "G.RCK.BAS.001", "L.CAS.ATL.001", "L.CAS.DNM.001", "L.CAS.ATL.002"]
    );
    assert_eq!(
        names(&[("layer", "L")]).await,
        (vec!["L.CAS.ATL.002".into(), "L.CAS.DNM.001".into(), "L.CAS.ATL.001".into()], 3)
    );
    assert_eq!(names(&[("category", "Pop")]).await, (vec!["S.POP.BAS.001".into(), "G.POP.BAS.001".into()], 2));
    assert_eq!(
        names(&[("layer", "L"), ("subcategory", "Athleisure"), ("sortBy", "name")]).await,
        (vec!["L.CAS.ATL.001".into(), "L.CAS.ATL.002".into()], 2)
    );
    assert_eq!(names(&[("subcategory", "Base"), ("limit", "1")]).await, (vec!["G.RCK.BAS.001".into()], 3));
    assert_eq!(names(&[("page", "4"), ("limit", "2")]).await, (vec![], 6));
}

async fn accounts_are_unique_by_email_and_take_roles(a: Adapters) {
    use nna_domain::auth::{Email, Login, PasswordHash, Role, User, UserId, Username};
    let email = Email::parse("Kelly@Example.com").unwrap();
    let argon2: PasswordHash =
        serde_json::from_value(json!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA")).unwrap();
    let user = User {
        id: UserId("u1".into()),
        username: Username::parse("kelly-k").unwrap(),
        email: email.clone(),
        role: Role::Editor,
        password_hash: argon2.clone(),
        created_at: nna_domain::Timestamp::now(),
    };
    a.users.create_user(&user).await.unwrap();
    assert!(matches!(
        a.users.create_user(&User { id: UserId("u2".into()), ..user.clone() }).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(a.users.user(&Email::parse("kelly@example.com").unwrap()).await.unwrap(), Some(user.clone()));
    let promoted = a.users.set_role(&email, Role::Admin).await.unwrap().unwrap();
    assert_eq!((promoted.role, &promoted.id), (Role::Admin, &user.id));
    assert_eq!(a.users.user(&email).await.unwrap().unwrap().role, Role::Admin);
    assert!(a.users.set_role(&Email::parse("nobody@example.com").unwrap(), Role::Admin).await.unwrap().is_none());

    // A password hash is replaced only while it is the one the login read.
    let bcrypt = PasswordHash::bcrypt(&format!("$2a$10${}", "a".repeat(53))).unwrap();
    assert!(!a.users.replace_password_hash(&email, &bcrypt, &argon2).await.unwrap(), "not the stored hash");
    assert!(a.users.replace_password_hash(&email, &argon2, &bcrypt).await.unwrap());
    assert_eq!(a.users.user(&email).await.unwrap().unwrap().password_hash, bcrypt);
    let nobody = Email::parse("nobody@example.com").unwrap();
    assert!(!a.users.replace_password_hash(&nobody, &bcrypt, &argon2).await.unwrap());

    // Every account is listed; nothing else of the table is (attempts live under the same prefix).
    a.registry
        .login(
            &nna_domain::auth::ClientAddress::unknown(),
            Login::parse(&obj(json!({"email": "x@y.z", "password": "wrong"}))),
        )
        .await
        .unwrap_err();
    let other = User { id: UserId("u3".into()), email: Email::kept("Old.Style@Example.com").unwrap(), ..user.clone() };
    a.users.create_user(&other).await.unwrap();
    let mut all: Vec<String> = a.users.all_users().await.unwrap().into_iter().map(|u| u.id.0).collect();
    all.sort();
    assert_eq!(all, ["u1", "u3"]);
}

/// Twenty retries of one create at once: one asset, and every retry answers it.
async fn idempotent_creates_make_one_asset(a: Adapters) {
    use nna_domain::idempotency::IdempotencyKey;
    let (caller, key, body) = (crate::support::auth::admin(), IdempotencyKey::parse("retry-me").unwrap(), obj(kelly()));
    let tries = join_all((0..20).map(|_| a.registry.create(caller, nna_tests::keyed(&body, &key)))).await;
    let ids: std::collections::BTreeSet<String> =
        tries.iter().map(|t| t.as_ref().map(|c| c.asset.id.to_string()).map_err(|e| e.to_string()).unwrap()).collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(tries.iter().filter(|t| t.as_ref().is_ok_and(|c| !c.replayed)).count(), 1);
    let listed = nna_tests::search(&a.registry, &[("limit".into(), "100".into())]).await.unwrap().items;
    assert_eq!(listed.len(), 1);

    let mut other = body.clone();
    other.insert("tags".into(), json!(["another"]));
    assert!(matches!(a.registry.create(caller, nna_tests::keyed(&other, &key)).await, Err(RegistryError::KeyReused)));
}

/// A key past its lifetime is free again, even before the store has forgotten it.
async fn an_expired_key_is_free_again(a: Adapters) {
    use nna_domain::idempotency::IdempotencyKey;
    let config =
        nna_domain::RegistryConfig { idempotency_lifetime: std::time::Duration::from_secs(3), ..Default::default() };
    let registry = (a.make_registry)(config);
    let (caller, key, body) =
        (crate::support::auth::admin(), IdempotencyKey::parse("short-lived").unwrap(), obj(kelly()));
    let first = registry.create(caller, nna_tests::keyed(&body, &key)).await.unwrap();
    let replay = registry.create(caller, nna_tests::keyed(&body, &key)).await.unwrap();
    assert!(replay.replayed && replay.asset.id == first.asset.id);
    // Past the lifetime; DynamoDB keeps whole seconds (rounded up).
    tokio::time::sleep(std::time::Duration::from_millis(4100)).await;
    let later = registry.create(caller, nna_tests::keyed(&body, &key)).await.unwrap();
    assert!(!later.replayed && later.asset.id != first.asset.id, "{later:?}");
}
