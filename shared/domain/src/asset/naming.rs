//! What an asset is called: its name (the HFN; a composite's adds `:` and its parts' addresses),
//! `nna_address` and `mfa` exactly as stored, with the keys lookups match worked out once. The
//! registry writes all three from one `Address`; a legacy item's may follow from none.

use crate::address::{Address, Hfn, Mfa};
use serde::{Deserialize, Serialize};

/// Stored and read as `name`, `nna_address` and (when there is one) `mfa`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "StoredNaming", into = "StoredNaming")]
pub struct Naming {
    name: String,
    nna_address: String,
    mfa: Option<String>,
    hfn: Hfn,
    mfa_key: Option<Mfa>,
}

impl Naming {
    /// The three spellings of `address`; `parts` is a composite's tail, as [`Naming::parts`] gives it.
    pub fn given(address: &Address, parts: &str) -> Self {
        Self::stored(format!("{}{parts}", address.hfn()), address.nna_address(), Some(address.mfa()))
    }

    /// As stored, whatever it holds (`G.undefined.undefined.001` too).
    pub fn stored(name: String, nna_address: String, mfa: Option<String>) -> Self {
        let hfn = Hfn::of(&name);
        let mfa_key = mfa.as_deref().and_then(Mfa::of).or_else(|| Mfa::of(&nna_address));
        Self { name, nna_address, mfa, hfn, mfa_key }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn nna_address(&self) -> &str {
        &self.nna_address
    }

    /// The `mfa` field; legacy items may lack it.
    pub fn stored_mfa(&self) -> Option<&str> {
        self.mfa.as_deref()
    }

    /// What HFN lookups match (`C.FUL.POP.125` for a composite).
    pub fn hfn(&self) -> &Hfn {
        &self.hfn
    }

    /// What MFA and `nna_address` lookups match. `None` for broken legacy addresses such as
    /// `G.undefined.undefined.001`.
    pub fn mfa(&self) -> Option<&Mfa> {
        self.mfa_key.as_ref()
    }

    /// A composite's parts as its name lists them (`:G.003.003.001:S.001.002.004`), else empty.
    pub fn parts(&self) -> &str {
        self.name.find(':').map_or("", |i| &self.name[i..])
    }
}

/// A naming as the stores keep it.
#[serde_with::skip_serializing_none]
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub(super) struct StoredNaming {
    /// The HFN, `L.CAS.ATL.001` (composites: the HFN, `:` and the component addresses).
    name: String,
    /// `L.004.004.001`.
    nna_address: String,
    /// `3.004.004.001`.
    mfa: Option<String>,
}

impl From<StoredNaming> for Naming {
    fn from(n: StoredNaming) -> Self {
        Self::stored(n.name, n.nna_address, n.mfa)
    }
}

impl From<Naming> for StoredNaming {
    fn from(n: Naming) -> Self {
        Self { name: n.name, nna_address: n.nna_address, mfa: n.mfa }
    }
}

/// The keys follow from what is stored.
impl PartialEq for Naming {
    fn eq(&self, other: &Self) -> bool {
        (&self.name, &self.nna_address, &self.mfa) == (&other.name, &other.nna_address, &other.mfa)
    }
}
