//! schemathesis (PyPI, pinned in `tests/requirements.txt`) against the real `nna-local` binary,
//! every operation of the served OpenAPI document, as an admin: no answer is a 5xx, and every
//! answer has a documented status, content type and body shape.

use crate::support::{LocalProcess, auth, venv};
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_no_answer_off_the_spec() {
    let dir = tempfile::TempDir::new().unwrap();
    // Album art is processed (a refusal to process would be a 503) but fetched from nowhere: no
    // host is allowed and nothing is looked up, so fuzzed URLs never leave this machine.
    let server = LocalProcess::start_with(
        dir.path(),
        &[("NNA_ART_ALLOWED_HOSTS", "art.invalid"), ("NNA_ART_LOOKUP", "off"), ("NNA_LOG", "error")],
    )
    .await;
    let schemathesis = venv().join("bin/schemathesis");
    let report = dir.path().join("schemathesis.json");
    let out = Command::new(&schemathesis)
        .current_dir(dir.path())
        .args(["run", &format!("{}/api/openapi.json", server.base)])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        ])
        // One worker: CPython 3.11's AST constructor can raise a spurious `SystemError` ("recursion
        // depth mismatch", python/cpython#106905) when threads parse source at once, which
        // hypothesis does to describe a strategy; one worker also makes a run the same for its seed.
        // It costs nothing here: the server, not the client, sets the pace.
        .args(["--max-examples", "25", "--seed", "7", "--workers", "1", "--no-shrink", "--request-timeout", "20"])
        .args(["--header", &format!("Authorization: {}", auth::bearer(auth::admin()))])
        .args(["--report", "json", "--report-json-path"])
        .arg(&report)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{} could not run: {e}", schemathesis.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found problems (exit {:?}):\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    // Its own report says it did the work: every documented operation tested, none errored or
    // skipped, and enough requests made that a pass means something.
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).expect("schemathesis's report")).unwrap();
    let served: serde_json::Value =
        reqwest::get(format!("{}/api/openapi.json", server.base)).await.unwrap().json().await.unwrap();
    let documented = documented_operations(&served);
    assert_eq!(r["complete"], true, "{r}");
    // schemathesis leaves out the document's own route (`GET /api/openapi.json`).
    assert_eq!(r["operations"]["total"].as_u64(), Some(documented - 1), "{r}");
    assert_eq!(r["operations"]["tested"].as_u64(), Some(documented - 1), "every operation tested: {r}");
    assert_eq!((r["operations"]["errored"].as_u64(), r["operations"]["skipped"].as_u64()), (Some(0), Some(0)), "{r}");
    let generated = r["test_cases"]["generated"].as_u64().unwrap_or(0);
    assert!(generated >= documented * 10, "{generated} requests for {documented} operations: {r}");
    assert_eq!(
        (r["failures"].as_array().map(Vec::len), r["errors"].as_array().map(Vec::len)),
        (Some(0), Some(0)),
        "{r}"
    );
}

/// The operations an OpenAPI document lists (each path's methods).
fn documented_operations(doc: &serde_json::Value) -> u64 {
    let methods = ["get", "put", "post", "delete", "patch", "head", "options"];
    doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| methods.iter().filter(|m| p.get(**m).is_some()).count() as u64)
        .sum()
}
