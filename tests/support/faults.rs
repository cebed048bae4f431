//! A fault-injecting HTTP proxy on loopback, between an AWS SDK client and the emulator: a share
//! of the requests is throttled, answered with a 500, cut off before it reaches the emulator, cut
//! off after the emulator applied it (the answer is lost: the nastiest case for a write), or
//! delayed. Everything else is forwarded as it came.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Throttle,
    ServerError,
    DropBefore,
    DropAfter,
    Slow,
}

const KINDS: [Fault; 5] = [Fault::Throttle, Fault::ServerError, Fault::DropBefore, Fault::DropAfter, Fault::Slow];

/// How many requests passed, and how many met each fault.
#[derive(Debug, Default)]
pub struct FaultCounts {
    pub requests: AtomicU64,
    injected: [AtomicU64; 5],
}

impl FaultCounts {
    pub fn of(&self, fault: Fault) -> u64 {
        self.injected[KINDS.iter().position(|k| *k == fault).unwrap_or(0)].load(Ordering::SeqCst)
    }

    pub fn total(&self) -> u64 {
        self.injected.iter().map(|n| n.load(Ordering::SeqCst)).sum()
    }
}

struct Proxy {
    target: String,
    percent: u32,
    rng: Mutex<fastrand::Rng>,
    counts: Arc<FaultCounts>,
    http: reqwest::Client,
    /// Told of every request that reached the emulator, and its answer's status.
    recorder: Option<Arc<crate::evidence::Recorder>>,
    /// Every request waits this long first.
    delay: Duration,
}

/// Starts the proxy in front of `target` (`http://127.0.0.1:port`); `percent` of requests meet a
/// fault, the kinds in equal shares, drawn from `seed`. Answers the proxy's URL.
pub async fn start(target: &str, percent: u32, seed: u64) -> (String, Arc<FaultCounts>) {
    spawn(target, percent, seed, None, Duration::ZERO).await
}

/// A proxy that holds every request for `delay`: a dependency too slow for a function's timeout.
pub async fn delaying(target: &str, delay: Duration) -> String {
    spawn(target, 0, 0, None, delay).await.0
}

/// A proxy that injects nothing and tells `recorder` of every request: which AWS actions a
/// client performed (see `evidence`).
pub async fn recording(target: &str, recorder: Arc<crate::evidence::Recorder>) -> String {
    spawn(target, 0, 0, Some(recorder), Duration::ZERO).await.0
}

async fn spawn(
    target: &str,
    percent: u32,
    seed: u64,
    recorder: Option<Arc<crate::evidence::Recorder>>,
    delay: Duration,
) -> (String, Arc<FaultCounts>) {
    let counts = Arc::new(FaultCounts::default());
    let proxy = Arc::new(Proxy {
        target: target.trim_end_matches('/').to_owned(),
        percent,
        rng: Mutex::new(fastrand::Rng::with_seed(seed)),
        counts: counts.clone(),
        http: reqwest::Client::builder().no_proxy().build().expect("client"),
        recorder,
        delay,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let proxy = proxy.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |r| proxy.clone().handle(r));
                // A handler error closes the connection with no answer: that is the "drop".
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    (url, counts)
}

type Answer = Result<Response<Full<Bytes>>, Box<dyn std::error::Error + Send + Sync>>;

impl Proxy {
    fn draw(&self) -> Option<Fault> {
        let mut rng = self.rng.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        (rng.u32(0..100) < self.percent).then(|| KINDS[rng.usize(0..KINDS.len())])
    }

    async fn handle(self: Arc<Self>, request: Request<Incoming>) -> Answer {
        self.counts.requests.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        let fault = self.draw();
        if let Some(f) = fault {
            self.counts.injected[KINDS.iter().position(|k| *k == f).unwrap_or(0)].fetch_add(1, Ordering::SeqCst);
        }
        match fault {
            Some(Fault::Throttle) => {
                return Ok(error(
                    StatusCode::BAD_REQUEST,
                    "ThrottlingException",
                    "Rate of requests exceeds the allowed throughput.",
                ));
            }
            Some(Fault::ServerError) => {
                return Ok(error(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError", "Internal server error"));
            }
            Some(Fault::DropBefore) => return Err("fault: connection dropped before forwarding".into()),
            Some(Fault::Slow) => tokio::time::sleep(Duration::from_millis(300 + self.jitter(1200))).await,
            _ => {}
        }
        let answer = self.forward(request).await?;
        if fault == Some(Fault::DropAfter) {
            return Err("fault: the emulator answered; the answer is dropped".into());
        }
        Ok(answer)
    }

    fn jitter(&self, below: u64) -> u64 {
        self.rng.lock().unwrap_or_else(std::sync::PoisonError::into_inner).u64(0..below)
    }

    async fn forward(&self, request: Request<Incoming>) -> Answer {
        let (parts, body) = request.into_parts();
        let body = body.collect().await?.to_bytes();
        let path = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let recorded =
            self.recorder.as_ref().map(|_| (parts.method.clone(), path.clone(), parts.headers.clone(), body.clone()));
        let head = parts.method == hyper::Method::HEAD;
        let mut out = self.http.request(parts.method, format!("{}{path}", self.target)).body(body);
        // A presigned URL signs the host it names (this proxy): the emulator checks that signature.
        let presigned = path.contains("X-Amz-Signature=");
        for (name, value) in &parts.headers {
            if name != hyper::header::HOST || presigned {
                out = out.header(name, value);
            }
        }
        let answer = out.send().await?;
        if let (Some(recorder), Some((method, path, headers, body))) = (&self.recorder, recorded) {
            recorder.record(method.as_str(), &path, &headers, &body, answer.status().as_u16());
        }
        let mut response = Response::builder().status(answer.status());
        for (name, value) in answer.headers() {
            // A HEAD answer's length is the object's size, not its (empty) body's.
            if name != hyper::header::TRANSFER_ENCODING && (head || name != hyper::header::CONTENT_LENGTH) {
                response = response.header(name, value);
            }
        }
        Ok(response.body(Full::new(answer.bytes().await?))?)
    }
}

/// An error in the DynamoDB JSON protocol's shape, which the SDK reads and classifies.
fn error(status: StatusCode, kind: &str, message: &str) -> Response<Full<Bytes>> {
    let body = format!(r#"{{"__type":"com.amazonaws.dynamodb.v20120810#{kind}","message":"{message}"}}"#);
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert("content-type", hyper::header::HeaderValue::from_static("application/x-amz-json-1.0"));
    if let Ok(v) = hyper::header::HeaderValue::from_str(kind) {
        headers.insert("x-amzn-errortype", v);
    }
    response
}
