//! Load from a second process: wrk (Debian's `wrk` package) against the release `nna-local`, 200
//! connections for 30 s, mixed reads and writes as signed-in users do them: 70% reads of one
//! asset, 15% searches, 15% creates. Writes `target/bench/load.json` and prints it.
//!
//!     cargo bench -p nna-tests --bench load        # NNA_LOAD_SECONDS, NNA_LOAD_CONNECTIONS to change

#![allow(clippy::expect_used, clippy::unwrap_used)]

use nna_tests::{LocalProcess, auth, kelly, release_binary};
use serde_json::{Value, json};
use std::process::Command;

const SEEDED: usize = 200;

fn main() {
    let wrk = Command::new("wrk").arg("--version").output();
    assert!(wrk.is_ok(), "this benchmark drives wrk: apt install wrk (Debian), brew install wrk (macOS)");
    let seconds = std::env::var("NNA_LOAD_SECONDS").unwrap_or_else(|_| "30".into());
    let connections = std::env::var("NNA_LOAD_CONNECTIONS").unwrap_or_else(|_| "200".into());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let dir = tempfile::TempDir::new().expect("temp dir");
    let bin = release_binary("nna-local", "nna-local");
    let env = [("NNA_ART_PROCESSING", "off"), ("NNA_LOG", "error")];
    let (server, names) = runtime.block_on(async {
        let server = LocalProcess::start_binary(&bin, dir.path(), &env).await;
        let client = nna_tests::server::client_as(auth::admin());
        let mut names = Vec::new();
        for _ in 0..SEEDED {
            let r: Value = client
                .post(format!("{}/api/assets", server.base))
                .json(&kelly())
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            names.push(r["data"]["name"].as_str().unwrap().to_owned());
        }
        (server, names)
    });
    let script = dir.path().join("mixed.lua");
    std::fs::write(&script, lua(&auth::token(auth::admin()), &names)).expect("script");
    let out = Command::new("wrk")
        .args(["-t2", "-c", &connections, "-d", &format!("{seconds}s"), "--latency", "--timeout", "10s", "-s"])
        .arg(&script)
        .arg(&server.base)
        .output()
        .expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let report = json!({
        "machine": format!("{} cores", std::thread::available_parallelism().map_or(0, |n| n.get())),
        "connections": connections, "seconds": seconds, "mix": "70% GET one asset, 15% search, 15% create",
        "requestsPerSecond": grab(&text, "Requests/sec:"),
        "latency": { "p50": grab(&text, "50%"), "p75": grab(&text, "75%"), "p90": grab(&text, "90%"), "p99": grab(&text, "99%") },
        "non2xx": grab(&text, "Non-2xx or 3xx responses:").unwrap_or_else(|| "0".into()),
        "socketErrors": grab(&text, "Socket errors:").unwrap_or_else(|| "none".into()),
        "wrk": text,
    });
    drop(server);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    let text = serde_json::to_string_pretty(&report).expect("json");
    std::fs::write(dir.join("load.json"), &text).expect("write");
    println!("{text}\nwritten to target/bench/load.json");
}

/// The rest of the line after `label`, trimmed.
fn grab(text: &str, label: &str) -> Option<String> {
    text.lines().find_map(|l| l.trim().strip_prefix(label).map(|rest| rest.trim().to_owned()))
}

fn lua(token: &str, names: &[String]) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let body = serde_json::to_string(&kelly()).expect("json").replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"local names = {{{names}}}
local auth = "Bearer {token}"
local body = "{body}"
math.randomseed(7)
request = function()
  local r = math.random(100)
  if r <= 70 then
    return wrk.format("GET", "/api/assets/" .. names[math.random(#names)], {{["Authorization"] = auth}})
  elseif r <= 85 then
    return wrk.format("GET", "/api/assets?limit=20&search=kelly", {{["Authorization"] = auth}})
  else
    return wrk.format("POST", "/api/assets", {{["Authorization"] = auth, ["Content-Type"] = "application/json"}}, body)
  end
end
"#,
        names = list.join(","),
    )
}
