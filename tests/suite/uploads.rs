use crate::support::{PNG_HEAD, Server, kelly};
use reqwest::Method;
use serde_json::{Value, json};

async fn slot(s: &Server, content_type: &str, size: usize) -> Value {
    let r = s.post("/api/assets/uploads", &json!({"contentType": content_type, "size": size, "fileName": "x"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.data().clone()
}

async fn put(s: &Server, slot: &Value, content_type: &str, bytes: Vec<u8>) -> u16 {
    let url = slot["uploadUrl"].as_str().unwrap();
    let r = s.http.request(Method::PUT, url).header("content-type", content_type).body(bytes).send().await.unwrap();
    r.status().as_u16()
}

/// The production flow for large files, on the local server: ask for a slot, PUT the bytes to its
/// URL, create the asset naming the upload.
#[tokio::test]
async fn a_direct_upload_then_a_create_that_names_it() {
    let s = Server::start().await;
    let mut file = PNG_HEAD.to_vec();
    file.resize(3 * 1024 * 1024, 7);
    let slot = slot(&s, "image/png", file.len()).await;
    assert_eq!(slot["method"], "PUT");
    assert_eq!(slot["headers"]["content-type"], "image/png");
    assert_eq!(put(&s, &slot, "image/png", file.clone()).await, 200);

    let mut body = kelly();
    body["uploadKey"] = slot["uploadKey"].clone();
    let a = s.create(&body).await;
    let url = a["gcpStorageUrl"].as_str().unwrap();
    assert!(url.contains("/files/assets/L/CAS/ATL/"), "{url}");
    let served = s.http.get(url).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().len(), file.len());

    // The upload made its asset: naming it again is a conflict, never a second asset.
    let again = s.post("/api/assets", &body).await;
    assert_eq!((again.status, again.code()), (409, "upload_claimed"));
}

#[tokio::test]
async fn signed_upload_urls_hold_to_what_was_signed() {
    let s = Server::start().await;
    let slot = slot(&s, "image/png", PNG_HEAD.len()).await;
    assert_eq!(put(&s, &slot, "text/html", PNG_HEAD.to_vec()).await, 400, "the signed type only");
    assert_eq!(put(&s, &slot, "image/png", PNG_HEAD[..10].to_vec()).await, 400, "exactly the signed size");
    assert_eq!(put(&s, &slot, "image/png", [PNG_HEAD, b"more"].concat()).await, 413);
    let forged = slot["uploadUrl"].as_str().unwrap().replace("signature=", "signature=00");
    let r = s.http.put(forged).header("content-type", "image/png").body(PNG_HEAD.to_vec()).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let other_key = slot["uploadUrl"].as_str().unwrap().replace("/upload/uploads/", "/upload/uploads/x");
    let r = s.http.put(other_key).header("content-type", "image/png").body(PNG_HEAD.to_vec()).send().await.unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn what_was_uploaded_is_judged_by_its_bytes_not_its_label() {
    let s = Server::start().await;
    let fake = b"<html><script>alert(1)</script></html>".to_vec();
    let slot = slot(&s, "image/png", fake.len()).await;
    assert_eq!(put(&s, &slot, "image/png", fake).await, 200);
    let mut body = kelly();
    body["uploadKey"] = slot["uploadKey"].clone();
    let r = s.post("/api/assets", &body).await;
    assert_eq!((r.status, r.code()), (415, "unsupported_file_type"), "{}", r.body);
    assert_eq!(s.count().await, 0);
}

#[tokio::test]
async fn upload_slot_requests_are_checked() {
    let s = Server::start_with(|c| c.api.max_upload_bytes = 1024).await;
    for (body, code) in [
        (json!({"contentType": "application/x-msdownload", "size": 10}), "invalid_choice"),
        (json!({"contentType": "image/png", "size": 1025}), "file_too_large"),
        (json!({"contentType": "image/png"}), "required"),
    ] {
        let r = s.post("/api/assets/uploads", &body).await;
        assert_eq!(r.code(), code, "{body}");
    }
    let mut body = kelly();
    body["uploadKey"] = json!("assets/L/CAS/ATL/other.png");
    assert_eq!(s.post("/api/assets", &body).await.code(), "invalid_format");
    body["uploadKey"] = json!("uploads/2026/01/never.png");
    assert_eq!(s.post("/api/assets", &body).await.code(), "upload_not_found");
}

/// Eight creates naming one upload at once, over HTTP: one 201, the rest 409 `upload_claimed`
/// naming the field, never a 5xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_naming_one_upload_make_one_asset() {
    let s = Server::start().await;
    let slot = slot(&s, "image/png", PNG_HEAD.len()).await;
    assert_eq!(put(&s, &slot, "image/png", PNG_HEAD.to_vec()).await, 200);
    let mut body = kelly();
    body["uploadKey"] = slot["uploadKey"].clone();
    let answers = futures::future::join_all((0..8).map(|_| s.post("/api/assets", &body))).await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [201, 409, 409, 409, 409, 409, 409, 409],
        "{:?}",
        answers.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    for refused in answers.iter().filter(|r| r.status == 409) {
        assert_eq!((refused.code(), refused.body["error"]["field"].as_str()), ("upload_claimed", Some("uploadKey")));
    }
    assert_eq!(s.count().await, 1);
}
