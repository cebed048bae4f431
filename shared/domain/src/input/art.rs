//! A request for new album art (`POST /api/assets/{key}/album-art`), parsed at the edge.

use super::ArtFields;
use crate::asset::{ArtSource, Choice, web_url};
use crate::error::{Collector, ErrorCode, FieldError, Invalid};
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
        let sent = ArtFields::read(body);
        let mut c = Collector::default();
        let url = match sent.source_url.as_ref().or(sent.url.as_ref()) {
            Some(v) => c.take(web_url(v, "sourceUrl")),
            None => {
                c.push(FieldError::new("sourceUrl", ErrorCode::Required, "send a sourceUrl or an image file"));
                None
            }
        };
        let source = sent.source.as_ref().and_then(|v| c.take(ArtSource::parse(v, "source")));
        c.finish()?;
        let url = url.ok_or_else(|| FieldError::required("sourceUrl"))?;
        Ok(Self::Url { source: source.unwrap_or_else(|| ArtSource::of_url(&url)), url })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: serde_json::Value) -> Result<ArtRequest, Invalid> {
        ArtRequest::parse(body.as_object().unwrap(), None)
    }

    #[test]
    fn a_url_with_its_source_or_the_hosts() {
        let Ok(ArtRequest::Url { url, source }) = parse(json!({"sourceUrl": " https://is1-ssl.mzstatic.com/a.jpg "}))
        else {
            panic!("a URL")
        };
        assert_eq!((url.as_str(), source), ("https://is1-ssl.mzstatic.com/a.jpg", ArtSource::ITunes));
        let Ok(ArtRequest::Url { source, .. }) = parse(json!({"url": "https://a.io/x.jpg", "source": "ai-generated"}))
        else {
            panic!("a URL")
        };
        assert_eq!(source, ArtSource::AiGenerated);
    }

    #[test]
    fn every_fault_at_once_each_by_its_own_name() {
        let fields =
            |body| parse(body).unwrap_err().errors().iter().map(|e| (e.field.clone(), e.code)).collect::<Vec<_>>();
        assert_eq!(
            fields(json!({"sourceUrl": "javascript:alert(1)", "source": "Spotify"})),
            [("sourceUrl".to_owned(), ErrorCode::InvalidUrl), ("source".to_owned(), ErrorCode::InvalidChoice)]
        );
        assert_eq!(fields(json!({})), [("sourceUrl".to_owned(), ErrorCode::Required)]);
    }
}
