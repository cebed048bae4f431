//! The whole cutover as a team runs it, on each store: users and assets imported (interrupted
//! once and resumed; a second run changes nothing), files copied, the migration, proof that it
//! all came across, then the first day on the new backend: an old user signs in with the old
//! password and edits what they own through today's edit page, an old token still works, and the
//! way back writes the day's work in the old schema.

use super::{Deployment, Window, admin_token, ops, work_dir};
use crate::support::old_backend::OldBackend;
use nna_operations::fixture::password_of;
use serde_json::{Value, json};
use std::collections::HashMap;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded() {
    cutover(Deployment::embedded(Window::Open).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb() {
    cutover(Deployment::dynamodb(Window::Open).await).await;
}

/// The staging table's item with the old backend's 112-character tag (the fixture's 45th).
const LONG_TAGS: usize = 44;

async fn cutover(mut d: Deployment) {
    let old = OldBackend::start(250, 6, 11, 4, 2_000..20_000, HashMap::new(), HashMap::new()).await;
    let (_keep, work) = work_dir();
    let (assets, users) = old.write_exports(&work);
    let (assets, users) = (assets.to_str().unwrap(), users.to_str().unwrap());
    let from = old.bucket.base.clone();

    // Accounts first: every old user, their role kept (and the admin named for the operator).
    let (code, r, err) = d.ops(&work, &["import-legacy", "users", users]).await;
    assert_eq!((code, r["imported"].as_u64()), (0, Some(6)), "{err} {r}");
    assert_eq!(r["admins"], json!(["kyle@celerity.studio"]));
    assert!(!r.to_string().contains("$2a$") && !err.contains("$2a$"), "no hash is ever reported: {r}");

    // The assets with their files, stopped part way as if killed, then resumed.
    let import = ["import-legacy", "assets", assets, "--copy-files-from", &from];
    let (code, _, err) = d.ops(&work, &[&import[..], &["--stop-after", "150"]].concat()).await;
    assert_eq!(code, 3, "stopped as if killed: {err}");
    let (code, r, err) = d.ops(&work, &import).await;
    assert_eq!(code, 0, "{err} {r}");
    let (imported, there) = (r["import"]["imported"].as_u64().unwrap(), r["import"]["alreadyThere"].as_u64().unwrap());
    assert_eq!((imported, there, imported + there), (50, 200, 250), "{r}");
    assert_eq!(
        (r["files"]["copied"].as_u64(), r["files"]["failed"].as_array().map(Vec::len)),
        (Some(250), Some(0)),
        "{r}"
    );
    // Again: nothing to do, and it says so.
    let (code, r, err) = d.ops(&work, &import).await;
    assert_eq!((code, r["import"]["imported"].as_u64(), r["files"]["copied"].as_u64()), (0, Some(0), Some(0)), "{err}");
    assert!(r["import"]["summary"].as_str().unwrap().starts_with("nothing to do"), "{r}");
    assert_eq!(r["files"]["alreadyCopied"].as_u64(), Some(250));
    let (code, r, _) = d.ops(&work, &["import-legacy", "users", users]).await;
    assert_eq!((code, r["imported"].as_u64(), r["alreadyThere"].as_u64()), (0, Some(0), Some(6)), "{r}");

    // The migration, then the proof: every field, name, owner, file and account came across.
    let (code, r, err) = d.ops(&work, &["migrate"]).await;
    assert_eq!((code, r["changed"].as_u64()), (0, Some(250)), "{err}");
    let long_tags =
        old.assets.iter().filter(|a| a["tags"].as_array().unwrap().iter().any(|t| t.as_str().unwrap().len() > 64));
    assert_eq!(
        r["ruleBreaks"]["tags: too_long"].as_array().map(Vec::len),
        Some(long_tags.count()),
        "{}",
        r["ruleBreaks"]
    );
    let (code, r, err) = d.ops(&work, &["verify-legacy", "--assets", assets, "--users", users]).await;
    assert_eq!((code, r["passed"].as_bool()), (0, Some(true)), "{err} {r}");
    assert_eq!((r["assets"]["matching"].as_u64(), r["users"]["matching"].as_u64()), (Some(250), Some(6)));
    assert_eq!(r["filesChecked"].as_u64(), Some(250));
    let (_, status, _) = d.ops(&work, &["status"]).await;
    assert_eq!(status["accounts"]["bcryptHashes"].as_u64(), Some(6), "{status}");
    let switch = nna_domain::Timestamp::now().to_string();

    // An old user signs in with the password they have always had; the bcrypt hash goes.
    let exported = &old.assets[LONG_TAGS];
    let owner = exported["registeredBy"].as_str().unwrap().to_owned();
    let login = json!({"email": owner, "password": password_of(&owner)});
    let (status, body) = d.call("POST", "/api/auth/login", Some(&login), None).await;
    assert_eq!(status, 200, "{body}");
    let token = body["data"]["token"].as_str().unwrap().to_owned();
    let (_, status_report, _) = d.ops(&work, &["status"]).await;
    assert_eq!(status_report["accounts"]["bcryptHashes"].as_u64(), Some(5));
    let (status, _) = d.call("POST", "/api/auth/login", Some(&login), None).await;
    assert_eq!(status, 200, "the registry's own hash takes the same password");
    let (status, _) =
        d.call("POST", "/api/auth/login", Some(&json!({"email": owner, "password": "guess"})), None).await;
    assert_eq!(status, 401);

    // Today's edit page, as its owner: it sends back every stored tag, the old long one too.
    let id = exported["_id"]["$oid"].as_str().unwrap();
    let path = format!("/api/assets/{id}");
    let (status, asset) = d.call("GET", &path, None, Some(&token)).await;
    assert_eq!(status, 200, "{asset}");
    let asset = asset["data"].clone();
    assert!(asset["tags"].as_array().unwrap().iter().any(|t| t.as_str().unwrap().chars().count() == 112));
    assert!(asset.get("friendlyName").is_none(), "its words moved to creatorDescription: {asset}");
    let words = "Kelly's retro windbreaker, in my own words";
    let edit = json!({"description": asset["description"], "creatorDescription": words, "tags": asset["tags"]});
    let (status, edited) = d.call("PUT", &path, Some(&edit), Some(&token)).await;
    assert_eq!(status, 200, "a stored value sent back unchanged never blocks an edit: {edited}");
    assert_eq!(edited["data"]["creatorDescription"], words);

    // Its file is the registry's copy, the same bytes, the old URL kept beside it.
    let old_url = exported["gcpStorageUrl"].as_str().unwrap();
    assert_eq!(asset["copiedFrom"]["url"], old_url);
    let served = asset["gcpStorageUrl"].as_str().unwrap();
    assert_ne!(served, old_url);
    assert_eq!(d.file(served).await, old.file(old_url).unwrap().to_vec(), "the same bytes");

    // Someone signed in at the switch: their old token still works, with their role here.
    let user = old.users.iter().find(|u| u["email"].as_str().unwrap().eq_ignore_ascii_case(&owner)).unwrap();
    let user_id = user["_id"]["$oid"].as_str().unwrap();
    let old_token = crate::support::auth::legacy_token(user_id, &owner, "admin", 600);
    let (status, me) = d.call("GET", "/api/auth/profile", None, Some(&old_token)).await;
    assert_eq!((status, me["data"]["email"].as_str()), (200, Some(owner.as_str())), "{me}");
    let (status, _) = d.call("DELETE", &path, None, Some(&old_token)).await;
    assert_eq!(status, 403, "the token says admin; the account is an editor");
    let (status, refused) =
        d.call("GET", &path, None, Some(&crate::support::auth::legacy_token(user_id, &owner, "editor", -5))).await;
    assert_eq!((status, refused["error"]["details"]["reason"].as_str()), (401, Some("expired")), "{refused}");

    // Someone tampers with an item: the proof fails and names it.
    let tampered = old.assets[7]["_id"]["$oid"].as_str().unwrap();
    let (status, _) = d
        .call(
            "PATCH",
            &format!("/api/assets/{tampered}"),
            Some(&json!({"description": "changed"})),
            Some(&admin_token()),
        )
        .await;
    assert_eq!(status, 200);
    let (code, r, _) = d.ops(&work, &["verify-legacy", "--assets", assets]).await;
    assert_eq!((code, r["passed"].as_bool()), (2, Some(false)));
    let different: Vec<&Value> = r["assets"]["different"].as_array().unwrap().iter().collect();
    let item = different.iter().find(|d| d["id"] == tampered).expect("the tampered item is named");
    assert!(item["differences"].as_array().unwrap().iter().any(|d| d["field"] == "description"), "{item}");

    // The day's work: a newcomer registers and makes an asset.
    let newcomer = json!({"username": "newcomer", "email": "new@reviz.ai", "password": "a-new-password"});
    let (status, body) = d.call("POST", "/api/auth/register", Some(&newcomer), None).await;
    assert_eq!(status, 201, "{body}");
    let new_token = body["data"]["token"].as_str().unwrap().to_owned();
    let (status, made) = d.call("POST", "/api/assets", Some(&crate::support::kelly()), Some(&new_token)).await;
    assert_eq!(status, 201, "{made}");

    // The way back: what changed since the switch, in the old schema.
    let out = work.join("way-back.json");
    let (code, r, err) = d.ops(&work, &["export-legacy", "--since", &switch, "--out", out.to_str().unwrap()]).await;
    assert_eq!((code, r["assets"].as_u64()), (0, Some(3)), "{err} {r}");
    assert_eq!(r["accountsSince"][0]["email"], "new@reviz.ai");
    assert!(r["accountsNote"].as_str().unwrap().contains("registers again"));
    let docs: Vec<Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let back = docs.iter().find(|d| d["_id"]["$oid"] == id).expect("the edited asset goes back");
    old_shape(back);
    assert_eq!(back["gcpStorageUrl"], old_url, "the old bucket still holds the same bytes");
    assert_eq!(back["creatorDescription"], words);
    assert_eq!(back["tags"], asset["tags"]);
    assert_eq!(back["createdAt"]["$date"], exported_time(&exported["createdAt"]));
    for doc in &docs {
        old_shape(doc);
    }

    // Round trip: the way-back file loads into an empty registry and holds up there.
    let fresh = tempfile::TempDir::new().unwrap();
    let store = format!("embedded:{}", fresh.path().display());
    let out = out.to_str().unwrap();
    let (code, r, err) = ops(&store, &[], &work, &["import-legacy", "assets", out]).await;
    assert_eq!((code, r["imported"].as_u64()), (0, Some(3)), "{err} {r}");
    let (code, r, err) = ops(&store, &[], &work, &["verify-legacy", "--assets", out]).await;
    assert_eq!((code, r["passed"].as_bool()), (0, Some(true)), "{err} {r}");
}

/// The time as the fixture wrote it (relaxed), as `$date` text.
fn exported_time(v: &Value) -> Value {
    Value::String(v["$date"].as_str().map(str::to_owned).unwrap_or_default())
}

/// A document the old backend's collection holds: its schema's field types, ids and times as
/// Extended JSON, none of the registry's bookkeeping.
fn old_shape(doc: &Value) {
    assert!(doc["_id"]["$oid"].as_str().is_some_and(nna_domain::legacy::extjson::is_object_id), "{doc}");
    for field in ["layer", "category", "subcategory", "name", "nna_address", "registeredBy"] {
        assert!(doc[field].is_string(), "{field}: {doc}");
    }
    for field in ["createdAt", "updatedAt"] {
        assert!(doc[field]["$date"].as_str().and_then(nna_domain::Timestamp::parse).is_some(), "{field}: {doc}");
    }
    assert!(doc["tags"].as_array().is_some_and(|t| t.iter().all(Value::is_string)), "{doc}");
    assert!(doc["components"].is_array() || doc.get("components").is_none(), "{doc}");
    for field in ["trainingData", "rights"] {
        assert!(doc.get(field).is_none_or(|v| v.is_object() || v.is_string()), "{field}: {doc}");
    }
    for gone in ["id", "revision", "_migration", "mfa", "copiedFrom", "needsCreatorInput"] {
        assert!(doc.get(gone).is_none(), "{gone}: {doc}");
    }
    assert!(doc["__v"].is_number(), "{doc}");
}
