use crate::support::{PNG_HEAD, Server, kelly, song};
use reqwest::multipart::{Form, Part};
use serde_json::json;

#[tokio::test]
async fn kelly_gets_the_first_address_and_keeps_her_words() {
    let s = Server::start().await;
    let r = s.post("/api/assets", &kelly()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["success"], true);
    let a = r.data();
    assert_eq!(a["name"], "L.CAS.ATL.001");
    assert_eq!(a["nna_address"], "L.004.004.001");
    assert_eq!(a["mfa"], "3.004.004.001");
    assert_eq!(a["creatorDescription"], "Kelly is wearing a sports jersey from brand Adidas");
    assert_eq!((a["category"].as_str(), a["subcategory"].as_str()), (Some("Casual"), Some("Athleisure")));
    assert_eq!(a["_id"], a["id"]);
    assert_eq!(a["aiMetadata"], kelly()["aiMetadata"]);
    assert_eq!(a["trainingData"], json!({"prompts": [], "images": [], "videos": []}));
    assert_eq!(r.header("location"), Some(format!("/api/assets/{}", a["id"].as_str().unwrap()).as_str()));
}

#[tokio::test]
async fn read_back_by_id_hfn_mfa_and_stored_address() {
    let s = Server::start().await;
    let created = s.create(&kelly()).await;
    let id = created["id"].as_str().unwrap();
    for key in [id, "L.CAS.ATL.001", "l.cas.atl.001", "3.004.004.001", "L.004.004.001"] {
        let r = s.get(&format!("/api/assets/{key}")).await;
        assert_eq!(r.status, 200, "{key}: {}", r.body);
        assert_eq!(r.data(), &created, "{key}");
    }
    let missing = s.get("/api/assets/L.CAS.ATL.002").await;
    assert_eq!((missing.status, missing.code()), (404, "asset_not_found"));
}

#[tokio::test]
async fn the_frontends_form_data_creates_an_asset_with_its_file() {
    let s = Server::start().await;
    let form = Form::new()
        .text("layer", "S")
        .text("category", "Stars_Virtual_Avatars")
        .text("subcategory", "Base")
        .text("source", "ReViz")
        .text("description", "Asset reference Star asset (S.VAV.BAS)")
        .text("tags", r#"["general"]"#)
        .text("trainingData", r#"{"prompts":[],"images":[],"videos":[]}"#)
        .text("rights", r#"{"source":"Original","rights_split":"100%"}"#)
        .text("creatorDescription", "A friendly virtual avatar")
        .text("aiMetadata", r#"{"generatedDescription":"An avatar","mood":"upbeat","tags":["avatar"]}"#)
        .part("file", Part::bytes(PNG_HEAD.to_vec()).file_name("star.png").mime_str("image/png").unwrap());
    let r = s.post_form("/api/assets", form).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let a = r.data();
    assert_eq!(a["name"], "S.VAV.BAS.001");
    assert_eq!(a["nna_address"], "S.014.001.001");
    assert_eq!(a["category"], "Virtual_Avatars");
    assert_eq!(a["tags"], json!(["general"]));
    assert_eq!(a["rights"], json!({"source": "Original", "rights_split": "100%"}));
    assert_eq!(a["aiMetadata"]["mood"], "upbeat");

    let url = a["gcpStorageUrl"].as_str().expect("file URL");
    let file = s.http.get(url).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "image/png");
    assert!(file.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    assert_eq!(file.bytes().await.unwrap().as_ref(), PNG_HEAD);

    // Only exact paths of stored files answer; a miss is a JSON 404 that nothing keeps.
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let key = url.split("/files/").nth(1).unwrap();
    let folder = &key[..key.rfind('/').unwrap()];
    for path in [
        "/files".to_owned(),
        "/files/".to_owned(),
        "/files///assets".to_owned(),
        format!("/files/{folder}"),
        format!("/files/{folder}/"),
        format!("/files/{folder}/nothing.png"),
        "/files/uploads/2026/11/x.png".to_owned(),
        "/files/..%2f..%2fregistry.sqlite3".to_owned(),
    ] {
        let r = no_redirects.get(s.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert!(r.headers().get("location").is_none(), "{path}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "file_not_found", "{path}");
    }
}

#[tokio::test]
async fn older_clients_repeated_fields_codes_and_a_bare_album_art_url() {
    let s = Server::start().await;
    let form = Form::new()
        .text("layer", "G")
        .text("category", "POP")
        .text("subcategory", "BAS")
        .text("tags[]", "pop")
        .text("tags[]", "dance")
        .text("albumArt", "https://is1-ssl.mzstatic.com/image/thumb/x/600x600bb.jpg")
        .text("creatorDescription", "Levitating - Dua Lipa");
    let r = s.post_form("/api/assets", form).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let a = r.data();
    assert_eq!(a["name"], "G.POP.BAS.001");
    assert_eq!(a["category"], "Pop");
    assert_eq!(a["tags"], json!(["pop", "dance"]));
    assert_eq!(
        a["albumArt"],
        json!({"sourceUrl": "https://is1-ssl.mzstatic.com/image/thumb/x/600x600bb.jpg", "source": "iTunes", "quality": "Medium",
            "status": "pending"}),
        "processing is off here: the art is queued, pending until a worker runs"
    );
}

#[tokio::test]
async fn songs_get_song_album_and_artist_from_the_creators_words() {
    let s = Server::start().await;
    let a = s.create(&song("Bohemian Rhapsody - A Night at the Opera - Queen")).await;
    assert_eq!(
        a["musicMetadata"],
        json!({"bpm": 120, "extractedSongData": {
            "songName": "Bohemian Rhapsody", "albumName": "A Night at the Opera", "artistName": "Queen",
            "originalInput": "Bohemian Rhapsody - A Night at the Opera - Queen"}})
    );
    // What the creator said explicitly is kept as said.
    let mut given = song("whatever I typed");
    given["musicMetadata"]["extractedSongData"] = json!({"songName": "Halo", "artistName": "Beyoncé"});
    let b = s.create(&given).await;
    assert_eq!(b["musicMetadata"]["extractedSongData"], json!({"songName": "Halo", "artistName": "Beyoncé"}));
}

#[tokio::test]
async fn unknown_fields_are_tolerated_and_an_hfn_in_name_is_never_the_creators_words() {
    let s = Server::start().await;
    let mut body = kelly();
    body["somethingNew"] = json!({"x": 1});
    body["friendlyName"] = json!("ignored");
    body["name"] = json!("L.CAS.ATL.007");
    body.as_object_mut().unwrap().remove("creatorDescription");
    let a = s.create(&body).await;
    assert_eq!(a["name"], "L.CAS.ATL.001");
    assert!(a.get("creatorDescription").is_none(), "{a}");
    assert!(a.get("somethingNew").is_none());

    // Words in `name` from an older client are the creator's description.
    body["name"] = json!("Kelly in a jersey");
    assert_eq!(s.create(&body).await["creatorDescription"], "Kelly in a jersey");
}

#[tokio::test]
async fn words_set_aside_are_named_in_the_answer_of_a_create_and_a_batch_item() {
    let s = Server::start().await;
    let mut body = kelly();
    body["creatorDescription"] = json!("L.CAS.ATL.007");
    let r = s.post("/api/assets", &body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r.data().get("creatorDescription").is_none());
    assert_eq!(r.body["warnings"][0]["code"], "address_not_words");
    assert_eq!(r.body["warnings"][0]["field"], "creatorDescription");

    body["creatorDescription"] = json!("www.adidas.co.uk");
    let r = s.post("/api/assets", &body).await;
    assert_eq!(r.data()["creatorDescription"], "www.adidas.co.uk");
    assert!(r.body.get("warnings").is_none(), "{}", r.body);

    let items = json!({"assets": [
        {"layer": "L", "category": "Casual", "subcategory": "Athleisure", "name": "3.004.004.009"},
        {"layer": "L", "category": "Casual", "subcategory": "Athleisure", "name": "J.R.R.Tolkien"},
    ]});
    let d = s.post("/api/assets/batch", &items).await.data().clone();
    assert_eq!(d["created"][0]["warnings"][0]["field"], "name");
    assert_eq!(d["created"][0]["warnings"][0]["code"], "address_not_words");
    assert!(d["created"][1].get("warnings").is_none());
    assert_eq!(d["created"][1]["asset"]["creatorDescription"], "J.R.R.Tolkien");
}

#[tokio::test]
async fn a_batch_from_the_frontends_form_pairs_files_and_reports_each_item() {
    let s = Server::start().await;
    let items = json!([
        {"layer": "L", "category": "Casual", "subcategory": "Athleisure", "creatorDescription": "first", "fileName": "b.png"},
        {"layer": "L", "category": "Casual", "subcategory": "Nope"},
        {"layer": "L", "category": "Casual", "subcategory": "Athleisure", "creatorDescription": "third"}
    ]);
    let form = Form::new()
        .text("csvData", items.to_string())
        .part("files", Part::bytes(PNG_HEAD.to_vec()).file_name("a.png"))
        .part("files", Part::bytes(PNG_HEAD.to_vec()).file_name("b.png"));
    let r = s.post_form("/api/assets/batch", form).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let d = r.data();
    assert_eq!((d["createdCount"].as_u64(), d["failedCount"].as_u64()), (Some(2), Some(1)));
    assert_eq!(d["created"][0]["asset"]["name"], "L.CAS.ATL.001");
    assert!(d["created"][0]["asset"]["gcpStorageUrl"].is_string(), "the item that named b.png got it");
    assert_eq!(d["created"][1]["asset"]["name"], "L.CAS.ATL.002");
    assert!(d["created"][1]["asset"]["gcpStorageUrl"].is_null(), "position 2 has no file left");
    assert_eq!(
        (d["failed"][0]["index"].as_u64(), d["failed"][0]["error"]["code"].as_str()),
        (Some(1), Some("unknown_subcategory"))
    );

    let json_batch = s
        .post("/api/assets/batch", &json!({"assets": [{"layer": "G", "category": "Pop", "subcategory": "Base"}]}))
        .await;
    assert_eq!(json_batch.data()["created"][0]["asset"]["name"], "G.POP.BAS.001");
    let too_many: Vec<_> = (0..101).map(|_| json!({"layer": "L"})).collect();
    let r = s.post("/api/assets/batch", &json!({ "assets": too_many })).await;
    assert_eq!((r.status, r.code()), (400, "batch_too_large"));
}
