//! Every function binary, run as Lambda runs it, fed the sample events from `infra/events/`,
//! against DynamoDB, S3 and SQS on the emulator.

use crate::support::{Aws, Function, binary, emulator, event, free_port, unsigned_event};
use serde_json::{Value, json};

async fn start(bin: &str, aws: &Aws) -> Function {
    Function::start(bin, &emulator().env_for(aws)).await
}

fn assert_envelope(status: u16, body: &Value, expected: u16) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["success"], status < 400, "{body}");
    if status < 400 {
        assert!(body.get("data").is_some(), "{body}");
    } else {
        assert!(body["error"]["code"].is_string(), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_functions_answer_their_routes() {
    let aws = Aws::fresh().await;
    let mut create = start("create-asset", &aws).await;
    let (status, body) = create.http(event("create-asset.json")).await;
    assert_envelope(status, &body, 201);
    assert_eq!(body["data"]["name"], "L.CAS.ATL.001");
    assert_eq!(body["data"]["creatorDescription"], "Kelly is wearing a sports jersey from brand Adidas");
    let (status, body) = create.http(event("create-asset-form.json")).await;
    assert_envelope(status, &body, 201);
    assert_eq!(body["data"]["name"], "S.VAV.BAS.001");
    let file = body["data"]["gcpStorageUrl"].as_str().unwrap().to_owned();
    assert!(file.contains("/assets/S/VAV/BAS/"), "{file}");
    let (status, body) = create.http(event("create-assets-batch.json")).await;
    assert_envelope(status, &body, 200);
    assert_eq!((body["data"]["createdCount"].as_u64(), body["data"]["failedCount"].as_u64()), (Some(1), Some(1)));
    let (status, body) = create.http(event("create-upload-slot.json")).await;
    assert_envelope(status, &body, 201);
    assert!(body["data"]["uploadUrl"].as_str().unwrap().contains("X-Amz-Signature"), "{body}");
    // Routes this function does not serve are not found here, in the API's error shape.
    let (status, body) = create.http(event("get-asset.json")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("route_not_found")));

    let mut get = start("get-asset", &aws).await;
    let (status, body) = get.http(event("get-asset.json")).await;
    assert_envelope(status, &body, 200);
    assert_eq!(body["data"]["mfa"], "3.004.004.001");
    let (status, body) = get.http(event("get-health.json")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("healthy")));
    let (status, body) = get.http(event("get-taxonomy-index.json")).await;
    assert_envelope(status, &body, 200);
    assert_eq!(body["data"]["totalLayers"], 10);

    let mut update = start("update-asset", &aws).await;
    let (status, body) = update.http(event("update-asset-put.json")).await;
    assert_envelope(status, &body, 200);
    assert_eq!(body["data"]["albumArt"]["source"], "iTunes");
    let (status, body) = update.http(event("update-asset-patch.json")).await;
    assert_envelope(status, &body, 200);
    assert_eq!(
        (body["data"]["creatorDescription"].as_str(), body["data"]["description"].as_str()),
        (Some("Kelly, now in red"), Some("Updated from the edit page"))
    );
    // Album art is for songs; the look is refused, by the function that serves the route.
    let (status, body) = update.http(event("update-asset-album-art.json")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("not_a_song")), "{body}");
    let (status, body) = update.http(event("update-asset-curate.json")).await;
    assert_envelope(status, &body, 200);
    assert_eq!(body["data"]["status"], "curated");
    // The wrong edit undone: revision 1's words back, as a new revision.
    let (status, body) = update.http(event("update-asset-restore.json")).await;
    assert_envelope(status, &body, 200);
    assert_eq!(body["data"]["creatorDescription"], "Kelly is wearing a sports jersey from brand Adidas");
    let mut unconditional = event("update-asset-restore.json");
    unconditional["headers"].as_object_mut().unwrap().remove("if-match");
    let (status, body) = update.http(unconditional).await;
    assert_eq!((status, body["error"]["code"].as_str()), (428, Some("precondition_required")), "{body}");
    let (status, body) = get.http(event("get-asset-history.json")).await;
    assert_envelope(status, &body, 200);
    let kinds: Vec<&str> =
        body["data"]["entries"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["restored", "curated", "edited", "edited", "created"], "{body}");
    let (status, body) = get.http(event("get-asset-revision.json")).await;
    assert_envelope(status, &body, 200);
    assert_eq!(body["data"]["revision"], 1);

    let mut search = start("search-assets", &aws).await;
    let (status, body) = search.http(event("search-assets-list.json")).await;
    assert_envelope(status, &body, 200);
    assert_eq!(
        (body["data"]["total"].as_u64(), body["data"]["items"][0]["name"].as_str()),
        (Some(1), Some("L.CAS.ATL.001"))
    );

    let (status, body) = update.http(event("update-asset-delete.json")).await;
    assert_envelope(status, &body, 200);
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let (status, body) = get.http(event("get-asset.json")).await;
    assert_envelope(status, &body, 404);
    // And back, by its id, within the retention window.
    let mut undelete = event("update-asset-undelete.json");
    let path = format!("/api/assets/{id}/undelete");
    (undelete["rawPath"], undelete["requestContext"]["http"]["path"]) = (json!(path), json!(path));
    undelete["pathParameters"]["key"] = json!(id);
    let (status, body) = update.http(undelete).await;
    assert_envelope(status, &body, 200);
    let (status, body) = get.http(event("get-asset.json")).await;
    assert_envelope(status, &body, 200);
    assert_eq!(body["data"]["id"], id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_carry_cors_for_the_frontend() {
    let aws = Aws::fresh().await;
    let mut get = start("get-asset", &aws).await;
    let r = get.invoke(event("get-health.json")).await.response();
    assert_eq!(r["headers"]["access-control-allow-origin"], "https://nna-registry-frontend-stg.vercel.app", "{r}");
    assert_eq!(r["headers"]["access-control-allow-credentials"], "true");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_album_art_function_reports_only_messages_worth_retrying() {
    let aws = Aws::fresh().await;
    let mut create = start("create-asset", &aws).await;
    let (_, body) = create.http(event("create-asset.json")).await;
    let id = body["data"]["id"].as_str().unwrap().to_owned();

    let mut batch = event("sqs-album-art-batch.json");
    let good = batch["Records"][0]["body"].as_str().unwrap().replace("01a2143d23df7808b8089175", &id);
    batch["Records"][0]["body"] = Value::String(good);
    let mut worker = start("process-album-art", &aws).await;
    let answer = worker.invoke(batch).await.response();
    // The poison message goes back (and after three receives to the DLQ); the job for an asset
    // that no longer exists is dropped; the good one is done.
    assert_eq!(answer, json!({"batchItemFailures": [{"itemIdentifier": "0c1f2a4e-0002-4000-8000-000000000002"}]}));
}

/// A misconfigured function stops during init, saying what is wrong, before any request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_without_its_settings_stops_at_init_saying_why() {
    let mut env = emulator().env_for(&Aws::fresh().await);
    env.retain(|(k, _)| k != "NNA_TABLE");
    let out = std::process::Command::new(binary("get-asset", "get-asset"))
        .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{}", free_port()))
        .envs(env)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("NNA_TABLE: is not set"), "{said}");
}

/// Accounts through `auth-users`, and a create behind an API Gateway JWT authorizer: the function
/// takes the authorizer's claims and checks no token itself; without either, 401.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_and_authorizer_claims() {
    let aws = Aws::fresh().await;
    let mut auth = start("auth-users", &aws).await;
    let (status, body) = auth.http(unsigned_event("auth-register.json")).await;
    assert_envelope(status, &body, 201);
    let (status, body) = auth.http(unsigned_event("auth-login.json")).await;
    assert_envelope(status, &body, 200);
    let mut profile = unsigned_event("auth-profile.json");
    profile["headers"]["authorization"] = json!(format!("Bearer {}", body["data"]["token"].as_str().unwrap()));
    let (status, body) = auth.http(profile).await;
    assert_envelope(status, &body, 200);
    assert_eq!((body["data"]["username"].as_str(), body["data"]["role"].as_str()), (Some("kelly-k"), Some("editor")));
    let (status, body) = auth.http(unsigned_event("auth-profile.json")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")));

    let mut create = start("create-asset", &aws).await;
    let (status, body) = create.http(unsigned_event("create-asset-authorizer.json")).await;
    assert_envelope(status, &body, 201);
    assert_eq!(body["data"]["registeredBy"], "creator@example.com");
    let (status, body) = create.http(unsigned_event("create-asset.json")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")));
}

/// Logins are limited per caller address on Lambda too: API Gateway's `sourceIp`, counted in the
/// table, so every instance of the function sees the same count. (Bodies with no credentials:
/// the count comes before any password is checked.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_are_limited_per_source_address_in_the_table() {
    let aws = Aws::fresh().await;
    let (mut first, mut second) = (start("auth-users", &aws).await, start("auth-users", &aws).await);
    let attempt = |ip: &str| {
        let mut e = unsigned_event("auth-login.json");
        e["body"] = json!("{}");
        e["requestContext"]["http"]["sourceIp"] = json!(ip);
        e
    };
    let limit = nna_domain::limits::LOGINS_PER_CLIENT.0;
    for n in 0..limit {
        // Two instances, one count.
        let function = if n % 2 == 0 { &mut first } else { &mut second };
        let (status, body) = function.http(attempt("198.51.100.9")).await;
        assert_eq!(status, 400, "{body}");
    }
    let (status, body) = first.http(attempt("198.51.100.9")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("too_many_attempts")), "{body}");
    let (status, _) = second.http(attempt("198.51.100.10")).await;
    assert_eq!(status, 400, "another address has its own count");
}

/// A rotated token secret reaches a running function at its next refresh: tokens signed with the
/// new secret are accepted, and those signed just before still are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_token_secret_reaches_a_running_function() {
    use crate::support::auth;
    use nna_http::auth::Tokens;
    let aws = Aws::fresh().await;
    let mut env = emulator().env_for(&aws);
    env.push(("NNA_SECRET_REFRESH_SECS".into(), "1".into()));
    let mut create = Function::start("create-asset", &env).await;
    let signed_with = |secret: &str| {
        let tokens = Tokens::new(auth::settings().tokens(secret.as_bytes().to_vec())).unwrap();
        tokens.issue_for("admin-1", &auth::admin().email, auth::admin().role).unwrap()
    };
    let with_token = |token: &str| {
        let mut e = event("create-asset.json");
        e["headers"]["authorization"] = json!(format!("Bearer {token}"));
        e
    };
    let old = signed_with(auth::SECRET);
    let new_secret = "rotated-secret-0123456789abcdef0123456789abcdef";
    let new = signed_with(new_secret);
    assert_eq!(create.http(with_token(&new)).await.0, 401, "not yet rotated");
    let sm = aws_sdk_secretsmanager::Client::new(&emulator().sdk_config());
    sm.put_secret_value().secret_id(&aws.jwt_secret_arn).secret_string(new_secret).send().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(create.http(with_token(&new)).await.0, 201, "the new secret is read again");
    assert_eq!(create.http(with_token(&old)).await.0, 201, "tokens from just before the rotation still verify");
}
