//! Deleting from the asset pages (admins): nothing left pointing at what is gone.

use super::{register, register_form};
use crate::support::{Server, asset_in};
use serde_json::json;

#[tokio::test]
async fn a_component_in_use_is_refused_unless_forced_and_files_go_with_the_asset() {
    let s = Server::start().await;
    let star = register(&s, register_form("S", "Pop", "Base", &[("creatorDescription", "A neon pop star")])).await;
    let look = s.create(&asset_in("L", "Casual", "Athleisure")).await;
    let composite = s
        .create(&json!({"layer": "C", "category": "Full_Composites", "subcategory": "Pop", "description": "a remix",
            "components": [star["nna_address"], look["name"]]}))
        .await;
    let file = star["gcpStorageUrl"].as_str().unwrap().to_owned();
    assert_eq!(s.http.get(&file).send().await.unwrap().status(), 200);

    let star_path = format!("/api/assets/{}", star["name"].as_str().unwrap());
    let r = s.delete(&star_path).await;
    assert_eq!((r.status, r.code()), (409, "component_in_use"), "{}", r.body);
    assert_eq!(r.body["error"]["details"]["composites"], json!([composite["name"]]));
    assert_eq!(s.get(&star_path).await.status, 200, "refused: still there");

    let r = s.delete(&format!("{star_path}?force=true")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let record = &r.data()["record"];
    assert_eq!(
        (record["deletedBy"].as_str(), record["name"].as_str()),
        (Some("admin@tests.nna"), star["name"].as_str())
    );
    assert_eq!(record["brokenComposites"], json!([composite["name"]]));
    assert_eq!(r.data()["filesPending"], 0);
    assert_eq!(s.get(&star_path).await.status, 404);
    let marked = s.get(&format!("/api/assets/{}", composite["id"].as_str().unwrap())).await;
    assert_eq!(marked.data()["brokenComponents"], json!([star["nna_address"]]));
    assert_eq!(s.http.get(&file).send().await.unwrap().status(), 404, "the file is no longer served");

    // Its number stays used.
    let next = register(&s, register_form("S", "Pop", "Base", &[])).await;
    assert_eq!(next["name"], "S.POP.BAS.002");
}

#[tokio::test]
async fn totals_are_exact_for_filters_the_index_cannot_count() {
    let s = Server::start().await;
    for _ in 0..25 {
        s.create(&asset_in("L", "Casual", "Athleisure")).await;
    }
    let r = s.get("/api/assets?createdAfter=2020-01-01T00:00:00Z&limit=10").await;
    assert_eq!(
        (r.data()["total"].as_u64(), r.data()["totalIsLowerBound"].as_bool()),
        (Some(25), Some(false)),
        "{}",
        r.body
    );
    assert_eq!(r.data()["totalPages"], 3);
    let r = s.get("/api/assets?hasAlbumArt=false&layer=L&limit=5&page=2").await;
    assert_eq!((r.data()["total"].as_u64(), r.data()["items"].as_array().map(Vec::len)), (Some(25), Some(5)));
}
