//! The old backend's bucket, as Google Cloud Storage answers a public GET: on 127.0.0.1, at
//! `/<bucket>/<path>`, with the stored `Content-Type`, `Content-Length`, an `ETag`, and
//! `x-goog-hash` (`crc32c=` and `md5=` as two headers, or one joined by a comma; no md5 for
//! composite objects). Files are made at test time: real PNGs and MP3s, generated on request so
//! a rehearsal's gigabytes are never held at once. Some paths misbehave on purpose.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use bytes::Bytes;
use md5::Digest;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// How a stored object is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serve {
    /// As Cloud Storage serves it: md5 and crc32c in two `x-goog-hash` headers.
    Plainly,
    /// The two hashes in one header, joined by a comma.
    JoinedHashes,
    /// A composite object: crc32c only.
    Composite,
    /// An `x-goog-hash` md5 that is not the bytes'.
    WrongMd5,
    /// `404 Not Found` (deleted from the bucket).
    Missing,
}

/// An object: its bytes, stored type, and how it is served.
pub struct Object {
    pub bytes: Bytes,
    pub content_type: &'static str,
    pub serve: Serve,
}

/// What the bucket holds: an object for a path (without the bucket), made when asked.
pub type Source = Arc<dyn Fn(&str) -> Option<Object> + Send + Sync>;

pub struct OldBucket {
    /// `http://127.0.0.1:<port>/<bucket>/`: what `copy-legacy-files --from` takes.
    pub base: String,
    /// Bytes served so far.
    pub served: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl Drop for OldBucket {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone)]
struct Shared {
    bucket: String,
    source: Source,
    served: Arc<AtomicU64>,
}

impl OldBucket {
    pub async fn start(bucket: &str, source: Source) -> Self {
        let served = Arc::new(AtomicU64::new(0));
        let shared = Shared { bucket: bucket.to_owned(), source, served: served.clone() };
        let app = Router::new().route("/{bucket}/{*path}", get(object)).with_state(shared);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let base = format!("http://{}/{bucket}/", listener.local_addr().expect("an address"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { base, served, task }
    }

    /// The object's public URL, as the old backend stored it in `gcpStorageUrl`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

async fn object(State(s): State<Shared>, Path((bucket, path)): Path<(String, String)>) -> Response {
    let found = if bucket == s.bucket { (s.source)(&path) } else { None };
    let Some(object) = found.filter(|o| o.serve != Serve::Missing) else {
        return (StatusCode::NOT_FOUND, "<Error><Code>NoSuchKey</Code></Error>").into_response();
    };
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let md5 = md5::Md5::digest(&object.bytes);
    let crc = format!("crc32c={}", b64(&crc32c::crc32c(&object.bytes).to_be_bytes()));
    let md5_hash = match object.serve {
        Serve::WrongMd5 => format!("md5={}", b64(&md5::Md5::digest(b"something else"))),
        _ => format!("md5={}", b64(&md5)),
    };
    s.served.fetch_add(object.bytes.len() as u64, Ordering::Relaxed);
    let mut response = Response::new(Body::from(object.bytes.clone()));
    let headers = response.headers_mut();
    let value = |s: &str| HeaderValue::from_str(s).expect("a header value");
    headers.insert(header::CONTENT_TYPE, value(object.content_type));
    headers.insert(header::CONTENT_LENGTH, value(&object.bytes.len().to_string()));
    headers.insert(header::ETAG, value(&format!("\"{}\"", hex::encode(md5))));
    match object.serve {
        Serve::JoinedHashes => {
            headers.append("x-goog-hash", value(&format!("{crc},{md5_hash}")));
        }
        Serve::Composite => {
            headers.append("x-goog-hash", value(&crc));
        }
        _ => {
            headers.append("x-goog-hash", value(&crc));
            headers.append("x-goog-hash", value(&md5_hash));
        }
    }
    response
}

/// Real media of about a given size, made here.
pub mod media {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::{ExtendedColorType, ImageEncoder};

    /// A PNG of noise about `bytes` long (noise does not compress), the same for the same seed.
    pub fn png(bytes: usize, seed: u64) -> Vec<u8> {
        let side = ((bytes / 3) as f64).sqrt().max(1.0) as u32;
        let mut rng = fastrand::Rng::with_seed(seed);
        let pixels: Vec<u8> = (0..side * side * 3).map(|_| rng.u8(..)).collect();
        let mut out = Vec::with_capacity(bytes + 1024);
        PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::NoFilter)
            .write_image(&pixels, side, side, ExtendedColorType::Rgb8)
            .expect("encode a PNG");
        out
    }

    /// An MP3 about `bytes` long: an ID3v2 tag, then MPEG-1 Layer III frames (128 kbit/s,
    /// 44.1 kHz) of silence.
    pub fn mp3(bytes: usize) -> Vec<u8> {
        let mut out = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
        const FRAME: usize = 417;
        while out.len() + FRAME <= bytes.max(FRAME + 10) {
            out.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
            out.resize(out.len() + FRAME - 4, 0);
        }
        out
    }
}
