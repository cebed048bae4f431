use nna_local::{LocalConfig, Running, start};
use reqwest::{Client, Method, RequestBuilder, multipart::Form};
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// `nna-local` in this process, on 127.0.0.1 port 0, with its own data folder.
pub struct Server {
    pub base: String,
    pub http: Client,
    dir: TempDir,
    stop: oneshot::Sender<()>,
    running: Running,
}

impl Server {
    pub async fn start() -> Self {
        Self::start_in(TempDir::new().expect("temp dir"), |_| {}).await
    }

    pub async fn start_with(tune: impl FnOnce(&mut LocalConfig)) -> Self {
        Self::start_in(TempDir::new().expect("temp dir"), tune).await
    }

    pub async fn start_in(dir: TempDir, tune: impl FnOnce(&mut LocalConfig)) -> Self {
        let mut config = LocalConfig::read(&nna_domain::settings::Env::from_fn(|_| None)).expect("default config");
        config.addr = "127.0.0.1:0".parse().expect("loopback");
        config.data_dir = dir.path().to_path_buf();
        // Album art is kept as sent unless a test turns processing on; even then no test reaches
        // past loopback: art from any host is refused before a connection, and songs without art
        // are not looked up. Album-art tests open what they need.
        config.process_art = false;
        config.art.lookup = false;
        config.art.policy.allowed_hosts = Some(Vec::new());
        config.api.auth = crate::auth::settings();
        tune(&mut config);
        let (stop, stopped) = oneshot::channel::<()>();
        let running = start(config, async {
            let _ = stopped.await;
        })
        .await
        .expect("server starts");
        let base = format!("http://{}", running.addr);
        let http = client_as(crate::auth::admin());
        Self { base, http, dir, stop, running }
    }

    /// Graceful stop; the data folder is handed back for a restart.
    pub async fn stop(self) -> TempDir {
        let _ = self.stop.send(());
        self.running.finished().await.expect("clean stop");
        self.dir
    }

    pub async fn restart(self) -> Self {
        let dir = self.stop().await;
        Self::start_in(dir, |_| {}).await
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path))
    }

    pub async fn send(&self, request: RequestBuilder) -> Reply {
        let response = request.send().await.expect("request reaches the server");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Reply { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, json: &Value) -> Reply {
        self.send(self.request(Method::POST, path).json(json)).await
    }

    pub async fn put(&self, path: &str, json: &Value) -> Reply {
        self.send(self.request(Method::PUT, path).json(json)).await
    }

    pub async fn patch(&self, path: &str, json: &Value) -> Reply {
        self.send(self.request(Method::PATCH, path).json(json)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.request(Method::DELETE, path)).await
    }

    pub async fn post_form(&self, path: &str, form: Form) -> Reply {
        self.send(self.request(Method::POST, path).multipart(form)).await
    }

    /// Creates and returns the asset, failing the test if the create fails.
    pub async fn create(&self, json: &Value) -> Value {
        let r = self.post("/api/assets", json).await;
        assert_eq!(r.status, 201, "create failed: {}", r.body);
        r.data().clone()
    }

    /// How many assets the registry holds.
    pub async fn count(&self) -> u64 {
        let r = self.get("/api/assets?limit=1").await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.data()["total"].as_u64().expect("total")
    }
}

/// A client that sends this caller's token with every request.
pub fn client_as(who: &nna_domain::auth::Caller) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let bearer = reqwest::header::HeaderValue::from_str(&crate::auth::bearer(who)).expect("a header value");
    headers.insert(reqwest::header::AUTHORIZATION, bearer);
    Client::builder().no_proxy().default_headers(headers).build().expect("client")
}

/// Sends a request to a running server and answers the `data` of its JSON envelope.
pub async fn data(request: reqwest::RequestBuilder) -> serde_json::Value {
    let answer: serde_json::Value =
        request.send().await.expect("the server answers").json().await.expect("a JSON answer");
    answer["data"].clone()
}

/// A client with no token.
pub fn anonymous() -> Client {
    Client::builder().no_proxy().build().expect("client")
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    /// The machine-readable error code.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
