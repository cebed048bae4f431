//! `AssetEditPage`: pre-fills creatorDescription with `creatorDescription || name` and PUTs it
//! back with description and tags, so an asset without words yet comes back with its HFN.

use super::{find_by_listing, register, register_form};
use crate::support::Server;
use serde_json::{Value, json};

/// The body the edit page PUTs for what it loaded, with the creator's changes.
fn edit_page_put(asset: &Value, tags: Value) -> Value {
    let words = asset["creatorDescription"].as_str().or(asset["name"].as_str()).unwrap_or_default();
    let description =
        asset["description"].as_str().or(asset["aiMetadata"]["generatedDescription"].as_str()).unwrap_or_default();
    json!({ "description": description, "creatorDescription": words, "tags": tags })
}

fn warning_codes(reply: &Value) -> Vec<(String, String)> {
    reply["warnings"]
        .as_array()
        .map(|w| {
            w.iter()
                .map(|w| (w["field"].as_str().unwrap().to_owned(), w["code"].as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_hfn_the_edit_page_prefills_is_not_saved_as_the_creators_words() {
    let s = Server::start().await;
    // Registered without words and without a description: the placeholder is not stored.
    let made = register(&s, register_form("L", "Casual", "Athleisure", &[])).await;
    assert_eq!((made["creatorDescription"].as_str(), made["description"].as_str()), (None, None), "{made}");
    let id = made["_id"].as_str().unwrap();

    let loaded = find_by_listing(&s, id).await;
    let r = s
        .put(&format!("/api/assets/{}", loaded["name"].as_str().unwrap()), &edit_page_put(&loaded, json!(["jersey"])))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let saved = r.data();
    assert_eq!(saved["tags"], json!(["jersey"]), "the rest of the edit is saved");
    assert!(saved.get("creatorDescription").is_none(), "{saved}");
    assert_eq!(saved["needsCreatorInput"], true);
    assert_eq!(warning_codes(&r.body), [("creatorDescription".to_owned(), "address_not_words".to_owned())]);

    // Any spelling of its own name or address, by PUT or PATCH.
    for sent in [" l.cas.atl.001 ", "3.004.004.001", "L.004.004.001"] {
        let r = s.patch(&format!("/api/assets/{id}"), &json!({"creatorDescription": sent, "tags": ["x"]})).await;
        assert_eq!(r.status, 200, "{sent}: {}", r.body);
        assert!(r.data().get("creatorDescription").is_none(), "{sent}");
        assert_eq!(warning_codes(&r.body).len(), 1, "{sent}");
    }

    // The creator's own words are taken, and the flag goes.
    let words = "Kelly is wearing a sports jersey from brand Adidas";
    let r = s.put(&format!("/api/assets/{id}"), &json!({"creatorDescription": words})).await;
    assert_eq!((r.data()["creatorDescription"].as_str(), r.data().get("needsCreatorInput")), (Some(words), None));
    assert!(r.body.get("warnings").is_none(), "{}", r.body);
    // …and the edit page, loading them, sends them back unchanged: nothing to warn about.
    let loaded = find_by_listing(&s, id).await;
    let r = s.put(&format!("/api/assets/{id}"), &edit_page_put(&loaded, json!(["x"]))).await;
    assert_eq!(r.data()["creatorDescription"], words);
    assert!(r.body.get("warnings").is_none(), "{}", r.body);
    // Sending the HFN now keeps the words that are stored.
    let r = s.put(&format!("/api/assets/{id}"), &json!({"creatorDescription": "L.CAS.ATL.001"})).await;
    assert_eq!(r.data()["creatorDescription"], words);
}

#[tokio::test]
async fn the_description_placeholder_is_no_description() {
    let s = Server::start().await;
    let made = register(&s, register_form("S", "Pop", "Base", &[("creatorDescription", "A pop star in neon")])).await;
    assert!(made.get("description").is_none(), "{made}");
    assert_eq!(made["creatorDescription"], "A pop star in neon");
    let id = made["_id"].as_str().unwrap();
    let r = s.put(&format!("/api/assets/{id}"), &json!({"description": "Asset S.TEMP.TEMP.001 (S.POP.BAS)"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.data().get("description").is_none());
    assert_eq!(warning_codes(&r.body), [("description".to_owned(), "placeholder_not_words".to_owned())]);
    let real = "A neon-lit pop performer";
    let r = s.put(&format!("/api/assets/{id}"), &json!({"description": real})).await;
    assert_eq!(r.data()["description"], real);
}

#[tokio::test]
async fn a_batch_applies_the_same_rules() {
    let s = Server::start().await;
    let items = json!([
        {"layer": "L", "category": "Casual", "subcategory": "Athleisure", "description": "Asset L.TEMP.TEMP.001 (L.CAS.ATL)",
         "creatorDescription": "L.CAS.ATL.001"},
    ]);
    let r = s.post("/api/assets/batch", &json!({ "assets": items })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let made = &r.data()["created"][0]["asset"];
    assert_eq!((made.get("description"), made.get("creatorDescription")), (None, None), "{made}");
}
