//! `ETag` on every asset response; `If-None-Match` → 304; `If-Match` → 412 when the asset moved on;
//! concurrent conditional edits: one winner per version, no update lost.

use crate::support::{Server, kelly};
use futures::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn reads_revalidate_with_the_etag() {
    let s = Server::start().await;
    let created = s.post("/api/assets", &kelly()).await;
    let etag = created.header("etag").unwrap().to_owned();
    let path = format!("/api/assets/{}", created.data()["name"].as_str().unwrap());

    let r = s.get(&path).await;
    assert_eq!((r.status, r.header("etag")), (200, Some(etag.as_str())));
    assert_eq!(r.header("cache-control"), Some("private, no-cache"));

    let unchanged = s.send(s.request(Method::GET, &path).header("if-none-match", &etag)).await;
    assert_eq!((unchanged.status, unchanged.header("etag")), (304, Some(etag.as_str())));
    let weak = s.send(s.request(Method::GET, &path).header("if-none-match", format!("W/{etag}"))).await;
    assert_eq!(weak.status, 304, "If-None-Match compares weakly");

    s.patch(&path, &json!({"tags": ["new"]})).await;
    let changed = s.send(s.request(Method::GET, &path).header("if-none-match", &etag)).await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));

    assert_eq!(s.get("/api/assets?limit=1").await.header("cache-control"), Some("no-store"));
    assert_eq!(s.get("/api/taxonomy/layers").await.header("cache-control"), Some("public, max-age=300"));
}

#[tokio::test]
async fn a_stale_if_match_is_refused_and_changes_nothing() {
    let s = Server::start().await;
    let created = s.post("/api/assets", &kelly()).await;
    let stale = created.header("etag").unwrap().to_owned();
    let path = format!("/api/assets/{}", created.data()["id"].as_str().unwrap());
    let edit = |tag: &str, if_match: &str| {
        s.request(Method::PATCH, &path).header("if-match", if_match).json(&json!({"tags": [tag]}))
    };

    let first = s.send(edit("first", &stale)).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let second = s.send(edit("second", &stale)).await;
    assert_eq!((second.status, second.code()), (412, "precondition_failed"));
    assert_eq!(second.body["error"]["details"]["currentRevision"], 2);
    assert_eq!(s.get(&path).await.data()["tags"], json!(["first"]));

    for (header, status) in [("*", 200), ("\"junk\"", 412), (&format!("W/{}", first.header("etag").unwrap()), 412)] {
        assert_eq!(s.send(edit("star", header)).await.status, status, "If-Match: {header}");
    }
    let gone = s.send(s.request(Method::DELETE, &path).header("if-match", &stale)).await;
    assert_eq!(gone.status, 412, "deletes are conditional too");
}

/// Ten editors PATCH one asset at once, each with the version they read: exactly one wins each
/// version. Each loser reads again and retries, so in the end every editor's tag is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_conditional_edits_lose_nothing() {
    let s = &Server::start().await;
    let path = &format!("/api/assets/{}", s.create(&kelly()).await["id"].as_str().unwrap());
    let read = || async {
        let r = s.get(path).await;
        (r.header("etag").unwrap().to_owned(), r.data()["tags"].as_array().unwrap().clone())
    };

    let (etag, _) = read().await;
    let first_round = join_all((0..10).map(|i| {
        s.send(
            s.request(Method::PATCH, path)
                .header("if-match", &etag)
                .json(&json!({"description": format!("editor {i}")})),
        )
    }))
    .await;
    let statuses: Vec<u16> = first_round.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|&&c| c == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&c| c == 412).count(), 9, "{statuses:?}");

    let read = &read;
    join_all((0..10).map(|i| async move {
        loop {
            let (etag, mut tags) = read().await;
            tags.push(Value::String(format!("editor-{i}")));
            let r = s.send(s.request(Method::PATCH, path).header("if-match", &etag).json(&json!({"tags": tags}))).await;
            match r.status {
                200 => return,
                412 => continue,
                other => panic!("editor {i}: {other} {}", r.body),
            }
        }
    }))
    .await;
    let (_, tags) = read().await;
    for i in 0..10 {
        assert!(tags.contains(&Value::String(format!("editor-{i}"))), "editor {i}'s tag was lost: {tags:?}");
    }
}
