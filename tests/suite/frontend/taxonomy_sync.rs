//! `taxonomySyncService`, `taxonomyIndexingService` and `enhancedTaxonomyService`: what they
//! fetch at start and read at the top level of each answer.

use crate::support::Server;
use crate::support::server::anonymous;
use serde_json::{Value, json};

/// The services call with plain `fetch`, no token, and read the JSON as it is.
async fn fetch(s: &Server, path: &str) -> Value {
    let r = s.send(anonymous().get(s.url(path))).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.body
}

#[tokio::test]
async fn the_sync_services_read_every_answer_at_the_top_level() {
    let s = Server::start().await;
    let health = fetch(&s, "/api/taxonomy/health").await;
    assert_eq!((health["status"].as_str(), health["version"].as_str()), (Some("healthy"), Some("1.3")));
    assert!(health["uptime"].is_u64() && health["checks"].is_object(), "{health}");
    assert_eq!(fetch(&s, "/api/taxonomy/version").await["version"], "1.3");
    assert!(fetch(&s, "/api/taxonomy/version").await["lastUpdated"].is_string());

    // `fetchIndex` throws without `version` or `layers`; `transformBackendResponse` counts the
    // keys of each category's `subcategories`.
    let index = fetch(&s, "/api/taxonomy/index").await;
    assert_eq!((index["version"].as_str(), index["totalLayers"].as_u64()), (Some("1.3"), Some(10)));
    let looks = &index["layers"]["L"];
    assert_eq!(
        (looks["totalCategories"].as_u64(), looks["categories"]["CAS"]["subcategoryCount"].as_u64()),
        (Some(14), Some(6))
    );
    let counted: usize =
        looks["categories"].as_object().unwrap().values().map(|c| c["subcategories"].as_object().unwrap().len()).sum();
    assert_eq!(Some(counted as u64), looks["totalSubcategories"].as_u64());

    let count = fetch(&s, "/api/taxonomy/layer-count").await;
    assert_eq!(count["count"], 10);
    assert_eq!(count["layers"], json!(["G", "S", "L", "M", "W", "B", "P", "T", "C", "R"]));
    let mut category_count = fetch(&s, "/api/taxonomy/layers/L/category-count").await;
    assert!(category_count["metadata"]["timestamp"].is_string());
    category_count.as_object_mut().unwrap().remove("metadata");
    assert_eq!(category_count, with_envelope(json!({"layer": "L", "count": 14})));
    let subs = fetch(&s, "/api/taxonomy/layers/L/categories/CAS/subcategory-count").await;
    assert_eq!(
        (subs["layer"].as_str(), subs["category"].as_str(), subs["count"].as_u64()),
        (Some("L"), Some("CAS"), Some(6))
    );
    let counts = fetch(&s, "/api/taxonomy/layers/L/subcategory-counts").await;
    assert_eq!(counts["totalCategories"], 14);
    assert!(counts["counts"].as_array().unwrap().contains(&json!({"category": "CAS", "count": 6})));
    let total: u64 = counts["counts"].as_array().unwrap().iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(Some(total), counts["totalSubcategories"].as_u64());
    for missing in ["/api/taxonomy/layers/Z/category-count", "/api/taxonomy/layers/L/categories/NOPE/subcategory-count"]
    {
        let r = s.send(anonymous().get(s.url(missing))).await;
        assert_eq!(r.status, 404, "{missing}");
    }
}

/// The count answers, with the envelope the other clients read beside the fields.
fn with_envelope(fields: Value) -> Value {
    let mut v = fields.clone();
    v["success"] = json!(true);
    v["data"] = fields;
    v
}

#[tokio::test]
async fn the_dropdowns_and_the_converter() {
    let s = Server::start().await;
    // `getLayers` takes `Object.keys` of the answer: nothing but the layers may be there.
    let layers = fetch(&s, "/api/taxonomy/layers").await;
    let keys: Vec<&String> = layers.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["G", "S", "L", "M", "W", "B", "P", "T", "C", "R"]);
    assert_eq!(layers["C"], "Composites");
    let cats = fetch(&s, "/api/taxonomy/layers/S/categories").await;
    assert_eq!(cats["categories"][0], json!({"code": "POP", "name": "Pop", "numericCode": "001"}));
    let subs = fetch(&s, "/api/taxonomy/layers/S/categories/POP/subcategories").await;
    assert!(subs["subcategories"].as_array().unwrap().iter().any(|x| x["code"] == "BAS"), "{subs}");

    // `convertHFNtoMFA` reads `success` and `mfa` at the top.
    let r = s
        .send(anonymous().post(s.url("/api/taxonomy/convert/hfn-to-mfa")).json(&json!({"hfn": "S.POP.BAS.001"})))
        .await;
    assert_eq!(
        (r.body["success"].as_bool(), r.body["mfa"].as_str()),
        (Some(true), Some("2.001.001.001")),
        "{}",
        r.body
    );
    let r = s
        .send(anonymous().post(s.url("/api/taxonomy/convert/mfa-to-hfn")).json(&json!({"mfa": "2.001.001.001"})))
        .await;
    assert_eq!((r.body["success"].as_bool(), r.body["hfn"].as_str()), (Some(true), Some("S.POP.BAS.001")));
    for empty in [json!({"hfn": ""}), json!({"hfn": "  "}), json!({"hfn": ":"})] {
        let r = s.send(anonymous().post(s.url("/api/taxonomy/convert/hfn-to-mfa")).json(&empty)).await;
        assert_eq!((r.status, r.code()), (400, "required"), "{empty}");
    }
}

#[tokio::test]
async fn the_whole_tree_in_one_cacheable_answer() {
    let s = Server::start().await;
    let r = s.send(anonymous().get(s.url("/api/taxonomy/tree"))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), Some("public, max-age=300"));
    let tag = r.header("etag").unwrap().to_owned();
    let tree = &r.body;
    assert_eq!((tree["version"].as_str(), tree["totalLayers"].as_u64()), (Some("1.3"), Some(10)));
    let looks = tree["layers"].as_array().unwrap().iter().find(|l| l["code"] == "L").unwrap();
    assert_eq!(looks["number"], 3);
    let casual = looks["categories"].as_array().unwrap().iter().find(|c| c["code"] == "CAS").unwrap();
    assert_eq!(casual["subcategories"][3], json!({"code": "ATL", "name": "Athleisure", "numericCode": "004"}));
    let subs: u64 = tree["layers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["categories"].as_array().unwrap())
        .map(|c| c["subcategories"].as_array().unwrap().len() as u64)
        .sum();
    assert_eq!(Some(subs), tree["totalSubcategories"].as_u64());
    let again = s.send(anonymous().get(s.url("/api/taxonomy/tree")).header("if-none-match", &tag)).await;
    assert_eq!(again.status, 304);
}
