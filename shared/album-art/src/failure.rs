//! Why album art could not be made, and whether trying again could help.

/// A stable reason code (`not_an_image`, `blocked_address`, …), recorded on the asset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// Worth trying again later: timeouts, 5xx, throttling, storage hiccups.
    #[error("{code}: {detail}")]
    Transient { code: &'static str, detail: String },
    /// Trying again cannot help: not found, not an image, refused address, too large.
    #[error("{code}: {detail}")]
    Permanent { code: &'static str, detail: String },
}

impl Failure {
    pub fn transient(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Transient { code, detail: detail.into() }
    }

    pub fn permanent(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Permanent { code, detail: detail.into() }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Transient { code, .. } | Self::Permanent { code, .. } => code,
        }
    }

    pub fn detail(&self) -> &str {
        match self {
            Self::Transient { detail, .. } | Self::Permanent { detail, .. } => detail,
        }
    }

    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient { .. })
    }
}
