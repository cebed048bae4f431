//! A request for new album art (`POST /api/assets/{key}/album-art`), parsed at the edge.

use crate::asset::{ArtSource, Choice, web_url};
use crate::error::{Collector, ErrorCode, FieldError, Invalid};
use crate::parse::present;
use crate::upload::Upload;
use serde_json::{Map, Value};

/// Where the new art comes from.
#[derive(Debug)]
pub enum ArtRequest {
    /// An image the creator uploaded (its bytes are checked where it is stored).
    Upload(Upload),
    /// An image to fetch: `sourceUrl` (or `url`), and `source` where the client says whose it is
    /// (else the URL's host says).
    Url { url: String, source: ArtSource },
}

impl ArtRequest {
    /// The form's or JSON body's fields, and the form's one file if it sent one (which wins).
    pub fn parse(body: &Map<String, Value>, upload: Option<Upload>) -> Result<Self, Invalid> {
        if let Some(file) = upload {
            return Ok(Self::Upload(file));
        }
        let mut c = Collector::default();
        let url = match present(body, "sourceUrl").or_else(|| present(body, "url")) {
            Some(v) => c.take(web_url(v, "sourceUrl")),
            None => {
                c.push(FieldError::new("sourceUrl", ErrorCode::Required, "send a sourceUrl or an image file"));
                None
            }
        };
        let source = present(body, "source").and_then(|v| c.take(ArtSource::parse(v, "source")));
        c.finish()?;
        let url = url.ok_or_else(|| FieldError::required("sourceUrl"))?;
        Ok(Self::Url { source: source.unwrap_or_else(|| ArtSource::of_url(&url)), url })
    }
}
