//! How `albumArt` is answered. The request's object is the model; today's frontend renders
//! `asset.albumArt` as an image URL, so a deployment can answer it as that one URL during the
//! transition (`NNA_ALBUM_ART_SHAPE=url`), with the object beside it as `albumArtDetails`. A
//! client names the shape it reads with `Prefer: album-art=object` (or `=url`), whatever the
//! setting; the answer says which it got in `Preference-Applied`.

use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use std::convert::Infallible;
use utoipa::openapi::Type;
use utoipa::openapi::path::{Parameter, ParameterIn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArtShape {
    /// `albumArt` is the request's object (`{sourceUrl, status, variants, …}`).
    #[default]
    Object,
    /// `albumArt` is one image URL; the object is `albumArtDetails`.
    Url,
}

/// The request header that picks a shape.
pub const PREFER: HeaderName = HeaderName::from_static("prefer");
const APPLIED: HeaderName = HeaderName::from_static("preference-applied");

impl ArtShape {
    /// `NNA_ALBUM_ART_SHAPE`: `object` (default) or `url`.
    pub fn from_setting(value: Option<&str>) -> Result<Self, String> {
        match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            None | Some("" | "object") => Ok(Self::Object),
            Some("url") => Ok(Self::Url),
            Some(other) => Err(format!("NNA_ALBUM_ART_SHAPE is {other:?}; use object or url")),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Object => "object",
            Self::Url => "url",
        }
    }

    /// `Prefer: album-art=object` (RFC 7240; other preferences in the same header are ignored).
    fn preferred(headers: &HeaderMap) -> Option<Self> {
        headers
            .get_all(PREFER)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split([',', ';']))
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("album-art"))
            .and_then(|(_, v)| match v.trim().trim_matches('"').to_ascii_lowercase().as_str() {
                "object" => Some(Self::Object),
                "url" => Some(Self::Url),
                _ => None,
            })
    }
}

/// The shape this request's answer takes, and whether the client asked for it.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub art: ArtShape,
    pub requested: bool,
}

impl Shape {
    /// Marks an asset answer: which shape it has when the client asked, and that it depends on
    /// `Prefer` (for caches).
    pub fn stamp(self, headers: &mut HeaderMap) {
        headers.append(header::VARY, HeaderValue::from_static("Prefer"));
        if self.requested
            && let Ok(v) = HeaderValue::from_str(&format!("album-art={}", self.art.label()))
        {
            headers.insert(APPLIED, v);
        }
    }
}

impl utoipa::IntoParams for Shape {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let about = "`album-art=object` (the object) or `album-art=url` (one image URL, the object as \
                     `albumArtDetails`), whatever the deployment's default; `Preference-Applied` says which";
        vec![crate::params::described("Prefer", ParameterIn::Header, Type::String, about)]
    }
}

impl FromRequestParts<AppState> for Shape {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(match ArtShape::preferred(&parts.headers) {
            Some(art) => Self { art, requested: true },
            None => Self { art: state.http.art_shape, requested: false },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_and_preferences() {
        assert_eq!(ArtShape::from_setting(None), Ok(ArtShape::Object));
        assert_eq!(ArtShape::from_setting(Some(" URL ")), Ok(ArtShape::Url));
        assert!(ArtShape::from_setting(Some("both")).is_err());
        let mut h = HeaderMap::new();
        assert_eq!(ArtShape::preferred(&h), None);
        h.insert(PREFER, HeaderValue::from_static("return=minimal, album-art=\"object\""));
        assert_eq!(ArtShape::preferred(&h), Some(ArtShape::Object));
        h.insert(PREFER, HeaderValue::from_static("album-art=url"));
        assert_eq!(ArtShape::preferred(&h), Some(ArtShape::Url));
        h.insert(PREFER, HeaderValue::from_static("album-art=sideways"));
        assert_eq!(ArtShape::preferred(&h), None);
    }
}
