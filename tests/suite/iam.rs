//! IAM from evidence. Every function binary is driven through its routes (or its queue) as Lambda
//! runs it, each behind its own recording proxy in front of the emulator; every AWS action it
//! performs is held against what `template.yaml` grants that function: an action not granted
//! fails here as it would fail on AWS, and a write action granted but never performed is
//! privilege nobody showed a need for.

use crate::album_art::lambda::{env as art_env, receive_one, sqs_event};
use crate::support::art::{ArtWeb, images};
use crate::support::evidence::{Act, Grant, Names, Recorder, audit, decoded_template, grants};
use crate::support::lambda::configured_timeout;
use crate::support::{Aws, Function, PNG_HEAD, api_event, binary, emulator, event, faults, song};
use base64::Engine;
use nna_domain::jobs::{Job, JobQueue};
use nna_domain::ports::BlobStore;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// A function behind its own recording proxy, with `extra` environment.
async fn recorded(aws: &Aws, bin: &str, base_env: Vec<(String, String)>) -> (Function, Arc<Recorder>) {
    let queue = |url: &str| url.rsplit('/').next().unwrap_or_default().to_owned();
    let names = Names {
        table: aws.table.clone(),
        bucket: aws.bucket.clone(),
        queues: BTreeMap::from([
            (queue(&aws.queue_url), "JobsQueue".to_owned()),
            (queue(&aws.dlq_url), "JobsDeadLetterQueue".to_owned()),
        ]),
        secrets: BTreeMap::from([
            (aws.jwt_secret_arn.clone(), "JwtSecret".to_owned()),
            (aws.cursor_secret_arn.clone(), "CursorSecret".to_owned()),
            (aws.legacy_secret_arn.clone(), "LegacyJwtSecretArn".to_owned()),
        ]),
    };
    let recorder = Arc::new(Recorder::new(names));
    let proxy = faults::recording(&emulator().endpoint, recorder.clone()).await;
    let mut env: Vec<(String, String)> =
        base_env.into_iter().map(|(k, v)| if k == "AWS_ENDPOINT_URL" { (k, proxy.clone()) } else { (k, v) }).collect();
    // Deployed mid-cutover: the functions that check tokens read the old backend's secret too.
    if env.iter().any(|(k, _)| k == "NNA_JWT_SECRET_ARN") && bin != "nna-ops" && bin != "process-album-art" {
        env.extend(emulator().legacy_tokens_env(aws));
    }
    // Every function's package is named after its binary.
    let function = Function::start_binary(&binary(bin, bin), &env, configured_timeout(bin)).await;
    (function, recorder)
}

async fn ok(f: &mut Function, event: Value, expected: u16) -> Value {
    let (status, body) = f.http(event).await;
    assert_eq!(status, expected, "{body}");
    body
}

/// A multipart request with one PNG file, base64-encoded as API Gateway sends binary bodies.
fn with_file(method: &str, path: &str, fields: &[(&str, &str)]) -> Value {
    let boundary = "----nnaIamBoundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes());
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n").bytes());
    body.extend(PNG_HEAD);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let mut e = api_event(method, path, None);
    e["headers"]["content-type"] = json!(format!("multipart/form-data; boundary={boundary}"));
    e["body"] = json!(base64::engine::general_purpose::STANDARD.encode(&body));
    e["isBase64Encoded"] = json!(true);
    e
}

/// The browser's direct upload: a PUT of the file to the slot's presigned URL with its headers.
async fn put_presigned(slot: &Value, bytes: &[u8]) {
    let mut put = reqwest::Client::new().put(slot["uploadUrl"].as_str().unwrap()).body(bytes.to_vec());
    for (k, v) in slot["headers"].as_object().unwrap() {
        put = put.header(k, v.as_str().unwrap());
    }
    let answer = put.send().await.unwrap();
    let status = answer.status();
    assert!(status.is_success(), "the presigned PUT: {status} {}", answer.text().await.unwrap_or_default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_each_function_performs_is_granted_and_every_granted_write_is_used() {
    let aws = Aws::fresh().await;
    let web = ArtWeb::start().await;
    let cover = web.put("cover.jpg", images::jpeg(600, 600), "image/jpeg");
    let mut seen: BTreeMap<&str, Arc<Recorder>> = BTreeMap::new();

    // create-asset: JSON, multipart, batch, a direct upload (and one that is missing), a song
    // (its art job), a composite (its components checked), a create that fails after its file
    // was stored (the file is removed again).
    let (mut create, r) = recorded(&aws, "create-asset", art_env(&aws)).await;
    seen.insert("create-asset", r);
    let look = ok(&mut create, event("create-asset.json"), 201).await["data"].clone();
    let star = ok(&mut create, event("create-asset-form.json"), 201).await["data"].clone();
    ok(&mut create, event("create-assets-batch.json"), 200).await;
    let slot = ok(
        &mut create,
        api_event("POST", "/api/assets/uploads", Some(&json!({"contentType": "image/png", "size": PNG_HEAD.len()}))),
        201,
    )
    .await;
    // The browser PUTs to the presigned URL, which acts with the signing function's grants: it goes
    // through that function's recording proxy (its endpoint), so a missing `s3:PutObject` on
    // `uploads/*` fails here as the browser's upload would fail on AWS.
    put_presigned(&slot["data"], PNG_HEAD).await;
    let png = nna_domain::ports::BlobMeta { content_type: "image/png".into(), cache_control: "no-cache".into() };
    let key = slot["data"]["uploadKey"].as_str().unwrap();
    ok(
        &mut create,
        api_event(
            "POST",
            "/api/assets",
            Some(&json!({"layer": "L", "category": "Casual", "subcategory": "Denim", "uploadKey": key})),
        ),
        201,
    )
    .await;
    let missing = api_event(
        "POST",
        "/api/assets",
        Some(
            &json!({"layer": "L", "category": "Casual", "subcategory": "Denim", "uploadKey": "uploads/nothing-here.png"}),
        ),
    );
    let (status, answer) = create.http(missing).await;
    assert!((400..500).contains(&status), "a missing upload is the client's fault: {status} {answer}");
    let mut body = song("Halo by Beyoncé");
    body["albumArt"] = json!({"sourceUrl": cover, "source": "iTunes"});
    let halo = ok(&mut create, api_event("POST", "/api/assets", Some(&body)), 201).await["data"].clone();
    let composite = ok(&mut create, api_event("POST", "/api/assets", Some(&json!({"layer": "C", "category": "Full_Composites", "subcategory": "Pop", "components": [star["name"], look["name"]]}))), 201).await["data"].clone();
    let full = nna_aws::dynamo::item::sequence_key("L.CAS.MIN");
    let mut item = full.clone();
    item.insert("last".into(), nna_aws::dynamo::item::number(nna_domain::Sequence::MAX));
    aws.store.client().put_item().table_name(&aws.table).set_item(Some(item)).send().await.unwrap();
    let (status, _) = create
        .http(with_file("POST", "/api/assets", &[("layer", "L"), ("category", "Casual"), ("subcategory", "Minimal")]))
        .await;
    assert_eq!(status, 409, "the subcategory is full");

    // process-album-art: the song's art job, then a cleanup job for files a delete left.
    let (mut worker, r) = recorded(&aws, "process-album-art", art_env(&aws)).await;
    seen.insert("process-album-art", r);
    let job = receive_one(&aws, Duration::from_secs(30)).await;
    let answer = worker.invoke(sqs_event(&[("m-1", &job)])).await.response();
    assert_eq!(answer["batchItemFailures"], json!([]), "{answer}");

    // update-asset: the edit page, curate, art for a look (refused) and for the song (an upload),
    // a refused and a forced delete, a delete that removes the song and its files.
    let (mut update, r) = recorded(&aws, "update-asset", art_env(&aws)).await;
    seen.insert("update-asset", r);
    ok(&mut update, event("update-asset-put.json"), 200).await;
    ok(&mut update, event("update-asset-patch.json"), 200).await;
    ok(&mut update, event("update-asset-album-art.json"), 400).await;
    ok(&mut update, event("update-asset-curate.json"), 200).await;
    // A change too large for a history entry keeps its values under history/, which a restore
    // (and a revision's read, below) reads back; the restore checks the old revision's files.
    let big = |c: &str| json!({"note": c.repeat(15_000)});
    let large = json!({"metadata": big("a"), "rights": big("b"), "trainingData": big("c")});
    ok(&mut update, api_event("PUT", "/api/assets/L.CAS.ATL.001", Some(&large)), 200).await;
    ok(&mut update, event("update-asset-restore.json"), 200).await;
    let halo_path = format!("/api/assets/{}", halo["id"].as_str().unwrap());
    ok(&mut update, with_file("POST", &format!("{halo_path}/album-art"), &[]), 202).await;
    // Its job finds the upload gone (as the file sweep may leave it): S3 answers 404 only to a
    // reader that may list the bucket, else 403, which would be retried to the dead-letter queue.
    let upload_job = receive_one(&aws, Duration::from_secs(30)).await;
    let upload_key: Value = serde_json::from_str(&upload_job.body).unwrap();
    let gone = nna_domain::ports::BlobKey::parse(upload_key["uploadKey"].as_str().unwrap()).unwrap();
    aws.blobs.delete(&gone).await.unwrap();
    let answer = worker.invoke(sqs_event(&[("m-2", &upload_job)])).await.response();
    assert_eq!(answer["batchItemFailures"], json!([]), "a missing upload is permanent: {answer}");
    let song_id = nna_domain::AssetId::parse(halo["id"].as_str().unwrap()).unwrap();
    let stored = nna_domain::ports::AssetStore::get(&aws.store, &nna_domain::AssetKey::Id(song_id)).await.unwrap();
    let art = stored.and_then(|a| a.album_art).and_then(|f| f.art().cloned()).unwrap();
    assert_eq!(art.failure.as_deref(), Some("upload_missing"), "{art:?}");
    let star_path = format!("/api/assets/{}", star["name"].as_str().unwrap());
    ok(&mut update, api_event("DELETE", &star_path, None), 409).await;
    ok(&mut update, api_event("DELETE", &format!("{star_path}?force=true"), None), 200).await;
    ok(&mut update, api_event("DELETE", &halo_path, None), 200).await;
    // Brought back (its files moved back from deleted/), and deleted again.
    ok(&mut update, api_event("POST", &format!("{halo_path}/undelete"), None), 200).await;
    ok(&mut update, api_event("DELETE", &halo_path, None), 200).await;
    ok(&mut update, api_event("DELETE", &format!("/api/assets/{}", composite["id"].as_str().unwrap()), None), 200)
        .await;
    // A cleanup job as a delete queues it when storage refuses.
    let leftover = format!("album-art/uploads/{}/left.png", halo["id"].as_str().unwrap());
    aws.blobs
        .put(&nna_domain::ports::BlobKey::parse(&leftover).unwrap(), PNG_HEAD.to_vec().into(), &png)
        .await
        .unwrap();
    aws.queue
        .send(&Job::DeleteFiles {
            asset_id: nna_domain::AssetId::parse(halo["id"].as_str().unwrap()).unwrap(),
            keys: vec![leftover],
        })
        .await
        .unwrap();
    let cleanup = receive_one(&aws, Duration::from_secs(30)).await;
    let answer = worker.invoke(sqs_event(&[("m-3", &cleanup)])).await.response();
    assert_eq!(answer["batchItemFailures"], json!([]), "{answer}");

    // get-asset, search-assets, auth-users.
    let (mut get, r) = recorded(&aws, "get-asset", emulator().env_for(&aws)).await;
    seen.insert("get-asset", r);
    for e in [
        "get-asset.json",
        "get-health.json",
        "get-taxonomy-index.json",
        "get-asset-history.json",
        "get-asset-revision.json",
    ] {
        ok(&mut get, event(e), 200).await;
    }
    ok(&mut get, api_event("GET", "/api/taxonomy/health", None), 200).await;
    let (mut search, r) = recorded(&aws, "search-assets", emulator().env_for(&aws)).await;
    seen.insert("search-assets", r);
    for e in ["search-assets-list.json", "search-assets-search.json"] {
        ok(&mut search, event(e), 200).await;
    }
    ok(&mut search, api_event("GET", "/api/assets?createdAfter=2020-01-01&limit=1", None), 200).await;
    let (mut auth, r) = recorded(&aws, "auth-users", emulator().env_for(&aws)).await;
    seen.insert("auth-users", r);
    ok(&mut auth, event("auth-register.json"), 201).await;
    ok(&mut auth, event("auth-login.json"), 200).await;
    ok(&mut auth, event("auth-profile.json"), 200).await;
    ok(&mut auth, api_event("POST", "/api/auth/make-admin", Some(&json!({"email": "kelly@example.com"}))), 200).await;

    // The ops function: a legacy table migrated, backed up to S3, verified, rolled back, songs'
    // art reprocessed, counts checked, deletions listed.
    let legacy = Aws::fresh().await;
    {
        let ops = nna_operations::Ops::quiet(Arc::new(legacy.store.clone()));
        let mut documents = nna_operations::fixture::legacy_documents(200, 5);
        // A younger item holding an older one's name while its fields say another category: fixing
        // names renumbers it into its name's place, and its place counts move in that transaction.
        let mut stray = documents.iter().find(|d| d["layer"] == "S" && d["category"] != "undefined").unwrap().clone();
        let layer = nna_domain::taxonomy::taxonomy().layers().iter().find(|l| l.code.to_string() == "S").unwrap();
        let other =
            layer.categories.iter().find(|c| c.name != stray["category"] && c.code != stray["category"]).unwrap();
        stray["_id"] = json!({"$oid": "6a0000000000000000000001"});
        stray["category"] = json!(other.name);
        stray["subcategory"] = json!(other.subcategories[0].name);
        stray["createdAt"] = json!({"$date": "2026-06-01T00:00:00Z"});
        documents.push(stray);
        nna_operations::fixture::import(&ops, &documents).await.unwrap();
        // An account for the operator to make an admin.
        let registry = nna_domain::Registry::new(
            Arc::new(legacy.store.clone()),
            Arc::new(legacy.blobs.clone()),
            nna_domain::RegistryConfig::default(),
        );
        let body = json!({"username": "operator-made", "email": "op@example.com", "password": "password1"});
        let new = nna_domain::auth::NewUser::parse(body.as_object().unwrap());
        registry.register(&nna_domain::auth::ClientAddress::unknown(), new).await.unwrap();
        // An upload nobody claimed, for the file sweep.
        let orphan = nna_domain::ports::BlobKey::parse("uploads/2026/01/6a00000000000000000000ee.png").unwrap();
        let meta = nna_domain::ports::BlobMeta { content_type: "image/png".into(), cache_control: "no-store".into() };
        legacy.blobs.put(&orphan, bytes::Bytes::from_static(crate::support::PNG_HEAD), &meta).await.unwrap();
    }
    // The cutover's exports, uploaded where the ops function reads them, and the old bucket.
    let old = crate::support::old_backend::OldBackend::start(
        20,
        3,
        41,
        4,
        1_000..4_000,
        Default::default(),
        Default::default(),
    )
    .await;
    let put_export = |name: &str, text: String| {
        let key = nna_domain::ports::BlobKey::parse(&format!("backups/cutover/{name}")).unwrap();
        let meta =
            nna_domain::ports::BlobMeta { content_type: "application/json".into(), cache_control: "no-store".into() };
        let blobs = legacy.blobs.clone();
        async move { blobs.put(&key, text.into(), &meta).await.unwrap() }
    };
    put_export("assets.json", nna_domain::legacy::export::lines(&old.assets)).await;
    put_export("users.json", nna_domain::legacy::export::lines(&old.users)).await;
    let mut ops_env = emulator().env_for(&legacy);
    ops_env.push(("NNA_FETCH_LOOPBACK_HOSTS".into(), "127.0.0.1".into()));
    let (mut ops, r) = recorded(&legacy, "nna-ops", ops_env).await;
    seen.insert("nna-ops", r);
    let backups = format!("s3://{}/backups/iam", legacy.bucket);
    let exports = format!("s3://{}/backups/cutover", legacy.bucket);
    // Each command with what its report must say: it did its work, not just answered.
    let runs: Vec<(Value, Vec<(&str, Value)>)> = vec![
        (json!({"command": "status"}), vec![("/assets", json!(201)), ("/songs", json!(14))]),
        (json!({"command": "art-report", "hours": 24}), vec![("/hours", json!(24)), ("/pending", json!(0))]),
        (json!({"command": "backup", "location": backups}), vec![("/manifest/assets", json!(201))]),
        (json!({"command": "migrate", "stopAfter": 40}), vec![]),
        (json!({"command": "migrate", "fixNames": true}), vec![("/scanned", json!(201)), ("/refused", json!(0))]),
        (json!({"command": "verify", "location": backups}), vec![("/passed", json!(true)), ("/checked", json!(201))]),
        (json!({"command": "reprocess-album-art"}), vec![("/songs", json!(14)), ("/jobsSent", json!(13))]),
        (json!({"command": "recount"}), vec![("/assets", json!(201)), ("/fixed", json!([]))]),
        (json!({"command": "reindex"}), vec![("/assets", json!(201))]),
        (json!({"command": "make-admin", "email": "op@example.com"}), vec![("/email", json!("op@example.com"))]),
        (json!({"command": "sweep-files", "olderThanSecs": 0}), vec![("/files", json!(1)), ("/dryRun", json!(false))]),
        (json!({"command": "rollback"}), vec![("/reverted", json!(201)), ("/leftBusy", json!(0))]),
        (json!({"command": "deletions"}), vec![("/count", json!(0))]),
        // The stray item: migrated, renumbered into its name's place, rolled back.
        (
            json!({"command": "history", "key": "6a0000000000000000000001"}),
            vec![("/assetId", json!("6a0000000000000000000001")), ("/entries/0/kind", json!("operation"))],
        ),
        (
            json!({"command": "import-legacy", "collection": "users", "export": format!("{exports}/users.json")}),
            vec![("/imported", json!(4)), ("/refused", json!([]))],
        ),
        (
            json!({"command": "import-legacy", "collection": "assets", "export": format!("{exports}/assets.json"), "from": old.bucket.base}),
            vec![("/import/imported", json!(20)), ("/files/copied", json!(20))],
        ),
        (json!({"command": "copy-legacy-files", "from": old.bucket.base}), vec![("/alreadyCopied", json!(20))]),
        (
            json!({"command": "verify-legacy", "assets": format!("{exports}/assets.json"), "users": format!("{exports}/users.json")}),
            vec![("/passed", json!(true)), ("/filesChecked", json!(20))],
        ),
        (
            json!({"command": "export-legacy", "since": "2020-01-01T00:00:00Z", "location": format!("{exports}/way-back.json")}),
            vec![("/assets", json!(221))],
        ),
    ];
    for (command, expected) in runs {
        let answer = ops.invoke(command.clone()).await.response();
        assert!(answer.get("command").is_some(), "{command}: {answer}");
        assert_eq!(answer["finished"], command.get("stopAfter").is_none(), "{command}: {answer}");
        for (pointer, value) in &expected {
            assert_eq!(answer["report"].pointer(pointer), Some(value), "{command} {pointer}: {answer}");
        }
    }
    let copied = legacy.blobs.list("assets/", None, 100).await.unwrap();
    assert_eq!(copied.len(), 20, "the old bucket's files, copied by the ops function");

    let template = decoded_template();
    let granted = grants(&template);
    let undriven: Vec<&String> = granted.keys().filter(|bin| !seen.contains_key(bin.as_str())).collect();
    assert!(undriven.is_empty(), "every function in the template is driven here; not: {undriven:?}");
    let mut problems = Vec::new();
    for (bin, recorder) in &seen {
        let acts = recorder.acts();
        let (refused, unused) = audit(granted.get(*bin).map(Vec::as_slice).unwrap_or_default(), &acts);
        problems.extend(
            refused
                .iter()
                .map(|a| format!("{bin}: performs {} on {} ({:?}), not granted", a.action, a.resource, a.leading_key)),
        );
        problems.extend(unused.iter().map(|a| format!("{bin}: granted {a}, which no test performed")));
    }
    assert!(problems.is_empty(), "the template and the evidence disagree:\n{}", problems.join("\n"));

    // The check catches a missing grant: without BatchWriteItem, update-asset's deletes fail.
    let mut narrowed = granted.get("update-asset").cloned().unwrap();
    for g in &mut narrowed {
        g.actions.retain(|a| a != "dynamodb:BatchWriteItem");
    }
    let (refused, _) = audit(&narrowed, &seen["update-asset"].acts());
    assert!(refused.iter().any(|a: &Act| a.action == "dynamodb:BatchWriteItem"), "{refused:?}");

    // Without `s3:PutObject` on `uploads/*`, the browser's presigned upload fails.
    let mut narrowed = Vec::new();
    for g in granted.get("create-asset").cloned().unwrap() {
        let (uploads, others): (Vec<String>, Vec<String>) =
            g.resources.iter().cloned().partition(|r| r == "FilesBucket/uploads/*");
        if uploads.is_empty() || !g.actions.iter().any(|a| a == "s3:PutObject") {
            narrowed.push(g);
            continue;
        }
        narrowed.push(Grant { actions: vec!["s3:PutObject".into()], resources: others, ..g.clone() });
        narrowed.push(Grant { actions: g.actions.iter().filter(|a| *a != "s3:PutObject").cloned().collect(), ..g });
    }
    let (refused, _) = audit(&narrowed, &seen["create-asset"].acts());
    assert!(
        refused.iter().any(|a| a.action == "s3:PutObject" && a.resource.starts_with("FilesBucket/uploads/")),
        "{refused:?}"
    );

    // A table named by `!Ref` (its name, not its ARN) grants nothing, as IAM reads it.
    let mut by_name = template.clone();
    let policies = &mut by_name["Resources"]["GetAssetFunction"]["Properties"]["Policies"];
    let text = policies.to_string().replace(r#"{"Fn::GetAtt":["AssetsTable","Arn"]}"#, r#"{"Ref":"AssetsTable"}"#);
    assert_ne!(text, policies.to_string(), "get-asset names its table by !GetAtt");
    *policies = serde_json::from_str(&text).unwrap();
    let (refused, _) = audit(&grants(&by_name)["get-asset"], &seen["get-asset"].acts());
    assert!(refused.iter().any(|a| a.resource == "AssetsTable"), "{refused:?}");
}
