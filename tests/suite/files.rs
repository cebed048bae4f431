//! Stored files have an owner or go away: the periodic sweep of `nna-local` removes what no asset
//! owns once it is an hour old (uploads never claimed, art of assets that are gone, the temporary
//! file of a write killed half way), and keeps what an asset refers to and what is young.

use crate::support::{PNG_HEAD, Server};
use reqwest::multipart::{Form, Part};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

fn put(root: &Path, key: &str, age: Duration) -> PathBuf {
    let path = root.join(key);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, PNG_HEAD).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
    path
}

#[tokio::test]
async fn the_sweep_removes_old_orphans_and_keeps_owned_and_young_files() {
    let s = Server::start_with(|c| c.file_sweep = Some(Duration::from_millis(300))).await;
    let form = Form::new()
        .text("layer", "S")
        .text("category", "Pop")
        .text("subcategory", "Base")
        .part("file", Part::bytes(PNG_HEAD.to_vec()).file_name("star.png").mime_str("image/png").unwrap());
    let created = s.post_form("/api/assets", form).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let url = created.data()["gcpStorageUrl"].as_str().unwrap().to_owned();
    let root = s.data_dir().join("files");
    let owned = root.join(url.split("/files/").nth(1).unwrap());
    let hours = |h: u64| Duration::from_secs(h * 3600);
    std::fs::File::options().write(true).open(&owned).unwrap().set_modified(SystemTime::now() - hours(2)).unwrap();

    let orphans = [
        put(&root, "uploads/2026/01/6a00000000000000000000aa.png", hours(2)),
        put(&root, "album-art/6a00000000000000000000bb/f1/cover.jpg", hours(3)),
        put(&root, "album-art/uploads/6a00000000000000000000cc/0123456789abcdef.png", hours(5)),
        put(&root, "assets/S/POP/BAS/.tmpK1llEd", hours(2)),
    ];
    let young = put(&root, "uploads/2026/11/6a00000000000000000000dd.png", Duration::ZERO);
    // Not the registry's files: backups written beside them are never swept.
    let backup = put(&root, "backups/pre-migration/manifest.json", hours(9));

    let deadline = Instant::now() + Duration::from_secs(10);
    while orphans.iter().any(|p| p.exists()) {
        assert!(
            Instant::now() < deadline,
            "orphans left: {:?}",
            orphans.iter().filter(|p| p.exists()).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(owned.exists() && young.exists() && backup.exists());
    assert_eq!(s.http.get(&url).send().await.unwrap().status(), 200);
}
