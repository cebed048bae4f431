//! The same calls through the functions that serve them on AWS, run as Lambda runs them, on
//! DynamoDB, S3 and SQS on the emulator.

use crate::support::{Aws, Function, api_event, emulator};
use nna_domain::ports::BlobStore;
use serde_json::{Value, json};

async fn start(bin: &str, aws: &Aws, extra: &[(&str, &str)]) -> Function {
    let mut env = emulator().env_for(aws);
    env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Function::start(bin, &env).await
}

async fn call(f: &mut Function, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    f.http(api_event(method, path, body.as_ref())).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taxonomy_edits_deletes_and_lists_through_the_functions() {
    let aws = Aws::fresh().await;
    let mut get = start("get-asset", &aws, &[("NNA_ALBUM_ART_SHAPE", "url")]).await;
    let (status, health) = call(&mut get, "GET", "/api/taxonomy/health", None).await;
    assert_eq!(
        (status, health["status"].as_str(), health["checks"]["database"].as_bool()),
        (200, Some("healthy"), Some(true))
    );
    let (_, count) = call(&mut get, "GET", "/api/taxonomy/layer-count", None).await;
    assert_eq!(count["count"], 10);
    let (_, counts) = call(&mut get, "GET", "/api/taxonomy/layers/G/subcategory-counts", None).await;
    assert!(counts["totalSubcategories"].as_u64().unwrap() > 0, "{counts}");
    let (_, layers) = call(&mut get, "GET", "/api/taxonomy/layers", None).await;
    assert_eq!(layers.as_object().map(|m| m.len()), Some(10), "{layers}");
    let (status, tree) = call(&mut get, "GET", "/api/taxonomy/tree", None).await;
    assert_eq!((status, tree["totalLayers"].as_u64()), (200, Some(10)));
    let (_, converted) =
        call(&mut get, "POST", "/api/taxonomy/convert/hfn-to-mfa", Some(json!({"hfn": "L.CAS.ATL.001"}))).await;
    assert_eq!((converted["success"].as_bool(), converted["mfa"].as_str()), (Some(true), Some("3.004.004.001")));

    let mut create = start("create-asset", &aws, &[]).await;
    let mut made = Vec::new();
    for body in [
        json!({"layer": "S", "category": "Pop", "subcategory": "Base", "description": "Asset S.TEMP.TEMP.001 (S.POP.BAS)"}),
        json!({"layer": "G", "category": "Pop", "subcategory": "Base", "creatorDescription": "Halo by Beyoncé",
            "albumArt": "https://is1-ssl.mzstatic.com/image/thumb/x/600x600bb.jpg", "aiMetadata": {"bpm": 84, "key": "A major"}}),
    ] {
        let (status, answer) = call(&mut create, "POST", "/api/assets", Some(body)).await;
        assert_eq!(status, 201, "{answer}");
        made.push(answer["data"].clone());
    }
    let (star, song) = (&made[0], &made[1]);
    assert!(star.get("description").is_none(), "the placeholder is no description: {star}");
    assert_eq!(
        (song["musicMetadata"]["bpm"].as_u64(), song["musicMetadata"]["key"].as_str()),
        (Some(84), Some("A major"))
    );
    let (status, composite) = call(
        &mut create,
        "POST",
        "/api/assets",
        Some(json!({"layer": "C", "category": "Full_Composites", "subcategory": "Pop", "components": [star["name"], song["name"]]})),
    )
    .await;
    assert_eq!(status, 201, "{composite}");

    // The song as today's frontend reads it where the stage answers albumArt as a URL.
    let (_, read) = call(&mut get, "GET", &format!("/api/assets/{}", song["id"].as_str().unwrap()), None).await;
    assert_eq!(read["data"]["albumArt"], "https://is1-ssl.mzstatic.com/image/thumb/x/600x600bb.jpg", "{read}");
    assert_eq!(read["data"]["albumArtDetails"]["source"], "iTunes");

    let mut update = start("update-asset", &aws, &[]).await;
    let star_path = format!("/api/assets/{}", star["name"].as_str().unwrap());
    let (status, edited) =
        call(&mut update, "PUT", &star_path, Some(json!({"creatorDescription": star["name"], "tags": ["neon"]}))).await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(
        (edited["data"]["tags"].clone(), edited["warnings"][0]["code"].as_str()),
        (json!(["neon"]), Some("address_not_words"))
    );
    assert!(edited["data"].get("creatorDescription").is_none());

    let (status, refused) = call(&mut update, "DELETE", &star_path, None).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("component_in_use")), "{refused}");
    let (status, gone) = call(&mut update, "DELETE", &format!("{star_path}?force=true"), None).await;
    assert_eq!(status, 200, "{gone}");
    assert_eq!(gone["data"]["record"]["brokenComposites"], json!([composite["data"]["name"]]));

    // A deleted asset's file goes from the bucket with it.
    let (status, with_file) = create.http(crate::support::event("create-asset-form.json")).await;
    assert_eq!(status, 201, "{with_file}");
    let url = with_file["data"]["gcpStorageUrl"].as_str().unwrap();
    let key = aws.blobs.key_of_url(url).unwrap_or_else(|| panic!("{url} is not the bucket's"));
    assert!(aws.blobs.head(&key).await.unwrap().is_some());
    let (status, gone) =
        call(&mut update, "DELETE", &format!("/api/assets/{}", with_file["data"]["name"].as_str().unwrap()), None)
            .await;
    assert_eq!((status, gone["data"]["filesPending"].as_u64()), (200, Some(0)), "{gone}");
    assert!(aws.blobs.head(&key).await.unwrap().is_none(), "{} is still in the bucket", key.as_str());

    let mut search = start("search-assets", &aws, &[]).await;
    let (_, pending) = call(&mut search, "GET", "/api/assets?albumArtStatus=pending", None).await;
    assert_eq!(
        (pending["data"]["total"].as_u64(), pending["data"]["items"][0]["id"].clone()),
        (Some(1), song["id"].clone()),
        "{pending}"
    );
    let (_, dated) = call(&mut search, "GET", "/api/assets?createdAfter=2020-01-01T00:00:00Z", None).await;
    assert_eq!(
        (dated["data"]["total"].as_u64(), dated["data"]["totalIsLowerBound"].as_bool()),
        (Some(2), Some(false)),
        "{dated}"
    );
}
