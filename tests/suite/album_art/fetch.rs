//! The guarded fetcher against servers on 127.0.0.1 that misbehave on purpose. Names are answered
//! by an injected resolver, so a hostile answer never becomes a packet: the guard refuses it
//! inside the resolver, before any connection.

use crate::support::art::{ArtWeb, images};
use async_trait::async_trait;
use nna_album_art::ImageSource;
use nna_fetch::{FetchPolicy, Guarded, GuardedFetcher, NameResolver};
use std::collections::HashMap;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Answers from a table; anything else does not exist.
pub struct Answers(pub HashMap<String, Vec<IpAddr>>);

impl Answers {
    pub fn of(pairs: &[(&str, &str)]) -> Arc<Self> {
        let mut table: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for (name, ip) in pairs {
            table.entry((*name).to_owned()).or_default().push(ip.parse().unwrap());
        }
        Arc::new(Self(table))
    }
}

#[async_trait]
impl NameResolver for Answers {
    async fn resolve(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        self.0.get(host).cloned().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, host.to_owned()))
    }
}

/// The default (any public host, every guard), loosened only as the test servers need: plain
/// http on loopback, `art.test` as the one name allowed to be loopback, short timeouts.
pub fn open_policy() -> FetchPolicy {
    let default = FetchPolicy::default();
    assert_eq!(default.allowed_hosts, None, "the SSRF suite runs against the default host rule");
    FetchPolicy {
        https_only: false,
        loopback_names: vec!["art.test".into()],
        connect_timeout: Duration::from_secs(1),
        timeout: Duration::from_secs(2),
        ..default
    }
}

pub fn hostile_names() -> Arc<Answers> {
    Answers::of(&[
        ("art.test", "127.0.0.1"),
        ("private.test", "10.0.0.7"),
        ("metadata.test", "169.254.169.254"),
        ("runtime.test", "169.254.100.1"),
        ("mapped.test", "::ffff:127.0.0.1"),
        ("loopback.test", "127.0.0.1"),
        ("six.test", "::1"),
        ("cgnat.test", "100.64.3.4"),
        ("multicast.test", "239.1.2.3"),
        ("ula.test", "fd00:ec2::254"),
        // One public answer among refused ones is not enough to make the others usable, and the
        // public one is dropped only if it is refused too: all refused here.
        ("mixed.test", "10.1.1.1"),
        ("mixed.test", "::ffff:127.0.0.1"),
    ])
}

fn port(web: &ArtWeb) -> u16 {
    web.base.rsplit(':').next().unwrap().parse().unwrap()
}

async fn fetch(policy: FetchPolicy, url: &str) -> Result<bytes::Bytes, nna_album_art::Failure> {
    GuardedFetcher::new(policy, hostile_names()).unwrap().fetch(url).await
}

#[tokio::test]
async fn the_resolver_hands_back_no_refused_address() {
    let guard = Guarded::new(hostile_names(), vec!["art.test".into()]);
    for name in [
        "private.test",
        "metadata.test",
        "runtime.test",
        "mapped.test",
        "loopback.test",
        "six.test",
        "cgnat.test",
        "multicast.test",
        "ula.test",
        "mixed.test",
    ] {
        let answer = reqwest::dns::Resolve::resolve(&guard, reqwest::dns::Name::from_str(name).unwrap()).await;
        let error = answer.err().unwrap_or_else(|| panic!("{name} resolved to an address we may not use"));
        assert!(error.to_string().contains("blocked_address"), "{name}: {error}");
    }
    let ok = reqwest::dns::Resolve::resolve(&guard, reqwest::dns::Name::from_str("art.test").unwrap()).await.unwrap();
    assert_eq!(ok.map(|a| a.ip().to_string()).collect::<Vec<_>>(), ["127.0.0.1"]);
}

#[tokio::test]
async fn refused_addresses_and_schemes_are_never_contacted() {
    let web = ArtWeb::start().await;
    web.put("a.jpg", images::jpeg(600, 600), "image/jpeg");
    let p = port(&web);
    let cases = [
        (format!("http://loopback.test:{p}/files/a.jpg"), "blocked_address"),
        (format!("http://mapped.test:{p}/files/a.jpg"), "blocked_address"),
        (format!("http://six.test:{p}/files/a.jpg"), "blocked_address"),
        (format!("http://mixed.test:{p}/files/a.jpg"), "blocked_address"),
        (format!("http://127.0.0.1:{p}/files/a.jpg"), "blocked_address"),
        (format!("http://[::ffff:127.0.0.1]:{p}/files/a.jpg"), "blocked_address"),
        (format!("http://[::1]:{p}/files/a.jpg"), "blocked_address"),
        (format!("http://2130706433:{p}/files/a.jpg"), "blocked_address"),
        (format!("http://0x7f.1:{p}/files/a.jpg"), "blocked_address"),
        (format!("http://unknown.test:{p}/files/a.jpg"), "connect_failed"),
        ("file:///etc/passwd".to_owned(), "scheme_refused"),
        ("gopher://art.test/".to_owned(), "scheme_refused"),
        ("not a url".to_owned(), "invalid_url"),
    ];
    for (url, code) in cases {
        let failure = fetch(open_policy(), &url).await.err().unwrap_or_else(|| panic!("{url} was fetched"));
        assert_eq!(failure.code(), code, "{url}: {failure}");
    }
    assert_eq!(web.total_hits(), 0, "a refused address was contacted");
}

#[tokio::test]
async fn the_default_policy_refuses_loopback_private_and_metadata_with_zero_hits() {
    let web = ArtWeb::start().await;
    web.put("a.jpg", images::jpeg(600, 600), "image/jpeg");
    let p = port(&web);
    let mut urls = vec![
        format!("http://127.0.0.1:{p}/files/a.jpg"),
        format!("https://127.0.0.1:{p}/files/a.jpg"),
        format!("http://art.test:{p}/files/a.jpg"),
        format!("https://art.test:{p}/files/a.jpg"),
    ];
    for name in ["private.test", "metadata.test", "mapped.test", "six.test", "cgnat.test", "ula.test", "mixed.test"] {
        urls.push(format!("https://{name}:{p}/files/a.jpg"));
    }
    for url in urls {
        let failure = fetch(FetchPolicy::default(), &url).await.err().unwrap_or_else(|| panic!("{url} fetched"));
        assert!(!failure.is_transient(), "{url}: {failure}");
    }
    assert_eq!(web.total_hits(), 0);
}

#[tokio::test]
async fn redirects_are_checked_hop_by_hop_and_stop_at_three() {
    let web = ArtWeb::start().await;
    web.put("a.jpg", images::jpeg(600, 600), "image/jpeg");
    let p = port(&web);
    let base = format!("http://art.test:{p}");
    assert!(fetch(open_policy(), &format!("{base}/redirect/2/a.jpg")).await.is_ok(), "three hops are fine");
    let failure = fetch(open_policy(), &format!("{base}/redirect/3/a.jpg")).await.unwrap_err();
    assert_eq!(failure.code(), "too_many_redirects", "{failure}");

    let before = web.hits("/files/a.jpg");
    for target in [
        format!("http://127.0.0.1:{p}/files/a.jpg"),
        format!("http://loopback.test:{p}/files/a.jpg"),
        format!("http://mapped.test:{p}/files/a.jpg"),
        format!("http://metadata.test:{p}/latest/meta-data/"),
        "file:///etc/passwd".to_owned(),
    ] {
        let url = format!("{base}/to?url={}", url_escape(&target));
        let failure = fetch(open_policy(), &url).await.unwrap_err();
        assert!(
            ["blocked_address", "scheme_refused", "redirect_refused"].contains(&failure.code()),
            "{target}: {failure}"
        );
    }
    assert_eq!(web.hits("/files/a.jpg"), before, "a redirect reached a refused address");
    // An allow-list holds on every hop too.
    let mut listed = open_policy();
    listed.allowed_hosts = Some(vec!["art.test".into()]);
    let failure =
        fetch(listed, &format!("{base}/to?url={}", url_escape("http://elsewhere.test/a.jpg"))).await.unwrap_err();
    assert_eq!(failure.code(), "host_not_allowed");
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn bodies_are_capped_whatever_the_server_says() {
    let web = ArtWeb::start().await;
    let p = port(&web);
    let mut small = open_policy();
    small.max_bytes = 5 * 1024 * 1024;
    // Declared too large: refused before the body is read.
    let failure = fetch(small.clone(), &format!("http://art.test:{p}/huge")).await.unwrap_err();
    assert_eq!(failure.code(), "too_large", "{failure}");
    // No length declared: cut off once past the cap.
    let failure = fetch(small.clone(), &format!("http://art.test:{p}/endless")).await.unwrap_err();
    assert_eq!(failure.code(), "too_large", "{failure}");
    // A length that lies low: only what was declared is read, and it is no image.
    let lying = web.lying.replace("127.0.0.1", "art.test");
    let body = fetch(small, &format!("{lying}/cover.jpg")).await.unwrap();
    assert_eq!(body.len(), 1000, "read past the declared length");
}

#[tokio::test]
async fn silence_times_out_and_server_errors_are_worth_retrying() {
    let web = ArtWeb::start().await;
    let p = port(&web);
    let silent = web.silent.replace("127.0.0.1", "art.test");
    let started = Instant::now();
    let failure = fetch(open_policy(), &format!("{silent}/cover.jpg")).await.unwrap_err();
    assert_eq!((failure.code(), failure.is_transient()), ("timeout", true), "{failure}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    for (code, expected, transient) in [
        (404, "not_found", false),
        (410, "not_found", false),
        (403, "http_error", false),
        (503, "server_error", true),
        (429, "throttled", true),
    ] {
        let failure = fetch(open_policy(), &format!("http://art.test:{p}/status/{code}")).await.unwrap_err();
        assert_eq!((failure.code(), failure.is_transient()), (expected, transient), "{code}");
    }
}
