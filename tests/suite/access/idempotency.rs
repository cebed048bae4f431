//! `Idempotency-Key` on `POST /api/assets`, over HTTP on the embedded default.

use crate::support::{Server, kelly};
use futures::future::join_all;
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_retries_make_one_asset() {
    let s = &Server::start().await;
    let tries = join_all((0..20).map(|_| {
        s.send(s.request(Method::POST, "/api/assets").header("idempotency-key", "create-kelly-1").json(&kelly()))
    }))
    .await;
    assert!(
        tries.iter().all(|r| r.status == 201),
        "{:?}",
        tries.iter().map(|r| (r.status, r.body.clone())).collect::<Vec<_>>()
    );
    let names: std::collections::BTreeSet<&str> = tries.iter().map(|r| r.data()["name"].as_str().unwrap()).collect();
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["L.CAS.ATL.001"]);
    assert_eq!(tries.iter().filter(|r| r.header("idempotent-replayed") == Some("true")).count(), 19);
    assert_eq!(s.count().await, 1);

    // The same request in another key order is the same request; another key is another create.
    let mut reordered = serde_json::Map::new();
    for (k, v) in kelly().as_object().unwrap().iter().rev() {
        reordered.insert(k.clone(), v.clone());
    }
    let again = s
        .send(s.request(Method::POST, "/api/assets").header("idempotency-key", "create-kelly-1").json(&reordered))
        .await;
    assert_eq!((again.status, again.data()["name"].as_str()), (201, Some("L.CAS.ATL.001")));
    let other =
        s.send(s.request(Method::POST, "/api/assets").header("idempotency-key", "create-kelly-2").json(&kelly())).await;
    assert_eq!(other.data()["name"], "L.CAS.ATL.002");
}

#[tokio::test]
async fn a_key_reused_for_another_request_is_refused() {
    let s = Server::start().await;
    let send = |body: serde_json::Value, key: &str| {
        s.send(s.request(Method::POST, "/api/assets").header("idempotency-key", key).json(&body))
    };
    assert_eq!(send(kelly(), "k-1").await.status, 201);
    let mut changed = kelly();
    changed["tags"] = json!(["different"]);
    let refused = send(changed, "k-1").await;
    assert_eq!((refused.status, refused.code()), (422, "idempotency_key_reused"));
    let bad = send(kelly(), "has spaces in it").await;
    assert_eq!((bad.status, bad.code()), (400, "invalid_format"));
    assert_eq!(s.count().await, 1);
}

/// Keys are per user: two users' retries with the same key are two creates.
#[tokio::test]
async fn keys_belong_to_their_user() {
    let s = Server::start().await;
    let other = crate::support::server::client_as(&crate::support::auth::caller(
        "else@tests.nna",
        nna_domain::auth::Role::Editor,
    ));
    let mine = s.send(s.request(Method::POST, "/api/assets").header("idempotency-key", "same").json(&kelly())).await;
    let theirs = s.send(other.post(s.url("/api/assets")).header("idempotency-key", "same").json(&kelly())).await;
    assert_eq!((mine.status, theirs.status), (201, 201));
    assert_ne!(mine.data()["id"], theirs.data()["id"]);
}
