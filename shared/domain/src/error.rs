//! Errors the domain reports. The HTTP layer maps these to problem responses in one place
//! (`nna_http::problem`); nothing here knows about status codes.

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// Why a port failed, kept as the error that said so (an SDK's, SQLite's, serde's, or a message
/// where nothing more is known) so that it reaches the log whole. Shared: store errors are cloned
/// into every request a group commit answers.
pub type Cause = Arc<dyn std::error::Error + Send + Sync>;

/// Any error, or text, as a [`Cause`].
pub fn cause(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Cause {
    Arc::from(e.into())
}

/// A port error's constructors from any error or text: `caused!(StoreError { internal => Internal })`
/// gives `StoreError::internal(e)`, which keeps `e` as the variant's source.
macro_rules! caused {
    ($error:ty { $($make:ident => $variant:ident),+ $(,)? }) => {
        impl $error {
            $(pub fn $make(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
                Self::$variant($crate::error::cause(e))
            })+
        }
    };
}
pub(crate) use caused;

/// Why a field was refused. Serialized in `snake_case`; these strings are part of the API contract
/// and must not change once shipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, strum::IntoStaticStr, strum::Display)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    Required,
    InvalidType,
    TooLong,
    TooManyItems,
    OutOfRange,
    InvalidFormat,
    InvalidCharacters,
    InvalidChoice,
    InvalidUrl,
    UnknownLayer,
    UnknownCategory,
    UnknownSubcategory,
    MalformedJson,
    TooDeep,
    TooLarge,
    ComponentNotFound,
    ComponentsNotAllowed,
    ComponentCount,
    ComponentLayer,
    DuplicateComponent,
    ImmutableField,
    UnsupportedFileType,
    FileTooLarge,
    EmptyFile,
    UploadNotFound,
    TwoFiles,
    BatchTooLarge,
    InvalidCursor,
    NotASong,
    /// A text field's bytes are not UTF-8 (a form or multipart body; JSON refuses them itself).
    InvalidUtf8,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One refused field: where (`aiMetadata.confidence`), why (a stable code) and a sentence for people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
    pub message: String,
    /// Boxed: most errors carry none, and `Result<_, FieldError>` stays small.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Box<serde_json::Value>>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { field: field.into(), code, message: message.into(), details: None }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    /// `field` is missing.
    pub fn required(field: impl Into<String>) -> Self {
        let field = field.into();
        let message = format!("{field} is required");
        Self::new(field, ErrorCode::Required, message)
    }

    /// `field` is none of `choices`, which the error lists (`details.validChoices`).
    pub fn choice(field: impl Into<String>, choices: &[&str]) -> Self {
        let field = field.into();
        let message = format!("{field} must be one of {}", choices.join(", "));
        Self::new(field, ErrorCode::InvalidChoice, message).with_details(serde_json::json!({ "validChoices": choices }))
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// Every refused field of one request, in the order they were found. Never empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid(Vec<FieldError>);

impl Invalid {
    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    pub fn first(&self) -> &FieldError {
        // The constructors below never build an empty list.
        &self.0[0]
    }
}

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Self {
        Self(vec![e])
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first())?;
        if self.0.len() > 1 {
            write!(f, " (and {} more)", self.0.len() - 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}

/// Gathers field errors so a request learns about all its faults at once, not one per round trip.
#[derive(Debug, Default)]
pub struct Collector(Vec<FieldError>);

/// Faults found earlier, to be reported with the ones still to find.
impl From<Vec<FieldError>> for Collector {
    fn from(found: Vec<FieldError>) -> Self {
        Self(found)
    }
}

impl Collector {
    /// Keeps the value, or records the error (a nested parser's, all of them) and yields `None`.
    pub fn take<T>(&mut self, result: Result<T, impl Into<Invalid>>) -> Option<T> {
        result.map_err(|e| self.0.extend(e.into().0)).ok()
    }

    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was refused.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.0
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() { Ok(()) } else { Err(Invalid(self.0)) }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode::*;

    #[test]
    fn a_codes_text_is_its_json() {
        for code in [Required, TooManyItems, InvalidUrl, ComponentsNotAllowed, NotASong, InvalidUtf8, TwoFiles] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str(), "{code:?}");
            assert_eq!(code.to_string(), code.as_str());
        }
        assert_eq!(NotASong.as_str(), "not_a_song");
        assert_eq!(InvalidUtf8.as_str(), "invalid_utf8");
    }
}
