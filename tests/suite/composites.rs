use crate::support::{Server, asset_in, kelly, song};
use serde_json::json;

fn composite(components: serde_json::Value) -> serde_json::Value {
    json!({ "layer": "C", "category": "Full_Composites", "subcategory": "Pop", "description": "a remix", "components": components })
}

#[tokio::test]
async fn a_composite_is_named_after_its_components() {
    let s = Server::start().await;
    s.create(&song("Anxiety by Doechii")).await;
    s.create(&kelly()).await;
    // Components named any way a client names an asset; stored by their addresses.
    let r = s.post("/api/assets", &composite(json!(["G.POP.BAS.001", "3.004.004.001"]))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let c = r.data();
    assert_eq!(c["name"], "C.FUL.POP.001:G.001.001.001:L.004.004.001");
    assert_eq!(c["nna_address"], "C.003.001.001");
    assert_eq!(c["mfa"], "9.003.001.001");
    assert_eq!(c["components"], json!(["G.001.001.001", "L.004.004.001"]));
    for key in ["C.FUL.POP.001", "C.FUL.POP.001:G.001.001.001:L.004.004.001", "9.003.001.001"] {
        assert_eq!(s.get(&format!("/api/assets/{key}")).await.data()["id"], c["id"], "{key}");
    }
}

#[tokio::test]
async fn composite_rules() {
    let s = Server::start().await;
    s.create(&kelly()).await;
    s.create(&asset_in("S", "Pop", "Base")).await;
    s.create(&asset_in("R", "Music_Video_Rights", "Pop_Rights")).await;
    let cases = [
        (json!([]), "component_count", "components"),
        (json!(["L.CAS.ATL.001"]), "component_count", "components"),
        (
            (0..11).map(|i| format!("L.CAS.ATL.{:03}", i + 1)).collect::<serde_json::Value>(),
            "component_count",
            "components",
        ),
        (json!(["L.CAS.ATL.001", "S.POP.BAS.002"]), "component_not_found", "components[1]"),
        (json!(["L.CAS.ATL.001", "L.004.004.001"]), "duplicate_component", "components[1]"),
        (json!(["L.CAS.ATL.001", "R.MVR.POP.001"]), "component_layer", "components[1]"),
    ];
    for (components, code, field) in cases {
        let r = s.post("/api/assets", &composite(components.clone())).await;
        assert_eq!((r.status, r.code()), (400, code), "{components}: {}", r.body);
        assert_eq!(r.body["error"]["field"], field, "{components}");
    }
    assert_eq!(s.count().await, 3, "nothing was stored");
    let ok = s.post("/api/assets", &composite(json!(["L.CAS.ATL.001", "S.POP.BAS.001"]))).await;
    assert_eq!(ok.data()["name"], "C.FUL.POP.001:L.004.004.001:S.001.001.001", "refusals used no sequence number");
}
