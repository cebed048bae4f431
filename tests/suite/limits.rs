//! Lambda's limits, as the harness enforces them: 6 MB in and out per invocation, and the
//! function's configured timeout as the deadline it is handed.

use crate::album_art::lambda::{env as art_env, receive_one, sqs_event};
use crate::support::art::{ArtWeb, images};
use crate::support::lambda::{Outcome, PAYLOAD_LIMIT};
use crate::support::{Aws, Function, api_event, emulator, event, song};
use base64::Engine;
use nna_domain::{Address, Asset, AssetId};
use serde_json::{Value, json};
use std::io::Read;
use std::time::{Duration, Instant};

/// The frontend lists 1,000 assets at a time; with long descriptions that is more than Lambda
/// may answer as plain JSON. Compressed (browsers always accept gzip) it fits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_long_assets_fit_one_answer() {
    let aws = Aws::fresh().await;
    let description = "A long description of a look, written out in full. ".repeat(150);
    let items: Vec<Asset> = (0..1000usize)
        .map(|i| {
            let address = Address::parse(&format!("L.CAS.ATL.{:03}", i + 1)).unwrap();
            Asset::load(json!({
                "id": AssetId::generate(), "layer": "L", "category": "Casual", "subcategory": "Athleisure",
                "name": address.hfn(), "nna_address": address.nna_address(), "mfa": address.mfa(),
                "description": description, "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z",
                "revision": 1,
            }))
            .unwrap()
        })
        .collect();
    crate::support::emulator::bulk_load(&aws.store, items, &mut Default::default()).await;
    let mut search = Function::start("search-assets", &emulator().env_for(&aws)).await;
    let plain = search.invoke(api_event("GET", "/api/assets?limit=1000", None)).await;
    let raw_size = match &plain {
        Outcome::Error(e) => {
            assert_eq!(e["errorType"], "Function.ResponseSizeTooLarge", "{e}");
            None
        }
        Outcome::Response(r) => Some(r["body"].as_str().map_or(0, str::len)),
    };
    assert!(raw_size.is_none(), "the uncompressed page should be over Lambda's limit: {raw_size:?}");

    let mut asked = api_event("GET", "/api/assets?limit=1000", None);
    asked["headers"]["accept-encoding"] = json!("gzip, deflate, br");
    let answer = search.invoke(asked).await.response();
    assert_eq!((answer["statusCode"].as_u64(), answer["isBase64Encoded"].as_bool()), (Some(200), Some(true)));
    assert_eq!(answer["headers"]["content-encoding"], "gzip");
    let zipped = base64::engine::general_purpose::STANDARD.decode(answer["body"].as_str().unwrap()).unwrap();
    assert!(serde_json::to_vec(&answer).unwrap().len() < PAYLOAD_LIMIT);
    let mut text = String::new();
    flate2::read::GzDecoder::new(zipped.as_slice()).read_to_string(&mut text).unwrap();
    let page: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(page["data"]["items"].as_array().map(Vec::len), Some(1000));
    eprintln!("1,000 assets: {} bytes of JSON, {} gzipped", text.len(), zipped.len());
}

/// A request over 6 MB never reaches the function; the inline upload limit keeps creates under it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_over_six_megabytes_is_refused_before_the_function() {
    let aws = Aws::fresh().await;
    let mut create = Function::start("create-asset", &emulator().env_for(&aws)).await;
    let mut big = event("create-asset.json");
    big["body"] = json!("x".repeat(PAYLOAD_LIMIT));
    match create.invoke(big).await {
        Outcome::Error(e) => assert_eq!(e["errorType"], "RequestEntityTooLargeException", "{e}"),
        Outcome::Response(r) => panic!("answered: {r}"),
    }
    let (status, _) = create.http(event("create-asset.json")).await;
    assert_eq!(status, 201, "the function is still there");
}

/// A batch is worked several jobs at once; what the deadline leaves unstarted or unfinished is
/// reported for another delivery, and the answer is in before the function's timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_stops_at_its_deadline_and_reports_what_is_left() {
    let aws = Aws::fresh().await;
    let web = ArtWeb::start().await;
    let cover = web.put("cover.jpg", images::jpeg(600, 600), "image/jpeg");
    let silent = web.silent.clone() + "/cover.jpg";
    let mut create = Function::start("create-asset", &art_env(&aws)).await;
    let mut deliveries = Vec::new();
    for (n, source) in [&silent, &cover, &silent, &cover].into_iter().enumerate() {
        let mut body = song(&format!("Song {n} by Someone"));
        body["albumArt"] = json!({"sourceUrl": source});
        let mut request = event("create-asset.json");
        request["body"] = Value::String(body.to_string());
        let (status, answer) = create.http(request).await;
        assert_eq!(status, 201, "{answer}");
        deliveries.push(receive_one(&aws, Duration::from_secs(60)).await);
    }
    let mut env = art_env(&aws);
    env.extend(
        [
            ("NNA_ART_TIMEOUT_MS", "20000"),
            ("NNA_ART_JOB_RESERVE_MS", "1500"),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let timeout = Duration::from_secs(4);
    let mut worker = Function::start_timed("process-album-art", &env, timeout).await;
    let ids = ["silent-1", "fast-1", "silent-2", "fast-2"];
    let batch: Vec<(&str, &_)> = ids.iter().copied().zip(deliveries.iter()).collect();
    let started = Instant::now();
    let answer = worker.invoke(sqs_event(&batch)).await.response();
    let took = started.elapsed();
    assert!(took < timeout, "answered after {took:?}");
    // Two at once (512 MB): the first silent fetch and the first fast job start, the second
    // silent one takes the fast job's place; the second fast job finds no place before too
    // little time is left, and the silent ones are abandoned at the deadline.
    assert_eq!(
        answer,
        json!({"batchItemFailures": [{"itemIdentifier": "silent-1"}, {"itemIdentifier": "silent-2"}, {"itemIdentifier": "fast-2"}]}),
        "after {took:?}"
    );
}

/// A function still running at its timeout is stopped, and the invocation is an error, as Lambda
/// does it: here every call to the store takes longer than the whole timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_past_its_timeout_is_stopped() {
    let aws = Aws::fresh().await;
    let slow = crate::support::faults::delaying(&emulator().endpoint, Duration::from_secs(3)).await;
    let env: Vec<(String, String)> = emulator()
        .env_for(&aws)
        .into_iter()
        .filter(|(k, _)| !k.ends_with("_SECRET_ARN"))
        .map(|(k, v)| if k == "AWS_ENDPOINT_URL" { (k, slow.clone()) } else { (k, v) })
        // No call at start-up: the secret given directly, no warming.
        .chain(
            [("NNA_WARM_TIMEOUT_MS", "0"), ("NNA_JWT_SECRET", crate::support::auth::SECRET)]
                .map(|(k, v)| (k.to_owned(), v.to_owned())),
        )
        .collect();
    let timeout = Duration::from_secs(1);
    let mut get = Function::start_timed("get-asset", &env, timeout).await;
    let started = Instant::now();
    match get.invoke(event("get-asset.json")).await {
        Outcome::Error(e) => assert_eq!(e["errorType"], "Sandbox.Timedout", "{e}"),
        Outcome::Response(r) => panic!("answered after {:?}: {r}", started.elapsed()),
    }
    assert!(started.elapsed() < Duration::from_secs(3), "stopped at its timeout, not when it finished");
}
