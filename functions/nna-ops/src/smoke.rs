//! `nna-ops smoke <ApiUrl>`: one round through a deployed registry, as the frontend makes it:
//! health, create a song, read it back, find it, send it album art and wait for the worker to make
//! it (or say why not), delete it, see it gone. Each step is timed and reported; any step that
//! fails makes the run fail.

use serde_json::{Value, json};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

type Error = Box<dyn std::error::Error + Send + Sync>;

struct Round {
    http: reqwest::Client,
    api: String,
    token: String,
    /// How long the worker may take to make the art before the round says it did not.
    art_wait: Duration,
    steps: Vec<Value>,
}

impl Round {
    /// One request; the step passes when the status is the one expected.
    async fn step(&mut self, name: &str, request: reqwest::RequestBuilder, expected: u16) -> Result<Value, Error> {
        let started = Instant::now();
        let response = request.bearer_auth(&self.token).send().await;
        let ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
        let (status, body) = match response {
            Ok(r) => (r.status().as_u16(), r.json::<Value>().await.unwrap_or(Value::Null)),
            Err(e) => (0, json!({ "error": e.to_string() })),
        };
        let passed = status == expected;
        let mut line = json!({ "step": name, "status": status, "expected": expected, "ms": ms, "passed": passed });
        if !passed {
            line["answer"] = body.clone();
        }
        self.steps.push(line);
        Ok(body)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api)
    }

    /// Reads the song until its art is ready or failed, or `art_wait` passes; the step says which,
    /// with the failure code the worker recorded.
    async fn art_ready(&mut self, id: &str) {
        let started = Instant::now();
        let mut art = Value::Null;
        while started.elapsed() < self.art_wait {
            let read = self.http.get(self.url(&format!("/api/assets/{id}"))).header("prefer", "album-art=object");
            if let Ok(answer) = read.bearer_auth(&self.token).send().await
                && let Ok(body) = answer.json::<Value>().await
            {
                art = body["data"]["albumArt"].clone();
                if matches!(art["status"].as_str(), Some("ready" | "failed")) {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let status = art["status"].as_str().unwrap_or("none").to_owned();
        let mut line = json!({"step": "album art ready", "art": status, "passed": status == "ready",
            "ms": (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0});
        if status != "ready" {
            line["why"] = match status.as_str() {
                "failed" => json!(format!("the worker gave up: {}", art["failure"].as_str().unwrap_or("no code"))),
                _ => json!(format!("still {status} after {} s: is the worker running?", self.art_wait.as_secs())),
            };
        }
        self.steps.push(line);
    }
}

/// A 600×600 PNG, made here.
fn cover_png() -> Result<Vec<u8>, Error> {
    let pixels = image::RgbImage::from_fn(600, 600, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    pixels.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}

pub async fn smoke(api: &str, token: &str, art_wait: Duration) -> Result<Value, Error> {
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build()?;
    let api = api.trim_end_matches('/').trim_end_matches("/api").to_owned();
    let mut r = Round { http, api, token: token.to_owned(), art_wait, steps: Vec::new() };
    let marker = format!("nnasmoke{}", SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis());
    let started = Instant::now();

    let health = r.http.get(r.url("/api/health"));
    r.step("health", health, 200).await?;
    let song = json!({"layer": "G", "category": "Pop", "subcategory": "Base", "source": "ReViz",
        "creatorDescription": format!("Smoke check {marker} by nna-ops"), "description": "Made and deleted by nna-ops smoke.",
        "tags": ["nna-ops-smoke"]});
    let create = r.http.post(r.url("/api/assets")).header("idempotency-key", &marker).json(&song);
    let made = r.step("create", create, 201).await?;
    let id = made["data"]["id"].as_str().unwrap_or_default().to_owned();
    if !id.is_empty() {
        let read = r.http.get(r.url(&format!("/api/assets/{id}")));
        r.step("read", read, 200).await?;
        let search = r.http.get(r.url(&format!("/api/assets/search?q={marker}&limit=5")));
        let found = r.step("search", search, 200).await?;
        let listed =
            found["data"]["items"].as_array().is_some_and(|items| items.iter().any(|a| a["id"] == id.as_str()));
        r.steps.push(json!({ "step": "search finds it", "passed": listed }));
        // Art the round makes itself, so the check depends on no host but the registry.
        let cover = reqwest::multipart::Part::bytes(cover_png()?).file_name("smoke.png").mime_str("image/png")?;
        let ask = r.http.post(r.url(&format!("/api/assets/{id}/album-art")));
        r.step("album art requested", ask.multipart(reqwest::multipart::Form::new().part("file", cover)), 202).await?;
        r.art_ready(&id).await;
        let delete = r.http.delete(r.url(&format!("/api/assets/{id}")));
        r.step("delete", delete, 200).await?;
        let gone = r.http.get(r.url(&format!("/api/assets/{id}")));
        r.step("gone", gone, 404).await?;
    }
    let passed = r.steps.iter().all(|s| s["passed"] == true) && !id.is_empty();
    Ok(json!({ "api": r.api, "passed": passed, "seconds": started.elapsed().as_secs_f64(), "steps": r.steps }))
}
