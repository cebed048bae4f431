//! Load from a second process: wrk (Debian's `wrk` package) against the release `nna-local`.
//! Writes `target/bench/load.json` and prints it.
//!
//!     cargo bench -p nna-tests --bench load   # NNA_LOAD_SECONDS (10), NNA_LOAD_CONNECTIONS (200),
//!                                             # NNA_LOAD_BINARY (another nna-local build)
//!
//! With 1,000 assets that all hold the word "kelly": the health route, one asset by HFN, the
//! all-matching search, and the mixed load signed-in users make (70% reads of one asset, 15%
//! searches, 15% creates); creates alone from 50 clients; edits (PATCH, new words) from 50
//! clients; then the same search with 100,000
//! assets. The ratios the issue sets are computed from those runs, in this one run.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use nna_domain::ports::AssetStore;
use nna_domain::{Address, Asset, AssetId, Timestamp};
use nna_embedded::SqliteStore;
use nna_tests::{LocalProcess, auth, kelly, release_binary};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

const SEEDED: usize = 1_000;
const LARGE: usize = 100_000;
const SEARCH: &str = "/api/assets/search?q=kelly&limit=20";

fn main() {
    if nna_tests::bench::only_built() {
        return;
    }
    let installed = Command::new("wrk").arg("--version").output();
    assert!(installed.is_ok(), "this benchmark drives wrk: apt install wrk (Debian), brew install wrk (macOS)");
    let seconds = std::env::var("NNA_LOAD_SECONDS").unwrap_or_else(|_| "10".into());
    let connections = std::env::var("NNA_LOAD_CONNECTIONS").unwrap_or_else(|_| "200".into());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let dir = tempfile::TempDir::new().expect("temp dir");
    // NNA_LOAD_BINARY: another build of nna-local, to measure before and after a change.
    let bin = std::env::var_os("NNA_LOAD_BINARY")
        .map_or_else(|| release_binary("nna-local", "nna-local"), std::path::PathBuf::from);
    let env = [("NNA_ART_PROCESSING", "off"), ("NNA_LOG", "error")];
    let token = auth::token(auth::admin());
    let run = |base: &str, name: &str, script: String, conns: &str| {
        let path = dir.path().join(format!("{name}.lua"));
        std::fs::write(&path, script).expect("script");
        wrk(base, &path, conns, &seconds)
    };

    let (server, names) = runtime.block_on(async {
        let server = LocalProcess::start_binary(&bin, dir.path(), &env).await;
        let names = seed(&server.base, SEEDED).await;
        (server, names)
    });
    let health = run(&server.base, "health", get(&token, &["/api/health".into()]), &connections);
    let paths: Vec<String> = names.iter().map(|n| format!("/api/assets/{n}")).collect();
    let one = run(&server.base, "one", get(&token, &paths), &connections);
    let search_1k = run(&server.base, "search", get(&token, &[SEARCH.into()]), &connections);
    let mixed = run(&server.base, "mixed", mixed(&token, &names), &connections);
    let creates = run(&server.base, "creates", creates(&token), "50");
    let edits = run(&server.base, "edits", edits(&token, &names), "50");
    drop(server);

    let held = runtime.block_on(grow(&dir.path().join("registry.sqlite3"), LARGE));
    let server = runtime.block_on(LocalProcess::start_binary(&bin, dir.path(), &env));
    let search_100k = run(&server.base, "search", get(&token, &[SEARCH.into()]), &connections);
    drop(server);

    let rate = |r: &Value| r["requestsPerSecond"].as_f64().unwrap_or(0.0);
    let ratio = |a: f64, b: f64| ((a / b.max(1e-9)) * 1000.0).round() / 1000.0;
    let report = json!({
        "machine": format!("{} cores", std::thread::available_parallelism().map_or(0, |n| n.get())),
        "connections": connections, "seconds": seconds,
        "runs": {
            "health": health, "oneAssetByHfn": one, "searchAllMatching1k": search_1k,
            "mixed70_15_15": mixed, "creates50Clients": creates, "edits50Clients": edits,
            "searchAllMatching100k": search_100k.clone().as_object_mut().map(|o| { o.insert("assets".into(), json!(held)); Value::Object(o.clone()) }),
        },
        "ratios": {
            "search1kOverOneAsset (goal >= 0.25)": ratio(rate(&search_1k), rate(&one)),
            "search100kOverSearch1k (goal >= 0.5)": ratio(rate(&search_100k), rate(&search_1k)),
            "oneAssetOverHealth (goal >= 0.5)": ratio(rate(&one), rate(&health)),
            "mixedP99Ms (goal <= 100)": mixed["latencyMs"]["p99"],
            "createsPerSecond50Clients": rate(&creates),
            "editP99Ms50Clients": edits["latencyMs"]["p99"],
        },
    });
    nna_tests::bench::report("load", &report);
}

/// Creates `n` of Kelly's look through the API, 16 at a time; answers their HFNs.
async fn seed(base: &str, n: usize) -> Vec<String> {
    use futures::StreamExt;
    let client = nna_tests::server::client_as(auth::admin());
    futures::stream::iter(0..n)
        .map(|_| {
            let client = client.clone();
            async move {
                let made = nna_tests::server::data(client.post(format!("{base}/api/assets")).json(&kelly())).await;
                made["name"].as_str().unwrap().to_owned()
            }
        })
        .buffer_unordered(16)
        .collect()
        .await
}

/// Grows the stopped server's registry to `target` assets: copies of its newest asset under new
/// ids and addresses, imported as a restore would.
async fn grow(path: &Path, target: usize) -> usize {
    let store = SqliteStore::open(path).expect("the registry");
    let ids = nna_domain::ports::AssetIndex::postings(&store, &nna_domain::search::IndexTerm::word("kelly"), 1)
        .await
        .expect("postings");
    let model = store.get(&nna_domain::AssetKey::Id(ids[0].id.clone())).await.expect("read").expect("an asset");
    let have = nna_domain::ports::AssetIndex::count(
        &store,
        &[nna_domain::search::Scope { level: nna_domain::search::Level::All, value: "all".into() }],
    )
    .await
    .expect("count");
    let mut batch = Vec::with_capacity(2_000);
    for i in have as usize..target {
        let address = Address::parse(&format!("L.CAS.ATL.{}", 10_000 + i)).expect("an address");
        let mut a: Asset = model.clone();
        a.id = AssetId::generate();
        a.place = nna_domain::asset::Place::of(address.path);
        a.naming = nna_domain::asset::Naming::given(&address, "");
        a.created_at = Timestamp::from_millis(1_700_000_000_000 + i as i64 * 1000).expect("a time");
        a.updated_at = a.created_at;
        batch.push(a);
        if batch.len() == 2_000 {
            store.import_all(&batch).await.expect("imported");
            batch.clear();
        }
    }
    store.import_all(&batch).await.expect("imported");
    target
}

fn wrk(base: &str, script: &Path, connections: &str, seconds: &str) -> Value {
    let out = Command::new("wrk")
        .args(["-t2", "-c", connections, "-d", &format!("{seconds}s"), "--latency", "--timeout", "10s", "-s"])
        .arg(script)
        .arg(base)
        .output()
        .expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "wrk failed: {}", String::from_utf8_lossy(&out.stderr));
    // Throughput of failed requests measures nothing: any answer but a 2xx stops the bench.
    let refused = grab(&text, "Non-2xx or 3xx responses:");
    assert!(refused.is_none(), "{} answers were not 2xx:\n{text}", refused.unwrap_or_default());
    assert!(grab(&text, "Socket errors:").is_none(), "requests failed on the wire:\n{text}");
    let ms = |label: &str| grab(&text, label).and_then(|v| millis(&v));
    json!({
        "connections": connections,
        "requestsPerSecond": grab(&text, "Requests/sec:").and_then(|v| v.parse::<f64>().ok()),
        "latencyMs": { "p50": ms("50%"), "p75": ms("75%"), "p90": ms("90%"), "p99": ms("99%") },
    })
}

/// wrk's `1.23ms`, `456.78us`, `1.20s` as milliseconds.
fn millis(v: &str) -> Option<f64> {
    let (number, factor) = if let Some(n) = v.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| (n * factor * 1000.0).round() / 1000.0)
}

/// The rest of the line after `label`, trimmed.
fn grab(text: &str, label: &str) -> Option<String> {
    text.lines().find_map(|l| l.trim().strip_prefix(label).map(|rest| rest.trim().to_owned()))
}

fn lua_list(items: &[String]) -> String {
    items.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(",")
}

fn kelly_body() -> String {
    serde_json::to_string(&kelly()).expect("json").replace('\\', "\\\\").replace('"', "\\\"")
}

/// GETs of these paths, in turn at random.
fn get(token: &str, paths: &[String]) -> String {
    format!(
        r#"local paths = {{{paths}}}
local auth = "Bearer {token}"
math.randomseed(7)
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {{["Authorization"] = auth}})
end
"#,
        paths = lua_list(paths),
    )
}

fn creates(token: &str) -> String {
    format!(
        r#"local auth = "Bearer {token}"
local body = "{body}"
request = function()
  return wrk.format("POST", "/api/assets", {{["Authorization"] = auth, ["Content-Type"] = "application/json"}}, body)
end
"#,
        body = kelly_body(),
    )
}

/// The edit page's save: new words for one of the assets, at random (each an edit, with its
/// history entry).
fn edits(token: &str, names: &[String]) -> String {
    format!(
        r#"local names = {{{names}}}
local auth = "Bearer {token}"
math.randomseed(7)
local n = 0
request = function()
  n = n + 1
  local body = '{{"creatorDescription": "Kelly wears look number ' .. n .. '", "tags": ["kelly", "edited"]}}'
  return wrk.format("PATCH", "/api/assets/" .. names[math.random(#names)], {{["Authorization"] = auth, ["Content-Type"] = "application/json"}}, body)
end
"#,
        names = lua_list(names),
    )
}

fn mixed(token: &str, names: &[String]) -> String {
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
    return wrk.format("GET", "{search}", {{["Authorization"] = auth}})
  else
    return wrk.format("POST", "/api/assets", {{["Authorization"] = auth, ["Content-Type"] = "application/json"}}, body)
  end
end
"#,
        names = lua_list(names),
        body = kelly_body(),
        search = SEARCH,
    )
}
