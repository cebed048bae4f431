//! The cutover rehearsal: a generated old backend (the 1,100-asset staging table over every layer,
//! composites and the 14 songs, every known defect; 50 users with real bcrypt hashes at bcryptjs's
//! cost 10; one real file per asset, 100 KB to 5 MB, served on loopback as Cloud Storage serves
//! them) moved onto the registry end to end by the release `nna-ops`, as the README's runbook
//! does it, on each store (DynamoDB on the emulator), timed per phase, the file copy interrupted
//! once and resumed. Goal: the whole cutover with files under 10 minutes on a 2-core machine, and
//! `verify-legacy` passing. Writes `target/bench/cutover.json` and prints it.
//!
//!     cargo bench -p nna-tests --bench cutover
//!     NNA_BENCH_STORES=embedded NNA_BENCH_ASSETS=200 cargo bench -p nna-tests --bench cutover
#![allow(clippy::expect_used, clippy::unwrap_used)]

use nna_tests::old_backend::OldBackend;
use nna_tests::{Aws, emulator, release_binary};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// Goal for the whole cutover, files included.
const GOAL_SECONDS: f64 = 600.0;

fn main() {
    if nna_tests::bench::only_built() {
        return;
    }
    let assets: usize = std::env::var("NNA_BENCH_ASSETS").ok().map_or(1100, |n| n.parse().expect("a number"));
    let stores = std::env::var("NNA_BENCH_STORES").unwrap_or_else(|_| "embedded,dynamodb".into());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let ops = release_binary("nna-ops", "nna-ops");
    let mut runs = Vec::new();
    runtime.block_on(async {
        let made = Instant::now();
        let old = OldBackend::start(assets, 50, 2025, 10, 100_000..5_000_000, HashMap::new(), HashMap::new()).await;
        let generated = made.elapsed().as_secs_f64();
        let dir = tempfile::TempDir::new().expect("a work folder");
        let (assets_export, users_export) = old.write_exports(dir.path());
        for store in stores.split(',').map(str::trim) {
            let target = match store {
                "embedded" => Target::embedded(),
                "dynamodb" => Target::dynamodb().await,
                other => panic!("unknown store {other}"),
            };
            let mut run = rehearse(&ops, &target, &old, dir.path(), &assets_export, &users_export).await;
            run["store"] = json!(store);
            run["exportsGeneratedSeconds"] = json!(round(generated));
            runs.push(run);
        }
    });
    let report = json!({
        "machine": format!("{} cores", std::thread::available_parallelism().map_or(0, |n| n.get())),
        "assets": assets, "users": 50, "fileBytes": "100 KB to 5 MB", "goalSeconds": GOAL_SECONDS,
        "runs": runs,
    });
    nna_tests::bench::report("cutover", &report);
    for run in report["runs"].as_array().expect("runs") {
        assert_eq!(run["verified"], true, "verify-legacy must pass: {run}");
        assert!(run["totalSeconds"].as_f64().expect("a total") < GOAL_SECONDS, "over the goal: {run}");
    }
}

/// Where `nna-ops` works: its `--store` and environment.
struct Target {
    store: String,
    env: Vec<(String, String)>,
    _dir: Option<tempfile::TempDir>,
    _aws: Option<Aws>,
}

impl Target {
    fn embedded() -> Self {
        let dir = tempfile::TempDir::new().expect("a data folder");
        let env = vec![("NNA_PUBLIC_URL".to_owned(), "http://127.0.0.1:8080".to_owned())];
        Self { store: format!("embedded:{}", dir.path().display()), env, _dir: Some(dir), _aws: None }
    }

    async fn dynamodb() -> Self {
        let aws = Aws::fresh().await;
        Self { store: format!("dynamodb:{}", aws.table), env: emulator().env_for(&aws), _dir: None, _aws: Some(aws) }
    }
}

/// One phase: `nna-ops <args>`, its exit code, report and seconds.
async fn phase(ops: &Path, target: &Target, work: &Path, args: &[&str]) -> (i32, Value, f64) {
    let report = work.join(format!("report-{}.json", fastrand::u64(..)));
    let mut command = std::process::Command::new(ops);
    command.arg("--store").arg(&target.store).arg("--report").arg(&report).args(args);
    command.env("NNA_FETCH_LOOPBACK_HOSTS", "127.0.0.1").envs(target.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || command.output().expect("nna-ops runs")).await.expect("joined");
    let seconds = round(started.elapsed().as_secs_f64());
    let json = std::fs::read(&report).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or(Value::Null);
    let code = out.status.code().unwrap_or(-1);
    if code != 0 && code != 3 {
        eprintln!("nna-ops {args:?} exited {code}: {}", String::from_utf8_lossy(&out.stderr));
    }
    (code, json, seconds)
}

async fn rehearse(ops: &Path, target: &Target, old: &OldBackend, work: &Path, assets: &Path, users: &Path) -> Value {
    let (assets, users) = (assets.to_str().expect("a path"), users.to_str().expect("a path"));
    let from = old.bucket.base.as_str();
    let mut phases = serde_json::Map::new();
    let mut total = 0.0;
    let mut time = |name: &str, seconds: f64, detail: Value| {
        total += seconds;
        phases.insert(name.to_owned(), json!({"seconds": seconds, "report": detail}));
    };
    let (code, r, s) = phase(ops, target, work, &["import-legacy", "users", users]).await;
    assert_eq!(code, 0, "{r}");
    time("importUsers", s, json!({"imported": r["imported"], "refused": r["refused"].as_array().map(Vec::len)}));
    let (code, r, s) = phase(ops, target, work, &["import-legacy", "assets", assets]).await;
    assert_eq!(code, 0, "{r}");
    time(
        "importAssets",
        s,
        json!({"imported": r["imported"], "refused": r["refused"], "itemsPerSecond": rate(&r["imported"], s)}),
    );
    let served_before = old.bucket.served.load(std::sync::atomic::Ordering::Relaxed);
    let (code, r, s) = phase(ops, target, work, &["copy-legacy-files", "--from", from, "--stop-after", "400"]).await;
    assert_eq!(code, 3, "the copy stops part way, as if killed: {r}");
    time("copyFilesInterrupted", s, json!({"stoppedAfter": 400}));
    let (code, r, s) = phase(ops, target, work, &["copy-legacy-files", "--from", from]).await;
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["failed"].as_array().map(Vec::len), Some(0), "{r}");
    let served = old.bucket.served.load(std::sync::atomic::Ordering::Relaxed) - served_before;
    time(
        "copyFilesResumed",
        s,
        json!({"copied": r["copied"], "alreadyCopied": r["alreadyCopied"], "bytes": r["bytes"],
        "megabytesPerSecond": r["megabytesPerSecond"], "resumedSegments": r["resumedSegments"]}),
    );
    let (code, r, s) = phase(ops, target, work, &["migrate"]).await;
    assert_eq!(code, 0, "{r}");
    time(
        "migrate",
        s,
        json!({"changed": r["changed"], "ruleBreaks": r["ruleBreaks"].as_object().map(|m| m.keys().cloned().collect::<Vec<_>>())}),
    );
    let (code, r, s) = phase(ops, target, work, &["verify-legacy", "--assets", assets, "--users", users]).await;
    time(
        "verify",
        s,
        json!({"passed": r["passed"], "filesChecked": r["filesChecked"], "assetsMatching": r["assets"]["matching"],
        "usersMatching": r["users"]["matching"]}),
    );
    let verified = code == 0 && r["passed"] == true;
    if !verified {
        eprintln!("verify-legacy found differences: {r}");
    }
    json!({"phases": phases, "totalSeconds": round(total), "verified": verified, "bytesServedByTheOldBucket": served})
}

fn rate(items: &Value, seconds: f64) -> f64 {
    round(items.as_f64().unwrap_or(0.0) / seconds.max(0.001))
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
