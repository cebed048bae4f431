//! Bad input in the old backend's exports and bucket: each document or file refused is listed
//! with its line, id and reason, and everything else comes across whole.

use super::{Deployment, Window, work_dir};
use crate::support::bucket::Serve;
use crate::support::old_backend::OldBackend;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded() {
    bad_input(Deployment::embedded(Window::Off).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb() {
    bad_input(Deployment::dynamodb(Window::Off).await).await;
}

/// The fixture's items whose files misbehave, by position.
const MISSING: usize = 3;
const WRONG_MD5: usize = 5;
const COMPOSITE_OBJECT: usize = 6;
const TOO_LARGE: usize = 9;
const ELSEWHERE: usize = 11;

async fn bad_input(mut d: Deployment) {
    let docs = nna_operations::fixture::legacy_documents(40, 21);
    let path = |i: usize| {
        docs[i]["gcpStorageUrl"].as_str().unwrap().rsplit("nna_registry_assets_stg/").next().unwrap().to_owned()
    };
    let serve = HashMap::from([
        (path(MISSING), Serve::Missing),
        (path(WRONG_MD5), Serve::WrongMd5),
        (path(COMPOSITE_OBJECT), Serve::Composite),
    ]);
    let sized = HashMap::from([(path(TOO_LARGE), 300_000)]);
    let mut old = OldBackend::start(40, 4, 21, 4, 2_000..20_000, serve, sized).await;
    old.assets[ELSEWHERE]["gcpStorageUrl"] = json!("https://cdn.elsewhere.example/L/CAS/ATL/look.png");
    let (_keep, work) = work_dir();
    let (assets, users) = old.write_exports(&work);

    // Lines 41 to 43 of the assets export: not JSON, no place or name, an _id used twice.
    let mut twice = old.assets[0].clone();
    twice["description"] = json!("the same id again");
    let mut file = std::fs::OpenOptions::new().append(true).open(&assets).unwrap();
    for line in [
        "{\"_id\": {\"$oid\": \"68688652\"".to_owned(),
        json!({"_id": {"$oid": "6868865274bd8b06a2f91fff"}, "description": "nothing else"}).to_string(),
        twice.to_string(),
    ] {
        writeln!(file, "{line}").unwrap();
    }
    // Users 5 to 9: no email, no password, a hash nobody can check, and two accounts (the 3rd
    // and a new one) sharing one mailbox in two spellings.
    let mut more = old.users.clone();
    let base = old.users[3].clone();
    let with = |change: &dyn Fn(&mut Value), id: &str| {
        let mut u = base.clone();
        u["_id"] = json!({"$oid": id});
        change(&mut u);
        u
    };
    more.push(with(&|u| u["email"] = Value::Null, "6868865274bd8b06a2f91e01"));
    more.push(with(&|u| u["password"] = json!(""), "6868865274bd8b06a2f91e02"));
    more.push(with(&|u| u["password"] = json!("sha1$deadbeef$notbcrypt"), "6868865274bd8b06a2f91e03"));
    let shared = old.users[2]["email"].as_str().unwrap().to_uppercase();
    more.push(with(&|u| u["email"] = json!(shared), "6868865274bd8b06a2f91e04"));
    // User 10: a name and an address today's registration would refuse, which the old backend took.
    let long_name = "a username from before today's sixty-four character limit, as the old backend kept it";
    more.push(with(
        &|u| {
            u["username"] = json!(long_name);
            u["email"] = json!("someone@.legacy.example");
        },
        "6868865274bd8b06a2f91e05",
    ));
    std::fs::write(&users, Value::Array(more).to_string()).unwrap();

    let (code, r, err) = d.ops(&work, &["import-legacy", "users", users.to_str().unwrap()]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["imported"].as_u64(), Some(4), "{r}");
    let refused: Vec<(u64, String)> = r["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["line"].as_u64().unwrap(), x["reason"].as_str().unwrap().to_owned()))
        .collect();
    let reason_at = |line: u64| refused.iter().find(|(l, _)| *l == line).map(|(_, r)| r.clone()).unwrap_or_default();
    assert_eq!(reason_at(5), "no email");
    assert_eq!(reason_at(6), "no password");
    assert!(reason_at(7).contains("unknown format") && !reason_at(7).contains("deadbeef"), "{}", reason_at(7));
    assert!(reason_at(3).contains("line 8") && reason_at(8).contains("line 3"), "never merged: {refused:?}");
    assert_eq!(r["duplicateEmails"][0]["lines"], json!([3, 8]));
    // The old name and address are kept, and the account signs in with its old password.
    let password = nna_operations::fixture::password_of(old.users[3]["email"].as_str().unwrap());
    let login = json!({"email": "someone@.legacy.example", "password": password});
    let (status, body) = d.call("POST", "/api/auth/login", Some(&login), None).await;
    assert_eq!((status, body["data"]["user"]["username"].as_str()), (200, Some(long_name)), "{body}");

    let (code, r, err) = d
        .ops(
            &work,
            &[
                "import-legacy",
                "assets",
                assets.to_str().unwrap(),
                "--copy-files-from",
                &old.bucket.base,
                "--max-file-bytes",
                "200000",
            ],
        )
        .await;
    assert_eq!(code, 0, "{err}");
    let import = &r["import"];
    assert_eq!(import["imported"].as_u64(), Some(40), "{import}");
    let lines: Vec<u64> = import["refused"].as_array().unwrap().iter().map(|x| x["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [41, 42, 43], "{import}");
    assert!(import["refused"][0]["reason"].as_str().unwrap().starts_with("not JSON"));
    assert_eq!(import["refused"][1]["id"], "6868865274bd8b06a2f91fff");
    assert_eq!(import["refused"][2]["reason"], "line 1 has the same _id");

    let files = &r["files"];
    let failed: HashMap<String, String> = files["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_owned(), f["code"].as_str().unwrap().to_owned()))
        .collect();
    let id = |i: usize| old.assets[i]["_id"]["$oid"].as_str().unwrap().to_owned();
    assert_eq!(failed.get(&id(MISSING)).map(String::as_str), Some("not_found"), "{files}");
    assert_eq!(failed.get(&id(WRONG_MD5)).map(String::as_str), Some("md5_mismatch"));
    assert_eq!(failed.get(&id(TOO_LARGE)).map(String::as_str), Some("too_large"));
    assert_eq!(failed.get(&id(ELSEWHERE)).map(String::as_str), Some("outside_old_bucket"));
    let elsewhere = files["failed"].as_array().unwrap().iter().find(|f| f["id"] == id(ELSEWHERE).as_str()).unwrap();
    assert_eq!(elsewhere["line"].as_u64(), Some(ELSEWHERE as u64 + 1), "listed with its line in the export");
    assert_eq!((failed.len(), files["copied"].as_u64()), (4, Some(36)), "a composite object (no MD5) still copies");

    // Every asset is there whole, those whose file failed with their old URL.
    for (i, exported) in old.assets.iter().enumerate() {
        let (status, asset) = d.call("GET", &format!("/api/assets/{}", id(i)), None, Some(&super::admin_token())).await;
        assert_eq!(status, 200, "{asset}");
        let by_name = exported["name"].as_str().unwrap().trim_end_matches(':').split(':').next().unwrap().to_owned();
        let (status, _) = d.call("GET", &format!("/api/assets/{by_name}"), None, Some(&super::admin_token())).await;
        assert_eq!(status, 200, "found by its name too: {by_name}");
        if failed.contains_key(&id(i)) {
            assert_eq!(asset["data"]["gcpStorageUrl"], exported["gcpStorageUrl"], "the old URL stays");
            assert!(asset["data"].get("copiedFrom").is_none());
        }
    }
}
