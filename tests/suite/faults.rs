//! Writes under faults: the registry's DynamoDB client talks to the emulator through a proxy that
//! throttles, fails, drops (before and after the emulator applied the request) and delays 10% of
//! requests. A thousand creates, each with its own Idempotency-Key, retried with that key when the
//! answer says "retry": every create ends with exactly one asset, every asset is whole and readable,
//! every number is used once, and every answer told the truth.

use crate::support::{Aws, auth, emulator, faults};
use futures::StreamExt;
use nna_aws::DynamoStore;
use nna_domain::idempotency::IdempotencyKey;
use nna_domain::ports::{Maintenance, StoreError};
use nna_domain::{Registry, RegistryConfig, RegistryError};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const CREATES: usize = 1000;
const PLACES: [(&str, &str, &str); 4] =
    [("L", "Casual", "Athleisure"), ("S", "Pop", "Base"), ("G", "Pop", "Base"), ("G", "Rock", "Base")];

fn body(i: usize) -> Map<String, Value> {
    let (layer, category, subcategory) = PLACES[i % PLACES.len()];
    let v = json!({"layer": layer, "category": category, "subcategory": subcategory,
        "creatorDescription": format!("create number {i}"), "tags": [format!("n{i}")]});
    v.as_object().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_creates_through_ten_percent_faults_each_land_once() {
    let aws = Aws::fresh().await;
    let (proxy, counts) = faults::start(&emulator().endpoint, 10, 2026).await;
    // Two attempts per request, not the SDK's three: more faults reach the registry and its caller,
    // whose retries (with the same key) are what is tested here.
    let faulty = emulator()
        .sdk_config()
        .into_builder()
        .endpoint_url(&proxy)
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
        .build();
    let store = Arc::new(DynamoStore::new(aws_sdk_dynamodb::Client::new(&faulty), &aws.table));
    let registry = Registry::new(store, Arc::new(aws.blobs.clone()), RegistryConfig::default());
    let caller = auth::admin();

    // What each create was told, after retrying what it was told to retry.
    let told: Vec<(usize, String, String, u32)> = futures::stream::iter(0..CREATES)
        .map(|i| {
            let registry = registry.clone();
            async move {
                let key = IdempotencyKey::parse(&format!("fault-run-{i}")).unwrap();
                let body = body(i);
                for attempt in 1..=20u32 {
                    match registry.create(caller, nna_tests::keyed(&body, &key)).await {
                        Ok(done) => return (i, done.asset.id.to_string(), done.asset.name().to_owned(), attempt),
                        Err(
                            RegistryError::Store(
                                StoreError::Unavailable(_)
                                | StoreError::Conflict
                                | StoreError::SequenceExhausted(_)
                                | StoreError::MissingComponent(_),
                            )
                            | RegistryError::KeyInUse
                            | RegistryError::KeptChanging,
                        ) => {
                            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        }
                        Err(other) => panic!("create {i} failed with an error that is not retryable: {other}"),
                    }
                }
                panic!("create {i} did not succeed in 20 attempts");
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;

    assert!(counts.total() >= 100, "too few faults to mean anything: {counts:?}");
    for kind in [
        faults::Fault::Throttle,
        faults::Fault::ServerError,
        faults::Fault::DropBefore,
        faults::Fault::DropAfter,
        faults::Fault::Slow,
    ] {
        assert!(counts.of(kind) > 0, "no {kind:?} was injected: {counts:?}");
    }

    // Read back without faults.
    let clean = Registry::new(Arc::new(aws.store.clone()), Arc::new(aws.blobs.clone()), RegistryConfig::default());
    let mut by_place: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    for (i, id, name, _) in &told {
        let stored = clean
            .get(&nna_tests::key(id))
            .await
            .unwrap_or_else(|e| panic!("create {i} was told {id} ({name}), which is not there: {e}"));
        assert_eq!(&stored.name(), name, "create {i}: told one name, stored another");
        assert_eq!(
            stored.creator_description.as_ref().map(|d| d.as_str().to_owned()),
            Some(format!("create number {i}"))
        );
        // Whole: its name and address claims lead back to it.
        assert_eq!(clean.get(&nna_tests::key(name)).await.unwrap().id.as_str(), id, "create {i}: the name claim");
        let mfa = stored.naming.stored_mfa().unwrap();
        assert_eq!(clean.get(&nna_tests::key(mfa)).await.unwrap().id.as_str(), id, "create {i}: the address claim");
        assert!(ids.insert(id.clone()), "two creates were told the same asset {id}");
        let (place, number) = name.rsplit_once('.').unwrap();
        assert!(by_place.entry(place.to_owned()).or_default().insert(number.parse().unwrap()), "{name} given twice");
    }
    assert_eq!(ids.len(), CREATES);
    // No asset nobody was told about: the table holds exactly the thousand (read item by item),
    // numbered 1..n per place.
    let mut stored = 0;
    let mut after: Option<String> = None;
    loop {
        let page = aws.store.scan(0, 1, after.as_deref(), 1000).await.unwrap();
        assert!(page.unreadable.is_empty(), "half-written items: {:?}", page.unreadable);
        stored += page.assets.len();
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(stored, CREATES, "assets stored but never reported");
    // The place counts move inside each create's transaction: exact under lost answers and
    // retries, so the operators' recount, an audit now, finds nothing to fix.
    let total = nna_tests::search(&clean, &[("limit".into(), "1".into())]).await.unwrap().total;
    assert_eq!(total, Some(CREATES as u64), "the listing's total after the faults");
    let ops = nna_operations::Ops::quiet(Arc::new(aws.store.clone()));
    let report = nna_operations::recount::recount(&ops, &nna_operations::scan::Scan::default()).await.unwrap();
    assert_eq!(report.assets, CREATES as u64);
    assert!(report.fixed.is_empty(), "the recount found drift: {:?}", report.fixed);
    for (place, numbers) in &by_place {
        let n = u32::try_from(numbers.len()).unwrap();
        assert_eq!(
            numbers.iter().copied().collect::<Vec<_>>(),
            (1..=n).collect::<Vec<_>>(),
            "{place}: numbers skipped"
        );
    }
    let retried = told.iter().filter(|t| t.3 > 1).count();
    eprintln!(
        "faults: {} of {} requests ({counts:?}); {retried} creates needed more than one call",
        counts.total(),
        counts.requests.load(std::sync::atomic::Ordering::SeqCst)
    );
}
