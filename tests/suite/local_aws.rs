//! The README's local AWS path, as `local-aws` sets it up: the functions get the template's
//! settings, the job queue the template's visibility timeout, and the queue's jobs reach
//! `process-album-art` as Lambda's SQS event source hands them over, with the deadline as `cargo
//! lambda watch` sends it (the time left).

use crate::support::art::{ArtWeb, images};
use crate::support::evidence::decoded_template;
use crate::support::local_aws::{configure_queue, hand_over, queue_visibility, settings};
use crate::support::{Aws, Function, api_event, emulator, song};
use axum::extract::{Path, State};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::Mutex;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_aws_path_behaves_as_the_deployed_stack() {
    let template = decoded_template();
    let aws = Aws::fresh().await;
    configure_queue(&aws, &template).await;

    let env: BTreeMap<String, String> = settings(&aws, &template).into_iter().collect();
    for (name, value) in template["Globals"]["Function"]["Environment"]["Variables"].as_object().unwrap() {
        if let Some(value) = value.as_str() {
            assert_eq!(env.get(name).map(String::as_str), Some(value), "{name}");
        }
    }
    assert_eq!(env["NNA_ALBUM_ART_SHAPE"], "url", "the AlbumArtShape parameter's default");
    assert_eq!(env["NNA_ART_DECODE_MEMORY_MB"], "600", "process-album-art's own setting");
    assert!(env["NNA_CORS_ORIGINS"].contains("http://localhost:3000"), "the dev stage's origins");
    assert_eq!(
        (env["NNA_TABLE"].as_str(), env["AWS_ENDPOINT_URL"].as_str()),
        (aws.table.as_str(), emulator().endpoint.as_str())
    );
    assert!(!env.contains_key("NNA_ART_LOOKUP"), "lookups on, as deployed");

    let sqs = aws_sdk_sqs::Client::new(&emulator().sdk_config());
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&aws.queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout)
        .send()
        .await
        .unwrap();
    let visibility =
        attributes.attributes().unwrap()[&aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout].clone();
    assert_eq!(visibility, queue_visibility(&template).as_secs().to_string());
    assert_eq!(visibility, "360");

    // A song with art, then its job through the event source to process-album-art.
    let web = ArtWeb::start().await;
    let cover = web.put("cover.jpg", images::jpeg(600, 600), "image/jpeg");
    let mut env: Vec<(String, String)> = env.into_iter().collect();
    env.extend(
        [("NNA_ART_ALLOW_HTTP", "true"), ("NNA_ART_LOOPBACK_HOSTS", "127.0.0.1")].map(|(k, v)| (k.into(), v.into())),
    );
    let mut create = Function::start("create-asset", &env).await;
    let mut body = song("Halo by Beyoncé");
    body["albumArt"] = json!({"sourceUrl": cover, "source": "Manual"});
    let (status, made) = create.http(api_event("POST", "/api/assets", Some(&body))).await;
    assert_eq!(status, 201, "{made}");

    let worker = Function::start("process-album-art", &env).await;
    worker.deadline_as_time_left();
    let invoke = invoke_endpoint(worker).await;
    assert_eq!(hand_over(&aws, &invoke, queue_visibility(&template)).await, Ok(1));
    let id = nna_domain::AssetId::parse(made["data"]["id"].as_str().unwrap()).unwrap();
    let stored = nna_domain::ports::AssetStore::get(&aws.store, &nna_domain::AssetKey::Id(id)).await.unwrap().unwrap();
    let art = stored.album_art.and_then(|f| f.art().cloned()).unwrap();
    assert_eq!(art.status, Some(nna_domain::asset::ArtStatus::Ready), "{art:?}");
    assert_eq!(hand_over(&aws, &invoke, queue_visibility(&template)).await, Ok(0), "the job was deleted");
}

/// Lambda's Invoke API in front of one function, as `cargo lambda watch` serves it.
async fn invoke_endpoint(function: Function) -> String {
    async fn invoke(
        State(f): State<Arc<Mutex<Function>>>,
        Path(_name): Path<String>,
        event: axum::Json<Value>,
    ) -> axum::Json<Value> {
        axum::Json(f.lock().await.invoke(event.0).await.response())
    }
    let app = axum::Router::new()
        .route("/2015-03-31/functions/{name}/invocations", post(invoke))
        .with_state(Arc::new(Mutex::new(function)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}
