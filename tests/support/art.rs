//! Album-art fixtures: real images made at test time, and one HTTP server on 127.0.0.1 that serves
//! them, misbehaves on purpose, and plays iTunes, MusicBrainz and the Cover Art Archive.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Real images, made here, in the formats album art comes in.
pub mod images {
    use bytes::Bytes;
    use img_parts::jpeg::{Jpeg, JpegSegment, markers};
    use img_parts::png::{Png, PngChunk};
    use img_parts::{ImageEXIF, webp::WebP};

    /// Words hidden in every piece of metadata the fixtures carry: none may survive processing.
    pub const SECRET: &[u8] = b"GPS 51.5007N 0.1246W taken by Kelly's phone";

    fn exif() -> Bytes {
        // A big-endian TIFF header; the secret rides in it as a reader would find a GPS block.
        let mut e = b"MM\x00\x2a\x00\x00\x00\x08\x00\x00".to_vec();
        e.extend_from_slice(SECRET);
        Bytes::from(e)
    }

    /// A colour pattern: a left third red, a middle third green, a right third blue, with a
    /// gradient down, so crops and scales can be checked by colour.
    pub fn pixels(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::with_capacity((width * height * 3) as usize);
        for y in 0..height {
            let shade = u8::try_from(y * 128 / height.max(1)).unwrap_or(0);
            for x in 0..width {
                let third = x * 3 / width.max(1);
                out.extend_from_slice(&match third {
                    0 => [255 - shade, shade / 4, shade / 4],
                    1 => [shade / 4, 255 - shade, shade / 4],
                    _ => [shade / 4, shade / 4, 255 - shade],
                });
            }
        }
        out
    }

    /// A baseline JPEG without metadata.
    pub fn plain_jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 90)
            .encode(&pixels(width, height), width as u16, height as u16, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        out
    }

    /// A JPEG as a phone makes it: EXIF with location, XMP and a comment.
    pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut jpeg = Jpeg::from_bytes(Bytes::from(plain_jpeg(width, height))).unwrap();
        jpeg.set_exif(Some(exif()));
        let mut xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>".to_vec();
        xmp.extend_from_slice(SECRET);
        jpeg.segments_mut().insert(1, JpegSegment::new_with_contents(markers::APP1, Bytes::from(xmp)));
        jpeg.segments_mut().insert(1, JpegSegment::new_with_contents(markers::COM, Bytes::from_static(SECRET)));
        let mut out = Vec::new();
        jpeg.encoder().write_to(&mut out).unwrap();
        out
    }

    /// The pattern, encoded by the `image` crate.
    fn encoded(width: u32, height: u32, format: image::ImageFormat) -> Bytes {
        let image = image::RgbImage::from_raw(width, height, pixels(width, height)).unwrap();
        let mut out = Vec::new();
        image.write_to(&mut std::io::Cursor::new(&mut out), format).unwrap();
        Bytes::from(out)
    }

    /// A PNG with EXIF and text chunks.
    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let mut png = Png::from_bytes(encoded(width, height, image::ImageFormat::Png)).unwrap();
        png.set_exif(Some(exif()));
        let mut text = b"Comment\0".to_vec();
        text.extend_from_slice(SECRET);
        png.chunks_mut().insert(1, PngChunk::new(*b"tEXt", Bytes::from(text)));
        let mut out = Vec::new();
        png.encoder().write_to(&mut out).unwrap();
        out
    }

    /// A lossless WebP with EXIF.
    pub fn webp(width: u32, height: u32) -> Vec<u8> {
        let mut webp = WebP::from_bytes(encoded(width, height, image::ImageFormat::WebP)).unwrap();
        webp.set_exif(Some(exif()));
        let mut out = Vec::new();
        webp.encoder().write_to(&mut out).unwrap();
        out
    }

    /// A valid PNG signature and header claiming `width`×`height`, and almost no data: what a
    /// decompression bomb looks like before anyone decodes it.
    pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        png_chunk(&mut out, b"IHDR", &png_header(width, height, 0));
        // zlib of a few zero bytes: a real bomb's data would inflate to width×height×3.
        png_chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        png_chunk(&mut out, b"IEND", &[]);
        out
    }

    fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }

    /// IHDR of an 8-bit RGB image.
    fn png_header(width: u32, height: u32, interlace: u8) -> Vec<u8> {
        let mut header = Vec::new();
        header.extend_from_slice(&width.to_be_bytes());
        header.extend_from_slice(&height.to_be_bytes());
        header.extend_from_slice(&[8, 2, 0, 0, interlace]);
        header
    }

    /// The pattern as an Adam7-interlaced PNG (which the image crate does not write): each pass's
    /// pixels as unfiltered scanlines, passes one after another.
    pub fn png_interlaced(width: u32, height: u32) -> Vec<u8> {
        const PASSES: [(u32, u32, u32, u32); 7] =
            [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
        let rgb = pixels(width, height);
        let mut raw = Vec::new();
        for (x0, y0, dx, dy) in PASSES {
            if x0 >= width || y0 >= height {
                continue;
            }
            for y in (y0..height).step_by(dy as usize) {
                raw.push(0);
                for x in (x0..width).step_by(dx as usize) {
                    let at = ((y * width + x) * 3) as usize;
                    raw.extend_from_slice(&rgb[at..at + 3]);
                }
            }
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut z, &raw).unwrap();
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        png_chunk(&mut out, b"IHDR", &png_header(width, height, 1));
        png_chunk(&mut out, b"IDAT", &z.finish().unwrap());
        png_chunk(&mut out, b"IEND", &[]);
        out
    }

    /// The pattern as a progressive JPEG with full-resolution colour (4:4:4): the most a JPEG
    /// costs to decode.
    pub fn jpeg_progressive_444(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
        encoder.set_progressive(true);
        encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
        encoder.encode(&pixels(width, height), width as u16, height as u16, jpeg_encoder::ColorType::Rgb).unwrap();
        out
    }

    /// Whether the secret survives anywhere in `bytes`.
    pub fn carries_secret(bytes: &[u8]) -> bool {
        bytes.windows(SECRET.len()).any(|w| w == SECRET)
    }

    /// Decoded width and height, checking the bytes really are an image.
    pub fn decoded_size(bytes: &[u8]) -> (u32, u32) {
        let image = image::load_from_memory(bytes).unwrap();
        (image.width(), image.height())
    }

    /// The average colour of a decoded image's centre.
    pub fn centre_colour(bytes: &[u8]) -> [u8; 3] {
        let image = image::load_from_memory(bytes).unwrap().to_rgb8();
        let (w, h) = image.dimensions();
        image.get_pixel(w / 2, h / 8).0
    }
}

/// What the fake catalogues answer.
#[derive(Debug, Default, Clone)]
pub struct Catalog {
    /// iTunes `entity=song` results, in iTunes' shape.
    pub itunes_songs: Vec<Value>,
    /// iTunes `entity=album` results.
    pub itunes_albums: Vec<Value>,
    /// MusicBrainz recordings, in its JSON shape.
    pub recordings: Vec<Value>,
    /// Cover Art Archive answers by release id.
    pub releases: HashMap<String, Value>,
}

impl Catalog {
    pub fn itunes_song(title: &str, artist: &str, album: &str, artwork_100: &str) -> Value {
        json!({"wrapperType": "track", "kind": "song", "trackName": title, "artistName": artist,
            "collectionName": album, "artworkUrl100": artwork_100})
    }

    pub fn recording(title: &str, artist: &str, release_id: &str, release: &str) -> Value {
        json!({"id": format!("rec-{release_id}"), "title": title, "artist-credit": [{"name": artist}],
            "releases": [{"id": release_id, "title": release}]})
    }

    pub fn cover(image: &str) -> Value {
        json!({"images": [{"front": true, "image": image, "thumbnails": {"1200": image}}]})
    }
}

#[derive(Clone, Default)]
struct Shared {
    files: Arc<Mutex<HashMap<String, (Bytes, String)>>>,
    hits: Arc<Mutex<HashMap<String, u32>>>,
    catalog: Arc<Mutex<Catalog>>,
}

/// The web, as far as album art goes: an image host, catalogues, and servers that misbehave.
pub struct ArtWeb {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    /// A server that accepts connections and never answers.
    pub silent: String,
    /// A server whose `Content-Length` says 1000 bytes and which then sends 50 MB.
    pub lying: String,
    shared: Shared,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for ArtWeb {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// 50 MB, in 64 KiB pieces.
const HUGE: usize = 50 * 1024 * 1024;
const PIECE: usize = 64 * 1024;

fn huge_stream() -> Body {
    let pieces =
        futures::stream::iter((0..HUGE / PIECE).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![0xFF; PIECE]))));
    Body::from_stream(pieces)
}

impl ArtWeb {
    pub async fn start() -> Self {
        let shared = Shared::default();
        let app = Router::new()
            .route("/files/{*path}", get(file))
            .route("/redirect/{n}/{*path}", get(redirect))
            .route("/to", get(to))
            .route("/huge", get(|| async { ([(header::CONTENT_LENGTH, HUGE.to_string())], huge_stream()) }))
            .route("/endless", get(|| async { huge_stream() }))
            .route("/status/{code}", get(status))
            .route("/itunes/search", get(itunes))
            .route("/mb/ws/2/recording/", get(musicbrainz))
            .route("/caa/release/{id}", get(cover_art))
            .layer(axum::middleware::from_fn_with_state(shared.clone(), count))
            .with_state(shared.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut tasks = vec![tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        })];
        let (silent, task) = raw_server(|mut socket| async move {
            // Holds the connection open and says nothing.
            tokio::time::sleep(Duration::from_secs(600)).await;
            let _ = socket.shutdown().await;
        })
        .await;
        tasks.push(task);
        let (lying, task) = raw_server(|mut socket| async move {
            if read_request_head(&mut socket).await.is_err() {
                return;
            }
            let head = "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 1000\r\n\r\n";
            if socket.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let piece = vec![0xFF_u8; PIECE];
            for _ in 0..HUGE / PIECE {
                if socket.write_all(&piece).await.is_err() {
                    return;
                }
            }
        })
        .await;
        tasks.push(task);
        Self { base, silent, lying, shared, tasks }
    }

    /// Serves `bytes` at `/files/<path>`.
    pub fn put(&self, path: &str, bytes: Vec<u8>, content_type: &str) -> String {
        self.shared.files.lock().unwrap().insert(path.to_owned(), (Bytes::from(bytes), content_type.to_owned()));
        self.url(&format!("/files/{path}"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn set_catalog(&self, catalog: Catalog) {
        *self.shared.catalog.lock().unwrap() = catalog;
    }

    /// Requests for exactly this path.
    pub fn hits(&self, path: &str) -> u32 {
        self.shared.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    /// Requests for any path.
    pub fn total_hits(&self) -> u32 {
        self.shared.hits.lock().unwrap().values().sum()
    }
}

async fn raw_server<F, Fut>(serve: F) -> (String, JoinHandle<()>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve(socket));
        }
    });
    (url, task)
}

/// Reads up to the blank line that ends a request's head.
async fn read_request_head(socket: &mut tokio::net::TcpStream) -> std::io::Result<()> {
    use tokio::io::AsyncReadExt;
    let mut seen = Vec::new();
    let mut buf = [0_u8; 1024];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        seen.extend_from_slice(&buf[..n]);
    }
    Ok(())
}

async fn count(State(s): State<Shared>, request: Request, next: Next) -> Response {
    *s.hits.lock().unwrap().entry(request.uri().path().to_owned()).or_default() += 1;
    next.run(request).await
}

async fn file(State(s): State<Shared>, Path(path): Path<String>) -> Response {
    match s.files.lock().unwrap().get(&path).cloned() {
        Some((bytes, content_type)) => ([(header::CONTENT_TYPE, content_type)], bytes).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn found(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response()
}

/// `/redirect/<n>/<path>`: `n` more redirects, then `/files/<path>`.
async fn redirect(Path((n, path)): Path<(u32, String)>) -> Response {
    if n == 0 { found(&format!("/files/{path}")) } else { found(&format!("/redirect/{}/{path}", n - 1)) }
}

/// `/to?url=…`: one redirect to anywhere.
async fn to(Query(q): Query<HashMap<String, String>>) -> Response {
    found(q.get("url").map_or("/", String::as_str))
}

async fn status(Path(code): Path<u16>) -> Response {
    StatusCode::from_u16(code).unwrap_or(StatusCode::IM_A_TEAPOT).into_response()
}

/// The whole list, as a search engine would hand back a mix; choosing is the client's job.
async fn itunes(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let catalog = s.catalog.lock().unwrap().clone();
    let results =
        if q.get("entity").map(String::as_str) == Some("album") { catalog.itunes_albums } else { catalog.itunes_songs };
    axum::Json(json!({"resultCount": results.len(), "results": results})).into_response()
}

async fn musicbrainz(State(s): State<Shared>, request: Request) -> Response {
    // MusicBrainz refuses anonymous clients; so does this one.
    let agent = request.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !agent.contains("nna-registry") {
        return StatusCode::FORBIDDEN.into_response();
    }
    let recordings = s.catalog.lock().unwrap().recordings.clone();
    axum::Json(json!({"count": recordings.len(), "recordings": recordings})).into_response()
}

async fn cover_art(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    match s.catalog.lock().unwrap().releases.get(&id).cloned() {
        Some(v) => axum::Json(v).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Album-art settings for tests: the default host rule (any host whose addresses are public), with
/// this loopback server's names (`127.0.0.1`, `localhost`) the only loopback ones allowed, over
/// http, with short timeouts. Nothing else on loopback is reachable.
pub fn loopback_settings(web: &ArtWeb) -> nna_fetch::ArtSettings {
    let mut art = nna_fetch::ArtSettings::read(&nna_domain::settings::Env::from_fn(|_| None)).unwrap();
    assert_eq!(art.policy.allowed_hosts, None, "album art is tested on the default host rule");
    art.policy.https_only = false;
    art.policy.loopback_names = vec!["127.0.0.1".into(), "localhost".into()];
    art.policy.timeout = Duration::from_secs(2);
    art.policy.connect_timeout = Duration::from_secs(1);
    art.lookup = true;
    art.itunes = web.url("/itunes");
    art.musicbrainz = web.url("/mb");
    art.cover_art = web.url("/caa");
    art
}
