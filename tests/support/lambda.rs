//! Functions run as Lambda runs them: the real binary, started with `AWS_LAMBDA_RUNTIME_API`
//! pointing at this small implementation of the Lambda Runtime API on loopback, which hands it
//! events one at a time and collects what it answers.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// What the function did with one event.
#[derive(Debug)]
pub enum Outcome {
    Response(Value),
    Error(Value),
}

impl Outcome {
    /// The answer, failing the test if the function reported an error instead.
    pub fn response(self) -> Value {
        match self {
            Self::Response(v) => v,
            Self::Error(e) => panic!("the function reported an error: {e}"),
        }
    }
}

struct Pending {
    event: Value,
    id: String,
    reply: oneshot::Sender<(Outcome, Duration)>,
}

/// Handed out, awaiting an answer: who to tell, and since when it is the function's.
type Waiting = HashMap<String, (oneshot::Sender<(Outcome, Duration)>, Instant)>;

#[derive(Clone)]
struct Api {
    queue: Arc<tokio::sync::Mutex<mpsc::Receiver<Pending>>>,
    waiting: Arc<Mutex<Waiting>>,
    init_error: Arc<Mutex<Option<String>>>,
    /// The function's configured timeout: the deadline each event is handed out with.
    timeout: Duration,
    /// Hand the deadline out as `cargo lambda`'s local invoker does: the time left, not the time.
    deadline_as_time_left: Arc<std::sync::atomic::AtomicBool>,
}

/// What Lambda takes in, and gives back, per invocation (6 MB, synchronous invokes).
pub const PAYLOAD_LIMIT: usize = 6_291_456;

/// The Runtime API on 127.0.0.1, and a function binary polling it.
pub struct Function {
    sender: mpsc::Sender<Pending>,
    api: Api,
    child: Child,
    next_id: u64,
}

fn template() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml"))
        .expect("template.yaml")
}

/// The lines of `template.yaml` that declare the function with this binary.
fn declaration(template: &str, bin: &str) -> Option<String> {
    template.split(&format!("Binary: {bin}\n")).nth(1).map(|rest| {
        // Up to the next resource: two spaces' indent, then a capital.
        let end = rest
            .match_indices("\n  ")
            .map(|(i, _)| i)
            .find(|i| rest[i + 3..].starts_with(|c: char| c.is_ascii_uppercase()))
            .unwrap_or(rest.len());
        rest[..end].to_owned()
    })
}

/// The timeout `template.yaml` gives the function with this binary (its own, else the
/// template's global one).
pub fn configured_timeout(bin: &str) -> Duration {
    let template = template();
    let seconds = |text: &str| {
        text.lines().find_map(|l| l.trim().strip_prefix("Timeout: ").and_then(|n| n.trim().parse::<u64>().ok()))
    };
    let own = declaration(&template, bin).and_then(|d| seconds(&d));
    let global = template.split("Globals:").nth(1).and_then(|g| seconds(g.split("\nResources:").next().unwrap_or(g)));
    Duration::from_secs(own.or(global).unwrap_or(3))
}

/// Secrets are given only to the functions the template gives them to: a function started here
/// sees the secret ARNs its deployed self would see, no more.
fn as_deployed(bin: &str, env: &[(String, String)]) -> Vec<(String, String)> {
    let declared = declaration(&template(), bin).unwrap_or_default();
    env.iter().filter(|(k, _)| !k.ends_with("_SECRET_ARN") || declared.contains(&format!("{k}:"))).cloned().collect()
}

impl Function {
    /// Starts `bin` (built by cargo) with the given environment on top of Lambda's own, and the
    /// timeout the template gives it.
    pub async fn start(bin: &str, env: &[(String, String)]) -> Self {
        Self::start_binary(&super::binary(bin, bin), env, configured_timeout(bin)).await
    }

    /// The same with another timeout.
    pub async fn start_timed(bin: &str, env: &[(String, String)], timeout: Duration) -> Self {
        Self::start_binary(&super::binary(bin, bin), env, timeout).await
    }

    /// Starts the binary at `path`, named after its file.
    pub async fn start_binary(path: &std::path::Path, env: &[(String, String)], timeout: Duration) -> Self {
        let bin = path.file_name().and_then(|n| n.to_str()).unwrap_or("function").to_owned();
        Self::start_command(Command::new(path), &bin, env, timeout).await
    }

    /// Starts `command` (a binary, or an emulator running one: `qemu-aarch64-static … bootstrap`)
    /// as the function `bin`.
    pub async fn start_command(mut command: Command, bin: &str, env: &[(String, String)], timeout: Duration) -> Self {
        let env = &as_deployed(bin, env);
        let (sender, receiver) = mpsc::channel(1);
        let api = Api {
            queue: Arc::new(tokio::sync::Mutex::new(receiver)),
            waiting: Arc::new(Mutex::new(HashMap::new())),
            init_error: Arc::new(Mutex::new(None)),
            timeout,
            deadline_as_time_left: Arc::default(),
        };
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            // The limit is Lambda's, checked in `response`, not the web framework's 2 MB.
            .layer(axum::extract::DefaultBodyLimit::disable())
            .with_state(api.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the runtime API");
        let addr = listener.local_addr().expect("runtime API address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        let child = command
            .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", bin)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{bin}"))
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
            .env("RUST_LOG", "warn")
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {bin}: {e}"));
        Self { sender, api, child, next_id: 0 }
    }

    /// Hands the function one event and waits for its answer.
    /// The function's process id (benchmarks read its peak memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// From now on, events carry their deadline as `cargo lambda watch` sends it: the milliseconds
    /// left rather than the epoch time they end at.
    pub fn deadline_as_time_left(&self) {
        self.api.deadline_as_time_left.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub async fn invoke(&mut self, event: Value) -> Outcome {
        self.invoke_timed(event).await.0
    }

    /// The answer, and how long the function took from taking the event to answering it. As
    /// Lambda: an event over 6 MB is refused without invoking; a function that has not answered
    /// by its timeout is stopped (its sandbox is gone) and the invocation is an error.
    pub async fn invoke_timed(&mut self, event: Value) -> (Outcome, Duration) {
        let size = serde_json::to_vec(&event).map(|b| b.len()).unwrap_or(0);
        if size > PAYLOAD_LIMIT {
            let refused = serde_json::json!({"errorType": "RequestEntityTooLargeException",
                "errorMessage": format!("Request must be smaller than {PAYLOAD_LIMIT} bytes for the InvokeFunction operation"), "size": size});
            return (Outcome::Error(refused), Duration::ZERO);
        }
        self.next_id += 1;
        let id = format!("req-{}", self.next_id);
        let (reply, answer) = oneshot::channel();
        self.sender.send(Pending { event, id: id.clone(), reply }).await.expect("the runtime API is running");
        // The deadline runs from when the function takes the event; a start-up may come first.
        let started = Instant::now();
        let limit = self.api.timeout + Duration::from_secs(10);
        let mut answer = answer;
        loop {
            tokio::select! {
                outcome = &mut answer => return outcome.expect("an answer"),
                () = tokio::time::sleep(Duration::from_millis(100)) => {
                    if let Some(e) = self.api.init_error.lock().unwrap().clone() {
                        panic!("the function failed to start: {e}");
                    }
                    if let Ok(Some(status)) = self.child.try_wait() {
                        panic!("the function exited ({status}) before answering {id}");
                    }
                    let taken = self.api.waiting.lock().unwrap().get(&id).map(|(_, since)| *since);
                    if taken.is_some_and(|since| since.elapsed() > self.api.timeout) {
                        let _ = self.child.kill();
                        self.api.waiting.lock().unwrap().remove(&id);
                        let timed_out = serde_json::json!({"errorType": "Sandbox.Timedout",
                            "errorMessage": format!("Task timed out after {:.2} seconds", self.api.timeout.as_secs_f64())});
                        return (Outcome::Error(timed_out), self.api.timeout);
                    }
                    assert!(taken.is_some() || started.elapsed() < limit, "{id} was not taken within {limit:?}");
                }
            }
        }
    }

    /// An API Gateway event's answer: status and the parsed JSON body.
    pub async fn http(&mut self, event: Value) -> (u16, Value) {
        let r = self.invoke(event).await.response();
        let status = r["statusCode"].as_u64().expect("statusCode") as u16;
        let body = r["body"]
            .as_str()
            .map(|b| serde_json::from_str(b).unwrap_or(Value::String(b.to_owned())))
            .unwrap_or(Value::Null);
        (status, body)
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn next(State(api): State<Api>) -> Response {
    let Some(p) = api.queue.lock().await.recv().await else {
        return StatusCode::GONE.into_response();
    };
    api.waiting.lock().unwrap().insert(p.id.clone(), (p.reply, Instant::now()));
    let mut headers = HeaderMap::new();
    let left = api.timeout.as_millis();
    let as_time_left = api.deadline_as_time_left.load(std::sync::atomic::Ordering::SeqCst);
    let deadline = if as_time_left { left } else { chrono_like_now_ms() + left }.to_string();
    for (name, value) in [
        ("lambda-runtime-aws-request-id", p.id.as_str()),
        ("lambda-runtime-deadline-ms", deadline.as_str()),
        ("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:123456789012:function:test"),
        ("lambda-runtime-trace-id", "Root=1-67890abc-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0"),
    ] {
        headers.insert(name, HeaderValue::from_str(value).expect("header"));
    }
    (headers, axum::Json(p.event)).into_response()
}

fn chrono_like_now_ms() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
}

fn finish(api: &Api, id: &str, outcome: Outcome) -> StatusCode {
    match api.waiting.lock().unwrap().remove(id) {
        Some((reply, since)) => {
            let _ = reply.send((outcome, since.elapsed()));
            StatusCode::ACCEPTED
        }
        None => StatusCode::NOT_FOUND,
    }
}

fn json(body: &Bytes) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

/// An answer over 6 MB is an error, as Lambda makes it.
async fn response(State(api): State<Api>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    if body.len() > PAYLOAD_LIMIT {
        let too_large = serde_json::json!({"errorType": "Function.ResponseSizeTooLarge",
            "errorMessage": format!("Response payload size ({} bytes) exceeded maximum allowed payload size ({PAYLOAD_LIMIT} bytes).", body.len())});
        return finish(&api, &id, Outcome::Error(too_large));
    }
    finish(&api, &id, Outcome::Response(json(&body)))
}

async fn error(State(api): State<Api>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    finish(&api, &id, Outcome::Error(json(&body)))
}

async fn init_error(State(api): State<Api>, body: Bytes) -> StatusCode {
    *api.init_error.lock().unwrap() = Some(String::from_utf8_lossy(&body).into_owned());
    StatusCode::ACCEPTED
}

/// A sample event from `infra/events/`.
/// A sample event from `infra/events/`; API Gateway requests go as the suite's admin (signed with
/// the tests' secret, as the frontend's would be), except those to the open routes.
pub fn event(name: &str) -> Value {
    let mut event = unsigned_event(name);
    if let Some(headers) = event.get_mut("headers").and_then(Value::as_object_mut) {
        headers.insert("authorization".into(), Value::String(crate::auth::bearer(crate::auth::admin())));
    }
    event
}

/// A sample event exactly as the file has it.
pub fn unsigned_event(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/events").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An API Gateway (HTTP API, v2) event for any request, as the suite's admin: the sample
/// `get-asset.json` with the method, path, query and JSON body replaced.
pub fn api_event(method: &str, path_and_query: &str, body: Option<&Value>) -> Value {
    let mut e = event("get-asset.json");
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    e["routeKey"] = Value::String("$default".into());
    e["rawPath"] = Value::String(path.into());
    e["rawQueryString"] = Value::String(query.into());
    let params: serde_json::Map<String, Value> = query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
        .collect();
    if !params.is_empty() {
        e["queryStringParameters"] = Value::Object(params);
    }
    e["requestContext"]["http"]["method"] = Value::String(method.into());
    e["requestContext"]["http"]["path"] = Value::String(path.into());
    e["requestContext"]["routeKey"] = Value::String("$default".into());
    if let Some(obj) = e.as_object_mut() {
        obj.remove("pathParameters");
    }
    if let Some(body) = body {
        e["body"] = Value::String(body.to_string());
        e["headers"]["content-type"] = Value::String("application/json".into());
    }
    e
}

/// One delivery as Lambda's SQS event source hands it over.
pub fn sqs_event(deliveries: &[(&str, &nna_domain::jobs::Delivery)]) -> Value {
    let records: Vec<Value> = deliveries
        .iter()
        .map(|(id, d)| {
            serde_json::json!({"messageId": id, "receiptHandle": d.receipt, "body": d.body,
                "attributes": {"ApproximateReceiveCount": d.receive_count.to_string(), "SentTimestamp": "1795633200000"},
                "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:nna-album-art", "awsRegion": "us-east-1"})
        })
        .collect();
    serde_json::json!({ "Records": records })
}

pub async fn receive_one(aws: &crate::Aws, hidden: Duration) -> nna_domain::jobs::Delivery {
    for _ in 0..20 {
        if let Some(d) = nna_domain::jobs::JobSource::receive(&aws.queue, 1, hidden).await.unwrap().pop() {
            return d;
        }
    }
    panic!("no message arrived")
}

#[cfg(test)]
mod tests {
    #[test]
    fn timeouts_come_from_the_template() {
        assert_eq!(super::configured_timeout("process-album-art").as_secs(), 60);
        assert_eq!(super::configured_timeout("nna-ops").as_secs(), 900);
        assert_eq!(super::configured_timeout("get-asset").as_secs(), 10, "the global default");
    }
}
