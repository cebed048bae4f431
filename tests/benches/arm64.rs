//! The release check, run by hand like a benchmark: what ships is what was tested. Every function
//! is built for arm64 as `sam build` builds it (cargo-lambda, the release profile, a zip); each
//! zipped `bootstrap` then runs under qemu, driven through the Lambda Runtime API harness against
//! the emulator with the same sample events as the x86_64 tests. Writes `target/bench/arm64.json`
//! and prints it.
//!
//!     cargo bench -p nna-tests --bench arm64
//!
//! Needs cargo-lambda (`pip install cargo-lambda`), the aarch64 standard library (`rustup target
//! add aarch64-unknown-linux-gnu`), and qemu with arm64 libraries (`apt install qemu-user-static
//! libc6-arm64-cross`).

use nna_tests::lambda::{Outcome, configured_timeout};
use nna_tests::{Aws, Function, emulator, event, unsigned_event};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Sample events, each with the status it must answer (0: not an HTTP answer).
type Events = &'static [(&'static str, u16)];

/// Package, binary, and the sample events it is driven with.
const FUNCTIONS: [(&str, &str, Events); 7] = [
    ("create-asset", "create-asset", &[("create-asset.json", 201), ("create-asset-form.json", 201)]),
    ("get-asset", "get-asset", &[("get-asset.json", 200), ("get-health.json", 200), ("get-taxonomy-index.json", 200)]),
    ("update-asset", "update-asset", &[("update-asset-patch.json", 200), ("update-asset-curate.json", 200)]),
    ("search-assets", "search-assets", &[("search-assets-list.json", 200), ("search-assets-search.json", 200)]),
    ("auth-users", "auth-users", &[("auth-register.json", 201), ("auth-login.json", 200)]),
    ("process-album-art", "process-album-art", &[("sqs-album-art-batch.json", 0)]),
    ("nna-ops", "nna-ops", &[]),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn require(program: &str, args: &[&str], install: &str) {
    let found = Command::new(program).args(args).output().is_ok_and(|o| o.status.success());
    assert!(found, "{program} is needed here: {install}");
}

/// `cargo lambda build --release --arm64 --output-format zip --bin <bin>`: its time and zip.
fn build(package: &str, bin: &str) -> (f64, PathBuf) {
    let started = Instant::now();
    let status = Command::new("cargo")
        .current_dir(root())
        .args(["lambda", "build", "--release", "--arm64", "--output-format", "zip", "--package", package, "--bin", bin])
        .status()
        .expect("cargo lambda");
    assert!(status.success(), "building {bin} for arm64 failed");
    (started.elapsed().as_secs_f64(), root().join("target/lambda").join(bin).join("bootstrap.zip"))
}

/// The zip's `bootstrap`, taken out as Lambda takes it out.
fn unzip(zip: &Path, into: &Path) -> PathBuf {
    let script = "import sys, zipfile\nzipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])";
    let ok = Command::new("python3").args(["-c", script]).arg(zip).arg(into).status().is_ok_and(|s| s.success());
    assert!(ok, "unzipping {}", zip.display());
    let bootstrap = into.join("bootstrap");
    let mode = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(&bootstrap, mode).expect("executable");
    bootstrap
}

async fn drive(bin: &str, bootstrap: &Path, events: &[(&str, u16)], aws: &Aws) -> Vec<Value> {
    let mut qemu = Command::new("qemu-aarch64-static");
    qemu.args(["-L", "/usr/aarch64-linux-gnu"]).arg(bootstrap);
    let started = Instant::now();
    let mut function = Function::start_command(qemu, bin, &emulator().env_for(aws), configured_timeout(bin)).await;
    let mut results = Vec::new();
    let calls: Vec<(Value, String, u16)> = if bin == "nna-ops" {
        vec![(json!({"command": "status"}), "status".into(), 0)]
    } else {
        events
            .iter()
            .map(|(e, s)| {
                let body = if e.starts_with("auth-") || e.starts_with("sqs-") { unsigned_event(e) } else { event(e) };
                (body, (*e).to_owned(), *s)
            })
            .collect()
    };
    for (body, name, expected) in calls {
        let asked = Instant::now();
        let outcome = function.invoke(body).await;
        let ms = asked.elapsed().as_secs_f64() * 1000.0;
        let (status, passed) = match &outcome {
            Outcome::Response(r) if expected == 0 => (0, r.is_object()),
            Outcome::Response(r) => {
                let s = r["statusCode"].as_u64().unwrap_or(0) as u16;
                (s, s == expected)
            }
            Outcome::Error(_) => (0, false),
        };
        results.push(json!({"event": name, "status": status, "passed": passed, "ms": (ms * 10.0).round() / 10.0}));
    }
    results.push(json!({"event": "start-up and all events", "ms": started.elapsed().as_millis()}));
    results
}

fn main() {
    if nna_tests::bench::only_built() {
        return;
    }
    require("cargo", &["lambda", "--version"], "pip install cargo-lambda");
    require("qemu-aarch64-static", &["--version"], "apt install qemu-user-static libc6-arm64-cross");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let scratch = tempfile::TempDir::new().expect("temp dir");
    let mut report = serde_json::Map::new();
    let mut all_passed = true;
    // One deployment for all: the create's asset is what the read, the edit and the search find.
    let aws = runtime.block_on(Aws::fresh());
    for (package, bin, events) in FUNCTIONS {
        let (seconds, zip) = build(package, bin);
        let zip_bytes = std::fs::metadata(&zip).map(|m| m.len()).unwrap_or(0);
        let bootstrap = unzip(&zip, &scratch.path().join(bin));
        let results = runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(300), drive(bin, &bootstrap, events, &aws)).await.expect("in time")
        });
        all_passed &= results.iter().all(|r| r.get("passed").is_none_or(|p| p == true));
        eprintln!("{bin}: built in {seconds:.0} s, {zip_bytes} bytes zipped");
        report.insert(bin.into(), json!({"buildSeconds": seconds.round(), "zipBytes": zip_bytes, "results": results}));
    }
    let report = json!({"allPassed": all_passed, "functions": report});
    nna_tests::bench::report("arm64", &report);
    assert!(all_passed, "an arm64 function did not answer as on x86_64");
}
