//! The album-art pipeline against sharp (Node.js, libvips), on the same 20 generated 3000×3000
//! JPEGs: decode, 500×500 and 150×150 centre crops, the original without its metadata. Each side
//! runs in its own process, so peak memory is its own; each runs three times and the best run is
//! kept. Writes `target/bench/album-art.json` and prints a table.
//!
//!     cargo bench -p nna-tests --bench vs_sharp
//!
//! Installs sharp from the npm registry into `target/bench/sharp` (the version is pinned in
//! `tests/benches/sharp/package.json`).

// A benchmark stops at the first thing that goes wrong, loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use bytes::Bytes;
use nna_album_art::image::{ImageLimits, process};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const IMAGES: usize = 20;
const SIDE: u32 = 3000;
const RUNS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--ours") {
        ours(Path::new(&args[i + 1]), args[i + 2].parse().expect("concurrency"));
        return;
    }
    if nna_tests::bench::only_built() {
        return;
    }
    let bench = nna_tests::bench::dir();
    let images = bench.join("album-art-images");
    generate(&images);
    let sharp = install_sharp(&bench.join("sharp"));
    let cores = std::thread::available_parallelism().map_or(1, usize::from);

    let mut rows = Vec::new();
    for concurrency in [1, cores] {
        let ours = best(|| run_ours(&images, concurrency));
        let sharp_strip = best(|| run_sharp(&sharp, &images, concurrency, "strip"));
        let sharp_squares = best(|| run_sharp(&sharp, &images, concurrency, "squares"));
        rows.push(json!({
            "concurrency": concurrency,
            "ours": ours,
            "sharp": sharp_strip,
            "sharpSquaresOnly": sharp_squares,
            "ratio": rate(&ours) / rate(&sharp_strip),
            "ratioVsSquaresOnly": rate(&ours) / rate(&sharp_squares),
        }));
    }
    let report = json!({
        "images": IMAGES,
        "side": SIDE,
        "inputBytes": dir_bytes(&images),
        "cores": cores,
        "runs": rows,
        "note": "images/s over the whole set; peak RSS of the process that did the work (baseline = before the first image)",
    });
    print_table(&report);
    nna_tests::bench::save("album-art", &report);
}

fn rate(run: &Value) -> f64 {
    run["imagesPerSecond"].as_f64().unwrap_or(0.0)
}

/// The fastest of three runs (the others warmed caches, or were disturbed).
fn best(mut run: impl FnMut() -> Value) -> Value {
    (0..RUNS).map(|_| run()).max_by(|a, b| rate(a).total_cmp(&rate(b))).expect("runs")
}

fn finish(mut raw: Value) -> Value {
    let images = raw["images"].as_f64().unwrap_or(0.0);
    let seconds = raw["seconds"].as_f64().unwrap_or(f64::INFINITY);
    raw["imagesPerSecond"] = json!(images / seconds);
    raw["peakRssMiB"] = json!(raw["peakRssKb"].as_f64().unwrap_or(0.0) / 1024.0);
    raw["baselineRssMiB"] = json!(raw["baselineKb"].as_f64().unwrap_or(0.0) / 1024.0);
    raw
}

fn json_from(output: std::process::Output, what: &str) -> Value {
    assert!(output.status.success(), "{what} failed: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().last().unwrap_or_default();
    finish(serde_json::from_str(line).unwrap_or_else(|e| panic!("{what} printed {text:?}: {e}")))
}

fn run_ours(images: &Path, concurrency: usize) -> Value {
    let exe = std::env::current_exe().expect("this binary");
    let output = Command::new(exe).arg("--ours").arg(images).arg(concurrency.to_string()).output().expect("run");
    json_from(output, "our pipeline")
}

fn run_sharp(sharp: &Path, images: &Path, concurrency: usize, mode: &str) -> Value {
    let output = Command::new("node")
        .arg(sharp.join("run.mjs"))
        .arg(images)
        .arg(concurrency.to_string())
        .arg(mode)
        .env("UV_THREADPOOL_SIZE", concurrency.max(4).to_string())
        .output()
        .expect("node");
    json_from(output, "sharp")
}

/// Our side, in a process of its own: `concurrency` threads take the files in turn.
fn ours(dir: &Path, concurrency: usize) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("images")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .collect();
    files.sort();
    let baseline = nna_tests::bench::peak_kb("self");
    let next = AtomicUsize::new(0);
    let output_bytes = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..concurrency {
            s.spawn(|| {
                while let Some(file) = files.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let bytes = Bytes::from(std::fs::read(file).expect("read"));
                    let done = process(bytes, ImageLimits::default()).expect("processed");
                    let n = done.original.bytes.len() + done.squares.iter().map(|r| r.bytes.len()).sum::<usize>();
                    output_bytes.fetch_add(n, Ordering::SeqCst);
                }
            });
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({"images": files.len(), "seconds": seconds, "outputBytes": output_bytes.load(Ordering::SeqCst),
            "peakRssKb": nna_tests::bench::peak_kb("self"), "baselineKb": baseline})
    );
}

/// Twenty covers as cameras and designers make them: gradients, shapes and grain, at quality 90.
fn generate(dir: &Path) {
    if dir_count(dir) == IMAGES {
        return;
    }
    std::fs::create_dir_all(dir).expect("images folder");
    println!("generating {IMAGES} {SIDE}×{SIDE} JPEGs in {}", dir.display());
    for n in 0..IMAGES {
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64 ^ (n as u64 + 1);
        let mut noise = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 25) as i32 - 12
        };
        let (cx, cy, r) = (SIDE as i32 / 2 + (n as i32 * 97) % 600 - 300, SIDE as i32 / 2, 700 + (n as i32 * 53) % 500);
        let mut pixels = Vec::with_capacity((SIDE * SIDE * 3) as usize);
        for y in 0..SIDE as i32 {
            for x in 0..SIDE as i32 {
                let inside = (x - cx).pow(2) + (y - cy).pow(2) < r * r;
                let base = if inside {
                    [230 - (n as i32 * 7) % 100, 90 + (x / 40) % 60, 60 + (y / 30) % 80]
                } else {
                    [x * 200 / SIDE as i32, y * 180 / SIDE as i32, 40 + (n as i32 * 11) % 150]
                };
                pixels.extend(base.map(|c| (c + noise()).clamp(0, 255) as u8));
            }
        }
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 90)
            .encode(&pixels, SIDE as u16, SIDE as u16, jpeg_encoder::ColorType::Rgb)
            .expect("encode");
        std::fs::write(dir.join(format!("cover-{n:02}.jpg")), out).expect("write image");
    }
}

fn dir_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map_or(0, |d| d.filter_map(Result::ok).filter(|e| e.path().extension().is_some_and(|x| x == "jpg")).count())
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map_or(0, |d| d.filter_map(Result::ok).filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
}

/// sharp at the pinned version, installed once.
fn install_sharp(dir: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/sharp");
    std::fs::create_dir_all(dir).expect("sharp folder");
    for file in ["package.json", "run.mjs"] {
        std::fs::copy(source.join(file), dir.join(file)).expect("copy the sharp side");
    }
    if !dir.join("node_modules/sharp").exists() {
        println!("installing sharp with npm into {}", dir.display());
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir)
            .status()
            .expect("npm (Node.js) is needed for the sharp side");
        assert!(status.success(), "npm install sharp failed");
    }
    dir.to_path_buf()
}

fn print_table(report: &Value) {
    println!(
        "\n{} images {}×{} ({:.1} MiB of JPEG), {} cores",
        report["images"],
        SIDE,
        SIDE,
        report["inputBytes"].as_f64().unwrap_or(0.0) / 1048576.0,
        report["cores"]
    );
    println!(
        "{:<12} {:<28} {:>9} {:>14} {:>14}",
        "concurrency", "pipeline", "images/s", "peak RSS MiB", "baseline MiB"
    );
    for row in report["runs"].as_array().into_iter().flatten() {
        let concurrency = row["concurrency"].as_u64().unwrap_or(0);
        for (name, key) in [("ours", "ours"), ("sharp", "sharp"), ("sharp, squares only", "sharpSquaresOnly")] {
            let r = &row[key];
            println!(
                "{:<12} {:<28} {:>9.2} {:>14.1} {:>14.1}",
                concurrency,
                name,
                rate(r),
                r["peakRssMiB"].as_f64().unwrap_or(0.0),
                r["baselineRssMiB"].as_f64().unwrap_or(0.0)
            );
        }
        println!(
            "{:<12} ratio ours/sharp {:.2}×, ours/sharp-squares-only {:.2}×",
            concurrency,
            row["ratio"].as_f64().unwrap_or(0.0),
            row["ratioVsSquaresOnly"].as_f64().unwrap_or(0.0)
        );
    }
}
