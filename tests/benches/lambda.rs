//! The functions as they ship: size, cold start, warm overhead, and what opening the connection
//! during init saves the first request. Writes `target/bench/lambda.json` and prints a table.
//!
//!     cargo bench -p nna-tests --bench lambda
//!
//! - size: the release binary (the Lambda profile), stripped;
//! - cold start: process start to the first answer through the Lambda Runtime API harness, against
//!   DynamoDB/S3/SQS on the emulator (median of 20);
//! - overhead: one request through lambda_http's adapter and the router with an in-memory store,
//!   so what is left is the function's own work (p50/p99 of 20,000);
//! - warming: the first request's time inside the function, with and without init opening the
//!   DynamoDB connection, through a TLS endpoint so the handshake is real (median of 10 each).

mod tls_proxy;

use async_trait::async_trait;
use lambda_http::lambda_runtime::{Context, LambdaEvent};
use lambda_http::request::LambdaRequest;
use nna_domain::auth::{Email, Role, User};
use nna_domain::idempotency::IdempotencyRecord;
use nna_domain::ports::{AssetIndex, AssetStore, CreatePlan, Posting, StoreError, UserStore, Walk, Walked};
use nna_domain::search::{IndexTerm, Scope};
use nna_domain::{Address, Asset, AssetId, AssetKey, Registry, RegistryConfig};
use nna_embedded::DiskBlobs;
use nna_http::{HttpConfig, RouteGroup};
use nna_tests::{Aws, Function, api_event, emulator, event, release_binary};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::Service;

/// Each function with the request its cold start is timed on: real work on a stored asset, and
/// the answer it must give (an HTTP status, or an SQS batch with no failures).
fn requests(id: &str) -> [(&'static str, Value, Expect); 5] {
    let path = format!("/api/assets/{id}");
    [
        ("create-asset", event("create-asset.json"), Expect::Status(201)),
        ("get-asset", api_event("GET", &path, None), Expect::Status(200)),
        ("update-asset", api_event("PATCH", &path, Some(&json!({"description": "timed"}))), Expect::Status(200)),
        ("search-assets", event("search-assets-list.json"), Expect::Status(200)),
        ("process-album-art", cleanup_batch(id), Expect::NoBatchFailures),
    ]
}

/// An SQS batch of one job the worker can finish here: removing a file the stored asset left
/// (a real S3 delete; the sample batch's art hosts are out of reach offline).
fn cleanup_batch(id: &str) -> Value {
    let asset_id = nna_domain::AssetId::parse(id).expect("an id");
    let key = format!("album-art/2026/12/{id}/gone/original.png");
    let job = nna_domain::jobs::Job::DeleteFiles { asset_id, keys: vec![key] };
    let delivery = nna_domain::jobs::Delivery {
        receipt: "r-1".into(),
        body: job.to_message().expect("a message"),
        receive_count: 1,
    };
    nna_tests::lambda::sqs_event(&[("m-1", &delivery)])
}

#[derive(Clone, Copy, Debug)]
enum Expect {
    Status(u64),
    NoBatchFailures,
}

impl Expect {
    /// A figure for a request that failed measures nothing: the bench stops.
    fn check(self, name: &str, answer: &Value) {
        match self {
            Self::Status(status) => assert_eq!(answer["statusCode"].as_u64(), Some(status), "{name}: {answer}"),
            Self::NoBatchFailures => assert_eq!(answer["batchItemFailures"], json!([]), "{name}: {answer}"),
        }
    }
}

/// A stored asset for the reads and edits to find, made through the create function.
async fn seeded(env: &[(String, String)]) -> String {
    let mut create = Function::start("create-asset", env).await;
    let (status, answer) = create.http(api_event("POST", "/api/assets", Some(&nna_tests::kelly()))).await;
    assert_eq!(status, 201, "seeding: {answer}");
    answer["data"]["id"].as_str().expect("an id").to_owned()
}

fn main() {
    if nna_tests::bench::only_built() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let report = runtime.block_on(measure());
    nna_tests::bench::report("lambda", &report);
}

async fn measure() -> Value {
    let mut functions = serde_json::Map::new();
    let aws = Aws::fresh().await;
    let env = emulator().env_for(&aws);
    let id = seeded(&env).await;
    for (name, request, expect) in requests(&id) {
        eprintln!("building {name} (release profile)…");
        let path = release_binary(name, name);
        let size = std::fs::metadata(&path).expect("binary").len();
        let mut cold = Vec::new();
        for _ in 0..20 {
            let started = Instant::now();
            // Each with its own timeout, as deployed: a batch is not started with too little time left.
            let timeout = nna_tests::lambda::configured_timeout(name);
            let mut f = Function::start_binary(&path, &env, timeout).await;
            let answer = f.invoke(request.clone()).await.response();
            cold.push(started.elapsed());
            expect.check(name, &answer);
        }
        functions.insert(
            name.into(),
            json!({ "sizeBytes": size, "sizeMiB": round(size as f64 / 1048576.0), "coldStartMedianMs": ms(median(&mut cold)) }),
        );
    }
    json!({
        "machine": machine(),
        "functions": functions,
        "overheadWithoutStore": overhead().await,
        "warmingTheConnection": warming().await,
    })
}

/// One request through lambda_http's adapter and the router, the store swapped for memory.
async fn overhead() -> Value {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let blobs = Arc::new(DiskBlobs::new(dir.path(), "http://x/files", "http://x/upload").expect("blobs"));
    let registry = Registry::new(Arc::new(MemoryStore::seeded()), blobs, RegistryConfig::default());
    let router = nna_http::router_for(
        registry,
        &HttpConfig::new(
            vec!["https://nna-registry-frontend-stg.vercel.app".into()],
            4 << 20,
            nna_tests::auth::tokens(),
        ),
        &RouteGroup::ALL,
    );
    let mut adapter = lambda_http::Adapter::from(router);
    let mut out = serde_json::Map::new();
    for (label, file) in [
        ("getAsset", "get-asset.json"),
        ("createAsset", "create-asset.json"),
        ("listAssets", "search-assets-list.json"),
    ] {
        let text = serde_json::to_string(&event(file)).expect("event");
        let mut times = Vec::with_capacity(20_000);
        for i in 0..21_000 {
            let started = Instant::now();
            let request: LambdaRequest = serde_json::from_str(&text).expect("an API Gateway event");
            let response = adapter.call(LambdaEvent::new(request, Context::default())).await.expect("a response");
            let bytes = serde_json::to_vec(&response).expect("serializable");
            if i == 0 {
                let answer: Value = serde_json::from_slice(&bytes).expect("JSON");
                let status = answer["statusCode"].as_u64().unwrap_or(0);
                assert!((200..300).contains(&status), "{label}: {answer}");
            }
            std::hint::black_box(bytes);
            if i >= 1_000 {
                times.push(started.elapsed());
            }
        }
        times.sort();
        out.insert(
            label.into(),
            json!({ "p50Ms": ms(times[times.len() / 2]), "p99Ms": ms(times[times.len() * 99 / 100]) }),
        );
    }
    Value::Object(out)
}

/// First-request time inside `get-asset`, with init opening the DynamoDB connection or not.
async fn warming() -> Value {
    let proxy = tls_proxy::start(&emulator().endpoint).await;
    let aws = Aws::fresh().await;
    let id = seeded(&emulator().env_for(&aws)).await;
    let path = release_binary("get-asset", "get-asset");
    let mut result = serde_json::Map::new();
    for (label, timeout_ms) in [("warmedAtInit", "1500"), ("notWarmed", "0")] {
        let mut env = emulator().env_for(&aws);
        for (k, v) in env.iter_mut() {
            if k == "AWS_ENDPOINT_URL" {
                *v = proxy.endpoint.clone();
            }
        }
        env.push(("SSL_CERT_FILE".into(), proxy.ca_file.display().to_string()));
        env.push(("NNA_WARM_TIMEOUT_MS".into(), timeout_ms.into()));
        let mut first = Vec::new();
        for _ in 0..10 {
            let mut f = Function::start_binary(&path, &env, std::time::Duration::from_secs(10)).await;
            let (outcome, took) = f.invoke_timed(api_event("GET", &format!("/api/assets/{id}"), None)).await;
            Expect::Status(200).check("get-asset", &outcome.response());
            first.push(took);
        }
        result.insert(label.into(), json!({ "firstRequestMedianMs": ms(median(&mut first)) }));
    }
    result.insert("tlsHandshakesSeen".into(), json!(proxy.handshakes()));
    Value::Object(result)
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    round(d.as_secs_f64() * 1000.0)
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|c| {
        c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
    });
    json!({ "cpu": cpu, "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0), "arch": std::env::consts::ARCH })
}

/// The store replaced by memory, holding one asset: what is measured is everything else.
struct MemoryStore {
    asset: Asset,
}

impl MemoryStore {
    fn seeded() -> Self {
        let v = json!({"id": "01a2143d23df7808b8089175", "layer": "L", "category": "Casual", "subcategory": "Athleisure",
            "name": "L.CAS.ATL.001", "nna_address": "L.004.004.001", "mfa": "3.004.004.001", "tags": ["sports"],
            "creatorDescription": "Kelly is wearing a sports jersey from brand Adidas", "createdAt": "2026-11-25T19:00:00.000Z",
            "updatedAt": "2026-11-25T19:00:00.000Z", "aiMetadata": {"generatedBy": "OpenAI GPT-4o", "confidence": 0.95}});
        Self { asset: Asset::load(v).expect("an asset") }
    }
}

/// No accounts: requests carry tokens, which need none.
#[async_trait]
impl UserStore for MemoryStore {
    async fn create_user(&self, _: &User) -> Result<(), StoreError> {
        Err(StoreError::internal("no accounts here"))
    }
    async fn user(&self, _: &Email) -> Result<Option<User>, StoreError> {
        Ok(None)
    }
    async fn set_role(&self, _: &Email, _: Role) -> Result<Option<User>, StoreError> {
        Ok(None)
    }
    async fn replace_password_hash(
        &self,
        _: &Email,
        _: &nna_domain::auth::PasswordHash,
        _: &nna_domain::auth::PasswordHash,
    ) -> Result<bool, StoreError> {
        Ok(false)
    }
    async fn all_users(&self) -> Result<Vec<User>, StoreError> {
        Ok(Vec::new())
    }
}

#[async_trait]
impl nna_domain::ports::Attempts for MemoryStore {
    async fn attempt(
        &self,
        _: &nna_domain::auth::AttemptKey<'_>,
        _: u64,
        _: nna_domain::Timestamp,
    ) -> Result<u64, StoreError> {
        Ok(1)
    }
}

#[async_trait]
impl AssetStore for MemoryStore {
    async fn create(&self, plan: CreatePlan) -> Result<Asset, StoreError> {
        let mut a = (plan.build)(Address { path: plan.path, sequence: nna_domain::Sequence::FIRST });
        a.id = AssetId::generate();
        Ok(a)
    }
    async fn get(&self, _key: &AssetKey) -> Result<Option<Asset>, StoreError> {
        Ok(Some(self.asset.clone()))
    }
    async fn replace(&self, _current: &Asset, _next: &Asset, _: &nna_domain::history::Entry) -> Result<(), StoreError> {
        Ok(())
    }
    async fn delete(
        &self,
        _current: &Asset,
        _record: &nna_domain::asset::Deletion,
        _: &nna_domain::history::Entry,
    ) -> Result<(), StoreError> {
        Ok(())
    }
    async fn undelete(&self, _: &Asset, _: &str, _: &nna_domain::history::Entry) -> Result<(), StoreError> {
        Ok(())
    }
    async fn history(
        &self,
        _: &AssetId,
        _: Option<u64>,
        _: usize,
    ) -> Result<Vec<nna_domain::history::Entry>, StoreError> {
        Ok(Vec::new())
    }
    async fn import(&self, _asset: &Asset) -> Result<(), StoreError> {
        Ok(())
    }
    async fn import_new(&self, assets: &[Asset]) -> Result<Vec<bool>, StoreError> {
        Ok(vec![false; assets.len()])
    }
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }

    async fn upload_claimed_by(&self, _: &nna_domain::ports::BlobKey) -> Result<Option<AssetId>, StoreError> {
        Ok(None)
    }
    async fn idempotency_record(&self, _: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        Ok(None)
    }
}

/// Twenty copies of the one asset in any listing.
#[async_trait]
impl AssetIndex for MemoryStore {
    async fn postings_from(
        &self,
        _term: &IndexTerm,
        _direction: nna_domain::search::Direction,
        _after: Option<&str>,
        _limit: usize,
    ) -> Result<Vec<Posting>, StoreError> {
        Ok(Vec::new())
    }
    async fn next_term(
        &self,
        _prefix: &IndexTerm,
        _after: Option<&IndexTerm>,
    ) -> Result<Option<IndexTerm>, StoreError> {
        Ok(None)
    }
    async fn prefix_postings(&self, _prefix: &IndexTerm, _limit: usize) -> Result<Vec<Posting>, StoreError> {
        Ok(Vec::new())
    }
    async fn fetch(&self, _ids: &[AssetId]) -> Result<Vec<Asset>, StoreError> {
        Ok(Vec::new())
    }
    async fn walk(&self, walk: &Walk, limit: usize) -> Result<Walked, StoreError> {
        let assets = if walk.after.is_some() { Vec::new() } else { vec![self.asset.clone(); limit.min(20)] };
        Ok(Walked { assets, more: false })
    }
    async fn count(&self, _places: &[Scope]) -> Result<u64, StoreError> {
        Ok(20)
    }
}
