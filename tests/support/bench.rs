//! What every benchmark shares: where its figures go, and a process's peak memory.

// A benchmark stops at the first thing that goes wrong, loudly.
#![allow(clippy::expect_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};

/// `target/bench`, made if need be.
pub fn dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    dir
}

/// Writes `target/bench/<name>.json` and says so.
pub fn save(name: &str, report: &Value) {
    let text = serde_json::to_string_pretty(report).expect("json");
    std::fs::write(dir().join(format!("{name}.json")), text).expect("write the report");
    println!("written to target/bench/{name}.json");
}

/// Whether this bench binary was started by `cargo test` rather than `cargo bench` (which passes
/// `--bench`). CI's `cargo test --all-targets` builds every bench and starts it: it stops here,
/// so a bench that no longer builds fails CI, and measuring stays a run by hand.
pub fn only_built() -> bool {
    let benching = std::env::args().skip(1).any(|a| a == "--bench");
    if !benching {
        eprintln!("built; `cargo bench -p nna-tests --bench <name>` measures");
    }
    !benching
}

/// Prints the report, then saves it.
pub fn report(name: &str, report: &Value) {
    println!("{}", serde_json::to_string_pretty(report).expect("json"));
    save(name, report);
}

/// The peak resident memory (`VmHWM`) of a process (`self` for this one), in KiB; 0 where the
/// system does not say.
pub fn peak_kb(pid: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
