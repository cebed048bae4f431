use nna_domain::Asset;
use nna_domain::taxonomy::LayerCode;
use nna_operations::fixture::legacy_documents;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

#[test]
fn the_fixture_is_a_realistic_legacy_staging_table() {
    let docs = legacy_documents(1100, 7);
    assert_eq!(docs, legacy_documents(1100, 7), "deterministic for a seed");
    assert_eq!(docs.len(), 1100);
    let layers: BTreeSet<&str> = docs.iter().filter_map(|d| d["layer"].as_str()).collect();
    assert_eq!(layers.len(), LayerCode::ALL.len(), "{layers:?}");
    assert_eq!(docs.iter().filter(|d| d["layer"] == "G").count(), 14);
    let count = |f: &dyn Fn(&Value) -> bool| docs.iter().filter(|d| f(d)).count();
    // Old shape: no new fields, names are HFNs, files on GCS, ObjectIds.
    assert_eq!(count(&|d| d.get("aiMetadata").is_some() || d.get("musicMetadata").is_some()), 0);
    assert_eq!(count(&|d| d["_id"]["$oid"].is_string() && d["gcpStorageUrl"].is_string()), 1100);
    assert!(count(&|d| d["friendlyName"].as_str().is_some_and(|f| !f.is_empty())) > 300);
    assert!(count(&|d| d["friendlyName"] == "") > 100);
    assert!(count(&|d| d.get("friendlyName").is_none()) > 300);
    // Odd ones.
    assert!(count(&|d| d.to_string().contains("東京")) > 0);
    assert!(count(&|d| d.get("createdAt").is_none()) >= 10);
    assert!(count(&|d| d["tags"].as_array().is_some_and(|t| t.len() > 20)) >= 10);
    // Every defect the contract lists.
    assert!(count(&|d| d["trainingData"].is_string() && d["rights"].is_string()) > 500);
    assert!(count(&|d| d["components"] == serde_json::json!([""])) > 500);
    let codes =
        count(&|d| d["category"].as_str().is_some_and(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase())));
    assert!(codes > 100 && codes < 1000, "codes and names both: {codes}");
    assert_eq!(count(&|d| d["nna_address"].as_str().is_some_and(|a| a.contains("undefined"))), 1);
    assert!(count(&|d| d["layer"] == "C" && d["name"].as_str().is_some_and(|n| n.ends_with(':'))) > 0);
    assert!(count(&|d| d["creatorDescription"].is_string() && d["creatorDescription"] == d["name"]) > 10);
    assert_eq!(count(&|d| d["albumArt"].is_string()), 2);
    let mut names: HashMap<&str, usize> = HashMap::new();
    for d in &docs {
        *names.entry(d["name"].as_str().unwrap().split(':').next().unwrap()).or_default() += 1;
    }
    assert!(names.values().any(|n| *n > 1), "duplicate sequence numbers");
    // And every one of them loads.
    for d in &docs {
        Asset::from_legacy(d).unwrap();
    }
}

#[test]
fn a_mongoexport_reads_as_lines_or_as_an_array() {
    use nna_domain::legacy::export::read;
    let docs = legacy_documents(20, 1);
    let read_docs = |text: &str| read(text).unwrap().into_iter().map(|e| e.doc.unwrap()).collect::<Vec<_>>();
    assert_eq!(read_docs(&nna_domain::legacy::export::lines(&docs)), docs);
    assert_eq!(read_docs(&Value::Array(docs.clone()).to_string()), docs);
}

#[test]
fn the_old_users_log_in_with_their_passwords_and_own_the_fixtures_assets() {
    use nna_domain::auth::User;
    let users = nna_operations::fixture::legacy_users(10, 7, 4);
    let accounts: Vec<User> = users.iter().map(|u| User::from_legacy(u).unwrap()).collect();
    assert_eq!(accounts.len(), 10);
    assert_ne!(users[1]["email"].as_str().unwrap(), accounts[1].email.as_str(), "one stored with capitals");
    for (doc, account) in users.iter().zip(&accounts) {
        let password = nna_operations::fixture::password_of(account.email.as_str());
        assert!(bcrypt::verify(&password, doc["password"].as_str().unwrap()).unwrap());
    }
    let owners: std::collections::BTreeSet<String> =
        legacy_documents(200, 7).iter().map(|d| d["registeredBy"].as_str().unwrap().to_lowercase()).collect();
    assert!(owners.iter().all(|o| accounts.iter().any(|a| a.email.as_str() == o)), "{owners:?}");
}
