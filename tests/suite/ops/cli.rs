//! The `nna-ops` binary as an operator runs it: a drill on the embedded store.

use crate::support::process::binary;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn run(data: &Path, report: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(binary("nna-ops", "nna-ops"))
        .arg("--store")
        .arg(format!("embedded:{}", data.display()))
        .arg("--report")
        .arg(report)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    let json = std::fs::read(report).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or(Value::Null);
    let _ = std::fs::remove_file(report);
    (code, json, stderr)
}

#[test]
fn an_operators_drill_backup_dry_run_killed_run_resume_verify() {
    let dir = tempfile::TempDir::new().unwrap();
    let (data, backup, report) = (dir.path().join("data"), dir.path().join("backup"), dir.path().join("report.json"));
    let backup = backup.to_str().unwrap();

    let (code, r, err) = run(&data, &report, &["fixture", "--assets", "1100"]);
    assert_eq!((code, r["imported"].as_u64()), (0, Some(1100)), "{err}");
    let (code, r, err) = run(&data, &report, &["backup", backup]);
    assert_eq!((code, r["manifest"]["assets"].as_u64()), (0, Some(1100)), "{err}");
    assert!(Path::new(backup).join("manifest.json").exists() && Path::new(backup).join("assets.jsonl.gz").exists());

    let (code, r, err) = run(&data, &report, &["migrate", "--dry-run"]);
    assert_eq!((code, r["dryRun"].as_bool(), r["changed"].as_u64()), (0, Some(true), Some(1100)), "{err}");
    assert!(err.contains("changed: 1100"), "a summary on stderr: {err}");

    let (code, _, err) = run(&data, &report, &["migrate", "--stop-after", "400"]);
    assert_eq!(code, 3, "stopped as if killed: {err}");
    assert!(err.contains("run again to resume"), "{err}");
    let (code, r, _) = run(&data, &report, &["status"]);
    assert_eq!(code, 0);
    let migrated = r["migrated"].as_u64().unwrap();
    assert!((300..=500).contains(&migrated), "{migrated}");
    assert!(r["checkpoints"]["migrate-enhanced-metadata-v1"].as_array().unwrap().iter().any(|c| c != "not started"));

    let (code, r, err) = run(&data, &report, &["migrate"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["changed"].as_u64().unwrap() + migrated, 1100, "each item migrated once");
    let (code, r, err) = run(&data, &report, &["verify", "--backup", backup]);
    assert_eq!((code, r["passed"].as_bool()), (0, Some(true)), "{err} {r}");

    let (code, _, err) = run(&data, &report, &["restore", backup]);
    assert_eq!(code, 1);
    assert!(err.contains("--yes"), "{err}");
    let (code, _, err) = run(&data, &report, &["--rate", "0", "status"]);
    assert_eq!(code, 2, "clap refuses a zero rate: {err}");
}

/// Deletes made through the API are listed by `nna-ops deletions`, newest last, and the asset's
/// history by `nna-ops history`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletions_made_through_the_api_are_listed() {
    let s = crate::support::Server::start().await;
    let made = s.create(&crate::support::kelly()).await;
    let r = s.delete(&format!("/api/assets/{}", made["id"].as_str().unwrap())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let dir = s.stop().await;
    let report = dir.path().join("report.json");
    let data = dir.path().to_path_buf();
    let (code, r, err) = tokio::task::spawn_blocking(move || run(&data, &report, &["deletions"])).await.unwrap();
    assert_eq!((code, r["count"].as_u64()), (0, Some(1)), "{err}");
    let record = &r["deletions"][0];
    assert_eq!(
        (record["name"].as_str(), record["deletedBy"].as_str()),
        (Some("L.CAS.ATL.001"), Some("admin@tests.nna"))
    );
    assert_eq!(record["assetId"], made["id"]);
    // Its history, by its id: made, then deleted, each by whom and through what.
    let (data, report, id) =
        (dir.path().to_path_buf(), dir.path().join("history.json"), made["id"].as_str().unwrap().to_owned());
    let (code, r, err) = tokio::task::spawn_blocking(move || run(&data, &report, &["history", &id])).await.unwrap();
    assert_eq!((code, r["count"].as_u64(), r["revision"].as_u64()), (0, Some(2), None), "{err}");
    let kinds: Vec<&str> = r["entries"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["deleted", "created"]);
    assert_eq!(r["entries"][0]["through"], "DELETE /api/assets/{key}");
    assert_eq!(r["entries"][0]["by"]["email"], "admin@tests.nna");
}

/// A writing command while another run holds the lock is refused, naming the holder; reading
/// commands go on; once the lock is free the command runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_writing_run_is_refused_while_one_holds_the_lock() {
    use nna_domain::Timestamp;
    use nna_domain::ports::{Maintenance, RunLock};
    let dir = tempfile::TempDir::new().unwrap();
    let (data, report) = (dir.path().join("data"), dir.path().join("report.json"));
    let (d, r) = (data.clone(), report.clone());
    let (code, _, err) =
        tokio::task::spawn_blocking(move || run(&d, &r, &["fixture", "--assets", "20"])).await.unwrap();
    assert_eq!(code, 0, "{err}");
    let store = nna_embedded::SqliteStore::open(data.join("registry.sqlite3")).unwrap();
    let now = Timestamp::now();
    let held = RunLock {
        holder: "lambda 7f3a".into(),
        command: "migrate".into(),
        since: now,
        expires_at: Timestamp::from_millis(now.millis() + 600_000).unwrap(),
    };
    assert_eq!(store.take_lock(&held).await.unwrap(), None);

    let (d, r) = (data.clone(), report.clone());
    let (code, _, err) = tokio::task::spawn_blocking(move || run(&d, &r, &["migrate"])).await.unwrap();
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("lambda 7f3a") && err.contains("migrate by"), "{err}");
    let (d, r) = (data.clone(), report.clone());
    let (code, _, err) = tokio::task::spawn_blocking(move || run(&d, &r, &["status"])).await.unwrap();
    assert_eq!(code, 0, "reading goes on: {err}");

    store.release_lock("lambda 7f3a").await.unwrap();
    let (code, r, err) = tokio::task::spawn_blocking(move || run(&data, &report, &["migrate"])).await.unwrap();
    assert_eq!((code, r["changed"].as_u64()), (0, Some(20)), "{err}");
    assert_eq!(store.take_lock(&RunLock { holder: "next".into(), ..held }).await.unwrap(), None, "the run let go");
}

/// `nna-ops smoke <server> <args>` with this token in `NNA_OPS_TOKEN`: whether it passed, the
/// report, and what it said on stderr.
async fn smoke(s: &crate::support::Server, token: String, args: &[&str]) -> (bool, Value, String) {
    let dir = tempfile::TempDir::new().unwrap();
    let report = dir.path().join("smoke.json");
    let mut command = Command::new(binary("nna-ops", "nna-ops"));
    command.arg("--report").arg(&report).args(["smoke", &format!("{}/api", s.base)]).args(args);
    command.env("NNA_OPS_TOKEN", token).env_remove("NNA_OPS_STORE");
    let out = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    let r: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    (out.status.success(), r, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `nna-ops smoke` against a running registry: every step passes, and the asset it made is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_smoke_round_against_a_running_registry() {
    let s = crate::support::Server::start_with(|c| c.process_art = true).await;
    let admin = crate::support::auth::token(crate::support::auth::admin());
    let (passed, r, said) = smoke(&s, admin, &[]).await;
    assert!(passed, "{said}\n{r}");
    let steps: Vec<&str> = r["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    let expected = [
        "health",
        "create",
        "read",
        "search",
        "search finds it",
        "album art requested",
        "album art ready",
        "delete",
        "gone",
    ];
    assert_eq!(steps, expected);
    assert_eq!(r["steps"][6]["art"], "ready", "{r}");
    assert_eq!(r["passed"], true);
    assert_eq!(s.count().await, 0, "the round leaves nothing behind");

    // A non-admin cannot delete: the round fails, saying where.
    let editor =
        crate::support::auth::token(&crate::support::auth::caller("ed@tests.nna", nna_domain::auth::Role::Editor));
    let (passed, r, _) = smoke(&s, editor, &[]).await;
    assert!(!passed);
    let failed: Vec<&str> = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["passed"] == false)
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["delete", "gone"], "{r}");
}

/// Without a worker the art stays pending: the round fails and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_smoke_round_says_when_the_art_never_comes() {
    let s = crate::support::Server::start().await;
    let admin = crate::support::auth::token(crate::support::auth::admin());
    let (passed, r, _) = smoke(&s, admin, &["--art-wait-secs", "2"]).await;
    assert!(!passed);
    let art = r["steps"].as_array().unwrap().iter().find(|s| s["step"] == "album art ready").unwrap();
    assert_eq!((art["passed"].as_bool(), art["art"].as_str()), (Some(false), Some("pending")), "{r}");
    assert!(art["why"].as_str().unwrap().contains("is the worker running?"), "{art}");
}
