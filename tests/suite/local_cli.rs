//! `nna-local` as a person first runs it: `--help` and `--version` answer and start nothing, a
//! mistyped flag is refused, and the settings the help names are the README's.

use crate::support::binary;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(binary("nna-local", "nna-local"))
        .args(args)
        // A setting that would stop a server from starting: help must not need it.
        .env("NNA_ADDR", "not an address")
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn help_and_version_answer_and_start_nothing() {
    let (code, help, _) = run(&["--help"]);
    assert_eq!(code, 0, "{help}");
    assert!(help.contains("Usage: nna-local") && help.contains("token"), "{help}");
    let (code, version, _) = run(&["--version"]);
    assert_eq!((code, version.trim()), (0, format!("nna-local {}", env!("CARGO_PKG_VERSION")).as_str()));
    let (code, _, said) = run(&["--port", "3000"]);
    assert_eq!(code, 2, "a mistyped flag is refused, never served: {said}");
    assert!(said.contains("--port"), "{said}");

    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    let named: Vec<&str> = help.split_whitespace().filter(|w| w.starts_with("NNA_")).collect();
    assert!(named.len() >= 5, "{help}");
    for setting in named {
        let setting = setting.split('=').next().unwrap();
        assert!(readme.contains(&format!("`{setting}`")), "the help names {setting}, which the README does not list");
    }
}
