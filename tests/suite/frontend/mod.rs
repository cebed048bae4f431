//! Today's frontend (Celerity-Studios-Inc/nna-registry-service-mvp-frontend, branch `development`)
//! against the real `nna-local`: the calls its code makes, with the shapes it reads, written from
//! what that code documents. Each file is one of its screens or services.

mod deletes;
mod edit_page;
mod functions;
mod register;
mod taxonomy_sync;
mod thumbnails;

use crate::support::Server;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

/// The register page's create (`assetService.createAsset`): multipart, names for category and
/// subcategory, the description placeholder when the creator left it empty, tags and objects as
/// JSON text, creatorDescription only when there is one, albumArt as a URL string, aiMetadata
/// as JSON text.
pub(super) fn register_form(layer: &str, category: &str, subcategory: &str, extra: &[(&str, &str)]) -> Form {
    let file = Part::bytes(crate::support::PNG_HEAD.to_vec()).file_name("look.png").mime_str("image/png").unwrap();
    let mut form = Form::new()
        .part("file", file)
        .text("layer", layer.to_owned())
        .text("category", category.to_owned())
        .text("subcategory", subcategory.to_owned())
        .text("source", "ReViz")
        .text("tags", "[\"general\"]")
        .text("trainingData", "{\"prompts\":[],\"images\":[],\"videos\":[]}")
        .text("rights", "{\"source\":\"Original\",\"rights_split\":\"100%\"}");
    let has_description = extra.iter().any(|(k, _)| *k == "description");
    if !has_description {
        // What `createAsset` sends when the creator wrote no description.
        form = form.text("description", format!("Asset {layer}.TEMP.TEMP.001 ({layer}.{category}.{subcategory})"));
    }
    for (k, v) in extra {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    form
}

pub(super) async fn register(s: &Server, form: Form) -> Value {
    let r = s.post_form("/api/assets", form).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.data().clone()
}

/// How the detail and edit pages find an asset today: the first 1,000, matched by `_id`.
pub(super) async fn find_by_listing(s: &Server, id: &str) -> Value {
    let r = s.get("/api/assets?limit=1000").await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.data()["items"].as_array().unwrap().iter().find(|a| a["_id"] == id).cloned().expect("listed")
}
