use crate::support::{LocalProcess, kelly};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The real binary is SIGKILLed while creates are in flight. After a restart every acknowledged
/// create is there, every stored asset reads back whole, and the numbers run 1..n with no gap.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kill_mid_write_leaves_no_half_written_asset() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut server = LocalProcess::start(dir.path()).await;
    let client = crate::support::server::client_as(crate::support::auth::admin());
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let (client, url, ack, done) =
            (client.clone(), format!("{}/api/assets", server.base), acknowledged.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            if let Ok(r) = client.post(url).json(&kelly()).send().await
                && r.status() == 201
                && let Ok(body) = r.json::<serde_json::Value>().await
            {
                ack.lock().unwrap().push(body["data"]["name"].as_str().unwrap_or_default().to_owned());
            }
            done.fetch_add(1, Ordering::SeqCst);
        }));
    }
    while done.load(Ordering::SeqCst) < 30 {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    server.kill();
    for t in tasks {
        let _ = t.await;
    }
    let acknowledged: BTreeSet<String> = acknowledged.lock().unwrap().iter().cloned().collect();
    assert!(
        acknowledged.len() >= 30 && acknowledged.len() < 200,
        "the kill landed mid-run: {} acknowledged",
        acknowledged.len()
    );

    let server = LocalProcess::start(dir.path()).await;
    let listed: serde_json::Value = client
        .get(format!("{}/api/assets?limit=1000&sortBy=name", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let total = listed["data"]["total"].as_u64().unwrap() as usize;
    let items = listed["data"]["items"].as_array().unwrap();
    assert_eq!(items.len(), total, "every stored asset reads back");
    let names: Vec<String> = items.iter().map(|a| a["name"].as_str().unwrap().to_owned()).collect();
    let expected: Vec<String> = (1..=total).map(|n| format!("L.CAS.ATL.{n:03}")).collect();
    assert_eq!(names, expected, "numbers run 1..n: no gap, no duplicate");
    for a in items {
        assert_eq!(a["creatorDescription"], kelly()["creatorDescription"]);
        assert_eq!(a["aiMetadata"], kelly()["aiMetadata"]);
    }
    eprintln!("crash test: {} acknowledged before the kill, {total} stored after it", acknowledged.len());
    let stored: BTreeSet<String> = names.into_iter().collect();
    assert!(acknowledged.is_subset(&stored), "every create answered 201 survived the kill");

    let next: serde_json::Value =
        client.post(format!("{}/api/assets", server.base)).json(&kelly()).send().await.unwrap().json().await.unwrap();
    assert_eq!(next["data"]["name"], format!("L.CAS.ATL.{:03}", total + 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_cleanly_and_the_data_stays() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut server = LocalProcess::start(dir.path()).await;
    let client = crate::support::server::client_as(crate::support::auth::admin());
    let r = client.post(format!("{}/api/assets", server.base)).json(&kelly()).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let status = server.interrupt();
    assert!(status.success(), "exit status {status}");
    let server = LocalProcess::start(dir.path()).await;
    let r = client.get(format!("{}/api/assets/L.CAS.ATL.001", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

/// The real binary is SIGKILLed while edits are in flight. After a restart every acknowledged
/// edit has its history entry, and no entry exists without its change: each asset's entries run
/// 1..its revision, one each, and each acknowledged edit's words are its entry's `after`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kill_mid_edit_leaves_each_change_with_its_entry() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut server = LocalProcess::start(dir.path()).await;
    let client = crate::support::server::client_as(crate::support::auth::admin());
    let mut ids = Vec::new();
    for _ in 0..5 {
        let made: serde_json::Value = client
            .post(format!("{}/api/assets", server.base))
            .json(&kelly())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(made["data"]["id"].as_str().unwrap().to_owned());
    }
    // (asset, revision, words) of every edit answered 200.
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<(String, u64, String)>::new()));
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..300 {
        let id = ids[i % ids.len()].clone();
        let (client, url, ack, done) =
            (client.clone(), format!("{}/api/assets/{id}", server.base), acknowledged.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let words = format!("edit number {i}");
            if let Ok(r) = client.patch(url).json(&serde_json::json!({ "description": words })).send().await
                && r.status() == 200
                && let Ok(body) = r.json::<serde_json::Value>().await
            {
                ack.lock().unwrap().push((id, body["data"]["revision"].as_u64().unwrap_or_default(), words));
            }
            done.fetch_add(1, Ordering::SeqCst);
        }));
    }
    while done.load(Ordering::SeqCst) < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    server.kill();
    for t in tasks {
        let _ = t.await;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 40 && acknowledged.len() < 300, "the kill landed mid-run: {}", acknowledged.len());

    let server = LocalProcess::start(dir.path()).await;
    let get = |path: String| {
        let client = client.clone();
        async move { client.get(path).send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    for id in &ids {
        let revision = get(format!("{}/api/assets/{id}", server.base)).await["data"]["revision"].as_u64().unwrap();
        let mut entries = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = get(format!("{}/api/assets/{id}/history?limit=100{cursor}", server.base)).await;
            entries.extend(page["data"]["entries"].as_array().unwrap().iter().cloned());
            match page["data"]["nextCursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        let revisions: Vec<u64> = entries.iter().map(|e| e["revision"].as_u64().unwrap()).collect();
        assert_eq!(revisions, (1..=revision).rev().collect::<Vec<_>>(), "{id}: one entry per revision, none more");
        for (_, at, words) in acknowledged.iter().filter(|(of, ..)| of == id) {
            let entry = entries.iter().find(|e| e["revision"].as_u64() == Some(*at)).unwrap();
            let change = entry["changes"].as_array().unwrap().iter().find(|c| c["field"] == "description").unwrap();
            assert_eq!(change["after"], serde_json::json!(words), "{id} at {at}");
        }
    }
    eprintln!("crash test (edits): {} acknowledged before the kill", acknowledged.len());
}
