//! DynamoDB, S3 and SQS for the tests: ministack (pinned in `tests/requirements.txt`), installed
//! into `tests/.venv` on first use and started once per test run on a free loopback port. Each
//! test gets its own freshly named table, bucket and queue.
//!
//! Why ministack: it passes every behaviour these tests rely on (conditional transactions with
//! per-item cancellation reasons, GSIs, BatchGetItem, S3 path-style with ranges and copies,
//! presigned URLs, SQS batches and receive counts), starts in about two seconds, and runs about
//! twice as fast as moto's server. It does not check presigned signatures, so those are tested
//! against `nna-local`'s own signed uploads.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use nna_aws::{DynamoStore, S3Blobs, SqsQueue};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub struct Emulator {
    pub endpoint: String,
}

fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The suite's Python tools, installed if missing or if `requirements.txt` changed.
pub fn venv() -> PathBuf {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    READY.get_or_init(|| install(".venv", "requirements.txt")).clone()
}

/// The SAM CLI, in a venv of its own: its pinned boto3 cannot live beside the emulator's.
pub fn sam_venv() -> PathBuf {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    READY.get_or_init(|| install(".venv-sam", "requirements-sam.txt")).clone()
}

fn install(folder: &str, requirements_file: &str) -> PathBuf {
    let venv = tests_dir().join(folder);
    let requirements = tests_dir().join(requirements_file);
    let wanted = std::fs::read_to_string(&requirements).unwrap_or_else(|e| panic!("tests/{requirements_file}: {e}"));
    let stamp = venv.join("installed-requirements.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return venv;
    }
    let how = format!(
        "The tests need Python 3 with venv and pip (Debian: apt install python3-venv python3-pip) \
         and access to PyPI, or an existing install: python3 -m venv tests/{folder} && \
         tests/{folder}/bin/pip install -r tests/{requirements_file}"
    );
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv), &how);
    run(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
        &how,
    );
    std::fs::write(&stamp, wanted).expect("stamp the venv");
    venv
}

fn run(command: &mut Command, how: &str) {
    let out = command.output().unwrap_or_else(|e| panic!("could not run {command:?}: {e}\n{how}"));
    assert!(
        out.status.success(),
        "{command:?} failed: {}\n{}\n{how}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The emulator for this test run, started on first use.
pub fn emulator() -> &'static Emulator {
    static STARTED: OnceLock<Emulator> = OnceLock::new();
    STARTED.get_or_init(start)
}

fn start() -> Emulator {
    // An emulator the caller runs (moto_server, say), for benchmarks at sizes where ministack's
    // per-request cost grows with the table.
    if let Ok(endpoint) = std::env::var("NNA_EMULATOR_ENDPOINT") {
        return Emulator { endpoint };
    }
    let bin = venv().join("bin/ministack");
    assert!(bin.exists(), "{} is missing after installing tests/requirements.txt", bin.display());
    let port = super::process::free_port();
    // A watchdog shell stops the emulator when this test process ends, however it ends.
    let script = format!(
        "GATEWAY_PORT={port} BIND_HOST=127.0.0.1 '{}' >/dev/null 2>&1 & child=$!; \
         while kill -0 {me} 2>/dev/null; do sleep 0.5; done; kill $child",
        bin.display(),
        me = std::process::id()
    );
    let mut watchdog = Command::new("bash")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ministack");
    // Reaped in the background, so it never lingers as a zombie.
    std::thread::spawn(move || watchdog.wait());
    wait_healthy(&format!("127.0.0.1:{port}"), "/_ministack/health");
    Emulator { endpoint: format!("http://127.0.0.1:{port}") }
}

/// Polls the health route until it answers 200 (a plain HTTP/1.0 request: no client needed here).
fn wait_healthy(addr: &str, path: &str) {
    use std::io::{Read, Write};
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answered = std::net::TcpStream::connect(addr).and_then(|mut c| {
            c.set_read_timeout(Some(Duration::from_secs(2)))?;
            write!(c, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
            let mut head = [0u8; 12];
            c.read_exact(&mut head)?;
            Ok(head.ends_with(b"200"))
        });
        if answered.unwrap_or(false) {
            return;
        }
        assert!(Instant::now() < deadline, "ministack did not become healthy at {addr}{path} within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Emulator {
    pub fn sdk_config(&self) -> SdkConfig {
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(Credentials::new(
                "test", "test", None, None, "tests",
            )))
            .build()
    }

    /// The environment that turns the old backend's tokens on (until a day from now), as a
    /// deployment given `LegacyJwtSecretArn` has it.
    pub fn legacy_tokens_env(&self, aws: &Aws) -> Vec<(String, String)> {
        let until = nna_domain::Timestamp::from_millis(nna_domain::Timestamp::now().millis() + 86_400_000)
            .map(|t| t.to_string())
            .unwrap_or_default();
        vec![
            ("NNA_LEGACY_JWT_SECRET_ARN".to_owned(), aws.legacy_secret_arn.clone()),
            ("NNA_LEGACY_TOKENS_UNTIL".to_owned(), until),
        ]
    }

    /// Environment for a function binary pointed at this emulator and these resources.
    pub fn env_for(&self, aws: &Aws) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("NNA_TABLE", aws.table.clone()),
            ("NNA_BUCKET", aws.bucket.clone()),
            ("NNA_QUEUE_URL", aws.queue_url.clone()),
            ("NNA_PUBLIC_URL", format!("{}/{}", self.endpoint, aws.bucket)),
            ("NNA_S3_PATH_STYLE", "true".into()),
            // Read from Secrets Manager at start-up, as deployed.
            ("NNA_CURSOR_SECRET_ARN", aws.cursor_secret_arn.clone()),
            ("NNA_JWT_SECRET_ARN", aws.jwt_secret_arn.clone()),
            // Never looks past loopback: album-art tests point the catalogues at local fakes.
            ("NNA_ART_LOOKUP", "off".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}

/// A fresh table, bucket and queue on the emulator, and the adapters over them.
pub struct Aws {
    pub table: String,
    pub bucket: String,
    pub queue_url: String,
    pub store: DynamoStore,
    pub blobs: S3Blobs,
    pub queue: SqsQueue,
    /// The dead-letter queue: what was received three times without being acknowledged, as
    /// `template.yaml` sets it up.
    pub dlq_url: String,
    pub dead_letters: SqsQueue,
    /// The token secret (the tests' own) and the cursor key, in Secrets Manager.
    pub jwt_secret_arn: String,
    pub cursor_secret_arn: String,
    /// The old backend's token secret (`crate::auth::LEGACY_SECRET`), for cutover tests.
    pub legacy_secret_arn: String,
}

async fn secret(client: &aws_sdk_secretsmanager::Client, name: &str, value: &str) -> String {
    let made = client.create_secret().name(name).secret_string(value).send().await.expect("create secret");
    made.arn.expect("a secret's ARN")
}

/// The job queue and its dead-letter queue.
async fn queues(sqs: &aws_sdk_sqs::Client, name: &str) -> (String, String) {
    use aws_sdk_sqs::types::QueueAttributeName;
    let dlq_url = sqs
        .create_queue()
        .queue_name(format!("{name}-dlq"))
        .send()
        .await
        .expect("create DLQ")
        .queue_url
        .expect("DLQ url");
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&dlq_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("DLQ attributes");
    let arn = attributes.attributes().and_then(|a| a.get(&QueueAttributeName::QueueArn)).expect("DLQ arn").clone();
    let redrive =
        serde_json::json!({"deadLetterTargetArn": arn, "maxReceiveCount": nna_domain::jobs::MAX_RECEIVES.to_string()})
            .to_string();
    let url = sqs
        .create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::RedrivePolicy, redrive)
        .send()
        .await
        .expect("create queue")
        .queue_url
        .expect("queue url");
    (url, dlq_url)
}

impl Aws {
    pub async fn fresh() -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        Self::named(&format!("t{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))).await
    }

    /// The table, bucket, queues and secrets, all called `name` (plus a suffix).
    pub async fn named(name: &str) -> Self {
        let name = name.to_owned();
        let emu = emulator();
        let sdk = emu.sdk_config();
        let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
        nna_aws::dynamo::schema::create_table(&dynamo, &name).await.expect("create table");
        let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build());
        s3.create_bucket().bucket(&name).send().await.expect("create bucket");
        let sqs = aws_sdk_sqs::Client::new(&sdk);
        let (queue_url, dlq_url) = queues(&sqs, &name).await;
        let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
        let jwt_secret_arn = secret(&secrets, &format!("{name}-jwt"), crate::auth::SECRET).await;
        let cursor_secret_arn = secret(&secrets, &format!("{name}-cursor"), "tests-cursor-key").await;
        let legacy_secret_arn = secret(&secrets, &format!("{name}-legacy-jwt"), crate::auth::LEGACY_SECRET).await;
        Self {
            jwt_secret_arn,
            cursor_secret_arn,
            legacy_secret_arn,
            store: DynamoStore::new(dynamo, &name),
            blobs: S3Blobs::new(s3, &name, &format!("{}/{name}", emu.endpoint)),
            queue: SqsQueue::new(sqs.clone(), &queue_url),
            dead_letters: SqsQueue::new(sqs, &dlq_url),
            dlq_url,
            table: name.clone(),
            bucket: name,
            queue_url,
        }
    }
}

/// Writes assets straight into a table with their postings, then sets the place counts from
/// `counts`, which gathers every asset loaded so far (the benchmarks load in steps): how the
/// benchmarks fill large tables fast, without a transaction each.
pub async fn bulk_load(
    store: &DynamoStore,
    assets: impl IntoIterator<Item = nna_domain::Asset>,
    counts: &mut std::collections::BTreeMap<String, u64>,
) {
    use nna_aws::dynamo::item::{place_posting_key, posting_key, to_item};
    use nna_domain::ports::Maintenance;
    let mut items = Vec::new();
    for asset in assets {
        for place in nna_domain::search::Scope::of(&asset) {
            *counts.entry(place.value).or_default() += 1;
        }
        items.extend(nna_domain::search::index_terms(&asset).iter().map(|t| posting_key(t, &asset)));
        items.extend(place_posting_key(&asset));
        items.push(to_item(&asset).expect("an item"));
    }
    put_all(store, items).await;
    store.recount(counts).await.expect("the counts");
}

/// Writes items straight into a table, 25 per `BatchWriteItem` and 16 requests at once, retrying
/// what comes back unprocessed.
pub async fn put_all(store: &DynamoStore, items: Vec<nna_aws::dynamo::item::Item>) {
    use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
    use futures::{StreamExt, TryStreamExt};
    let (client, table) = (store.client().clone(), store.table().to_owned());
    futures::stream::iter(items.chunks(25).map(<[_]>::to_vec).collect::<Vec<_>>())
        .map(|chunk| {
            let (client, table) = (client.clone(), table.clone());
            async move {
                let mut pending: Vec<WriteRequest> = chunk
                    .into_iter()
                    .map(|item| {
                        WriteRequest::builder()
                            .put_request(PutRequest::builder().set_item(Some(item)).build().expect("put"))
                            .build()
                    })
                    .collect();
                while !pending.is_empty() {
                    let out = client.batch_write_item().request_items(&table, pending).send().await?;
                    pending = out.unprocessed_items.and_then(|mut u| u.remove(&table)).unwrap_or_default();
                }
                Ok::<(), aws_sdk_dynamodb::Error>(())
            }
        })
        .buffer_unordered(16)
        .try_collect::<Vec<_>>()
        .await
        .expect("loaded");
}
