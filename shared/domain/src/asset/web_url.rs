//! Web addresses clients hand us (album art sources, stored file URLs).

use crate::error::{ErrorCode, FieldError};
use crate::limits::URL_CHARS;
use crate::parse;
use serde_json::Value;

/// An absolute `http`/`https` URL with a host, at most 2,048 characters, kept as sent.
pub fn web_url(v: &Value, field: &str) -> Result<String, FieldError> {
    let s = parse::as_str(v, field)?.trim();
    check_web_url(s, field)?;
    Ok(s.to_owned())
}

pub fn check_web_url(s: &str, field: &str) -> Result<(), FieldError> {
    if s.len() > URL_CHARS {
        return Err(FieldError::new(
            field,
            ErrorCode::TooLong,
            format!("{field} is longer than {URL_CHARS} characters"),
        ));
    }
    let bad = || FieldError::new(field, ErrorCode::InvalidUrl, format!("{field} must be an absolute http(s) URL"));
    let url = ::url::Url::parse(s).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_absolute_web_urls() {
        assert!(web_url(&json!("https://is1-ssl.mzstatic.com/a/600x600bb.jpg"), "u").is_ok());
        for bad in ["ftp://x/y", "/relative", "javascript:alert(1)", "https://", "not a url"] {
            assert_eq!(web_url(&json!(bad), "u").unwrap_err().code, ErrorCode::InvalidUrl, "{bad}");
        }
        let long = format!("https://x.io/{}", "a".repeat(URL_CHARS));
        assert_eq!(web_url(&json!(long), "u").unwrap_err().code, ErrorCode::TooLong);
    }
}
