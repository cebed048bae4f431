//! Versions and caching: every asset response carries its `ETag`; `If-Match` makes a write
//! conditional (412 when the asset moved on), `If-None-Match` makes a read cheap (304).
//! Cache-Control is set per route: responses are per user (tokens), so nothing is `public` but
//! the taxonomy, and an asset is always revalidated.

use crate::answers::Fresh;
use axum::http::{HeaderMap, HeaderValue, header};
use nna_domain::Asset;
use nna_domain::asset::Version;

/// An asset: any cache must ask again, with its `ETag`, before using a stored copy.
pub const ASSET: HeaderValue = HeaderValue::from_static("private, no-cache");
/// The taxonomy changes with a release, not with use.
pub const TAXONOMY: HeaderValue = HeaderValue::from_static("public, max-age=300");
/// Everything else: lists, writes, accounts, errors.
pub const NEVER: HeaderValue = HeaderValue::from_static("no-store");

/// The strong entity tag of a version, quotes included: `"<id>.<revision>"`.
fn etag(version: &Version) -> String {
    format!("\"{}.{}\"", version.id, version.revision)
}

/// The versions an `If-Match` / `If-None-Match` header lists; `None` for `*` (any version). Weak
/// tags (`W/"…"`) and tags that are not ours are left out: they match nothing.
fn listed(header: &str, weak_ok: bool) -> Option<Vec<Version>> {
    if header.trim() == "*" {
        return None;
    }
    Some(
        header
            .split(',')
            .map(str::trim)
            .filter_map(|tag| match tag.strip_prefix("W/") {
                Some(weak) if weak_ok => Some(weak),
                Some(_) => None,
                None => Some(tag),
            })
            .filter_map(|tag| tag.strip_prefix('"')?.strip_suffix('"'))
            .filter_map(|inner| {
                let (id, revision) = inner.rsplit_once('.')?;
                Some(Version { id: id.to_owned(), revision: revision.parse().ok()? })
            })
            .collect(),
    )
}

/// The versions an `If-Match` lists; `None` when absent or `*`.
pub fn if_match(headers: &HeaderMap) -> Option<Vec<Version>> {
    match headers.get(header::IF_MATCH)?.to_str() {
        Ok(v) => listed(v, false),
        // A header that is not text matches nothing.
        Err(_) => Some(Vec::new()),
    }
}

/// Whether the client's copy (`If-None-Match`, weak comparison) is this version.
fn unchanged(headers: &HeaderMap, asset: &Asset) -> bool {
    let Some(value) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else { return false };
    match listed(value, true) {
        None => true,
        Some(listed) => Version::matches(asset, &listed),
    }
}

/// An asset answer's version and caching rule.
pub fn version(headers: &mut HeaderMap, asset: &Asset) {
    if let Ok(tag) = HeaderValue::from_str(&etag(&Version::of(asset))) {
        headers.insert(header::ETAG, tag);
    }
    headers.insert(header::CACHE_CONTROL, ASSET);
}

/// A `304` for the asset, when the client's copy is its current version.
pub fn fresh<T>(headers: &HeaderMap, asset: &Asset) -> Option<Fresh<T>> {
    unchanged(headers, asset).then(|| {
        let mut stamped = HeaderMap::new();
        version(&mut stamped, asset);
        Fresh::Unchanged(stamped)
    })
}

/// The versions a write's `If-Match` lists (`None`: absent or `*`).
pub struct IfMatch(pub Option<Vec<Version>>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IfMatch {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(if_match(&parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_strong_tags_and_star() {
        let v = |id: &str, revision| Version { id: id.into(), revision };
        assert_eq!(listed("*", false), None);
        assert_eq!(listed(r#""a.3", W/"b.4", "junk""#, false), Some(vec![v("a", 3)]));
        assert_eq!(listed(r#"W/"b.4""#, true), Some(vec![v("b", 4)]));
        assert_eq!(etag(&v("x", 7)), r#""x.7""#);
    }
}
