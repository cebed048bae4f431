//! The three spellings of one address: HFN `L.CAS.ATL.001`, stored `nna_address` `L.004.004.001`
//! and MFA `3.004.004.001`; and the keys clients use to fetch an asset.

use crate::error::{ErrorCode, FieldError};
use crate::id::AssetId;
use crate::taxonomy::{LayerCode, TaxonomyPath, taxonomy};

/// Position within a subcategory, from 1. Printed with at least three digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, derive_more::Display)]
#[display("{_0:03}")]
pub struct Sequence(u32);

impl Sequence {
    pub const FIRST: Sequence = Sequence(1);
    /// Far beyond any subcategory's use; keeps addresses short and counters in range.
    pub const MAX: u32 = 999_999;

    pub fn new(n: u32) -> Option<Self> {
        (1..=Self::MAX).contains(&n).then_some(Self(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    pub fn next(self) -> Option<Self> {
        Self::new(self.0 + 1)
    }
}

/// A valid address in the live taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Address {
    pub path: TaxonomyPath,
    pub sequence: Sequence,
}

impl Address {
    pub fn hfn(&self) -> String {
        format!("{}.{}", self.path.code_path(), self.sequence)
    }

    pub fn nna_address(&self) -> String {
        format!("{}.{}", self.path.lettered_numeric_path(), self.sequence)
    }

    pub fn mfa(&self) -> String {
        format!("{}.{}", self.path.numeric_path(), self.sequence)
    }

    /// Any of the three spellings, either case; a composite's `:components` tail is ignored.
    pub fn parse(s: &str) -> Option<Self> {
        let base = s.trim().split(':').next()?;
        let mut parts = base.split('.');
        let (layer, category, subcategory, seq) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let layer = match layer.parse::<u32>() {
            Ok(n) => LayerCode::from_number(n)?,
            Err(_) => LayerCode::from_letter(layer)?,
        };
        let sequence = Sequence::new(digits(seq)?)?;
        let t = taxonomy();
        let path = match (digits(category), digits(subcategory)) {
            (Some(c), Some(s)) => t.by_numbers(layer, u16::try_from(c).ok()?, u16::try_from(s).ok()?)?,
            _ => t.resolve(&layer.to_string(), category, subcategory).ok()?,
        };
        Some(Self { path, sequence })
    }
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// How a request names an asset: `GET /api/assets/:key`, component references.
#[derive(Debug, Clone, PartialEq, Eq, derive_more::Display)]
pub enum AssetKey {
    Id(AssetId),
    Hfn(Hfn),
    /// `nna_address` spellings are turned into the MFA.
    Mfa(Mfa),
}

impl AssetKey {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        if let Some(mfa) = Mfa::of(s) {
            return Ok(Self::Mfa(mfa));
        }
        if s.contains('.') {
            return Ok(Self::Hfn(Hfn::of(&Address::parse(s).map_or_else(|| s.to_owned(), |a| a.hfn()))));
        }
        AssetId::parse(s).map(Self::Id).ok_or_else(|| {
            FieldError::new(
                "key",
                ErrorCode::InvalidFormat,
                format!("{raw:?} is neither an asset id, an HFN nor an MFA"),
            )
        })
    }
}

/// Text that is an NNA address the taxonomy reads, in any spelling and case (`L.CAS.ATL.001`,
/// `3.004.004.001`, `L.004.004.001`), a composite's `:`-joined component addresses included: a name
/// the system gave, never a person's words. Anything else (`www.adidas.co.uk`, `v1.2.3.4`,
/// `J.R.R.Tolkien`) is someone's words, however many dots it has.
pub fn is_address(s: &str) -> bool {
    let mut parts = s.trim().split(':');
    // Stored composite names sometimes end in `:`; an empty tail is no component.
    parts.next().is_some_and(|base| Address::parse(base).is_some())
        && parts.all(|part| part.is_empty() || Address::parse(part).is_some())
}

/// What HFN lookups match: a name's base, upper case (`C.FUL.POP.125:G.003…` → `C.FUL.POP.125`),
/// also for names the live taxonomy no longer has.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, derive_more::Display)]
pub struct Hfn(String);

impl Hfn {
    pub fn of(name: &str) -> Self {
        Self(name.split(':').next().unwrap_or("").trim().to_ascii_uppercase())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What MFA and `nna_address` lookups match: the numeric form, `3.004.004.001`, of either
/// spelling. Needs no taxonomy, so stored addresses the taxonomy no longer knows still index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, derive_more::Display)]
pub struct Mfa(String);

impl Mfa {
    /// `3.004.004.001` or `L.004.004.001` (a composite's name may follow a `:`); anything else is
    /// no address.
    pub fn of(s: &str) -> Option<Self> {
        numeric_form(s).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn numeric_form(s: &str) -> Option<String> {
    let base = s.trim().split(':').next()?;
    let mut parts = base.split('.');
    let (l, c, sc, q) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let layer = match digits(l) {
        Some(n) => LayerCode::from_number(n)?,
        None => LayerCode::from_letter(l)?,
    };
    Some(format!("{}.{:03}.{:03}.{:03}", layer.number(), digits(c)?, digits(sc)?, digits(q)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_three_spellings() {
        let a = Address::parse("L.CAS.ATL.001").unwrap();
        assert_eq!(a.hfn(), "L.CAS.ATL.001");
        assert_eq!(a.nna_address(), "L.004.004.001");
        assert_eq!(a.mfa(), "3.004.004.001");
        assert_eq!(Address::parse("3.004.004.001"), Some(a));
        assert_eq!(Address::parse("l.004.004.001"), Some(a));
        assert_eq!(Address::parse("l.cas.atl.001"), Some(a));
    }

    #[test]
    fn staging_sample_song_round_trips() {
        let a = Address::parse("G.HIP.MOD.001").unwrap();
        assert_eq!(a.nna_address(), "G.003.003.001");
    }

    #[test]
    fn layer_ten_and_long_sequences() {
        let a = Address::parse("R.MVR.POP.1234").unwrap();
        assert_eq!(a.mfa(), "10.001.001.1234");
        assert_eq!(Address::parse(&a.mfa()), Some(a));
    }

    #[test]
    fn composite_tails_are_ignored_for_the_base_address() {
        let a = Address::parse("C.FUL.POP.125:G.003.003.001:S.001.002.004").unwrap();
        assert_eq!(a.nna_address(), "C.003.001.125");
        assert_eq!(Hfn::of("c.ful.pop.125:G.003.003.001").as_str(), "C.FUL.POP.125");
    }

    #[test]
    fn only_addresses_the_taxonomy_reads_are_addresses() {
        for s in [
            "L.CAS.ATL.001",
            " 3.004.004.001 ",
            "l.004.004.001",
            "C.FUL.POP.125:G.003.003.001:S.001.002.004",
            "C.FUL.POP.125:",
        ] {
            assert!(is_address(s), "{s:?}");
        }
        for s in ["www.adidas.co.uk", "v1.2.3.4", "J.R.R.Tolkien", "L.CAS.ATL.001:and more", "L.CAS.ATL", ""] {
            assert!(!is_address(s), "{s:?}");
        }
    }

    #[test]
    fn aliases_resolve_in_addresses() {
        assert_eq!(Address::parse("G.POP.SWIFT.002").unwrap().hfn(), "G.POP.TSW.002");
    }

    #[test]
    fn keys_say_what_they_are() {
        let mfa = |s: &str| AssetKey::Mfa(Mfa(s.to_owned()));
        assert_eq!(AssetKey::parse("L.CAS.ATL.001").unwrap(), AssetKey::Hfn(Hfn("L.CAS.ATL.001".into())));
        assert_eq!(AssetKey::parse("L.004.004.001").unwrap(), mfa("3.004.004.001"));
        assert_eq!(AssetKey::parse("3.4.4.1").unwrap(), mfa("3.004.004.001"));
        assert_eq!(
            AssetKey::parse("G.undefined.undefined.001").unwrap(),
            AssetKey::Hfn(Hfn("G.UNDEFINED.UNDEFINED.001".into()))
        );
        assert!(matches!(AssetKey::parse("64f0c2a1b3e4d5f6a7b8c9d0").unwrap(), AssetKey::Id(_)));
        assert_eq!(AssetKey::parse("a b").unwrap_err().code, ErrorCode::InvalidFormat);
    }

    #[test]
    fn sequences_are_bounded_and_padded() {
        assert!(Sequence::new(0).is_none());
        assert_eq!(Sequence::new(7).unwrap().to_string(), "007");
        assert!(Sequence::new(Sequence::MAX).unwrap().next().is_none());
    }
}
