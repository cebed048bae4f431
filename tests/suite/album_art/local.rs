//! The whole path on the embedded default, as the frontend sees it: `nna-local` answers at once
//! with the art pending, its worker makes the files, and the asset shows them.

use crate::support::art::{ArtWeb, images, loopback_settings};
use crate::support::{Server, asset_in, song};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn server(web: &ArtWeb) -> Server {
    let art = loopback_settings(web);
    Server::start_with(move |c| {
        c.process_art = true;
        c.art = art;
        c.job_retry = Duration::from_millis(500);
    })
    .await
}

/// The asset once its art is no longer pending.
async fn settled(server: &Server, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let asset = server.get(&format!("/api/assets/{id}")).await.data().clone();
        if asset["albumArt"]["status"] != "pending" {
            return asset;
        }
        assert!(Instant::now() < deadline, "album art still pending after 30 s: {asset}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Fetches a stored file from the server as a browser would.
async fn download(server: &Server, url: &str) -> (Vec<u8>, String, String) {
    let response = server.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    let header = |h: &str| response.headers().get(h).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let (content_type, cache) = (header("content-type"), header("cache-control"));
    (response.bytes().await.unwrap().to_vec(), content_type, cache)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_song_created_with_a_source_url_gets_its_art_made_after_the_answer() {
    let web = ArtWeb::start().await;
    let source = web.put("cover.jpg", images::jpeg(1600, 1600), "image/jpeg");
    let server = server(&web).await;
    let mut body = song("Halo by Beyoncé");
    body["albumArt"] = json!({"sourceUrl": source, "source": "iTunes", "quality": "Medium"});
    let created = server.create(&body).await;
    assert_eq!(created["albumArt"]["status"], "pending", "{created}");
    assert_eq!(created["albumArt"]["sourceUrl"], source.as_str());

    let asset = settled(&server, created["id"].as_str().unwrap()).await;
    let art = &asset["albumArt"];
    assert_eq!(art["status"], "ready", "{art}");
    assert_eq!((art["quality"].as_str(), art["source"].as_str()), (Some("High"), Some("iTunes")));
    assert_eq!(art["dimensions"], json!({"width": 1600, "height": 1600}));
    let id = asset["id"].as_str().unwrap();
    for (variant, side) in art["variants"].as_array().unwrap().iter().zip([1600, 500, 150]) {
        let url = variant["url"].as_str().unwrap();
        assert!(url.starts_with(&format!("{}/files/album-art/", server.base)), "{url}");
        assert!(url.contains(&format!("/{id}/")), "{url}");
        let (bytes, content_type, cache) = download(&server, url).await;
        assert_eq!(images::decoded_size(&bytes), (side, side), "{url}");
        assert_eq!(bytes.len() as u64, variant["size"].as_u64().unwrap());
        assert_eq!(content_type, "image/jpeg");
        assert!(cache.contains("immutable") && cache.contains("max-age=31536000"), "{cache}");
        assert!(!images::carries_secret(&bytes), "{url} keeps metadata");
    }
    // The song's other data is untouched, and the art shows in lists too.
    assert_eq!(asset["creatorDescription"], "Halo by Beyoncé");
    let listed = server.get("/api/assets?layer=G").await;
    assert_eq!(listed.data()["items"][0]["albumArt"]["status"], "ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_art_can_be_sent_for_a_song_as_a_file_or_a_url() {
    let web = ArtWeb::start().await;
    let server = server(&web).await;
    let mut body = song("Anxiety by Doechii");
    body.as_object_mut().unwrap().remove("albumArt");
    let created = server.create(&body).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/api/assets/{id}/album-art");

    let form = Form::new()
        .part("file", Part::bytes(images::png(800, 600)).file_name("cover.png").mime_str("image/png").unwrap());
    let r = server.post_form(&path, form).await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(
        (r.data()["albumArt"]["status"].as_str(), r.data()["albumArt"]["source"].as_str()),
        (Some("pending"), Some("Manual"))
    );
    let art = settled(&server, &id).await["albumArt"].clone();
    assert_eq!(
        (art["status"].as_str(), art["source"].as_str(), art["contentType"].as_str()),
        (Some("ready"), Some("Manual"), Some("image/png")),
        "{art}"
    );
    let (original, content_type, _) = download(&server, art["url"].as_str().unwrap()).await;
    assert_eq!((images::decoded_size(&original), content_type.as_str()), ((800, 600), "image/png"));
    assert!(!images::carries_secret(&original));
    let first_files: Vec<String> = std::iter::once(&art["url"])
        .chain(art["variants"].as_array().unwrap().iter().map(|v| &v["url"]))
        .chain(std::iter::once(&art["sourceUrl"]))
        .map(|u| u.as_str().unwrap().to_owned())
        .collect();

    // A host no catalogue list names: art comes from wherever the creator points.
    let url = web.put("second.webp", images::webp(640, 640), "image/webp").replace("127.0.0.1", "localhost");
    let r = server.post(&path, &json!({"sourceUrl": url, "source": "AI Generated"})).await;
    assert_eq!(r.status, 202, "{}", r.body);
    let art = settled(&server, &id).await["albumArt"].clone();
    assert_eq!(
        (art["status"].as_str(), art["source"].as_str(), art["sourceUrl"].as_str()),
        (Some("ready"), Some("AI Generated"), Some(url.as_str())),
        "{art}"
    );
    // The art it replaced is served a while longer (pages and caches may still name it), and is
    // no one's: the sweep removes it once it is an hour old (here, asked to take any age).
    for old in &first_files {
        assert_eq!(server.http.get(old).send().await.unwrap().status(), 200, "{old}");
    }
    let swept = std::process::Command::new(crate::support::process::binary("nna-ops", "nna-ops"))
        .arg("--store")
        .arg(format!("embedded:{}", server.data_dir().display()))
        .arg("--report")
        .arg(server.data_dir().join("sweep.json"))
        .args(["sweep-files", "--older-than-secs", "0"])
        .output()
        .unwrap();
    assert!(swept.status.success(), "{}", String::from_utf8_lossy(&swept.stderr));
    for old in &first_files {
        assert_eq!(server.http.get(old).send().await.unwrap().status(), 404, "{old}");
    }
    let (current, _, _) = download(&server, art["url"].as_str().unwrap()).await;
    assert!(!current.is_empty(), "the art in use stays");

    // What cannot be art is refused at once, with a code.
    for (request, code, status) in [
        (json!({}), "required", 400),
        (json!({"sourceUrl": "file:///etc/passwd"}), "invalid_url", 400),
        (json!({"sourceUrl": url, "source": "Spotify"}), "invalid_choice", 400),
    ] {
        let r = server.post(&path, &request).await;
        assert_eq!((r.status, r.code()), (status, code), "{request}: {}", r.body);
    }
    let form = Form::new().part("file", Part::bytes(b"<html>no</html>".to_vec()).file_name("cover.jpg"));
    let r = server.post_form(&path, form).await;
    assert_eq!((r.status, r.code()), (415, "unsupported_file_type"), "{}", r.body);
    let look = server.create(&asset_in("L", "Casual", "Athleisure")).await;
    let r = server
        .post(&format!("/api/assets/{}/album-art", look["id"].as_str().unwrap()), &json!({"sourceUrl": url}))
        .await;
    assert_eq!((r.status, r.code()), (400, "not_a_song"), "{}", r.body);
    let r = server.post("/api/assets/G.POP.BAS.999/album-art", &json!({"sourceUrl": url})).await;
    assert_eq!(r.status, 404, "{}", r.body);
}

/// An upload the worker refuses (a PNG whose header claims 81 M pixels) is recorded as failed and
/// removed, never left on disk to be served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_upload_is_removed() {
    let web = ArtWeb::start().await;
    let server = server(&web).await;
    let mut body = song("Bomb by Nobody");
    body.as_object_mut().unwrap().remove("albumArt");
    let id = server.create(&body).await["id"].as_str().unwrap().to_owned();
    let form = Form::new().part(
        "file",
        Part::bytes(images::png_claiming(9_000, 9_000)).file_name("cover.png").mime_str("image/png").unwrap(),
    );
    let r = server.post_form(&format!("/api/assets/{id}/album-art"), form).await;
    assert_eq!(r.status, 202, "{}", r.body);
    let art = settled(&server, &id).await["albumArt"].clone();
    assert_eq!((art["status"].as_str(), art["failure"].as_str()), (Some("failed"), Some("image_too_large")), "{art}");
    let uploads = server.data_dir().join("files/album-art/uploads").join(&id);
    let left: Vec<_> = std::fs::read_dir(&uploads).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "the refused upload is still on disk: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_source_is_recorded_with_its_reason() {
    let web = ArtWeb::start().await;
    let server = Server::start_with(|c| c.process_art = true).await;
    let mut body = song("Halo by Beyoncé");
    body["albumArt"] = json!({"sourceUrl": web.put("cover.jpg", images::jpeg(600, 600), "image/jpeg")});
    let created = server.create(&body).await;
    let art = settled(&server, created["id"].as_str().unwrap()).await["albumArt"].clone();
    // The default settings fetch only from the iTunes and Cover Art Archive hosts, over https.
    assert_eq!((art["status"].as_str(), art["failure"].as_str()), (Some("failed"), Some("scheme_refused")), "{art}");
    assert_eq!(web.total_hits(), 0);
}
