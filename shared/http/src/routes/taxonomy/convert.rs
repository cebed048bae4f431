//! The address converter's two bodies, each the type its route parses and documents, and the
//! conversion itself: any spelling of an address (HFN, MFA, stored `nna_address`) in, all three out.

use super::answers::Converted;
use nna_domain::address::Address;
use nna_domain::{ErrorCode, FieldError};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// An HFN to convert (any spelling of an address is read).
#[derive(ToSchema)]
pub(crate) struct HfnToMfa {
    /// `L.CAS.ATL.001`; a composite's `:`-joined parts convert each.
    pub hfn: String,
}

/// An MFA to convert (any spelling of an address is read).
#[derive(ToSchema)]
pub(crate) struct MfaToHfn {
    /// `3.004.004.001`, or the stored `L.004.004.001`.
    pub mfa: String,
}

impl HfnToMfa {
    pub fn parse(body: &Map<String, Value>) -> Result<Self, FieldError> {
        Ok(Self { hfn: required(body, "hfn")? })
    }
}

impl MfaToHfn {
    pub fn parse(body: &Map<String, Value>) -> Result<Self, FieldError> {
        Ok(Self { mfa: required(body, "mfa")? })
    }
}

/// Present and not blank: an empty address converts to nothing, which is no answer.
fn required(body: &Map<String, Value>, key: &str) -> Result<String, FieldError> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|s| s.split(':').any(|p| !p.trim().is_empty()))
        .map(str::to_owned)
        .ok_or_else(|| FieldError::new(key, ErrorCode::Required, format!("{key} is required: an address to convert")))
}

impl Converted {
    /// The address in `field` (each `:`-separated part of a composite's), parsed once and spelt all
    /// three ways.
    pub fn of(text: &str, field: &str) -> Result<Self, FieldError> {
        let parts = text.trim().split(':').filter(|p| !p.is_empty()).map(|part| {
            Address::parse(part).ok_or_else(|| {
                FieldError::new(field, ErrorCode::InvalidFormat, format!("{part:?} is not an address in taxonomy v1.3"))
            })
        });
        let parts = parts.collect::<Result<Vec<_>, _>>()?;
        let spelt = |spell: fn(&Address) -> String| parts.iter().map(spell).collect::<Vec<_>>().join(":");
        Ok(Self {
            success: true,
            hfn: spelt(Address::hfn),
            mfa: spelt(Address::mfa),
            nna_address: spelt(Address::nna_address),
        })
    }
}
