//! The metadata migration against table size. Writes `target/bench/migration.json` and prints it.
//!
//!     cargo bench -p nna-tests --bench migration            # 1,100 and 100,000 assets
//!     NNA_BENCH_SIZES=1100 cargo bench -p nna-tests --bench migration
//!     NNA_BENCH_STORES=embedded NNA_BENCH_SIZES=100000 cargo bench -p nna-tests --bench migration
//!     NNA_BENCH_STORES=dynamodb NNA_BENCH_SIZES=100000 NNA_BENCH_BULK=1 NNA_BENCH_PAGE=1000 cargo bench …
//!
//! `NNA_BENCH_BULK=1` loads DynamoDB with `BatchWriteItem`s of the items and their postings instead of
//! the store's import (the emulator imports ~100 items/s); `NNA_BENCH_PAGE` is the tool's `--page`.
//!
//! For each size, on DynamoDB (the emulator) and on the embedded store: the legacy fixture is
//! loaded, backed up, migrated with the tool's default pace (4 segments × 8 writes at once, no
//! rate limit) and verified against the backup. Reported: seconds and items/s per step, and what
//! one item's migration writes (index terms gained), from which the README sizes a real run.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use nna_domain::migration::{Migrated, migrate as migrate_one};
use nna_domain::ports::{AssetIndex, AssetStore, Attempts, BlobStore, Maintenance, UserStore};
use nna_domain::search::{Level, Scope, index_terms};
use nna_domain::{Asset, Timestamp};
use nna_embedded::{DiskBlobs, SqliteStore};
use nna_operations::archive::BlobArchive;
use nna_operations::migrate::{MigrateOptions, migrate};
use nna_operations::scan::Scan;
use nna_operations::{Ops, backup, fixture, verify};
use nna_tests::Aws;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

fn main() {
    if nna_tests::bench::only_built() {
        return;
    }
    let sizes: Vec<usize> = std::env::var("NNA_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').map(|n| n.trim().parse().expect("a size")).collect())
        .unwrap_or_else(|| vec![1100, 100_000]);
    let stores = std::env::var("NNA_BENCH_STORES").unwrap_or_else(|_| "dynamodb,embedded".into());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let mut runs = Vec::new();
    for &n in &sizes {
        let documents = fixture::legacy_documents(n, 2025);
        runs.push(runtime.block_on(async {
            let mut run = json!({ "assets": n, "writesPerItem": writes_per_item(&documents) });
            if stores.contains("dynamodb") {
                run["dynamodb"] = dynamodb(&documents).await;
            }
            if stores.contains("embedded") {
                run["embedded"] = embedded(&documents).await;
            }
            run
        }));
    }
    let report = json!({ "machine": format!("{} cores", std::thread::available_parallelism().map_or(0, |n| n.get())), "runs": runs });
    nna_tests::bench::report("migration", &report);
}

/// What migrating an item writes besides the item: the index terms it gains or loses (one posting
/// item each on DynamoDB).
fn writes_per_item(documents: &[Value]) -> Value {
    let (mut gained, mut lost) = (0usize, 0usize);
    for doc in documents {
        let asset = Asset::from_legacy(doc).expect("a legacy asset");
        if let Migrated::Changed { next, .. } = migrate_one(&asset, Timestamp::now()) {
            let (old, new): (HashSet<_>, HashSet<_>) =
                (index_terms(&asset).into_iter().collect(), index_terms(&next).into_iter().collect());
            gained += new.difference(&old).count();
            lost += old.difference(&new).count();
        }
    }
    let n = documents.len().max(1) as f64;
    json!({ "termsGained": gained as f64 / n, "termsLost": lost as f64 / n })
}

async fn dynamodb(documents: &[Value]) -> Value {
    let aws = Aws::fresh().await;
    let store = Arc::new(aws.store);
    if std::env::var("NNA_BENCH_BULK").is_ok_and(|v| v == "1") {
        let clock = Instant::now();
        let assets = documents.iter().map(|d| Asset::from_legacy(d).expect("a legacy asset"));
        nna_tests::emulator::bulk_load(&store, assets, &mut Default::default()).await;
        eprintln!("  bulk-loaded {} assets in {:.1} s", documents.len(), clock.elapsed().as_secs_f64());
    }
    let blobs: Arc<dyn BlobStore> = Arc::new(aws.blobs);
    let result = run(store.clone(), blobs, documents).await;
    let (requests, items) = store.metrics().snapshot();
    json!({ "steps": result, "readRequests": requests, "itemsRead": items })
}

async fn embedded(documents: &[Value]) -> Value {
    let dir = tempfile::TempDir::new().expect("a folder");
    let store = Arc::new(SqliteStore::open(dir.path().join("registry.sqlite3")).expect("sqlite"));
    let blobs: Arc<dyn BlobStore> = Arc::new(
        DiskBlobs::new(dir.path().join("files"), "http://127.0.0.1:1/files", "http://127.0.0.1:1/upload")
            .expect("blobs"),
    );
    json!({ "steps": run(store, blobs, documents).await })
}

async fn run<S>(store: Arc<S>, blobs: Arc<dyn BlobStore>, documents: &[Value]) -> Value
where
    S: AssetStore + AssetIndex + Maintenance + UserStore + Attempts + 'static,
{
    let ops = Ops::quiet(store);
    let page = std::env::var("NNA_BENCH_PAGE").ok().and_then(|p| p.parse().ok()).unwrap_or(100);
    let scan = Scan { page, ..Scan::default() };
    let n = documents.len() as f64;
    let timed = |seconds: f64| {
        eprintln!("  {n} assets: a step took {seconds:.1} s");
        json!({ "seconds": (seconds * 100.0).round() / 100.0, "itemsPerSecond": (n / seconds).round() })
    };

    let clock = Instant::now();
    if ops.ports.index.count(&[Scope { level: Level::All, value: "all".into() }]).await.unwrap_or(0) == 0 {
        fixture::import(&ops, documents).await.expect("import");
    }
    let import = timed(clock.elapsed().as_secs_f64());
    let archive = BlobArchive::new(blobs, "backups/bench", "bench");
    let clock = Instant::now();
    backup::backup(&ops, &scan, &archive).await.expect("backup");
    let backup_step = timed(clock.elapsed().as_secs_f64());
    let clock = Instant::now();
    let report = migrate(&ops, &scan, &MigrateOptions::default()).await.expect("migrate");
    let migrate_step = timed(clock.elapsed().as_secs_f64());
    assert_eq!(report.changed as usize, documents.len());
    let clock = Instant::now();
    let loaded = backup::load(&archive).await.expect("the backup");
    let checked = verify::verify(&ops, &scan, Some(loaded)).await.expect("verify");
    assert!(checked.passed, "{:?}", checked.problems.first());
    let verify_step = timed(clock.elapsed().as_secs_f64());
    json!({ "import": import, "backup": backup_step, "migrate": migrate_step, "verify": verify_step })
}
