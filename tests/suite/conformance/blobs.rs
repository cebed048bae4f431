use super::adapters::Adapters;
use super::for_both;
use crate::support::PNG_HEAD;
use bytes::Bytes;
use nna_domain::ports::{BlobKey, BlobMeta};

for_both!(blobs: files_put_read_copy_and_delete, files_are_listed_by_prefix_in_key_order);

async fn files_are_listed_by_prefix_in_key_order(a: Adapters) {
    let meta = BlobMeta { content_type: "image/png".into(), cache_control: "no-store".into() };
    for k in ["uploads/b/2.png", "uploads/a/1.png", "uploads/c.png", "assets/x.png"] {
        a.blobs.put(&BlobKey::parse(k).unwrap(), Bytes::from_static(PNG_HEAD), &meta).await.unwrap();
    }
    let keys = |page: &[nna_domain::ports::StoredBlob]| page.iter().map(|b| b.key.to_string()).collect::<Vec<_>>();
    let first = a.blobs.list("uploads/", None, 2).await.unwrap();
    assert_eq!(keys(&first), ["uploads/a/1.png", "uploads/b/2.png"]);
    let rest = a.blobs.list("uploads/", Some(&first[1].key), 2).await.unwrap();
    assert_eq!(keys(&rest), ["uploads/c.png"]);
    let now = nna_domain::Timestamp::now().millis();
    assert!(first.iter().all(|b| (now - b.modified.millis()).abs() < 60_000), "modified is when it was written");
    assert!(a.blobs.list("nothing/", None, 10).await.unwrap().is_empty());
}

async fn files_put_read_copy_and_delete(a: Adapters) {
    let key = BlobKey::parse("assets/L/CAS/ATL/abc.png").unwrap();
    let meta =
        BlobMeta { content_type: "image/png".into(), cache_control: "public, max-age=31536000, immutable".into() };
    assert!(a.blobs.get(&key).await.unwrap().is_none());
    assert!(a.blobs.head(&key).await.unwrap().is_none());
    assert!(a.blobs.read_prefix(&key, 8).await.unwrap().is_none());

    a.blobs.put(&key, Bytes::from_static(PNG_HEAD), &meta).await.unwrap();
    let got = a.blobs.get(&key).await.unwrap().unwrap();
    assert_eq!((got.bytes.as_ref(), got.meta.content_type.as_str()), (PNG_HEAD, "image/png"));
    assert_eq!(got.meta.cache_control, meta.cache_control);
    let head = a.blobs.head(&key).await.unwrap().unwrap();
    assert_eq!((head.size, head.content_type.as_deref()), (PNG_HEAD.len() as u64, Some("image/png")));
    assert_eq!(a.blobs.read_prefix(&key, 8).await.unwrap().unwrap().as_ref(), &PNG_HEAD[..8]);
    assert_eq!(a.blobs.read_prefix(&key, 10_000).await.unwrap().unwrap().as_ref(), PNG_HEAD);

    let copy = BlobKey::parse("assets/L/CAS/ATL/def.png").unwrap();
    a.blobs.copy(&key, &copy, &meta).await.unwrap();
    assert_eq!(a.blobs.get(&copy).await.unwrap().unwrap().bytes.as_ref(), PNG_HEAD);
    assert!(a.blobs.public_url(&copy).ends_with("/assets/L/CAS/ATL/def.png"));

    a.blobs.delete(&key).await.unwrap();
    assert!(a.blobs.get(&key).await.unwrap().is_none());
    a.blobs.delete(&key).await.unwrap();
}
