//! Fetching an image from a URL someone gave us, and nothing else.
//!
//! Every URL, the first and each redirect, must be https (unless configured otherwise), name an
//! allowed host, and not be an address literal in a refused range. Host names are resolved by
//! [`Guarded`], inside the HTTP client: only public addresses come back, so the address checked
//! is the address connected to (no rebinding between check and connect). Redirects stop at three;
//! connecting and the whole exchange are timed; the body is refused when `Content-Length` says it
//! is too large, and cut off when it grows past the cap regardless of what was declared.

use crate::address::refusal;
use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use nna_album_art::{Failure, ImageSource};
use nna_domain::ports::{Download, DownloadFailure, RemoteFiles};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use url::{Host, Url};

/// Album art fetched from the web: at most this large (`NNA_ART_MAX_BYTES`), within these times
/// (`NNA_ART_TIMEOUT_MS`, `NNA_ART_CONNECT_TIMEOUT_MS`).
const ART_FETCH_BYTES_DEFAULT: u64 = 20 * 1024 * 1024;
const ART_FETCH_TIMEOUT_DEFAULT: Duration = Duration::from_secs(10);
const ART_CONNECT_TIMEOUT_DEFAULT: Duration = Duration::from_secs(3);

/// What the fetcher allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPolicy {
    pub https_only: bool,
    /// Allowed hosts: exact names, or `.example.org` for any name under it. `None`: any host.
    pub allowed_hosts: Option<Vec<String>>,
    /// Names allowed to be loopback. Tests only: production leaves this empty.
    pub loopback_names: Vec<String>,
    pub max_bytes: u64,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub max_redirects: usize,
}

impl Default for FetchPolicy {
    /// Any `https` host whose resolved addresses are public: creators point at art wherever it
    /// is. Every other guard holds (addresses checked at connect, each redirect re-checked, size
    /// and time limits); `allowed_hosts` narrows it for deployments that want a list.
    fn default() -> Self {
        Self {
            https_only: true,
            allowed_hosts: None,
            loopback_names: Vec::new(),
            max_bytes: ART_FETCH_BYTES_DEFAULT,
            connect_timeout: ART_CONNECT_TIMEOUT_DEFAULT,
            timeout: ART_FETCH_TIMEOUT_DEFAULT,
            max_redirects: 3,
        }
    }
}

impl FetchPolicy {
    /// Only these hosts: exact names, `.example.org` for any name under it; `*` (or nothing) for
    /// any public host.
    pub fn restricted_to(mut self, hosts: &str) -> Self {
        let list: Vec<String> =
            hosts.split(',').map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()).collect();
        self.allowed_hosts = (!list.is_empty() && !list.iter().any(|h| h == "*")).then_some(list);
        self
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.allowed_hosts.as_ref().is_none_or(|list| {
            list.iter().any(|rule| match rule.strip_prefix('.') {
                Some(domain) => host.ends_with(&format!(".{domain}")),
                None => host == *rule,
            })
        })
    }

    fn loopback_allowed(&self, host: &str) -> bool {
        self.loopback_names.iter().any(|n| n.eq_ignore_ascii_case(host))
    }

    /// The checks a URL must pass before any connection, first hop or redirect.
    pub fn check(&self, url: &Url) -> Result<(), Failure> {
        match url.scheme() {
            "https" => {}
            "http" if !self.https_only => {}
            other => return Err(Failure::permanent("scheme_refused", format!("{other}: URLs are refused; use https"))),
        }
        let host = url.host().ok_or_else(|| Failure::permanent("invalid_url", "the URL has no host"))?;
        let name = url.host_str().unwrap_or_default();
        let literal: Option<IpAddr> = match host {
            Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
            Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
            Host::Domain(_) => None,
        };
        if let Some(ip) = literal
            && let Some(why) = refusal(ip)
            && !(ip.is_loopback() && self.loopback_allowed(name))
        {
            return Err(Failure::permanent("blocked_address", format!("{ip} is a {why} address")));
        }
        if !self.host_allowed(name) {
            return Err(Failure::permanent("host_not_allowed", format!("{name} is not an allowed image host")));
        }
        Ok(())
    }
}

/// Turns host names into addresses. The system's resolver in production; tests inject answers.
#[async_trait]
pub trait NameResolver: Send + Sync {
    async fn resolve(&self, host: &str) -> std::io::Result<Vec<IpAddr>>;
}

pub struct SystemResolver;

#[async_trait]
impl NameResolver for SystemResolver {
    async fn resolve(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        Ok(tokio::net::lookup_host((host, 0)).await?.map(|a| a.ip()).collect())
    }
}

/// Why a connection was refused; found again in reqwest's error chain to report it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(Failure);

/// The client's resolver: hands back only addresses the server may connect to.
pub struct Guarded {
    inner: Arc<dyn NameResolver>,
    loopback_names: Vec<String>,
}

impl Guarded {
    pub fn new(inner: Arc<dyn NameResolver>, loopback_names: Vec<String>) -> Self {
        Self { inner, loopback_names }
    }
}

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let (inner, host) = (self.inner.clone(), name.as_str().to_owned());
        let loopback_ok = self.loopback_names.iter().any(|n| n.eq_ignore_ascii_case(&host));
        Box::pin(async move {
            let found = inner.resolve(&host).await?;
            let mut reasons = Vec::new();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|ip| match refusal(*ip) {
                    None => true,
                    Some(_) if ip.is_loopback() && loopback_ok => true,
                    Some(why) => {
                        reasons.push(format!("{ip} ({why})"));
                        false
                    }
                })
                .map(|ip| SocketAddr::new(ip, 0))
                .collect();
            if allowed.is_empty() {
                let detail = format!("{host} resolves only to refused addresses: {}", reasons.join(", "));
                return Err(Box::new(Refused(Failure::permanent("blocked_address", detail)))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

pub struct GuardedFetcher {
    client: reqwest::Client,
    policy: FetchPolicy,
}

impl GuardedFetcher {
    pub fn new(policy: FetchPolicy, resolver: Arc<dyn NameResolver>) -> Result<Self, reqwest::Error> {
        let for_redirects = policy.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > for_redirects.max_redirects {
                return attempt.error(Refused(Failure::permanent("too_many_redirects", "more than three redirects")));
            }
            match for_redirects.check(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(f) => attempt.error(Refused(f)),
            }
        });
        let client = reqwest::Client::builder()
            .no_proxy()
            .dns_resolver(Guarded::new(resolver, policy.loopback_names.clone()))
            .redirect(redirects)
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.timeout)
            .https_only(policy.https_only)
            .user_agent(concat!("nna-registry/", env!("CARGO_PKG_VERSION"), " (album art)"))
            .build()?;
        Ok(Self { client, policy })
    }
}

/// What reqwest reports, as a failure: our own refusals first, then timeouts and the like.
fn failure(e: &reqwest::Error) -> Failure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(Refused(f)) = err.downcast_ref::<Refused>() {
            return f.clone();
        }
        source = err.source();
    }
    if e.is_timeout() {
        Failure::transient("timeout", e.to_string())
    } else if e.is_connect() {
        Failure::transient("connect_failed", e.to_string())
    } else if e.is_redirect() {
        Failure::permanent("too_many_redirects", e.to_string())
    } else {
        Failure::transient("fetch_failed", e.to_string())
    }
}

#[async_trait]
impl ImageSource for GuardedFetcher {
    async fn fetch(&self, url: &str) -> Result<Bytes, Failure> {
        Ok(self.get(url).await?.1)
    }
}

/// The old backend's bucket, for the cutover: the same guards, and what the host said of the
/// file (its type, length and `x-goog-hash` checksums).
#[async_trait]
impl RemoteFiles for GuardedFetcher {
    async fn download(&self, url: &str) -> Result<Download, DownloadFailure> {
        let (headers, bytes) = self.get(url).await.map_err(|f| DownloadFailure {
            code: f.code().to_owned(),
            detail: f.detail().to_owned(),
            transient: f.is_transient(),
        })?;
        let header = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let hash = |kind: &str| {
            headers
                .get_all("x-goog-hash")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|part| part.trim().split_once('='))
                .find(|(k, _)| k.eq_ignore_ascii_case(kind))
                .map(|(_, v)| v.to_owned())
        };
        Ok(Download {
            content_type: header(header::CONTENT_TYPE),
            content_length: header(header::CONTENT_LENGTH).and_then(|n| n.parse().ok()),
            md5: hash("md5"),
            crc32c: hash("crc32c"),
            bytes,
        })
    }
}

impl GuardedFetcher {
    /// One guarded GET: the answer's headers and its body, within the policy's bounds.
    async fn get(&self, url: &str) -> Result<(reqwest::header::HeaderMap, Bytes), Failure> {
        let url = Url::parse(url).map_err(|e| Failure::permanent("invalid_url", e.to_string()))?;
        self.policy.check(&url)?;
        let mut response = self.client.get(url).send().await.map_err(|e| failure(&e))?;
        let status = response.status();
        if !status.is_success() {
            let detail = format!("the image host answered {status}");
            return Err(match status.as_u16() {
                // A redirect the client would not follow (to another scheme, say).
                300..=399 => Failure::permanent("redirect_refused", detail),
                429 => Failure::transient("throttled", detail),
                500..=599 => Failure::transient("server_error", detail),
                404 | 410 => Failure::permanent("not_found", detail),
                _ => Failure::permanent("http_error", detail),
            });
        }
        let headers = response.headers().clone();
        let cap = self.policy.max_bytes;
        let too_large = |n: u64| Failure::permanent("too_large", format!("more than {cap} bytes (at least {n})"));
        if let Some(declared) = response.content_length().filter(|n| *n > cap) {
            return Err(too_large(declared));
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| failure(&e))? {
            if (body.len() + chunk.len()) as u64 > cap {
                return Err(too_large((body.len() + chunk.len()) as u64));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((headers, body.freeze()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_default_takes_any_public_https_host() {
        let p = FetchPolicy::default();
        for ok in [
            "https://is3-ssl.mzstatic.com/image/thumb/a/600x600bb.jpg",
            "https://coverartarchive.org/release/x/front",
            "https://images.example.co.uk/art/cover.jpg",
            "https://cdn.somewhere.dev/a.png",
        ] {
            assert!(p.check(&url(ok)).is_ok(), "{ok}");
        }
        for (bad, code) in [
            ("http://images.example.co.uk/a.jpg", "scheme_refused"),
            ("file:///etc/passwd", "scheme_refused"),
            ("ftp://is1-ssl.mzstatic.com/a.jpg", "scheme_refused"),
            ("https://127.0.0.1/a.jpg", "blocked_address"),
            ("https://[::ffff:127.0.0.1]/a.jpg", "blocked_address"),
            ("https://169.254.169.254/latest/meta-data", "blocked_address"),
            ("https://[::1]/a.jpg", "blocked_address"),
            ("https://2130706433/a.jpg", "blocked_address"),
            ("https://10.0.0.8/a.jpg", "blocked_address"),
        ] {
            assert_eq!(p.check(&url(bad)).unwrap_err().code(), code, "{bad}");
        }
    }

    #[test]
    fn a_list_restricts_it() {
        let p = FetchPolicy::default().restricted_to("is1-ssl.mzstatic.com, .archive.org");
        assert!(p.check(&url("https://is1-ssl.mzstatic.com/a.jpg")).is_ok());
        assert!(p.check(&url("https://ia800.us.archive.org/x/y.jpg")).is_ok());
        for bad in [
            "https://evil.example/a.jpg",
            "https://is1-ssl.mzstatic.com.evil.example/a.jpg",
            "https://notarchive.org/a.jpg",
        ] {
            assert_eq!(p.check(&url(bad)).unwrap_err().code(), "host_not_allowed", "{bad}");
        }
        assert_eq!(FetchPolicy::default().restricted_to("*").allowed_hosts, None);
        assert_eq!(FetchPolicy::default().restricted_to(" , ").allowed_hosts, None);
    }
}
