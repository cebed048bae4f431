//! Album art for songs (the seed's `albumArt`), plus what the processing pipeline adds: per-size
//! variants and a status.

use super::web_url::web_url;
use crate::error::{ErrorCode, FieldError, Invalid};
use crate::limits::{ART_VARIANTS, IMAGE_BYTES_MAX, IMAGE_SIDE_MAX, SHORT_LABEL_CHARS};
use crate::parse::{self, Fields, join, present};
use crate::time::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArtSource {
    #[default]
    ITunes,
    Manual,
    AiGenerated,
    MusicBrainz,
}

impl ArtSource {
    /// iTunes' artwork hosts (`is1-ssl.mzstatic.com` …) are iTunes, the Cover Art Archive is
    /// MusicBrainz; any other URL a person typed is `Manual`.
    pub fn of_url(url: &str) -> Self {
        let host = url::Url::parse(url.trim()).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        match host.as_deref() {
            Some(h) if h == "mzstatic.com" || h.ends_with(".mzstatic.com") => Self::ITunes,
            Some(h)
                if h == "coverartarchive.org" || h.ends_with(".coverartarchive.org") || h.ends_with(".archive.org") =>
            {
                Self::MusicBrainz
            }
            _ => Self::Manual,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArtQuality {
    High,
    #[default]
    Medium,
    Low,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtStatus {
    Pending,
    Ready,
    Failed,
}

/// A fixed vocabulary with one spelling out and lenient spellings in: `ai generated`, `AI-Generated`.
pub(crate) trait Choice: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn label(self) -> &'static str;

    fn from_label(s: &str) -> Option<Self> {
        let squash =
            |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
        let want = squash(s);
        Self::ALL.iter().copied().find(|c| squash(c.label()) == want)
    }

    fn parse(v: &Value, field: &str) -> Result<Self, FieldError> {
        let s = parse::as_str(v, field)?;
        Self::from_label(s)
            .ok_or_else(|| FieldError::choice(field, &Self::ALL.iter().map(|c| c.label()).collect::<Vec<_>>()))
    }
}

macro_rules! choice {
    ($t:ty { $($variant:ident => $label:literal),+ $(,)? }) => {
        impl Choice for $t {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }
        }
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.label())
            }
        }
        impl $t {
            pub fn as_str(self) -> &'static str {
                self.label()
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $t {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::openapi::choice(&[$($label),+])
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $t {}
    };
}

choice!(ArtSource { ITunes => "iTunes", Manual => "Manual", AiGenerated => "AI Generated", MusicBrainz => "MusicBrainz" });
choice!(ArtQuality { High => "High", Medium => "Medium", Low => "Low" });
choice!(ArtStatus { Pending => "pending", Ready => "ready", Failed => "failed" });
choice!(ArtState { None => "none", Pending => "pending", Ready => "ready", Failed => "failed" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

/// One stored rendition: `150x150`, `500x500` or `original`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ArtVariant {
    pub name: String,
    pub url: String,
    pub content_type: String,
    pub size: u64,
    pub dimensions: Dimensions,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AlbumArt {
    pub url: Option<String>,
    pub source_url: Option<String>,
    pub source: ArtSource,
    pub quality: ArtQuality,
    pub uploaded_at: Option<Timestamp>,
    pub content_type: Option<String>,
    pub size: Option<u64>,
    pub dimensions: Option<Dimensions>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<ArtVariant>,
    pub status: Option<ArtStatus>,
    /// Why processing failed, as a code (`not_an_image`, `blocked_address`, …).
    pub failure: Option<String>,
    /// When the pipeline last finished with this art, made or given up on: what the album-art
    /// success rate over a window counts by.
    pub settled_at: Option<Timestamp>,
}

/// Who is speaking: clients may not set what only the pipeline knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    Client,
    Stored,
}

impl AlbumArt {
    /// A bare URL (what the frontend sends) or the seed's object. Blank strings mean "none".
    pub fn from_input(v: &Value, field: &str) -> Result<Option<Self>, Invalid> {
        match v {
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) if s.trim_start().starts_with('{') => {
                let obj = parse::object_or_json_text(v, field)?;
                Self::from_object(&obj, field, Provenance::Client).map(Some)
            }
            Value::String(_) => Ok(Some(Self::from_source_url(web_url(v, &join(field, "sourceUrl"))?))),
            Value::Object(obj) => Self::from_object(obj, field, Provenance::Client).map(Some),
            other => Err(parse::wrong_type(field, "a URL or an object", other).into()),
        }
    }

    /// Art nobody supplied yet, which the pipeline will look up.
    pub fn pending_lookup() -> Self {
        Self { source_url: None, status: Some(ArtStatus::Pending), ..Self::from_source_url(String::new()) }
    }

    /// Art from a URL, labelled by where the URL points (`Manual` unless a catalogue serves it).
    pub fn from_source_url(source_url: String) -> Self {
        Self { source: ArtSource::of_url(&source_url), source_url: Some(source_url), ..Self::default() }
    }

    pub fn from_object(obj: &Map<String, Value>, field: &str, origin: Provenance) -> Result<Self, Invalid> {
        let mut f = Fields::of(obj, field);
        let url = f.take("url", web_url);
        let source_url = f.take("sourceUrl", web_url);
        // Only art the pipeline is still looking for may have no address yet.
        let awaiting_lookup = origin == Provenance::Stored && f.get("status").and_then(Value::as_str) != Some("ready");
        if url.is_none() && source_url.is_none() && f.refused.is_empty() && !awaiting_lookup {
            let message = format!("{field} needs a sourceUrl or a url");
            f.refused.push(FieldError::new(join(field, "sourceUrl"), ErrorCode::Required, message));
        }
        let source = f.take("source", ArtSource::parse);
        let quality = f.take("quality", ArtQuality::parse);
        let uploaded_at = f.take("uploadedAt", timestamp);
        let content_type = f.take("contentType", image_type);
        let size = f.take("size", |v, at| parse::count_up_to(v, at, IMAGE_BYTES_MAX));
        let dimensions = f.take("dimensions", dimensions);
        let (mut variants, mut status, mut failure, mut settled_at) = (Vec::new(), None, None, None);
        if origin == Provenance::Stored {
            settled_at = f.take("settledAt", timestamp);
            variants = f.take("variants", variant_list).unwrap_or_default();
            status = f.take("status", ArtStatus::parse);
            failure = f.take("failure", |v, at| parse::text(v, at, SHORT_LABEL_CHARS));
        }
        f.finish()?;
        let labelled_by_url = source_url.as_deref().or(url.as_deref()).map(ArtSource::of_url);
        Ok(Self {
            url,
            source_url,
            source: source.or(labelled_by_url).unwrap_or_default(),
            quality: quality.unwrap_or_default(),
            uploaded_at,
            content_type,
            size,
            dimensions,
            variants,
            status,
            failure,
            settled_at,
        })
    }
}

pub(super) fn timestamp(v: &Value, field: &str) -> Result<Timestamp, FieldError> {
    let s = parse::as_str(v, field)?;
    Timestamp::parse(s).ok_or_else(|| {
        FieldError::new(field, ErrorCode::InvalidFormat, format!("{field} must be an ISO 8601 date-time"))
    })
}

fn image_type(v: &Value, field: &str) -> Result<String, FieldError> {
    const TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];
    let s = parse::as_str(v, field)?.trim().to_ascii_lowercase();
    let s = if s == "image/jpg" { "image/jpeg".to_owned() } else { s };
    if TYPES.contains(&s.as_str()) { Ok(s) } else { Err(FieldError::choice(field, &TYPES)) }
}

fn dimensions(v: &Value, field: &str) -> Result<Dimensions, FieldError> {
    let obj = parse::as_object(v, field)?;
    let side = |k: &str| -> Result<u32, FieldError> {
        let f = join(field, k);
        let v = present(obj, k).ok_or_else(|| FieldError::required(&f))?;
        let n = parse::count_up_to(v, &f, IMAGE_SIDE_MAX)?;
        if n == 0 {
            return Err(FieldError::new(&f, ErrorCode::OutOfRange, format!("{f} must be at least 1")));
        }
        u32::try_from(n).map_err(|_| FieldError::new(&f, ErrorCode::OutOfRange, format!("{f} is too large")))
    };
    Ok(Dimensions { width: side("width")?, height: side("height")? })
}

fn variant_list(v: &Value, field: &str) -> Result<Vec<ArtVariant>, FieldError> {
    let Value::Array(items) = v else { return Err(parse::wrong_type(field, "an array", v)) };
    if items.len() > ART_VARIANTS {
        return Err(FieldError::new(
            field,
            ErrorCode::TooManyItems,
            format!("{field} has more than {ART_VARIANTS} entries"),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let f = format!("{field}[{i}]");
            let obj = parse::as_object(item, &f)?;
            let need = |k: &str| present(obj, k).ok_or_else(|| FieldError::required(join(&f, k)));
            Ok(ArtVariant {
                name: parse::text(need("name")?, &join(&f, "name"), SHORT_LABEL_CHARS)?,
                url: web_url(need("url")?, &join(&f, "url"))?,
                content_type: image_type(need("contentType")?, &join(&f, "contentType"))?,
                size: parse::count_up_to(need("size")?, &join(&f, "size"), IMAGE_BYTES_MAX)?,
                dimensions: dimensions(need("dimensions")?, &join(&f, "dimensions"))?,
            })
        })
        .collect()
}

/// What an asset's `albumArt` holds: our object, or the bare URL string some staging items carry.
/// The legacy form is served as stored until the migration rewrites it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum AlbumArtField {
    Art(AlbumArt),
    LegacyUrl(String),
}

impl AlbumArtField {
    pub fn art(&self) -> Option<&AlbumArt> {
        match self {
            Self::Art(a) => Some(a),
            Self::LegacyUrl(_) => None,
        }
    }
}

/// Where a song's art stands for the people looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArtState {
    /// No art at all.
    None,
    Pending,
    /// Processed, or an image URL kept as sent (processing off, legacy bare URLs): a user sees it.
    Ready,
    Failed,
}

impl ArtState {
    pub fn of(field: Option<&AlbumArtField>) -> Self {
        match field {
            None => Self::None,
            Some(AlbumArtField::LegacyUrl(_)) => Self::Ready,
            Some(AlbumArtField::Art(a)) => match a.status {
                Some(ArtStatus::Pending) => Self::Pending,
                Some(ArtStatus::Failed) => Self::Failed,
                Some(ArtStatus::Ready) => Self::Ready,
                None if a.url.is_some() || a.source_url.is_some() => Self::Ready,
                None => Self::None,
            },
        }
    }
}

impl AlbumArtField {
    /// The one image URL a client that reads `albumArt` as a string can show: the 500×500
    /// rendition once processed, else what was sent.
    pub fn display_url(&self) -> Option<&str> {
        match self {
            Self::LegacyUrl(url) => Some(url.as_str()).filter(|u| !u.trim().is_empty()),
            Self::Art(a) => a
                .variant("500x500")
                .filter(|_| a.status == Some(ArtStatus::Ready))
                .or(a.url.as_deref())
                .or(a.source_url.as_deref())
                .filter(|u| !u.trim().is_empty()),
        }
    }

    /// Whether `url` is one this art is shown or stored at: what it came from, or one of its files.
    pub fn shows(&self, url: &str) -> bool {
        let url = url.trim();
        match self {
            Self::LegacyUrl(u) => u.trim() == url,
            Self::Art(a) => {
                a.url.as_deref() == Some(url)
                    || a.source_url.as_deref() == Some(url)
                    || a.variants.iter().any(|v| v.url == url)
            }
        }
    }

    /// The 150×150 rendition, once processed: what lists show.
    pub fn thumbnail_url(&self) -> Option<&str> {
        self.art().filter(|a| a.status == Some(ArtStatus::Ready)).and_then(|a| a.variant("150x150"))
    }
}

impl AlbumArt {
    fn variant(&self, name: &str) -> Option<&str> {
        self.variants.iter().find(|v| v.name == name).map(|v| v.url.as_str())
    }
}

impl<'de> Deserialize<'de> for AlbumArtField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Self::LegacyUrl(s)),
            Value::Object(obj) => AlbumArt::from_object(&obj, "albumArt", Provenance::Stored)
                .map(Self::Art)
                .map_err(|e| serde::de::Error::custom(e.to_string())),
            other => Err(serde::de::Error::custom(format!("albumArt is {}", parse::type_name(&other)))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_bare_url_gets_the_seeds_defaults() {
        let art =
            AlbumArt::from_input(&json!("https://is1-ssl.mzstatic.com/x/600x600bb.jpg"), "albumArt").unwrap().unwrap();
        assert_eq!(art.source, ArtSource::ITunes);
        assert_eq!(art.quality, ArtQuality::Medium);
        assert_eq!(art.source_url.as_deref(), Some("https://is1-ssl.mzstatic.com/x/600x600bb.jpg"));
    }

    #[test]
    fn the_seeds_object_with_lenient_spellings() {
        let v = json!({"sourceUrl": "https://a.io/x.jpg", "source": "ai-generated", "quality": "HIGH"});
        let art = AlbumArt::from_input(&v, "albumArt").unwrap().unwrap();
        assert_eq!((art.source, art.quality), (ArtSource::AiGenerated, ArtQuality::High));
        assert_eq!(serde_json::to_value(&art).unwrap()["source"], "AI Generated");
    }

    #[test]
    fn refusals_name_the_field() {
        let cases = [
            (json!({"sourceUrl": "https://a.io/x", "source": "Spotify"}), "albumArt.source", ErrorCode::InvalidChoice),
            (json!({"sourceUrl": "https://a.io/x", "quality": "Ultra"}), "albumArt.quality", ErrorCode::InvalidChoice),
            (json!({"sourceUrl": "file:///etc/passwd"}), "albumArt.sourceUrl", ErrorCode::InvalidUrl),
            (json!({"source": "Manual"}), "albumArt.sourceUrl", ErrorCode::Required),
            (json!({"sourceUrl": "https://a.io/x", "size": -1}), "albumArt.size", ErrorCode::OutOfRange),
            (
                json!({"sourceUrl": "https://a.io/x", "size": IMAGE_BYTES_MAX + 1}),
                "albumArt.size",
                ErrorCode::OutOfRange,
            ),
            (
                json!({"sourceUrl": "https://a.io/x", "contentType": "text/html"}),
                "albumArt.contentType",
                ErrorCode::InvalidChoice,
            ),
            (
                json!({"sourceUrl": "https://a.io/x", "dimensions": {"width": 0, "height": 5}}),
                "albumArt.dimensions.width",
                ErrorCode::OutOfRange,
            ),
            (
                json!({"sourceUrl": "https://a.io/x", "dimensions": {"width": 5, "height": 20_001}}),
                "albumArt.dimensions.height",
                ErrorCode::OutOfRange,
            ),
            (
                json!({"sourceUrl": "https://a.io/x", "uploadedAt": "soon"}),
                "albumArt.uploadedAt",
                ErrorCode::InvalidFormat,
            ),
        ];
        for (input, field, code) in cases {
            let e = AlbumArt::from_input(&input, "albumArt").unwrap_err();
            assert_eq!((e.first().field.as_str(), e.first().code), (field, code), "{input}");
        }
    }

    #[test]
    fn clients_cannot_claim_processing_results() {
        let v = json!({"sourceUrl": "https://a.io/x", "status": "ready", "variants": [{}]});
        let art = AlbumArt::from_input(&v, "albumArt").unwrap().unwrap();
        assert_eq!(art.status, None);
        assert!(art.variants.is_empty());
    }

    #[test]
    fn stored_legacy_strings_round_trip() {
        let f: AlbumArtField = serde_json::from_value(json!("https://x.io/a.jpg")).unwrap();
        assert_eq!(serde_json::to_value(&f).unwrap(), json!("https://x.io/a.jpg"));
        assert!(f.art().is_none());
    }
}

#[cfg(test)]
mod stored_tests {
    use super::*;
    use serde_json::json;

    fn variant(i: usize) -> Value {
        json!({"name": format!("v{i}"), "url": "https://cdn.io/a.jpg", "contentType": "image/jpeg", "size": 10,
               "dimensions": {"width": 150, "height": 150}})
    }

    #[test]
    fn stored_art_keeps_what_the_pipeline_wrote_within_bounds() {
        let ok = json!({"sourceUrl": "https://a.io/x", "status": "ready", "variants": (0..ART_VARIANTS).map(variant).collect::<Vec<_>>()});
        let art = AlbumArt::from_object(ok.as_object().unwrap(), "albumArt", Provenance::Stored).unwrap();
        assert_eq!((art.status, art.variants.len()), (Some(ArtStatus::Ready), ART_VARIANTS));
        let too_many =
            json!({"sourceUrl": "https://a.io/x", "variants": (0..=ART_VARIANTS).map(variant).collect::<Vec<_>>()});
        let e = AlbumArt::from_object(too_many.as_object().unwrap(), "albumArt", Provenance::Stored).unwrap_err();
        assert_eq!(e.first().code, ErrorCode::TooManyItems);
    }
}
