//! `AssetThumbnail` shows `<img src={asset.albumArt || asset.metadata?.albumArtUrl}>`: during the
//! transition a deployment answers `albumArt` as that one URL (`NNA_ALBUM_ART_SHAPE=url`), the
//! object beside it as `albumArtDetails`; an updated client asks for the object with `Prefer`.

use super::{find_by_listing, register, register_form};
use crate::support::Server;
use crate::support::art::{ArtWeb, images, loopback_settings};
use nna_http::art_shape::ArtShape;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn url_shaped(web: &ArtWeb) -> Server {
    let art = loopback_settings(web);
    Server::start_with(move |c| {
        c.api.art_shape = ArtShape::Url;
        c.process_art = true;
        c.art = art;
        // Songs registered without art stay without: `albumArtStatus=none` has one to find.
        c.art.lookup = false;
        c.job_retry = Duration::from_millis(500);
    })
    .await
}

async fn settled(s: &Server, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let asset = s.get(&format!("/api/assets/{id}")).await.data().clone();
        if asset["albumArtDetails"]["status"] != "pending" {
            return asset;
        }
        assert!(Instant::now() < deadline, "album art still pending after 30 s: {asset}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn album_art_is_one_url_a_browser_can_show_and_lists_carry_the_thumbnail() {
    let web = ArtWeb::start().await;
    let cover = web.put("cover.jpg", images::jpeg(1200, 1200), "image/jpeg");
    let s = url_shaped(&web).await;
    // The register page sends the cover as a URL string, the way the iTunes lookup gives it.
    let made = register(
        &s,
        register_form("G", "Pop", "Base", &[("albumArt", &cover), ("creatorDescription", "Halo by Beyoncé")]),
    )
    .await;
    assert_eq!(made["albumArt"], cover.as_str(), "pending: the URL that was sent, {made}");
    assert_eq!(made["albumArtDetails"]["status"], "pending");
    let id = made["_id"].as_str().unwrap().to_owned();

    let ready = settled(&s, &id).await;
    let details = &ready["albumArtDetails"];
    assert_eq!(details["status"], "ready", "{ready}");
    let variant = |name: &str| {
        details["variants"].as_array().unwrap().iter().find(|v| v["name"] == name).unwrap()["url"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(ready["albumArt"], variant("500x500").as_str());
    assert_eq!(
        (ready["albumArtUrl"].as_str(), ready["albumArtThumbnailUrl"].as_str()),
        (Some(variant("500x500").as_str()), Some(variant("150x150").as_str()))
    );
    // The browser's <img> loads it.
    let bytes = s.http.get(ready["albumArt"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(images::decoded_size(&bytes), (500, 500));

    // The list the detail and edit pages read carries the same.
    let listed = find_by_listing(&s, &id).await;
    assert_eq!(
        (listed["albumArt"].as_str(), listed["albumArtThumbnailUrl"].as_str()),
        (Some(variant("500x500").as_str()), Some(variant("150x150").as_str()))
    );

    // An updated client asks for the object, whatever the setting.
    let asked = s.send(s.request(Method::GET, &format!("/api/assets/{id}")).header("prefer", "album-art=object")).await;
    assert_eq!(asked.data()["albumArt"]["status"], "ready");
    assert!(asked.data().get("albumArtDetails").is_none());
    assert_eq!(asked.header("preference-applied"), Some("album-art=object"));
    assert!(asked.header("vary").is_some_and(|v| v.contains("Prefer")));

    // hasAlbumArt means art a user can see; albumArtStatus names a state; totals are exact.
    let plain = register(&s, register_form("G", "Pop", "Base", &[])).await;
    let blocked =
        register(&s, register_form("G", "Pop", "Base", &[("albumArt", "https://example.com/cover.jpg")])).await;
    assert_eq!(blocked["albumArtDetails"]["source"], "Manual");
    let failed = settled(&s, blocked["_id"].as_str().unwrap()).await;
    assert_eq!(failed["albumArtDetails"]["status"], "failed", "{failed}");
    let ids = |path: &str| {
        let s = &s;
        let path = path.to_owned();
        async move {
            let r = s.get(&path).await;
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            let items: Vec<String> =
                r.data()["items"].as_array().unwrap().iter().map(|a| a["_id"].as_str().unwrap().to_owned()).collect();
            assert_eq!(r.data()["total"].as_u64(), Some(items.len() as u64), "{path}: an exact total");
            items
        }
    };
    assert_eq!(ids("/api/assets?layer=G&hasAlbumArt=true").await, std::slice::from_ref(&id));
    assert_eq!(ids("/api/assets?layer=G&albumArtStatus=ready").await, std::slice::from_ref(&id));
    assert_eq!(ids("/api/assets?albumArtStatus=failed").await, [blocked["_id"].as_str().unwrap()]);
    assert_eq!(ids("/api/assets?albumArtStatus=none&layer=G").await, [plain["_id"].as_str().unwrap()]);
    assert_eq!(ids("/api/assets?layer=G&hasAlbumArt=false").await.len(), 2);
    let r = s.get("/api/assets?albumArtStatus=sideways").await;
    assert_eq!((r.status, r.code()), (400, "invalid_choice"));

    // A client that sends back the URL it read sends the same art: nothing to fetch again.
    let r = s.put(&format!("/api/assets/{id}"), &json!({"albumArt": ready["albumArt"], "tags": ["halo"]})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.data()["albumArtDetails"]["status"].as_str(), r.data()["albumArt"].as_str()),
        (Some("ready"), Some(variant("500x500").as_str()))
    );

    // Deleting the song removes its art: the URLs stop answering.
    assert_eq!(s.delete(&format!("/api/assets/{id}")).await.status, 200);
    for name in ["500x500", "150x150"] {
        assert_eq!(s.http.get(variant(name)).send().await.unwrap().status(), 404, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn art_asked_for_while_processing_is_off_waits_for_a_worker() {
    let web = ArtWeb::start().await;
    let cover = web.put("cover.jpg", images::jpeg(800, 800), "image/jpeg");
    let s = Server::start().await;
    let made = s.create(&json!({"layer": "G", "category": "Pop", "subcategory": "Base", "creatorDescription": "Levitating - Dua Lipa"})).await;
    let id = made["id"].as_str().unwrap().to_owned();
    let r = s.post(&format!("/api/assets/{id}/album-art"), &json!({"sourceUrl": cover})).await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(r.data()["albumArt"]["status"], "pending");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.get(&format!("/api/assets/{id}")).await.data()["albumArt"]["status"], "pending", "no worker here");

    let art = loopback_settings(&web);
    let dir = s.stop().await;
    let s = Server::start_in(dir, move |c| {
        c.process_art = true;
        c.art = art;
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let asset = s.get(&format!("/api/assets/{id}")).await.data().clone();
        if asset["albumArt"]["status"] == "ready" {
            break;
        }
        assert!(Instant::now() < deadline, "the queued job was not worked: {asset}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
