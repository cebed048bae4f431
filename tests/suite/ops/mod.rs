//! The operators' tool on both stores: the legacy fixture, backup and restore, the migration
//! (dry run, verify, rerun, kill and resume, users writing meanwhile), rollback and album-art
//! reprocessing; and the `nna-ops` binary itself.

mod art_report;
mod cli;
mod fixture;
mod lambda;
mod migration;
mod recovery;
mod reindex;

use crate::conformance::adapters::Adapters;
use nna_domain::Asset;
use nna_domain::ports::ScanPage;
use nna_operations::Ops;
use nna_operations::archive::BlobArchive;
use nna_operations::progress::Quiet;
use nna_operations::scan::Scan;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn ops(a: &Adapters) -> Ops {
    let mut ports = (**a).clone();
    ports.files = Some(a.blobs.clone());
    ports.jobs = Some(a.queue.clone());
    Ops { ports, progress: Arc::new(Quiet), deleted_retention: a.registry.config().deleted_retention }
}

/// Small pages and several segments, so every test crosses page and segment boundaries.
pub fn scan() -> Scan {
    Scan { segments: 3, page: 40, concurrency: 6, ..Scan::default() }
}

/// A backup location in the adapters' own object storage (S3 on the emulator, files on disk).
pub fn archive(a: &Adapters, name: &str) -> BlobArchive {
    BlobArchive::new(a.blobs.clone(), &format!("backups/{name}"), "test")
}

/// The legacy staging fixture, loaded as it is.
pub async fn load_fixture(a: &Adapters, n: usize) -> Vec<Value> {
    let docs = nna_operations::fixture::legacy_documents(n, 7);
    let report = nna_operations::fixture::import(&ops(a), &docs).await.unwrap();
    assert_eq!((report.imported, report.refused.len()), (n as u64, 0), "{:?}", report.refused);
    docs
}

/// Every stored asset by id, as the store gives it back.
pub async fn assets(a: &Adapters) -> BTreeMap<String, Asset> {
    let mut out = BTreeMap::new();
    let mut after: Option<String> = None;
    loop {
        let ScanPage { assets, unreadable, next } = a.maintenance.scan(0, 1, after.as_deref(), 500).await.unwrap();
        assert!(unreadable.is_empty(), "{unreadable:?}");
        out.extend(assets.into_iter().map(|x| (x.id.as_str().to_owned(), x)));
        match next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

/// Every stored asset serialized: what "byte-identical" compares.
pub async fn snapshot(a: &Adapters) -> BTreeMap<String, String> {
    assets(a).await.into_iter().map(|(id, x)| (id, bytes(&x))).collect()
}

/// An asset's canonical JSON (object keys sorted): DynamoDB keeps no key order inside maps, so
/// this is what "byte-identical" can mean across both stores.
pub fn bytes(asset: &Asset) -> String {
    canonical(serde_json::to_value(asset).unwrap()).to_string()
}

fn canonical(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let sorted: BTreeMap<String, Value> = map.into_iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(sorted.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

/// The same, with the migration's time stamp blanked: two runs at different times compare equal.
pub fn timeless(asset: &Asset) -> String {
    let mut v = serde_json::to_value(asset).unwrap();
    if let Some(mark) = v.get_mut("_migration") {
        mark["at"] = Value::Null;
    }
    canonical(v).to_string()
}
