//! `nna-ops smoke <ApiUrl>`: one round through a deployed registry, as the frontend makes it:
//! health, create a song, read it back, find it, ask for its album art, delete it, see it gone.
//! Each step is timed and reported; any step that fails makes the run fail.

use serde_json::{Value, json};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

type Error = Box<dyn std::error::Error + Send + Sync>;

struct Round {
    http: reqwest::Client,
    api: String,
    token: String,
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
}

pub async fn smoke(api: &str, token: &str) -> Result<Value, Error> {
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build()?;
    let api = api.trim_end_matches('/').trim_end_matches("/api").to_owned();
    let mut r = Round { http, api, token: token.to_owned(), steps: Vec::new() };
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
        let art = json!({"sourceUrl": "https://is1-ssl.mzstatic.com/image/thumb/Music/nna-ops-smoke/600x600bb.jpg"});
        let ask = r.http.post(r.url(&format!("/api/assets/{id}/album-art"))).json(&art);
        r.step("album art requested", ask, 202).await?;
        let delete = r.http.delete(r.url(&format!("/api/assets/{id}")));
        r.step("delete", delete, 200).await?;
        let gone = r.http.get(r.url(&format!("/api/assets/{id}")));
        r.step("gone", gone, 404).await?;
    }
    let passed = r.steps.iter().all(|s| s["passed"] == true) && !id.is_empty();
    Ok(json!({ "api": r.api, "passed": passed, "seconds": started.elapsed().as_secs_f64(), "steps": r.steps }))
}
