//! Moving a team onto the registry from the old backend, on both stores, through the real
//! binaries: `nna-ops` for the cutover, and the API as it runs (`nna-local`, or the Lambda
//! functions over the emulator) for what people do after the switch.

mod bad_input;
mod flow;
mod tokens;

use crate::support::auth::LEGACY_SECRET;
use crate::support::{Aws, Function, LocalProcess, api_event, binary, emulator};
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Until when a deployment accepts the old backend's tokens.
#[derive(Clone, Copy)]
pub enum Window {
    /// Not configured: old tokens are refused (the default).
    Off,
    /// A day from now.
    Open,
    /// Ended an hour ago.
    Ended,
}

impl Window {
    fn until(self) -> Option<String> {
        let hours = match self {
            Self::Off => return None,
            Self::Open => 24,
            Self::Ended => -1,
        };
        nna_domain::Timestamp::from_millis(nna_domain::Timestamp::now().millis() + hours * 3_600_000)
            .map(|t| t.to_string())
    }
}

/// A deployment the cutover runs against: the store `nna-ops` works on, and the API over it.
pub enum Deployment {
    Embedded { dir: TempDir, local: LocalProcess },
    Dynamo(Box<Lambdas>),
}

/// The deployment on AWS: its resources on the emulator and the functions the tests call.
pub struct Lambdas {
    aws: Aws,
    auth: Function,
    get: Function,
    update: Function,
    create: Function,
}

impl Deployment {
    pub async fn embedded(window: Window) -> Self {
        let dir = TempDir::new().unwrap();
        let until = window.until();
        let mut env = vec![("NNA_ART_PROCESSING", "off"), ("NNA_ART_LOOKUP", "off")];
        if let Some(until) = &until {
            env.extend([("NNA_LEGACY_JWT_SECRET", LEGACY_SECRET), ("NNA_LEGACY_TOKENS_UNTIL", until.as_str())]);
        }
        let local = LocalProcess::start_with(dir.path(), &env).await;
        Self::Embedded { dir, local }
    }

    pub async fn dynamodb(window: Window) -> Self {
        let aws = Aws::fresh().await;
        let mut env = emulator().env_for(&aws);
        if let Some(until) = window.until() {
            env.push(("NNA_LEGACY_JWT_SECRET_ARN".into(), aws.legacy_secret_arn.clone()));
            env.push(("NNA_LEGACY_TOKENS_UNTIL".into(), until));
        }
        let (auth, get, update, create) = tokio::join!(
            Function::start("auth-users", &env),
            Function::start("get-asset", &env),
            Function::start("update-asset", &env),
            Function::start("create-asset", &env),
        );
        Self::Dynamo(Box::new(Lambdas { aws, auth, get, update, create }))
    }

    /// `nna-ops --store … <args>` with this deployment's settings and `--report` in `reports`:
    /// its exit code, its JSON report, what it said on stderr.
    pub async fn ops(&self, reports: &Path, args: &[&str]) -> (i32, Value, String) {
        match self {
            Self::Embedded { dir, local } => {
                let env = [("NNA_PUBLIC_URL".to_owned(), local.base.clone())];
                ops(&format!("embedded:{}", dir.path().display()), &env, reports, args).await
            }
            Self::Dynamo(l) => {
                ops(&format!("dynamodb:{}", l.aws.table), &emulator().env_for(&l.aws), reports, args).await
            }
        }
    }

    /// A request as a browser sends it: `token` as the bearer (none: no header).
    pub async fn call(&mut self, method: &str, path: &str, body: Option<&Value>, token: Option<&str>) -> (u16, Value) {
        match self {
            Self::Embedded { local, .. } => {
                let client = reqwest::Client::builder().no_proxy().build().unwrap();
                let mut request = client.request(method.parse().unwrap(), format!("{}{path}", local.base));
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                if let Some(body) = body {
                    request = request.json(body);
                }
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                (status, response.json().await.unwrap_or(Value::Null))
            }
            Self::Dynamo(l) => {
                let Lambdas { auth, get, update, create, .. } = l.as_mut();
                let mut event = api_event(method, path, body);
                match token {
                    Some(t) => event["headers"]["authorization"] = Value::String(format!("Bearer {t}")),
                    None => {
                        event["headers"].as_object_mut().unwrap().remove("authorization");
                    }
                }
                let function = match (method, path) {
                    (_, p) if p.starts_with("/api/auth/") => auth,
                    ("GET", _) => get,
                    ("POST", "/api/assets") => create,
                    _ => update,
                };
                function.http(event).await
            }
        }
    }

    /// The bytes at a file URL the API serves.
    pub async fn file(&self, url: &str) -> Vec<u8> {
        let response = reqwest::Client::builder().no_proxy().build().unwrap().get(url).send().await.unwrap();
        assert!(response.status().is_success(), "{url}: {}", response.status());
        response.bytes().await.unwrap().to_vec()
    }
}

/// `nna-ops --store <store> <args>` with `env` and `--report` in `reports`: its exit code, its JSON
/// report, what it said on stderr.
pub async fn ops(store: &str, env: &[(String, String)], reports: &Path, args: &[&str]) -> (i32, Value, String) {
    let report = reports.join(format!("report-{}.json", fastrand::u64(..)));
    let mut command = std::process::Command::new(binary("nna-ops", "nna-ops"));
    command.arg("--store").arg(store).arg("--report").arg(&report).args(args);
    command.env("NNA_FETCH_LOOPBACK_HOSTS", "127.0.0.1").envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let out = tokio::task::spawn_blocking(move || command.output().expect("nna-ops runs")).await.unwrap();
    let json = std::fs::read(&report).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A place for exports and reports.
pub fn work_dir() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().to_path_buf();
    (dir, path)
}

/// A token this registry issues, for the suite's admin.
pub fn admin_token() -> String {
    crate::support::auth::token(crate::support::auth::admin())
}
