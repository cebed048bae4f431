//! The deployment description: `template.yaml` passes cfn-lint and agrees with the code, and the
//! inline upload limit fits what API Gateway and Lambda can carry.

use crate::support::{Aws, Function, emulator, event, venv};
use base64::Engine;
use regex_lite::Regex;
use std::collections::BTreeSet;
use std::path::Path;

fn template() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml")).expect("template.yaml")
}

#[test]
fn the_template_passes_cfn_lint() {
    let out = std::process::Command::new(venv().join("bin/cfn-lint"))
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml"))
        .output()
        .expect("run cfn-lint");
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cfn-lint found problems:\n{said}");
}

/// `sam validate --lint`, as a deploy runs it (the pinned SAM CLI; no telemetry, and any AWS call
/// it might make goes to a closed loopback port).
#[test]
fn the_template_passes_sam_validate() {
    let out = std::process::Command::new(crate::support::emulator::sam_venv().join("bin/sam"))
        .args(["validate", "--lint", "--template"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml"))
        .env("SAM_CLI_TELEMETRY", "0")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "none")
        .env("AWS_SECRET_ACCESS_KEY", "none")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .output()
        .expect("run sam");
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.contains("is a valid SAM Template"), "sam validate --lint:\n{said}");
}

#[test]
fn the_templates_table_has_exactly_the_indexes_the_store_queries() {
    let line = Regex::new(
        r"\{IndexName: ([\w-]+), KeySchema: \[\{AttributeName: (\w+), KeyType: HASH\}, \{AttributeName: (\w+), KeyType: RANGE\}\], Projection: \{ProjectionType: (\w+)\}\}",
    )
    .unwrap();
    let template = template();
    let (mut declared, mut retiring) = (BTreeSet::new(), Vec::new());
    for l in template.lines().map(str::trim) {
        let Some(c) = line.captures(l) else { continue };
        let index = (c[1].to_owned(), c[2].to_owned(), c[3].to_owned(), c[4].to_owned());
        // The earlier layout's, declared only while a stack upgrades (`RetiringIndexes` > 0).
        if l.starts_with("- !If [Retiring") {
            retiring.push(index.0);
        } else {
            declared.insert(index);
        }
    }
    let code: BTreeSet<(String, String, String, String)> = nna_aws::dynamo::schema::indexes()
        .into_iter()
        .map(|(name, pk, sk)| (name, pk.to_owned(), sk.to_owned(), "KEYS_ONLY".to_owned()))
        .collect();
    assert_eq!(declared, code);
    // With every retiring index kept, the stack holds exactly the 18 it had before.
    assert_eq!(retiring.len(), 12);
    assert_eq!(declared.len() + retiring.len(), 18);
    assert!(template.contains("Default: 0\n    AllowedValues: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]"));
}

/// Lambda takes at most 6 MB (6,291,456 bytes) of request, and API Gateway sends a file inside the
/// event as base64. This measures how large a multipart body can be before the event is too big,
/// and checks that the inline limit the functions enforce stays below it.
/// What Lambda takes in one request (an event larger is refused before the function).
const LAMBDA_REQUEST_BYTES: usize = 6_291_456;

#[test]
fn the_inline_limit_fits_a_lambda_request() {
    let sample = event("create-asset-form.json");
    let mut empty = sample.clone();
    empty["body"] = serde_json::Value::String(String::new());
    let overhead = serde_json::to_vec(&empty).unwrap().len();
    let largest_body = (LAMBDA_REQUEST_BYTES - overhead) / 4 * 3;
    let inline_limit = 4 * 1024 * 1024 + nna_http::FORM_FIELDS_BYTES as usize;
    eprintln!("largest multipart body in a Lambda request: {largest_body} bytes; the functions accept {inline_limit}");
    assert!(inline_limit < largest_body, "{inline_limit} >= {largest_body}");
}

fn form_event(file_bytes: usize) -> serde_json::Value {
    let mut e = event("create-asset-form.json");
    let boundary = "----nnaFormBoundary7MA4YWxkTrZu0gW";
    let mut png = crate::support::PNG_HEAD.to_vec();
    png.resize(file_bytes, 0);
    let mut body = Vec::new();
    for (name, value) in [("layer", "L"), ("category", "Casual"), ("subcategory", "Athleisure")] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
    body.extend(&png);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    e["body"] = serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(&body));
    e
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_up_to_the_inline_limit_go_inline_and_larger_ones_are_sent_to_direct_upload() {
    let aws = Aws::fresh().await;
    let mut create = Function::start("create-asset", &emulator().env_for(&aws)).await;
    let (status, body) = create.http(form_event(4 * 1024 * 1024)).await;
    assert_eq!(status, 201, "{body}");
    // Every size the function sees past the inline limit hears where large files go: up to the
    // largest file whose event still fits Lambda's 6 MB (base64 makes that about 4.5 MiB).
    let fits = |file: usize| serde_json::to_vec(&form_event(file)).unwrap().len() <= LAMBDA_REQUEST_BYTES;
    let (mut small, mut large) = (4 * 1024 * 1024, 6 * 1024 * 1024);
    while large - small > 1 {
        let mid = (small + large) / 2;
        if fits(mid) { small = mid } else { large = mid }
    }
    let largest = small;
    assert!(largest > 4 * 1024 * 1024 + 400 * 1024, "{largest}");
    for file in [4 * 1024 * 1024 + 1, 4 * 1024 * 1024 + 256 * 1024, 4 * 1024 * 1024 + 400 * 1024, largest] {
        let (status, body) = create.http(form_event(file)).await;
        assert_eq!((status, body["error"]["code"].as_str()), (413, Some("file_too_large")), "{file}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("/api/assets/uploads"), "{file}: {body}");
        assert_eq!(body["error"]["details"]["directUpload"], "POST /api/assets/uploads", "{file}: {body}");
    }
}

/// Operators' runs cannot pile up: the ops function runs one invocation at a time.
#[test]
fn the_ops_function_runs_one_invocation_at_a_time() {
    let template = template();
    let ops =
        template.split("\n  OpsFunction:\n").nth(1).and_then(|rest| rest.split("\n  # ").next()).unwrap_or_default();
    assert!(ops.contains("ReservedConcurrentExecutions: 1"), "OpsFunction:\n{ops}");
}

/// Each stage answers its own frontends; production never `localhost`. The functions and API
/// Gateway are given the same list.
#[test]
fn cors_origins_per_stage_and_no_localhost_in_prod() {
    let t = crate::support::evidence::decoded_template();
    let stages = &t["Mappings"]["StageOrigins"];
    for stage in ["dev", "stg", "prod"] {
        assert!(stages[stage]["Origins"].as_str().is_some_and(|o| o.starts_with("https://")), "{stage}");
    }
    assert!(!stages["prod"]["Origins"].as_str().unwrap().contains("localhost"));
    let functions = &t["Globals"]["Function"]["Environment"]["Variables"]["NNA_CORS_ORIGINS"];
    let gateway = &t["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"]["AllowOrigins"]["Fn::Split"][1];
    assert_eq!(functions, gateway, "the functions and API Gateway allow the same origins");
}

/// The art failure-rate alarm reads the metrics process-album-art writes, by their names.
#[test]
fn the_alarms_read_the_metrics_the_code_writes() {
    let t = crate::support::evidence::decoded_template();
    let alarm = t["Resources"]["ArtFailureRateAlarm"]["Properties"]["Metrics"].to_string();
    for name in [nna_lambda::metrics::ART_JOB, nna_lambda::metrics::ART_JOB_FAILED, nna_lambda::metrics::NAMESPACE] {
        assert!(alarm.contains(&format!("\"{name}\"")), "{name} not in {alarm}");
    }
    // The request's target, as the operators' report holds it: more than 10% failing over an
    // hour, from at least as many jobs as the report needs to judge.
    use nna_operations::art_report::{MIN_JOBS, TARGET};
    let art = &t["Resources"]["ArtFailureRateAlarm"]["Properties"];
    assert_eq!(art["Threshold"].as_f64(), Some(((1.0 - TARGET) * 100.0).round()));
    assert!(alarm.contains(&format!("IF(jobs >= {MIN_JOBS}, 100 * failed / jobs, 0)")), "{alarm}");
    for metric in art["Metrics"].as_array().unwrap().iter().filter(|m| m.get("MetricStat").is_some()) {
        assert_eq!(metric["MetricStat"]["Period"], 3600, "{metric}");
    }
    for alarm in ["Api5xxRateAlarm", "ApiLatencyAlarm", "ThrottlesAlarm", "ArtFailureRateAlarm", "JobsDeadLetterAlarm"]
    {
        assert_eq!(t["Resources"][alarm]["Properties"]["AlarmActions"][0]["Ref"], "AlarmTopic", "{alarm}");
    }
    assert_eq!(t["Globals"]["Function"]["Tracing"], "Active");
    assert!(
        t["Resources"]["HttpApi"]["Properties"]["AccessLogSettings"]["Format"]
            .as_str()
            .unwrap()
            .contains("$context.requestId")
    );
}

/// Secrets are read at start-up by the functions that need them, never resolved into an
/// environment (which the console and the Lambda API show).
#[test]
fn no_secret_sits_in_an_environment() {
    let text = template();
    assert!(!text.contains("resolve:secretsmanager"), "a secret resolved into the template");
    let t = crate::support::evidence::decoded_template();
    let env_of = |function: &str| t["Resources"][function]["Properties"]["Environment"]["Variables"].clone();
    assert!(t["Globals"]["Function"]["Environment"]["Variables"].get("NNA_JWT_SECRET").is_none());
    for checks_tokens in
        ["CreateAssetFunction", "GetAssetFunction", "UpdateAssetFunction", "SearchAssetsFunction", "AuthUsersFunction"]
    {
        assert_eq!(env_of(checks_tokens)["NNA_JWT_SECRET_ARN"]["Ref"], "JwtSecret", "{checks_tokens}");
    }
    // The old backend's token secret, where a cutover gives one, goes to the same functions.
    for checks_tokens in
        ["CreateAssetFunction", "GetAssetFunction", "UpdateAssetFunction", "SearchAssetsFunction", "AuthUsersFunction"]
    {
        let legacy = &env_of(checks_tokens)["NNA_LEGACY_JWT_SECRET_ARN"]["Fn::If"];
        assert_eq!((&legacy[0], &legacy[1]["Ref"]), (&"HasLegacyTokens".into(), &"LegacyJwtSecretArn".into()));
        assert_eq!(env_of(checks_tokens)["NNA_LEGACY_TOKENS_UNTIL"]["Fn::If"][1]["Ref"], "LegacyTokensUntil");
    }
    for never in ["ProcessAlbumArtFunction", "OpsFunction"] {
        assert!(env_of(never).get("NNA_JWT_SECRET_ARN").is_none(), "{never} gets the token secret");
        assert!(env_of(never).get("NNA_LEGACY_JWT_SECRET_ARN").is_none(), "{never} gets the old token secret");
    }
    assert!(t["Rules"]["OldTokensEnd"].is_object(), "a legacy secret without an end date is refused at deploy");
    assert_eq!(env_of("SearchAssetsFunction")["NNA_CURSOR_SECRET_ARN"]["Ref"], "CursorSecret");
}

/// The README's runbooks name what the template and `samconfig.toml` deploy: its stacks, its
/// tables (`<prefix>-<stage>-assets`), its outputs.
#[test]
fn the_runbooks_name_what_the_template_deploys() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let samconfig = std::fs::read_to_string(root.join("samconfig.toml")).unwrap();
    let stacks: BTreeSet<String> =
        Regex::new(r#"stack_name = "([^"]+)""#).unwrap().captures_iter(&samconfig).map(|c| c[1].to_owned()).collect();
    assert!(stacks.contains("nna-registry-stg"), "{stacks:?}");
    let named: Vec<String> =
        Regex::new(r"--stack-name (\S+)").unwrap().captures_iter(&readme).map(|c| c[1].to_owned()).collect();
    assert!(!named.is_empty());
    for stack in &named {
        assert!(stacks.contains(stack), "the README names stack {stack}, which samconfig.toml does not deploy");
    }
    let template = template();
    assert!(template.contains(r#"TableName: !Sub "${NamePrefix}-${Stage}-assets""#));
    for table in Regex::new(r"dynamodb:([a-z][\w-]+)").unwrap().captures_iter(&readme).map(|c| c[1].to_owned()) {
        let stage = stacks.iter().find_map(|s| table.strip_suffix("-assets").filter(|t| t == s));
        assert!(stage.is_some(), "the README names table {table}; the stages deploy <stack>-assets");
    }
    let t = crate::support::evidence::decoded_template();
    for output in Regex::new(r"OutputKey=='(\w+)'").unwrap().captures_iter(&readme).map(|c| c[1].to_owned()) {
        assert!(t["Outputs"].get(&output).is_some(), "the README reads output {output}, which the template lacks");
    }
}

/// CI runs exactly the README's test command, and that command builds every benchmark.
#[test]
fn ci_runs_the_readmes_test_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    let command = readme
        .split("Run the whole test suite:")
        .nth(1)
        .and_then(|rest| rest.split("```sh\n").nth(1))
        .and_then(|block| block.lines().next())
        .expect("the README's test command");
    assert_eq!(ci.lines().rev().find(|l| !l.trim().is_empty()), Some(command), "{ci}");
    assert!(command.contains("--all-targets"), "benchmarks are built by the suite: {command}");
}
