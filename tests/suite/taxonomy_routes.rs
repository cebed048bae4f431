use crate::support::Server;
use serde_json::json;

#[tokio::test]
async fn the_index_the_frontend_loads_at_start() {
    let s = Server::start().await;
    let r = s.get("/api/taxonomy/index").await;
    assert_eq!(r.status, 200);
    let d = r.data();
    assert_eq!((d["version"].as_str(), d["totalLayers"].as_u64()), (Some("1.3"), Some(10)));
    assert_eq!(d["layers"]["L"]["totalCategories"], 14);
    assert_eq!(d["layers"]["L"]["categories"]["CAS"]["subcategoryCount"], 6);
    assert_eq!(s.get("/api/taxonomy/health").await.data()["status"], "healthy");
    assert_eq!(s.get("/api/taxonomy/version").await.data()["version"], "1.3");
}

#[tokio::test]
async fn layers_categories_and_subcategories() {
    let s = Server::start().await;
    let layers = s.get("/api/taxonomy/layers").await.body;
    assert_eq!(layers.as_object().map(|m| m.len()), Some(10), "only the layer map: the frontend reads Object.keys");
    assert_eq!((layers["G"].as_str(), layers["L"].as_str()), (Some("Songs"), Some("Looks")));
    let cats = s.get("/api/taxonomy/layers/L/categories").await;
    assert_eq!(cats.data()["categories"][3], json!({"code": "CAS", "name": "Casual", "numericCode": "004"}));
    for category in ["CAS", "Casual", "004"] {
        let subs = s.get(&format!("/api/taxonomy/layers/L/categories/{category}/subcategories")).await;
        assert_eq!(
            subs.data()["subcategories"][3],
            json!({"code": "ATL", "name": "Athleisure", "numericCode": "004"}),
            "{category}"
        );
    }
    // The same refusal a create gets: the valid choices listed, by code and name.
    let r = s.get("/api/taxonomy/layers/Z/categories").await;
    assert_eq!((r.status, r.code()), (404, "unknown_layer"));
    assert_eq!(r.body["error"]["details"]["validChoices"].as_array().map(Vec::len), Some(10), "{}", r.body);
    let r = s.get("/api/taxonomy/layers/L/categories/NOPE/subcategories").await;
    assert_eq!((r.status, r.code()), (404, "unknown_category"));
    assert_eq!(r.body["error"]["details"]["layer"], "L", "{}", r.body);
    assert!(r.body["error"]["message"].as_str().is_some_and(|m| m.contains("CAS (Casual)")), "{}", r.body);
}

#[tokio::test]
async fn address_conversion_both_ways() {
    let s = Server::start().await;
    let r = s.post("/api/taxonomy/convert/hfn-to-mfa", &json!({"hfn": "L.CAS.ATL.001"})).await;
    assert_eq!(
        (r.data()["mfa"].as_str(), r.data()["nna_address"].as_str()),
        (Some("3.004.004.001"), Some("L.004.004.001"))
    );
    let r = s.post("/api/taxonomy/convert/mfa-to-hfn", &json!({"mfa": "3.004.004.001"})).await;
    assert_eq!(r.data()["hfn"], "L.CAS.ATL.001");
    let r =
        s.post("/api/taxonomy/convert/hfn-to-mfa", &json!({"hfn": "C.FUL.POP.125:G.003.003.001:S.001.002.004"})).await;
    assert_eq!(r.data()["mfa"], "9.003.001.125:1.003.003.001:2.001.002.004");
    let r = s.post("/api/taxonomy/convert/hfn-to-mfa", &json!({"hfn": 3})).await;
    assert_eq!((r.status, r.code()), (400, "required"), "a number is no address: {}", r.body);
    let r = s.post("/api/taxonomy/convert/hfn-to-mfa", &json!({"hfn": "L.XXX.ATL.001"})).await;
    assert_eq!((r.status, r.code()), (400, "invalid_format"));
    let r = s.post("/api/taxonomy/convert/mfa-to-hfn", &json!({})).await;
    assert_eq!((r.status, r.code()), (400, "required"));
    // Empty and blank inputs are refused, not answered with empty strings.
    for (path, body) in
        [("hfn-to-mfa", json!({"hfn": ""})), ("mfa-to-hfn", json!({"mfa": "  "})), ("hfn-to-mfa", json!({"hfn": ":"}))]
    {
        let r = s.post(&format!("/api/taxonomy/convert/{path}"), &body).await;
        assert_eq!((r.status, r.code()), (400, "required"), "{path}: {}", r.body);
    }
}
