use crate::support::{Server, kelly, song};
use serde_json::{Value, json};

/// Everything but what an edit is expected to touch.
fn without(mut v: Value, keys: &[&str]) -> Value {
    for k in keys {
        v.as_object_mut().unwrap().remove(*k);
    }
    v
}

#[tokio::test]
async fn the_edit_pages_put_changes_what_it_sends() {
    let s = Server::start().await;
    let before = s.create(&kelly()).await;
    let edit = json!({
        "description": "Updated description",
        "creatorDescription": "Kelly is wearing a vintage Adidas jersey",
        "tags": ["vintage", "adidas"],
        "albumArt": "https://is2-ssl.mzstatic.com/image/thumb/a/600x600bb.jpg"
    });
    let r = s.put("/api/assets/L.CAS.ATL.001", &edit).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = r.data();
    assert_eq!(after["creatorDescription"], "Kelly is wearing a vintage Adidas jersey");
    assert_eq!(after["description"], "Updated description");
    assert_eq!(after["tags"], json!(["vintage", "adidas"]));
    assert_eq!(after["albumArt"]["sourceUrl"], "https://is2-ssl.mzstatic.com/image/thumb/a/600x600bb.jpg");
    assert_eq!(after["revision"], 2);
    assert_eq!(after["albumArtUrl"], "https://is2-ssl.mzstatic.com/image/thumb/a/600x600bb.jpg");
    let untouched = ["description", "creatorDescription", "tags", "albumArt", "albumArtUrl", "revision", "updatedAt"];
    assert_eq!(without(after.clone(), &untouched), without(before, &untouched));
    assert_eq!(&s.get("/api/assets/L.CAS.ATL.001").await.data().clone(), after);
}

#[tokio::test]
async fn patch_changes_the_description_and_nothing_else() {
    let s = Server::start().await;
    let before = s.create(&kelly()).await;
    let r = s
        .patch(
            &format!("/api/assets/{}", before["id"].as_str().unwrap()),
            &json!({"creatorDescription": "Kelly, now in red"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = r.data().clone();
    assert_eq!(after["creatorDescription"], "Kelly, now in red");
    assert!(after["updatedAt"].as_str() >= before["updatedAt"].as_str());
    let changed = ["creatorDescription", "revision", "updatedAt"];
    assert_eq!(without(after, &changed), without(before, &changed));
}

#[tokio::test]
async fn patch_merges_objects_and_null_removes() {
    let s = Server::start().await;
    s.create(&kelly()).await;
    let r = s
        .patch(
            "/api/assets/L.CAS.ATL.001",
            &json!({"aiMetadata": {"confidence": 0.5, "generationStrategy": null, "mood": "sporty"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ai = &r.data()["aiMetadata"];
    assert_eq!(ai["confidence"], 0.5);
    assert_eq!(ai["generatedBy"], "OpenAI GPT-4o");
    assert_eq!(ai["mood"], "sporty");
    assert!(ai.get("generationStrategy").is_none());

    let cleared = s.patch("/api/assets/L.CAS.ATL.001", &json!({"creatorDescription": null})).await;
    assert!(cleared.data().get("creatorDescription").is_none());
}

#[tokio::test]
async fn identity_fields_cannot_change_but_may_be_sent_back() {
    let s = Server::start().await;
    let a = s.create(&kelly()).await;
    for (field, value) in [
        ("layer", "S"),
        ("category", "Urban"),
        ("subcategory", "Denim"),
        ("name", "L.CAS.ATL.009"),
        ("mfa", "3.004.004.009"),
    ] {
        let r = s.patch("/api/assets/L.CAS.ATL.001", &json!({ field: value })).await;
        assert_eq!((r.status, r.code()), (400, "immutable_field"), "{field}");
        assert_eq!(r.body["error"]["field"], field);
    }
    // The whole asset sent back, identity spelled differently, is fine.
    let mut echo = a.clone();
    echo["category"] = json!("CAS");
    echo["subcategory"] = json!("004");
    echo["description"] = json!("echoed");
    let r = s.put("/api/assets/L.CAS.ATL.001", &echo).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.data()["description"], "echoed");
    assert_eq!(r.data()["category"], "Casual");
}

#[tokio::test]
async fn a_refused_edit_changes_nothing() {
    let s = Server::start().await;
    let before = s.create(&kelly()).await;
    let r =
        s.patch("/api/assets/L.CAS.ATL.001", &json!({"description": "ok", "aiMetadata": {"confidence": 1.5}})).await;
    assert_eq!((r.status, r.code()), (400, "out_of_range"));
    assert_eq!(s.get("/api/assets/L.CAS.ATL.001").await.data(), &before);
}

#[tokio::test]
async fn every_fault_of_an_edit_is_reported_at_once() {
    let s = Server::start().await;
    let before = s.create(&kelly()).await;
    let body = json!({"layer": "S", "description": "x".repeat(10_001), "aiMetadata": {"confidence": 1.5}});
    let r = s.patch("/api/assets/L.CAS.ATL.001", &body).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let errors = r.body["error"]["details"]["errors"].as_array().unwrap();
    let fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields.len(), 3, "{fields:?}");
    for field in ["layer", "description"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    assert!(fields.iter().any(|f| f.starts_with("aiMetadata")), "{fields:?}");
    assert_eq!(s.get("/api/assets/L.CAS.ATL.001").await.data(), &before);
}

#[tokio::test]
async fn an_edit_that_changes_nothing_writes_nothing() {
    let s = Server::start().await;
    let before = s.create(&kelly()).await;
    let r = s.put("/api/assets/L.CAS.ATL.001", &json!({"creatorDescription": before["creatorDescription"]})).await;
    assert_eq!(r.data(), &before);
}

#[tokio::test]
async fn processed_album_art_survives_the_edit_page_sending_it_back() {
    let s = Server::start().await;
    s.create(&song("Halo by Beyoncé")).await;
    let a = s.get("/api/assets/G.POP.BAS.001").await.data().clone();
    let r = s.put("/api/assets/G.POP.BAS.001", &json!({"albumArt": a["albumArt"], "description": "new"})).await;
    assert_eq!(r.data()["albumArt"], a["albumArt"]);
}

#[tokio::test]
async fn new_words_for_a_song_reread_the_song_data() {
    let s = Server::start().await;
    s.create(&song("Halo by Beyoncé")).await;
    let r = s
        .patch("/api/assets/G.POP.BAS.001", &json!({"creatorDescription": "Formation by Beyoncé from Lemonade"}))
        .await;
    let data = &r.data()["musicMetadata"]["extractedSongData"];
    assert_eq!((data["songName"].as_str(), data["albumName"].as_str()), (Some("Formation"), Some("Lemonade")));
    assert_eq!(r.data()["musicMetadata"]["bpm"], 120);
}

#[tokio::test]
async fn curate_and_delete() {
    let s = Server::start().await;
    s.create(&kelly()).await;
    let c = s.post("/api/assets/curate/L.CAS.ATL.001", &json!({})).await;
    assert_eq!(c.status, 200, "{}", c.body);
    assert_eq!(c.data()["status"], "curated");
    let d = s.delete("/api/assets/L.CAS.ATL.001").await;
    assert_eq!((d.status, d.data()["deleted"].as_bool()), (200, Some(true)));
    assert_eq!(s.get("/api/assets/L.CAS.ATL.001").await.status, 404);
    assert_eq!(s.delete("/api/assets/L.CAS.ATL.001").await.status, 404);
    // Names are identities: a deleted asset's number is not handed out again.
    assert_eq!(s.create(&kelly()).await["name"], "L.CAS.ATL.002");
}
