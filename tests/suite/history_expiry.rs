//! `NNA_HISTORY_EXPIRY_DAYS`, off by default: DynamoDB entries carry a TTL that far past their
//! time; the embedded store stops reading older entries and drops them at the asset's next write.

use crate::support::auth::{admin, as_admin};
use crate::support::{Aws, kelly};
use nna_domain::input::EditMode;
use nna_domain::{Registry, RegistryConfig};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

fn obj(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    v.as_object().cloned().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_entries_carry_a_ttl_only_when_asked() {
    let aws = Aws::fresh().await;
    let day = Duration::from_secs(86_400);
    for (expiry, expected) in [(None, false), (Some(day), true)] {
        let store = aws.store.clone().expiring_history(expiry);
        let registry = Registry::new(Arc::new(store), Arc::new(aws.blobs.clone()), RegistryConfig::default());
        let made = registry.create(admin(), nna_tests::request(&obj(kelly()))).await.unwrap().asset;
        let edit = nna_tests::edit(&obj(json!({"description": "later"})), EditMode::Replace);
        registry.edit(as_admin(), &nna_tests::key(made.id.as_str()), &edit).await.unwrap();
        let items = aws
            .store
            .client()
            .query()
            .table_name(&aws.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", nna_aws::dynamo::item::text(format!("H#{}", made.id)))
            .send()
            .await
            .unwrap()
            .items
            .unwrap_or_default();
        assert_eq!(items.len(), 2);
        for item in &items {
            let doc = nna_domain::history::Entry::from_json(item["doc"].as_s().unwrap()).unwrap();
            let ttl = item.get("_ttl").map(|v| v.as_n().unwrap().parse::<i64>().unwrap());
            assert_eq!(ttl.is_some(), expected, "{item:?}");
            if let Some(ttl) = ttl {
                assert_eq!(ttl, doc.at.unix_seconds() + 86_400);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_entries_past_their_age_are_not_read_and_go_at_the_next_write() {
    let dir = tempfile::TempDir::new().unwrap();
    let store = Arc::new(nna_embedded::SqliteStore::open(dir.path().join("registry.sqlite3")).unwrap());
    let blobs =
        nna_embedded::DiskBlobs::new(dir.path().join("files"), "http://127.0.0.1:9/files", "http://127.0.0.1:9/upload")
            .unwrap();
    let registry = Registry::new(store.clone(), Arc::new(blobs), RegistryConfig::default());
    let made = registry.create(admin(), nna_tests::request(&obj(kelly()))).await.unwrap().asset;
    let history = |registry: &Registry| {
        let (registry, key) = (registry.clone(), made.id.to_string());
        async move { registry.history(admin(), &nna_tests::key(&key), None, None).await.unwrap().entries.len() }
    };
    assert_eq!(history(&registry).await, 1, "kept for good by default");
    store.expire_history_after(Some(Duration::from_millis(50)));
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(history(&registry).await, 0, "past its age, no longer read");
    let edit = nna_tests::edit(&obj(json!({"description": "later"})), EditMode::Replace);
    registry.edit(as_admin(), &nna_tests::key(made.id.as_str()), &edit).await.unwrap();
    store.expire_history_after(None);
    assert_eq!(history(&registry).await, 1, "the expired entry went with the edit");
}
