use crate::support::{Server, kelly, legacy_song, song};
use nna_domain::ports::AssetStore;
use nna_embedded::SqliteStore;
use serde_json::json;

#[tokio::test]
async fn a_restart_keeps_everything() {
    let s = Server::start().await;
    let a = s.create(&kelly()).await;
    let b = s.create(&song("Halo by Beyoncé")).await;
    s.patch("/api/assets/L.CAS.ATL.001", &json!({"description": "edited before the restart"})).await;
    let edited = s.get("/api/assets/L.CAS.ATL.001").await.data().clone();

    let s = s.restart().await;
    assert_eq!(s.get(&format!("/api/assets/{}", a["id"].as_str().unwrap())).await.data(), &edited);
    assert_eq!(s.get("/api/assets/G.POP.BAS.001").await.data(), &b);
    assert_eq!(s.count().await, 2);
    // The sequence carries on where it was.
    assert_eq!(s.create(&kelly()).await["name"], "L.CAS.ATL.002");
}

#[tokio::test]
async fn an_item_from_before_the_new_fields_loads_and_serves_unchanged() {
    let dir = tempfile::TempDir::new().unwrap();
    {
        let store = SqliteStore::open(dir.path().join("registry.sqlite3")).unwrap();
        let legacy = nna_domain::Asset::load(legacy_song(1)).unwrap();
        store.import(&legacy).await.unwrap();
    }
    let s = Server::start_in(dir, |_| {}).await;
    for key in ["6868865274bd8b06a2f91f0c", "G.HIP.MOD.001", "1.003.003.001", "G.003.003.001"] {
        let r = s.get(&format!("/api/assets/{key}")).await;
        assert_eq!(r.status, 200, "{key}: {}", r.body);
        let mut served = r.data().clone();
        let obj = served.as_object_mut().unwrap();
        assert_eq!(obj.remove("_id"), Some(json!("6868865274bd8b06a2f91f0c")));
        assert_eq!(obj.remove("revision"), Some(json!(0)));
        assert_eq!(served, legacy_song(1), "{key}");
    }
    let listed = s.get("/api/assets?category=Hip_Hop&layer=G").await;
    assert_eq!(listed.data()["total"], 1);
    // New songs in that subcategory never take the legacy number.
    let mut next = song("Doechii - Denial Is a River");
    next["category"] = json!("Hip_Hop");
    next["subcategory"] = json!("Modern_Hip_Hop");
    assert_eq!(s.create(&next).await["name"], "G.HIP.MOD.002");
    // Editing a legacy item adds the new fields and leaves the rest as it was.
    let r = s.patch("/api/assets/G.HIP.MOD.001", &json!({"creatorDescription": "Anxiety by Doechii"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.data()["trainingData"], legacy_song(1)["trainingData"]);
    assert_eq!(r.data()["__v"], 2);
    assert_eq!(r.data()["musicMetadata"]["extractedSongData"]["artistName"], "Doechii");
}
