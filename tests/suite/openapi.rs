//! The OpenAPI document: generated from the code, served at `/api/openapi.json`, committed as
//! `openapi.json`. A change to the API that is not in the committed copy fails here; to accept
//! it, write the new copy: `NNA_WRITE_OPENAPI=1 cargo test -p nna-tests --test suite openapi` (then run
//! it once more: the server serves the committed copy, compiled in).

use crate::support::Server;
use crate::support::server::anonymous;
use std::path::Path;

#[tokio::test]
async fn the_committed_document_is_the_generated_one() {
    let generated = nna_http::openapi::json();
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.json");
    if std::env::var("NNA_WRITE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&committed_path, format!("{generated}\n")).unwrap();
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed.trim_end() == generated,
        "openapi.json differs from the document the code generates; if the API change is intended, run \
         NNA_WRITE_OPENAPI=1 cargo test -p nna-tests --test suite openapi and commit openapi.json"
    );

    let s = Server::start().await;
    let served = s.send(anonymous().get(s.url("/api/openapi.json"))).await;
    assert_eq!(served.status, 200);
    let parsed: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert_eq!(served.body, parsed);
    assert_eq!(parsed["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
}

/// Every operation the document lists is a route the server has, and every route has its
/// operation: no route answers "no such route" or "wrong method" for what the document promises.
#[tokio::test]
async fn every_documented_operation_is_served() {
    let s = Server::start().await;
    let doc: serde_json::Value = serde_json::from_str(&nna_http::openapi::json()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let operations: usize = paths.values().map(|item| item.as_object().unwrap().len()).sum();
    assert!(operations >= 25, "{operations} operations");
    for (path, item) in paths {
        let concrete = path.replace("{key}", "L.CAS.ATL.001").replace("{layer}", "L").replace("{category}", "CAS");
        for method in item.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = s.send(s.request(method.clone(), &concrete)).await;
            assert!(
                !matches!(r.code(), "route_not_found" | "method_not_allowed"),
                "{method} {path}: {} {}",
                r.status,
                r.body
            );
        }
    }
}

/// The committed document is valid OpenAPI (openapi-spec-validator, pinned in
/// `tests/requirements.txt`): unique operation ids, resolvable references, schemas of the right
/// shape. Code generators and gateways refuse an invalid one.
#[test]
fn the_document_is_valid_openapi() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.json");
    let out = std::process::Command::new(crate::support::venv().join("bin/openapi-spec-validator"))
        .arg(&path)
        .output()
        .expect("run openapi-spec-validator");
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "openapi.json is not valid OpenAPI:\n{said}");
}

/// utoipa keeps one schema per name, the last registered: two types of one name would leave a
/// reference pointing at the other's shape. The history's entries are its own.
#[test]
fn a_history_page_documents_its_own_entries() {
    let document: serde_json::Value = serde_json::from_str(&nna_http::openapi::json()).unwrap();
    let schemas = &document["components"]["schemas"];
    let entries = &schemas["HistoryView"]["properties"]["entries"]["items"]["$ref"];
    let name = entries.as_str().unwrap().rsplit('/').next().unwrap();
    for field in ["revision", "kind", "by", "through", "fields"] {
        assert!(schemas[name]["properties"][field].is_object(), "{name} lacks {field}: {}", schemas[name]);
    }
}
