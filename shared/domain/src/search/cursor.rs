//! Opaque paging cursors: where the next page starts, signed together with the query it belongs
//! to. A cursor that was altered, or that belongs to another query or another deployment, is
//! refused rather than silently paging from somewhere else.

use crate::error::{ErrorCode, FieldError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The key cursors are signed with. Every instance of one deployment must share it.
#[derive(Clone, derive_more::Debug)]
#[debug("CursorKey(…)")]
pub struct CursorKey([u8; 32]);

impl CursorKey {
    /// From configured text (any length).
    pub fn from_secret(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    /// A key for one process: its cursors stop working when it restarts.
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        let _ = getrandom::fill(&mut key);
        Self(key)
    }

    fn mac(&self, fingerprint: &str, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        mac.update(fingerprint.as_bytes());
        mac.update(b"\n");
        mac.update(payload);
        mac
    }

    pub fn encode(&self, fingerprint: &str, position: &str) -> String {
        let payload = position.as_bytes();
        let tag = self.mac(fingerprint, payload).finalize().into_bytes();
        format!("{}.{}", URL_SAFE_NO_PAD.encode(payload), URL_SAFE_NO_PAD.encode(tag))
    }

    pub fn decode(&self, fingerprint: &str, cursor: &str) -> Result<String, FieldError> {
        let refused = || {
            FieldError::new(
                "cursor",
                ErrorCode::InvalidCursor,
                "this cursor does not belong to this query; start again without it",
            )
        };
        let (payload, tag) = cursor.split_once('.').ok_or_else(refused)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| refused())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| refused())?;
        self.mac(fingerprint, &payload).verify_slice(&tag).map_err(|_| refused())?;
        String::from_utf8(payload).map_err(|_| refused())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keys_debug_shows_nothing_of_it() {
        assert_eq!(format!("{:?}", CursorKey::from_secret("a secret of the deployment")), "CursorKey(…)");
    }

    #[test]
    fn cursors_belong_to_one_query_and_one_key() {
        let key = CursorKey::from_secret("deployment");
        let c = key.encode("q=a", "0001#x");
        assert_eq!(key.decode("q=a", &c).unwrap(), "0001#x");
        assert_eq!(key.decode("q=b", &c).unwrap_err().code, ErrorCode::InvalidCursor);
        assert!(CursorKey::from_secret("other").decode("q=a", &c).is_err());
        let forged = format!("{}.{}", URL_SAFE_NO_PAD.encode(b"9999#z"), c.split_once('.').unwrap().1);
        assert!(key.decode("q=a", &forged).is_err());
        assert!(key.decode("q=a", "garbage").is_err());
    }
}
