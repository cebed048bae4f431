//! Peak memory of album art at 40 MP. Writes `target/bench/art_memory.json` and prints it.
//!
//!     cargo bench -p nna-tests --bench art_memory
//!
//! 1. Each format decoded by `image::process` in a process of its own (this binary again), so the
//!    peak (`VmHWM`) is that decode's: a 40 MP JPEG (baseline and progressive, 4:2:0), a 40 MP
//!    PNG, and a 20 MP WebP (about the largest the 150 MB limit lets in).
//! 2. The same JPEG and PNG as album art of a song on the release `nna-local` (its worker), and
//!    through the release `process-album-art` binary as Lambda runs it (the emulator's S3, SQS and
//!    DynamoDB), each process's peak after the job, beside its peak before.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use bytes::Bytes;
use nna_tests::art::{ArtWeb, images};
use nna_tests::{Aws, Function, LocalProcess, emulator, event, release_binary, song};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

const CHILD: &str = "NNA_ART_MEMORY_CHILD";

fn main() {
    if let Ok(file) = std::env::var(CHILD) {
        return child(Path::new(&file));
    }
    if nna_tests::bench::only_built() {
        return;
    }
    let dir = tempfile::TempDir::new().expect("temp dir");
    // 7,300 × 5,479 = 40.0 M pixels, the most allowed; the WebP at 5,200 × 3,850 = 20.0 M, about
    // the most whose whole frame fits 150 MB.
    let (w, h) = (7_300, 5_479);
    let made = Instant::now();
    let files = [
        ("jpeg-baseline-40mp", jpeg(w, h, false)),
        ("jpeg-progressive-40mp", jpeg(w, h, true)),
        ("png-40mp", images::png(w, h)),
        ("webp-20mp", images::webp(5_200, 3_850)),
    ];
    eprintln!("made the images in {:.0} s", made.elapsed().as_secs_f64());
    let mut decodes = serde_json::Map::new();
    for (name, bytes) in &files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let out = std::process::Command::new(std::env::current_exe().expect("this binary"))
            .env(CHILD, &path)
            .output()
            .expect("the child runs");
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{name}: {}", String::from_utf8_lossy(&out.stderr)));
        decodes.insert((*name).into(), report);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let (local, lambda) = runtime.block_on(async {
        let web = ArtWeb::start().await;
        let urls: Vec<(String, String)> = files[..3]
            .iter()
            .filter(|(name, _)| !name.contains("progressive"))
            .map(|(name, bytes)| ((*name).to_owned(), web.put(name, bytes.clone(), "application/octet-stream")))
            .collect();
        (local_worker(&urls).await, lambda_worker(&urls).await)
    });
    let report = json!({
        "limitMiB": 150,
        "decodeAlone": decodes,
        "nnaLocalWorker": local,
        "processAlbumArt": lambda,
        "note": "peakMiB: the process's VmHWM; baselineMiB: before the image. A decode's cost is peak − baseline.",
    });
    nna_tests::bench::report("art_memory", &report);
}

fn jpeg(width: u32, height: u32, progressive: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    encoder.set_progressive(progressive);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    let (w, h) = (u16::try_from(width).expect("fits"), u16::try_from(height).expect("fits"));
    encoder.encode(&images::pixels(width, height), w, h, jpeg_encoder::ColorType::Rgb).expect("encoded");
    out
}

fn mib(kb: u64) -> f64 {
    (kb as f64 / 1024.0 * 10.0).round() / 10.0
}

fn child(file: &Path) {
    let bytes = Bytes::from(std::fs::read(file).expect("the image"));
    let baseline = nna_tests::bench::peak_kb("self");
    let started = Instant::now();
    let result = nna_album_art::image::process(bytes, nna_album_art::image::ImageLimits::default());
    let report = json!({
        "ok": result.is_ok(),
        "refused": result.as_ref().err().map(|f| f.code()),
        "ms": started.elapsed().as_millis(),
        "peakMiB": mib(nna_tests::bench::peak_kb("self")), "baselineMiB": mib(baseline),
        "decodeMiB": mib(nna_tests::bench::peak_kb("self").saturating_sub(baseline)),
    });
    println!("{report}");
}

fn art_env() -> [(&'static str, &'static str); 3] {
    [("NNA_ART_ALLOW_HTTP", "true"), ("NNA_ART_LOOPBACK_HOSTS", "127.0.0.1"), ("NNA_ART_TIMEOUT_MS", "20000")]
}

/// Each image as a new song's art on the release `nna-local`, one after the other.
async fn local_worker(urls: &[(String, String)]) -> Value {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let bin = release_binary("nna-local", "nna-local");
    let mut env = art_env().to_vec();
    env.extend([("NNA_ART_MAX_BYTES", "104857600"), ("NNA_ART_LOOKUP", "off")]);
    let server = LocalProcess::start_binary(&bin, dir.path(), &env).await;
    let pid = server.pid().to_string();
    let client = nna_tests::server::client_as(nna_tests::auth::admin());
    let mut out = serde_json::Map::new();
    for (name, url) in urls {
        let before = nna_tests::bench::peak_kb(&pid);
        let mut body = song("Halo by Beyoncé");
        body["albumArt"] = json!({"sourceUrl": url, "source": "iTunes"});
        let created = nna_tests::server::data(client.post(format!("{}/api/assets", server.base)).json(&body)).await;
        let id = created["id"].as_str().expect("created").to_owned();
        let deadline = Instant::now() + Duration::from_secs(120);
        let status = loop {
            let got = nna_tests::server::data(
                client.get(format!("{}/api/assets/{id}", server.base)).header("Prefer", "album-art=object"),
            )
            .await;
            let status = got["albumArt"]["status"].as_str().unwrap_or_default().to_owned();
            if status != "pending" || Instant::now() > deadline {
                break status;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        // A figure for art that was never made measures nothing.
        assert_eq!(status, "ready", "{name}: the local worker did not make the art");
        out.insert(
            name.clone(),
            json!({"status": status, "baselineMiB": mib(before), "peakMiB": mib(nna_tests::bench::peak_kb(&pid)),
                "decodeMiB": mib(nna_tests::bench::peak_kb(&pid).saturating_sub(before))}),
        );
    }
    Value::Object(out)
}

/// Each image as a song's art through the release `process-album-art` (one invocation each, a
/// fresh process each, so each peak is that image's).
async fn lambda_worker(urls: &[(String, String)]) -> Value {
    let aws = Aws::fresh().await;
    let mut env = emulator().env_for(&aws);
    env.extend(art_env().map(|(k, v)| (k.to_owned(), v.to_owned())));
    env.push(("NNA_ART_MAX_BYTES".into(), "104857600".into()));
    let worker_bin = release_binary("process-album-art", "process-album-art");
    let mut out = serde_json::Map::new();
    for (name, url) in urls {
        let mut create = Function::start("create-asset", &env).await;
        let mut body = song("Halo by Beyoncé");
        body["albumArt"] = json!({"sourceUrl": url, "source": "iTunes"});
        let mut request = event("create-asset.json");
        request["body"] = Value::String(body.to_string());
        let (status, created_answer) = create.http(request).await;
        assert_eq!(status, 201, "{created_answer}");
        let job = nna_tests::lambda::receive_one(&aws, Duration::from_secs(120)).await;
        let mut worker = Function::start_binary(&worker_bin, &env, Duration::from_secs(60)).await;
        let pid = worker.pid().to_string();
        let before = nna_tests::bench::peak_kb(&pid);
        let answer = worker.invoke(nna_tests::lambda::sqs_event(&[("m-1", &job)])).await.response();
        assert_eq!(answer["batchItemFailures"], json!([]), "{name}: {answer}");
        let id = nna_domain::AssetId::parse(answer_id(&created_answer)).expect("an id");
        let song = nna_domain::ports::AssetStore::get(&aws.store, &nna_domain::AssetKey::Id(id)).await.expect("read");
        let art = song.and_then(|s| s.album_art).and_then(|f| f.art().cloned());
        assert_eq!(
            art.as_ref().and_then(|a| a.status),
            Some(nna_domain::asset::ArtStatus::Ready),
            "{name}: process-album-art did not make the art: {art:?}"
        );
        out.insert(
            name.clone(),
            json!({"batchItemFailures": answer["batchItemFailures"], "baselineMiB": mib(before),
                "peakMiB": mib(nna_tests::bench::peak_kb(&pid)), "decodeMiB": mib(nna_tests::bench::peak_kb(&pid).saturating_sub(before))}),
        );
    }
    Value::Object(out)
}

fn answer_id(answer: &Value) -> &str {
    answer["data"]["id"].as_str().unwrap_or_default()
}
