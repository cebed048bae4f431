//! From fetched bytes to the three stored renditions: the original without its metadata, and
//! 500×500 and 150×150 centre-cropped squares.
//!
//! The type comes from the bytes' signature, never from a header or a URL. The dimensions are
//! read from the header and bounded before anything is decoded, and decoders run with limits, so a
//! small file claiming a huge image is refused rather than decoded. JPEGs, nearly all album art, are
//! decoded at the smallest DCT scale that still covers 500 pixels ("shrink on load"): a 3000×3000
//! cover decodes at 750×750, a sixteenth of the work and memory. The original is kept as sent,
//! with its metadata segments (EXIF, GPS, XMP, comments) cut out rather than re-encoded.

use crate::failure::Failure;
use crate::reduce;
use bytes::Bytes;
use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use img_parts::{ImageEXIF, jpeg::Jpeg, png::Png, webp::WebP};

/// Bounds on what we agree to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLimits {
    /// Longest side, in pixels.
    pub max_side: u32,
    /// Width × height.
    pub max_pixels: u64,
    /// The most memory one decode may take, as [`decode_cost`] reckons it.
    pub max_decode_bytes: u64,
}

impl Default for ImageLimits {
    fn default() -> Self {
        // Album art tops out at 3000×3000 (iTunes) or a few thousand pixels (Cover Art Archive).
        Self { max_side: 10_000, max_pixels: 40_000_000, max_decode_bytes: 150 << 20 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    WebP,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::WebP => "webp",
        }
    }
}

/// One stored file.
#[derive(Debug, Clone)]
pub struct Rendition {
    /// `original`, `500x500`, `150x150`.
    pub name: String,
    pub bytes: Bytes,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone)]
pub struct Processed {
    pub kind: Kind,
    pub original: Rendition,
    pub squares: Vec<Rendition>,
}

/// The square sizes made from every original.
pub const SQUARES: [u32; 2] = [500, 150];
const JPEG_QUALITY: u8 = 85;

fn not_an_image(detail: impl Into<String>) -> Failure {
    Failure::permanent("not_an_image", detail)
}

pub fn kind_of(bytes: &[u8]) -> Result<Kind, Failure> {
    match infer::get(bytes).map(|t| t.mime_type()) {
        Some("image/jpeg") => Ok(Kind::Jpeg),
        Some("image/png") => Ok(Kind::Png),
        Some("image/webp") => Ok(Kind::WebP),
        Some(other) if other.starts_with("image/") => {
            Err(Failure::permanent("unsupported_image_type", format!("{other} is not JPEG, PNG or WebP")))
        }
        Some(other) => Err(not_an_image(format!("the bytes are {other}, not an image"))),
        None => Err(not_an_image("the bytes are not a JPEG, PNG or WebP image")),
    }
}

/// Width and height from the header alone.
pub fn dimensions(kind: Kind, bytes: &[u8]) -> Result<(u32, u32), Failure> {
    match kind {
        Kind::Jpeg => {
            let mut decoder = jpeg_decoder::Decoder::new(bytes);
            decoder.read_info().map_err(|e| not_an_image(format!("unreadable JPEG header: {e}")))?;
            let info = decoder.info().ok_or_else(|| not_an_image("no JPEG header"))?;
            Ok((u32::from(info.width), u32::from(info.height)))
        }
        Kind::Png | Kind::WebP => image::ImageReader::with_format(std::io::Cursor::new(bytes), image_format(kind))
            .into_dimensions()
            .map_err(|e| not_an_image(format!("unreadable image header: {e}"))),
    }
}

fn image_format(kind: Kind) -> image::ImageFormat {
    match kind {
        Kind::Jpeg => image::ImageFormat::Jpeg,
        Kind::Png => image::ImageFormat::Png,
        Kind::WebP => image::ImageFormat::WebP,
    }
}

fn check_size(width: u32, height: u32, limits: ImageLimits) -> Result<(), Failure> {
    let too_large =
        width > limits.max_side || height > limits.max_side || u64::from(width) * u64::from(height) > limits.max_pixels;
    if width == 0 || height == 0 {
        return Err(not_an_image("the image has no pixels"));
    }
    if too_large {
        return Err(Failure::permanent(
            "image_too_large",
            format!("{width}×{height} is beyond {} pixels a side or {} in all", limits.max_side, limits.max_pixels),
        ));
    }
    Ok(())
}

/// How much memory decoding these bytes takes, from their header alone (the pixels held while
/// decoding; the file itself and the small squares come on top). JPEGs decode scaled, except
/// that a progressive one keeps every DCT coefficient of every component until its last scan;
/// PNGs decode a row at a time into the reduced image; WebP decodes whole frames (the decoder's
/// ARGB, then RGB or RGBA).
pub fn decode_cost(bytes: &[u8]) -> Result<u64, Failure> {
    let kind = kind_of(bytes)?;
    Ok(cost(kind, bytes, dimensions(kind, bytes)?))
}

/// [`decode_cost`] for bytes whose kind and size are known.
fn cost(kind: Kind, bytes: &[u8], (width, height): (u32, u32)) -> u64 {
    let (w, h) = (u64::from(width), u64::from(height));
    let reduced = {
        let factor = u64::from((width.min(height) / SQUARES[0]).max(1));
        w.div_ceil(factor) * h.div_ceil(factor)
    };
    match kind {
        Kind::Jpeg => match jpeg_frame(bytes) {
            // Progressive (SOF2, SOF6, SOF10, SOF14): every coefficient, then the scaled output.
            Some((0xC2 | 0xC6 | 0xCA | 0xCE, frame)) => jpeg_coefficient_bytes(frame, w, h) + reduced * 3,
            // Scaled output, plus an MCU row at full width.
            _ => reduced * 3 + w * 16 * 3 * 2,
        },
        // Sums and counts per reduced pixel, the reduced image, a row of samples.
        Kind::Png => reduced * (12 + 2 + 3) + w * 8 * 2,
        // Measured (`--bench art_memory`): 7 bytes a pixel for a lossless WebP.
        Kind::WebP => w * h * 7 + reduced * 17,
    }
}

/// The frame header (SOF) of a JPEG, its marker and contents, found by walking the segments that
/// come before it, in place.
fn jpeg_frame(bytes: &[u8]) -> Option<(u8, &[u8])> {
    let mut at = 2; // past SOI
    loop {
        let [0xFF, marker] = *bytes.get(at..at + 2)? else { return None };
        let rest = bytes.get(at + 2..)?;
        if marker == 0xFF {
            at += 1; // a fill byte
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?]));
        let contents = rest.get(2..len)?;
        match marker {
            0xC4 | 0xC8 | 0xCC => {}
            0xC0..=0xCF => return Some((marker, contents)),
            0xDA => return None, // a scan before any frame
            _ => {}
        }
        at += 2 + len;
    }
}

/// A progressive JPEG's coefficient buffers: 64 two-byte coefficients per 8×8 block of every
/// component, each component at its own sampling.
fn jpeg_coefficient_bytes(frame: &[u8], w: u64, h: u64) -> u64 {
    // precision, height (2), width (2), count, then per component: id, H<<4|V, table.
    let components: Vec<(u64, u64)> =
        frame.get(6..).unwrap_or(&[]).chunks_exact(3).map(|c| (u64::from(c[1] >> 4), u64::from(c[1] & 15))).collect();
    if components.is_empty() {
        return w.div_ceil(8) * h.div_ceil(8) * 128 * 4;
    }
    let h_max = components.iter().map(|c| c.0).max().unwrap_or(1).max(1);
    let v_max = components.iter().map(|c| c.1).max().unwrap_or(1).max(1);
    components.iter().map(|(hs, vs)| (w * hs).div_ceil(h_max * 8) * (h * vs).div_ceil(v_max * 8) * 128).sum()
}

/// Checks, decodes, resizes and cleans one image. CPU-bound: run it off the async threads.
pub fn process(bytes: Bytes, limits: ImageLimits) -> Result<Processed, Failure> {
    let kind = kind_of(&bytes)?;
    let (width, height) = dimensions(kind, &bytes)?;
    check_size(width, height, limits)?;
    let cost = cost(kind, &bytes, (width, height));
    if cost > limits.max_decode_bytes {
        return Err(Failure::permanent(
            "image_too_large",
            format!(
                "decoding this {width}×{height} {} takes {} MB; the limit is {} MB",
                kind.content_type(),
                cost >> 20,
                limits.max_decode_bytes >> 20
            ),
        ));
    }
    let (rgb, w, h) = decode_rgb(kind, &bytes, (width, height), limits)?;
    let mut squares = Vec::with_capacity(SQUARES.len());
    let source = square_crop(&rgb, w, h)?;
    for side in SQUARES {
        let pixels = resize(&source, side)?;
        let encoded = encode_jpeg(&pixels, side)?;
        squares.push(Rendition {
            name: format!("{side}x{side}"),
            bytes: encoded,
            content_type: "image/jpeg",
            width: side,
            height: side,
        });
    }
    let original = Rendition {
        name: "original".into(),
        bytes: strip_metadata(kind, bytes)?,
        content_type: kind.content_type(),
        width,
        height,
    };
    Ok(Processed { kind, original, squares })
}

/// RGB pixels, at a reduced scale when the format allows it and the squares do not need more.
fn decode_rgb(
    kind: Kind,
    bytes: &[u8],
    (width, height): (u32, u32),
    limits: ImageLimits,
) -> Result<(Vec<u8>, u32, u32), Failure> {
    let max_bytes = usize::try_from(limits.max_pixels.saturating_mul(4)).unwrap_or(usize::MAX);
    match kind {
        Kind::Jpeg => {
            let mut decoder = jpeg_decoder::Decoder::new(bytes);
            decoder.set_max_decoding_buffer_size(max_bytes);
            // Scale so the shorter side still covers the largest square.
            let short = width.min(height).max(1);
            let want = |side: u32| {
                u16::try_from(u64::from(side) * u64::from(SQUARES[0]) / u64::from(short)).unwrap_or(u16::MAX).max(1)
            };
            let (w, h) =
                decoder.scale(want(width), want(height)).map_err(|e| not_an_image(format!("bad JPEG: {e}")))?;
            let pixels = decoder.decode().map_err(|e| not_an_image(format!("corrupt JPEG: {e}")))?;
            let info = decoder.info().ok_or_else(|| not_an_image("no JPEG header"))?;
            let rgb = match info.pixel_format {
                jpeg_decoder::PixelFormat::RGB24 => pixels,
                jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
                jpeg_decoder::PixelFormat::L16 => pixels.chunks_exact(2).flat_map(|c| [c[0], c[0], c[0]]).collect(),
                jpeg_decoder::PixelFormat::CMYK32 => pixels
                    .chunks_exact(4)
                    .flat_map(|c| {
                        let k = u16::from(c[3]);
                        [c[0], c[1], c[2]].map(|v| u8::try_from(u16::from(v) * k / 255).unwrap_or(255))
                    })
                    .collect(),
            };
            let (w, h) = (u32::from(w), u32::from(h));
            if rgb.len() != (w as usize) * (h as usize) * 3 {
                return Err(not_an_image("the JPEG decoded to the wrong number of pixels"));
            }
            Ok((rgb, w, h))
        }
        Kind::Png => reduce::png(bytes, SQUARES[0], limits.max_pixels),
        Kind::WebP => {
            let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), image_format(kind));
            let mut image_limits = image::Limits::default();
            image_limits.max_image_width = Some(limits.max_side);
            image_limits.max_image_height = Some(limits.max_side);
            image_limits.max_alloc = Some(limits.max_decode_bytes);
            reader.limits(image_limits);
            let decoded = reader.decode().map_err(|e| not_an_image(format!("corrupt image: {e}")))?;
            let (w, h) = (decoded.width(), decoded.height());
            // WebP decodes to 8-bit RGB or RGBA; reduced straight from the frame, no copies.
            let decoded = match decoded {
                image::DynamicImage::ImageRgb8(_) | image::DynamicImage::ImageRgba8(_) => decoded,
                other => image::DynamicImage::ImageRgba8(other.to_rgba8()),
            };
            let channels = usize::from(decoded.color().channel_count());
            let mut reducer = reduce::BoxReducer::new(w, h, SQUARES[0]);
            for (y, row) in decoded.as_bytes().chunks_exact((w as usize) * channels).enumerate() {
                reduce::add_row(&mut reducer, row, channels, u32::try_from(y).unwrap_or(u32::MAX), 0, 1);
            }
            drop(decoded);
            Ok(reducer.finish())
        }
    }
}

fn resize_error(e: impl std::fmt::Display) -> Failure {
    Failure::permanent("not_an_image", format!("could not resize: {e}"))
}

/// The centred square of the image.
fn square_crop(rgb: &[u8], w: u32, h: u32) -> Result<Image<'static>, Failure> {
    let side = w.min(h);
    let (x0, y0) = ((w - side) / 2, (h - side) / 2);
    let row = (side as usize) * 3;
    let mut out = Vec::with_capacity(row * side as usize);
    for y in y0..y0 + side {
        let start = ((y as usize) * (w as usize) + x0 as usize) * 3;
        out.extend_from_slice(rgb.get(start..start + row).ok_or_else(|| not_an_image("short pixel data"))?);
    }
    Image::from_vec_u8(side, side, out, PixelType::U8x3).map_err(resize_error)
}

fn resize(source: &Image<'_>, side: u32) -> Result<Vec<u8>, Failure> {
    let mut target = Image::new(side, side, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new().resize(source, &mut target, &options).map_err(resize_error)?;
    Ok(target.into_vec())
}

fn encode_jpeg(rgb: &[u8], side: u32) -> Result<Bytes, Failure> {
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let side = u16::try_from(side).map_err(resize_error)?;
    jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY)
        .encode(rgb, side, side, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| Failure::permanent("encode_failed", e.to_string()))?;
    Ok(Bytes::from(out))
}

/// JPEG segments that may carry personal or device data: EXIF and XMP (APP1), application data
/// (APP3–APP13, APP15) and comments. JFIF (APP0), ICC profiles (APP2) and Adobe colour info (APP14)
/// stay: they say how to show the pixels.
fn personal_jpeg_segment(marker: u8, contents: &[u8]) -> bool {
    use img_parts::jpeg::markers::{APP1, APP2, APP3, APP13, APP15, COM};
    marker == APP1
        || (APP3..=APP13).contains(&marker)
        || marker == APP15
        || marker == COM
        || (marker == APP2 && !contents.starts_with(b"ICC_PROFILE\0"))
}

/// The original, byte for byte, minus its metadata.
pub fn strip_metadata(kind: Kind, bytes: Bytes) -> Result<Bytes, Failure> {
    let corrupt = |e: img_parts::Error| not_an_image(format!("unreadable image structure: {e}"));
    let mut out = Vec::with_capacity(bytes.len());
    match kind {
        Kind::Jpeg => {
            let mut jpeg = Jpeg::from_bytes(bytes).map_err(corrupt)?;
            jpeg.segments_mut().retain(|s| !personal_jpeg_segment(s.marker(), s.contents()));
            jpeg.encoder().write_to(&mut out).map_err(|e| not_an_image(e.to_string()))?;
        }
        Kind::Png => {
            let mut png = Png::from_bytes(bytes).map_err(corrupt)?;
            for chunk in [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"] {
                png.remove_chunks_by_type(chunk);
            }
            png.encoder().write_to(&mut out).map_err(|e| not_an_image(e.to_string()))?;
        }
        Kind::WebP => {
            let mut webp = WebP::from_bytes(bytes).map_err(corrupt)?;
            webp.set_exif(None);
            webp.remove_chunks_by_id(img_parts::webp::CHUNK_XMP);
            webp.encoder().write_to(&mut out).map_err(|e| not_an_image(e.to_string()))?;
        }
    }
    Ok(Bytes::from(out))
}

/// How good the art is, from the original's shorter side.
pub fn quality(width: u32, height: u32) -> nna_domain::asset::ArtQuality {
    match width.min(height) {
        1000.. => nna_domain::asset::ArtQuality::High,
        500..=999 => nna_domain::asset::ArtQuality::Medium,
        _ => nna_domain::asset::ArtQuality::Low,
    }
}
