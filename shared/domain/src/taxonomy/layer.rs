//! The ten layers of taxonomy v1.3 and their fixed numbers (G=1 … R=10).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, derive_more::Display)]
#[repr(u8)]
pub enum LayerCode {
    G = 1,
    S,
    L,
    M,
    W,
    B,
    P,
    T,
    C,
    R,
}

/// The letters in number order.
const LETTERS: &str = "GSLMWBPTCR";

impl LayerCode {
    pub const ALL: [LayerCode; 10] =
        [Self::G, Self::S, Self::L, Self::M, Self::W, Self::B, Self::P, Self::T, Self::C, Self::R];

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(n: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|l| u32::from(l.number()) == n)
    }

    pub fn as_str(self) -> &'static str {
        let at = usize::from(self.number()) - 1;
        &LETTERS[at..=at]
    }

    pub fn letter(self) -> char {
        char::from(LETTERS.as_bytes()[usize::from(self.number()) - 1])
    }

    /// The letter, either case.
    pub fn from_letter(s: &str) -> Option<Self> {
        let mut chars = s.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else { return None };
        Self::ALL.into_iter().find(|l| l.letter() == c.to_ascii_uppercase())
    }

    /// Layers a composite may be built from.
    pub fn can_be_component(self) -> bool {
        matches!(self, Self::G | Self::S | Self::L | Self::M | Self::W | Self::B | Self::P)
    }
}

impl Serialize for LayerCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LayerCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::from_letter(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown layer {s}")))
    }
}
