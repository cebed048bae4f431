use crate::support::{Server, kelly};
use reqwest::Method;
use reqwest::multipart::Form;
use serde_json::{Value, json};

fn with(mut base: Value, path: &[&str], value: Value) -> Value {
    let mut at = &mut base;
    for key in &path[..path.len() - 1] {
        at = at.as_object_mut().unwrap().entry(key.to_string()).or_insert(json!({}));
    }
    at[path[path.len() - 1]] = value;
    base
}

/// Each refused with a 4xx, a stable code and the field at fault, and nothing stored.
#[tokio::test]
async fn the_bad_input_matrix() {
    let s = Server::start().await;
    let cases: Vec<(&str, Value, u16, &str, &str)> = vec![
        (
            "501-character description",
            with(kelly(), &["creatorDescription"], json!("a".repeat(501))),
            400,
            "too_long",
            "creatorDescription",
        ),
        ("unknown layer", with(kelly(), &["layer"], json!("Z")), 400, "unknown_layer", "layer"),
        ("unknown category", with(kelly(), &["category"], json!("Formalwear")), 400, "unknown_category", "category"),
        (
            "unknown subcategory",
            with(kelly(), &["subcategory"], json!("Tuxedo")),
            400,
            "unknown_subcategory",
            "subcategory",
        ),
        ("missing layer", with(kelly(), &["layer"], json!(null)), 400, "required", "layer"),
        (
            "confidence 1.5",
            with(kelly(), &["aiMetadata", "confidence"], json!(1.5)),
            400,
            "out_of_range",
            "aiMetadata.confidence",
        ),
        ("bpm -1", with(kelly(), &["musicMetadata", "bpm"], json!(-1)), 400, "out_of_range", "musicMetadata.bpm"),
        (
            "unknown albumArt source",
            with(kelly(), &["albumArt"], json!({"sourceUrl": "https://a.io/x.jpg", "source": "Spotify"})),
            400,
            "invalid_choice",
            "albumArt.source",
        ),
        (
            "albumArt not a URL",
            with(kelly(), &["albumArt"], json!("javascript:alert(1)")),
            400,
            "invalid_url",
            "albumArt.sourceUrl",
        ),
        (
            "too many tags",
            with(kelly(), &["tags"], json!((0..51).map(|i| format!("t{i}")).collect::<Vec<_>>())),
            400,
            "too_many_items",
            "tags",
        ),
        (
            "components on a look",
            with(kelly(), &["components"], json!(["G.003.003.001", "S.001.001.001"])),
            400,
            "components_not_allowed",
            "components",
        ),
        (
            "trainingData not JSON",
            with(kelly(), &["trainingData"], json!("{oops")),
            400,
            "malformed_json",
            "trainingData",
        ),
    ];
    for (what, body, status, code, field) in cases {
        let r = s.post("/api/assets", &body).await;
        assert_eq!((r.status, r.code()), (status, code), "{what}: {}", r.body);
        assert_eq!(r.body["error"]["field"], field, "{what}");
        assert!(r.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}");
        assert_eq!(r.body["success"], false);
        assert_eq!(r.body["metadata"]["path"], "/api/assets");
    }
    assert_eq!(s.count().await, 0);
}

#[tokio::test]
async fn unknown_taxonomy_errors_name_the_valid_choices() {
    let s = Server::start().await;
    let r = s.post("/api/assets", &with(kelly(), &["category"], json!("Formalwear"))).await;
    assert!(r.body["error"]["message"].as_str().unwrap().contains("CAS (Casual)"));
    let choices = &r.body["error"]["details"]["errors"][0]["details"]["validChoices"];
    assert_eq!(choices.as_array().unwrap().len(), 14);
}

#[tokio::test]
async fn every_fault_is_reported_at_once() {
    let s = Server::start().await;
    let body =
        with(with(kelly(), &["creatorDescription"], json!("a".repeat(501))), &["aiMetadata", "confidence"], json!(2));
    let r = s.post("/api/assets", &body).await;
    let fields: Vec<&str> =
        r.body["error"]["details"]["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["creatorDescription", "aiMetadata.confidence"]);
}

#[tokio::test]
async fn malformed_json_in_a_form_field() {
    let s = Server::start().await;
    let form = Form::new()
        .text("layer", "L")
        .text("category", "Casual")
        .text("subcategory", "Athleisure")
        .text("aiMetadata", "{not json");
    let r = s.post_form("/api/assets", form).await;
    assert_eq!((r.status, r.code()), (400, "malformed_json"), "{}", r.body);
    assert_eq!(r.body["error"]["field"], "aiMetadata");
    assert_eq!(s.count().await, 0);
}

/// Bytes that are not UTF-8 in a text field are refused in every encoding, never stored as U+FFFD.
#[tokio::test]
async fn text_that_is_not_utf8_is_refused_in_every_encoding() {
    let s = Server::start().await;
    let form = "layer=L&category=Casual&subcategory=Athleisure&creatorDescription=Kelly%FF%FE";
    let urlencoded = s.request(Method::POST, "/api/assets").header("content-type", "application/x-www-form-urlencoded");
    let r = s.send(urlencoded.body(form)).await;
    assert_eq!((r.status, r.code()), (400, "invalid_utf8"), "{}", r.body);
    assert_eq!(r.body["error"]["field"], "creatorDescription");
    let words = reqwest::multipart::Part::bytes(b"Kelly \xC3\x28 jersey".to_vec());
    let form = Form::new()
        .text("layer", "L")
        .text("category", "Casual")
        .text("subcategory", "Athleisure")
        .part("creatorDescription", words);
    let r = s.post_form("/api/assets", form).await;
    assert_eq!((r.status, r.code()), (400, "invalid_utf8"), "{}", r.body);
    assert_eq!(r.body["error"]["field"], "creatorDescription");
    let r = s.get("/api/assets/search?q=kelly%E9").await;
    assert_eq!((r.status, r.code()), (400, "invalid_utf8"), "{}", r.body);
    // Percent-encoded UTF-8 is text like any other.
    let r = s
        .send(
            s.request(Method::POST, "/api/assets").header("content-type", "application/x-www-form-urlencoded").body(
                "layer=L&category=Casual&subcategory=Athleisure&creatorDescription=Kelly+wears+a+caf%C3%A9+jersey",
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.data()["creatorDescription"], "Kelly wears a café jersey");
    assert_eq!(s.count().await, 1);
}

#[tokio::test]
async fn malformed_bodies_and_media_types() {
    let s = Server::start().await;
    let broken = s
        .send(s.request(Method::POST, "/api/assets").header("content-type", "application/json").body("{\"layer\": "))
        .await;
    assert_eq!((broken.status, broken.code()), (400, "malformed_json"));
    let array = s.post("/api/assets", &json!([1, 2])).await;
    assert_eq!((array.status, array.code()), (400, "invalid_body"));
    let xml =
        s.send(s.request(Method::POST, "/api/assets").header("content-type", "application/xml").body("<a/>")).await;
    assert_eq!((xml.status, xml.code()), (415, "unsupported_media_type"));
    assert_eq!(s.count().await, 0);
}

#[tokio::test]
async fn oversize_bodies_are_refused_before_parsing() {
    let s = Server::start_with(|c| c.api.max_upload_bytes = 64 * 1024).await;
    let huge = with(kelly(), &["description"], json!("x".repeat(2 * 1024 * 1024)));
    let r = s.post("/api/assets", &huge).await;
    assert_eq!((r.status, r.code()), (413, "payload_too_large"), "{}", r.body);

    let file = reqwest::multipart::Part::bytes(vec![0x89; 128 * 1024]).file_name("big.png");
    let form = Form::new().text("layer", "L").text("category", "CAS").text("subcategory", "ATL").part("file", file);
    let r = s.post_form("/api/assets", form).await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(s.count().await, 0);
}

#[tokio::test]
async fn uploads_must_be_media() {
    let s = Server::start().await;
    let part = reqwest::multipart::Part::bytes(b"#!/bin/sh\necho hi\n".to_vec())
        .file_name("song.mp3")
        .mime_str("audio/mpeg")
        .unwrap();
    let form = Form::new().text("layer", "L").text("category", "CAS").text("subcategory", "ATL").part("file", part);
    let r = s.post_form("/api/assets", form).await;
    assert_eq!((r.status, r.code()), (415, "unsupported_file_type"), "{}", r.body);
    assert_eq!(s.count().await, 0);
    let stray: Vec<_> = walk(&s.data_dir().join("files"));
    assert!(stray.is_empty(), "no file is left behind: {stray:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().flat_map(|e| if e.path().is_dir() { walk(&e.path()) } else { vec![e.path()] }).collect()
}

#[tokio::test]
async fn bad_keys_and_routes() {
    let s = Server::start().await;
    let r = s.get("/api/assets/has%20space").await;
    assert_eq!((r.status, r.code()), (400, "invalid_format"));
    // Every route that names an asset reads its key the same way, undelete's `{id}` too.
    for path in ["/api/assets/has%20space/history", "/api/assets/has%20space/revisions/1"] {
        let r = s.get(path).await;
        assert_eq!((r.status, r.code()), (400, "invalid_format"), "{path}");
    }
    let r = s.post("/api/assets/has%20space/undelete", &serde_json::json!({})).await;
    assert_eq!((r.status, r.code()), (400, "invalid_format"));
    let r = s.get("/api/nothing-here").await;
    assert_eq!((r.status, r.code()), (404, "route_not_found"));
    let r = s.send(s.request(Method::DELETE, "/api/assets")).await;
    assert_eq!((r.status, r.code()), (405, "method_not_allowed"));
}

/// The edge reads a request one way only: one value per key, JSON only when it says so, one file
/// per create; every refusal names its field where it has one and is the API's error shape.
#[tokio::test]
async fn the_edge_reads_a_request_one_way_only() {
    let s = Server::start().await;
    let raw = |path: &str, content_type: Option<&str>, body: Vec<u8>| {
        let mut request = s.request(Method::POST, path).body(body);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        request
    };
    let kelly_text = kelly().to_string();
    let json_cases: Vec<(&str, String, u16, &str, &str)> = vec![
        ("a key twice", kelly_text.replacen('{', r#"{"layer": "G", "#, 1), 400, "invalid_format", "layer"),
        (
            "a nested key twice",
            kelly_text.replacen("\"aiMetadata\":{", "\"aiMetadata\":{\"confidence\":0.1,", 1),
            400,
            "invalid_format",
            "aiMetadata.confidence",
        ),
        (
            "a lone surrogate",
            kelly_text.replacen('{', r#"{"description": "\ud800", "#, 1),
            400,
            "invalid_utf8",
            "description",
        ),
        (
            "a number out of range",
            kelly_text.replacen('{', r#"{"musicMetadata": {"bpm": 1e400}, "#, 1),
            400,
            "out_of_range",
            "musicMetadata.bpm",
        ),
        (
            "too deep",
            kelly_text.replacen('{', &format!("{{\"metadata\": {}1{}, ", "[".repeat(300), "]".repeat(300)), 1),
            400,
            "too_deep",
            "metadata[0]",
        ),
    ];
    for (what, body, status, code, field) in json_cases {
        assert!(body.contains(field.split(['.', '[']).next().unwrap()), "{what}: {body}");
        let r = s.send(raw("/api/assets", Some("application/json"), body.into_bytes())).await;
        assert_eq!((r.status, r.code()), (status, code), "{what}: {}", r.body);
        assert!(r.body["error"]["field"].as_str().unwrap().starts_with(field), "{what}: {}", r.body);
        assert!(r.body["metadata"]["path"].is_string(), "{what}: {}", r.body);
    }
    let mut invalid_utf8 =
        br#"{"layer": "L", "category": "Casual", "subcategory": "Athleisure", "description": "bad "#.to_vec();
    invalid_utf8.extend(b"\xff\xfe\"}");
    let r = s.send(raw("/api/assets", Some("application/json"), invalid_utf8)).await;
    assert_eq!(
        (r.status, r.code(), r.body["error"]["field"].as_str()),
        (400, "invalid_utf8", Some("description")),
        "{}",
        r.body
    );

    // Register and batch read JSON the same way.
    let twice = r#"{"email": "a@b.io", "email": "c@d.io", "password": "secret99", "username": "someone"}"#;
    let r = s.send(raw("/api/auth/register", Some("application/json"), twice.into())).await;
    assert_eq!(
        (r.status, r.code(), r.body["error"]["field"].as_str()),
        (400, "invalid_format", Some("email")),
        "{}",
        r.body
    );
    let form = Form::new().text("csvData", r#"[{"layer": "L", "layer": "G"}]"#);
    let r = s.post_form("/api/assets/batch", form).await;
    assert_eq!((r.status, r.body["error"]["field"].as_str()), (400, Some("[0].layer")), "{}", r.body);

    // JSON that does not say so is never read as JSON.
    for content_type in [Some("text/plain"), Some("text/plain;charset=UTF-8"), None] {
        let r = s.send(raw("/api/assets", content_type, kelly_text.clone().into_bytes())).await;
        assert_eq!((r.status, r.code()), (415, "unsupported_media_type"), "{content_type:?}: {}", r.body);
    }

    // Two files in one create: refused, not one dropped unread.
    let png = || reqwest::multipart::Part::bytes(crate::support::PNG_HEAD.to_vec()).file_name("a.png");
    let form = Form::new().text("layer", "L").text("category", "Casual").text("subcategory", "Athleisure");
    let r = s.post_form("/api/assets", form.part("file", png()).part("file", png())).await;
    assert_eq!((r.status, r.code(), r.body["error"]["field"].as_str()), (400, "two_files", Some("file")), "{}", r.body);
    assert_eq!(s.count().await, 0, "nothing refused was stored");

    // The upload route's refusals are the same shape, a bad query too.
    let r = s.send(s.request(Method::PUT, "/upload/uploads/2026/12/x.png?size=abc").body(vec![1])).await;
    assert_eq!((r.status, r.code()), (403, "upload_refused"), "{}", r.body);
    assert_eq!(
        (r.body["success"].as_bool(), r.body["metadata"]["path"].as_str()),
        (Some(false), Some("/upload/uploads/2026/12/x.png"))
    );
}
