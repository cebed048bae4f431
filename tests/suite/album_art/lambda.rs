//! The whole path in production form: `create-asset` and `process-album-art` as Lambda runs them,
//! against DynamoDB, S3 and SQS on the emulator, with the images on a loopback server.

use crate::support::art::{ArtWeb, images};
use crate::support::{Aws, Function, emulator, event, song};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use nna_domain::jobs::JobSource;
use nna_domain::ports::AssetStore;
use nna_domain::{AssetId, AssetKey};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The functions' environment: the emulator, and album art on the default host rule with the
/// loopback server's address the one loopback name allowed.
pub(crate) fn env(aws: &Aws) -> Vec<(String, String)> {
    let mut env = emulator().env_for(aws);
    env.extend(
        [("NNA_ART_ALLOW_HTTP", "true"), ("NNA_ART_LOOPBACK_HOSTS", "127.0.0.1"), ("NNA_ART_TIMEOUT_MS", "2000")]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    env
}

async fn create_song(aws: &Aws, source: &str) -> Value {
    let mut create = Function::start("create-asset", &env(aws)).await;
    let mut body = song("Halo by Beyoncé");
    body["albumArt"] = json!({"sourceUrl": source, "source": "iTunes"});
    let mut request = event("create-asset.json");
    request["body"] = Value::String(body.to_string());
    let (status, answer) = create.http(request).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["data"]["albumArt"]["status"], "pending", "{answer}");
    answer["data"].clone()
}

pub(crate) use crate::support::lambda::{receive_one, sqs_event};

async fn asset(aws: &Aws, id: &str) -> Value {
    let found = aws.store.get(&AssetKey::Id(AssetId::parse(id).unwrap())).await.unwrap().unwrap();
    serde_json::to_value(found).unwrap()
}

fn s3() -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&emulator().sdk_config()).force_path_style(true).build(),
    )
}

/// Keys under `album-art/` (people's own uploads aside).
async fn art_keys(aws: &Aws) -> Vec<String> {
    let listed = s3().list_objects_v2().bucket(&aws.bucket).prefix("album-art/").send().await.unwrap();
    let mut keys: Vec<String> = listed
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .filter(|k| !k.starts_with("album-art/uploads/"))
        .collect();
    keys.sort();
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_song_gets_its_art_through_sqs_and_the_process_album_art_function() {
    let web = ArtWeb::start().await;
    let source = web.put("cover.jpg", images::jpeg(1200, 900), "image/jpeg");
    let aws = Aws::fresh().await;
    let created = create_song(&aws, &source).await;
    let id = created["id"].as_str().unwrap();

    let delivery = receive_one(&aws, Duration::from_secs(60)).await;
    let mut worker = Function::start("process-album-art", &env(&aws)).await;
    let answer = worker.invoke(sqs_event(&[("m-1", &delivery)])).await.response();
    assert_eq!(answer, json!({"batchItemFailures": []}));
    aws.queue.ack(&delivery.receipt).await.unwrap();

    let keys = art_keys(&aws).await;
    let created_at: nna_domain::Timestamp = serde_json::from_value(created["createdAt"].clone()).unwrap();
    let (year, month) = created_at.year_month();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(keys.iter().all(|k| k.starts_with(&format!("album-art/{year}/{month:02}/{id}/"))), "{keys:?}");
    let s3 = s3();
    for (suffix, size) in [("150x150.jpg", (150, 150)), ("500x500.jpg", (500, 500)), ("original.jpg", (1200, 900))] {
        let key = keys.iter().find(|k| k.ends_with(suffix)).unwrap();
        let object = s3.get_object().bucket(&aws.bucket).key(key).send().await.unwrap();
        assert_eq!(object.content_type(), Some("image/jpeg"), "{key}");
        assert!(object.cache_control().is_some_and(|c| c.contains("immutable")), "{key}: {:?}", object.cache_control());
        let bytes = object.body.collect().await.unwrap().into_bytes();
        assert_eq!(images::decoded_size(&bytes), size, "{key}");
        assert!(!images::carries_secret(&bytes), "{key} keeps metadata");
    }
    let art = asset(&aws, id).await["albumArt"].clone();
    assert_eq!((art["status"].as_str(), art["quality"].as_str()), (Some("ready"), Some("Medium")), "{art}");
    assert_eq!(art["dimensions"], json!({"width": 1200, "height": 900}));
    assert!(art["url"].as_str().unwrap().ends_with("/original.jpg"), "{art}");
    assert_eq!(art["variants"].as_array().unwrap().len(), 3);

    // The same message again, as SQS may deliver it: nothing new is made or written.
    let revision = asset(&aws, id).await["revision"].clone();
    let again = worker.invoke(sqs_event(&[("m-1", &delivery)])).await.response();
    assert_eq!(again, json!({"batchItemFailures": []}));
    assert_eq!(art_keys(&aws).await, keys);
    assert_eq!(asset(&aws, id).await["revision"], revision);

    // New art for the song through update-asset: pending at once, one more job on the queue.
    let mut update = Function::start("update-asset", &env(&aws)).await;
    let mut request = event("update-asset-album-art.json");
    let path = format!("/api/assets/{id}/album-art");
    request["rawPath"] = json!(path);
    request["requestContext"]["http"]["path"] = json!(path);
    request["pathParameters"]["key"] = json!(id);
    request["body"] = json!(json!({"sourceUrl": web.put("new.png", images::png(700, 700), "image/png")}).to_string());
    let (status, answer) = update.http(request).await;
    assert_eq!((status, answer["data"]["albumArt"]["status"].as_str()), (202, Some("pending")), "{answer}");
    let next = receive_one(&aws, Duration::from_secs(60)).await;
    let answer = worker.invoke(sqs_event(&[("m-2", &next)])).await.response();
    assert_eq!(answer, json!({"batchItemFailures": []}));
    let art = asset(&aws, id).await["albumArt"].clone();
    assert_eq!((art["status"].as_str(), art["contentType"].as_str()), (Some("ready"), Some("image/png")), "{art}");
    assert_eq!(art_keys(&aws).await.len(), 6, "the old files stay: caches may still point at them");
}

/// S3 through a proxy that fails the first album-art write with a 500.
async fn flaky_s3() -> (String, Arc<AtomicU32>) {
    #[derive(Clone)]
    struct Proxy {
        target: String,
        failures: Arc<AtomicU32>,
        http: reqwest::Client,
    }
    async fn forward(State(p): State<Proxy>, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let path = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let art =
            parts.method == axum::http::Method::PUT && path.contains("/album-art/") && !path.contains("/uploads/");
        if art && p.failures.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
            let xml = "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>";
            return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, [("content-type", "application/xml")], xml)
                .into_response();
        }
        let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        let mut out = p.http.request(parts.method, format!("{}{path}", p.target)).body(bytes);
        for (name, value) in &parts.headers {
            if name != axum::http::header::HOST {
                out = out.header(name, value);
            }
        }
        let answer = out.send().await.unwrap();
        let status = answer.status();
        let headers = answer.headers().clone();
        let body = answer.bytes().await.unwrap();
        let mut response = (status, body).into_response();
        for (name, value) in &headers {
            if name != axum::http::header::TRANSFER_ENCODING && name != axum::http::header::CONTENT_LENGTH {
                response.headers_mut().insert(name, value.clone());
            }
        }
        response
    }
    let failures = Arc::new(AtomicU32::new(1));
    let proxy = Proxy {
        target: emulator().endpoint.clone(),
        failures: failures.clone(),
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
    };
    let app = axum::Router::new().fallback(forward).with_state(proxy);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, failures)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_s3_write_is_retried_through_sqs_and_the_art_is_ready_only_after() {
    let web = ArtWeb::start().await;
    let source = web.put("cover.jpg", images::jpeg(800, 800), "image/jpeg");
    let aws = Aws::fresh().await;
    let created = create_song(&aws, &source).await;
    let id = created["id"].as_str().unwrap();
    let (proxy, failures) = flaky_s3().await;
    let mut env = env(&aws);
    // Straight to the queue's retry: the SDK's own retries would hide a single failure.
    env.extend([("AWS_ENDPOINT_URL_S3".to_owned(), proxy), ("AWS_MAX_ATTEMPTS".to_owned(), "1".to_owned())]);
    let mut worker = Function::start("process-album-art", &env).await;

    let first = receive_one(&aws, Duration::from_secs(1)).await;
    let answer = worker.invoke(sqs_event(&[("m-1", &first)])).await.response();
    assert_eq!(answer, json!({"batchItemFailures": [{"itemIdentifier": "m-1"}]}), "S3 failed: try again");
    assert_eq!(failures.load(Ordering::SeqCst), 0, "the proxy failed a write");
    let art = asset(&aws, id).await["albumArt"].clone();
    assert_eq!(art["status"], "pending", "{art}");
    assert!(art.get("url").is_none(), "{art}");

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let second = receive_one(&aws, Duration::from_secs(60)).await;
    assert_eq!(second.receive_count, 2);
    let answer = worker.invoke(sqs_event(&[("m-1", &second)])).await.response();
    assert_eq!(answer, json!({"batchItemFailures": []}));
    assert_eq!(asset(&aws, id).await["albumArt"]["status"], "ready");
    assert_eq!(art_keys(&aws).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_message_ends_in_the_dead_letter_queue_after_five_receives() {
    let aws = Aws::fresh().await;
    let mut worker = Function::start("process-album-art", &env(&aws)).await;
    // Sent raw: a message no version of the registry would write.
    let sqs = aws_sdk_sqs::Client::new(&emulator().sdk_config());
    sqs.send_message().queue_url(&aws.queue_url).message_body("{\"type\":\"albumArt\"}").send().await.unwrap();
    for n in 1..=nna_domain::jobs::MAX_RECEIVES {
        let d = receive_one(&aws, Duration::from_secs(1)).await;
        assert_eq!(d.receive_count, n);
        let answer = worker.invoke(sqs_event(&[("poison", &d)])).await.response();
        assert_eq!(answer, json!({"batchItemFailures": [{"itemIdentifier": "poison"}]}));
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    assert!(aws.queue.receive(10, Duration::from_secs(1)).await.unwrap().is_empty(), "a sixth delivery");
    let dead = aws.dead_letters.receive(10, Duration::from_secs(30)).await.unwrap();
    assert_eq!(dead.iter().map(|d| d.body.as_str()).collect::<Vec<_>>(), ["{\"type\":\"albumArt\"}"]);
}
