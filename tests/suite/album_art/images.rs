//! Checking, resizing and cleaning images, on images made here.

use crate::support::art::images::{self, carries_secret, centre_colour, decoded_size};
use bytes::Bytes;
use nna_album_art::image::{ImageLimits, Kind, process, quality};
use nna_domain::asset::ArtQuality;

fn run(bytes: Vec<u8>) -> Result<nna_album_art::image::Processed, nna_album_art::Failure> {
    process(Bytes::from(bytes), ImageLimits::default())
}

#[test]
fn every_format_becomes_two_squares_and_an_original_without_metadata() {
    for (kind, bytes) in
        [(Kind::Jpeg, images::jpeg(900, 600)), (Kind::Png, images::png(900, 600)), (Kind::WebP, images::webp(900, 600))]
    {
        assert!(carries_secret(&bytes), "the fixture carries metadata");
        let p = run(bytes).unwrap();
        assert_eq!(p.kind, kind);
        assert_eq!((p.original.width, p.original.height, p.original.content_type), (900, 600, kind.content_type()));
        assert!(!carries_secret(&p.original.bytes), "{kind:?}: metadata left in the original");
        assert_eq!(decoded_size(&p.original.bytes), (900, 600), "{kind:?}: the original still decodes");
        let squares: Vec<_> = p.squares.iter().map(|s| (s.name.as_str(), s.width, s.content_type)).collect();
        assert_eq!(squares, [("500x500", 500, "image/jpeg"), ("150x150", 150, "image/jpeg")]);
        for s in &p.squares {
            assert_eq!(decoded_size(&s.bytes), (s.width, s.width));
            assert!(!carries_secret(&s.bytes));
            // The centre third of the fixture is green: the crop is centred.
            let [r, g, b] = centre_colour(&s.bytes);
            assert!(g > 200 && r < 60 && b < 60, "{kind:?} {}: centre is {r},{g},{b}", s.name);
        }
    }
}

#[test]
fn big_images_decode_at_the_size_the_squares_need() {
    // Interlaced and not, the PNG decodes row by row into a reduced image: same squares.
    let plain = run(images::png(4200, 2800)).unwrap();
    let interlaced = run(images::png_interlaced(4200, 2800)).unwrap();
    for p in [&plain, &interlaced] {
        assert_eq!((p.original.width, p.original.height), (4200, 2800));
        for s in &p.squares {
            let [r, g, b] = centre_colour(&s.bytes);
            assert!(g > 200 && r < 60 && b < 60, "{}: centre is {r},{g},{b}", s.name);
        }
    }
    let decoded = |p: &nna_album_art::image::Processed| image::load_from_memory(&p.squares[0].bytes).unwrap().to_rgb8();
    let (a, b) = (decoded(&plain), decoded(&interlaced));
    let differ =
        a.pixels().zip(b.pixels()).filter(|(x, y)| x.0.iter().zip(y.0).any(|(m, n)| m.abs_diff(n) > 8)).count();
    assert!(differ < 100, "{differ} pixels differ between the interlaced and plain PNG's squares");
    // Memory is reckoned from the header: a PNG costs its reduced image, a progressive JPEG its
    // coefficients (4:4:4 at 40 MP: 240 MB, refused), a WebP its whole frame.
    let cost = |bytes: &[u8]| nna_album_art::image::decode_cost(bytes).unwrap() >> 20;
    assert!(cost(&images::png_claiming(7000, 5700)) < 8);
    // 800×800 at 4:4:4: three components of 10,000 blocks of 128 bytes, and the 1.9 MB output.
    assert_eq!(cost(&images::jpeg_progressive_444(800, 800)), 5);
    let progressive = images::jpeg_progressive_444(2000, 2000);
    let tight = ImageLimits { max_decode_bytes: 4 << 20, ..ImageLimits::default() };
    let refused = process(Bytes::from(progressive.clone()), tight).unwrap_err();
    assert_eq!(refused.code(), "image_too_large", "{refused:?}");
    assert!(process(Bytes::from(progressive), ImageLimits::default()).is_ok());
}

#[test]
fn a_jpeg_without_metadata_keeps_its_bytes() {
    let plain = images::plain_jpeg(640, 640);
    let p = run(plain.clone()).unwrap();
    assert_eq!(p.original.bytes.as_ref(), plain.as_slice());
}

#[test]
fn small_art_is_scaled_up_and_rated_low() {
    let p = run(images::jpeg(300, 300)).unwrap();
    assert_eq!(decoded_size(&p.squares[0].bytes), (500, 500));
    assert_eq!(quality(p.original.width, p.original.height), ArtQuality::Low);
    assert_eq!(quality(600, 600), ArtQuality::Medium);
    assert_eq!(quality(3000, 3000), ArtQuality::High);
    assert_eq!(quality(3000, 800), ArtQuality::Medium);
}

#[test]
fn hostile_images_are_refused_with_a_reason() {
    let jpeg = images::jpeg(800, 800);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a 65,535×65,535 PNG header", images::png_claiming(65_535, 65_535), "image_too_large"),
        ("a 20,000×20,000 PNG header", images::png_claiming(20_000, 20_000), "image_too_large"),
        ("a 9,000×9,000 PNG header (too many pixels)", images::png_claiming(9_000, 9_000), "image_too_large"),
        ("a truncated JPEG", jpeg[..jpeg.len() / 2].to_vec(), "not_an_image"),
        ("a JPEG cut after its header", jpeg[..700].to_vec(), "not_an_image"),
        ("an HTML page named .jpg", b"<!doctype html><html><body>Not found</body></html>".to_vec(), "not_an_image"),
        ("a GIF", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec(), "unsupported_image_type"),
        ("nothing", Vec::new(), "not_an_image"),
        ("a PNG header without pixels", images::png_claiming(0, 10), "not_an_image"),
    ];
    for (what, bytes, code) in cases {
        let started = std::time::Instant::now();
        let failure = run(bytes).err().unwrap_or_else(|| panic!("{what} was accepted"));
        assert_eq!(failure.code(), code, "{what}: {failure}");
        assert!(!failure.is_transient(), "{what}: trying again cannot help");
        assert!(started.elapsed().as_secs() < 5, "{what} took {:?}: was it decoded?", started.elapsed());
    }
}
