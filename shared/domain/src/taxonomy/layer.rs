//! The ten layers of taxonomy v1.3 and their fixed numbers (G=1 … R=10).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LayerCode {
    G,
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

impl LayerCode {
    pub const ALL: [LayerCode; 10] =
        [Self::G, Self::S, Self::L, Self::M, Self::W, Self::B, Self::P, Self::T, Self::C, Self::R];

    pub fn number(self) -> u8 {
        match self {
            Self::G => 1,
            Self::S => 2,
            Self::L => 3,
            Self::M => 4,
            Self::W => 5,
            Self::B => 6,
            Self::P => 7,
            Self::T => 8,
            Self::C => 9,
            Self::R => 10,
        }
    }

    pub fn from_number(n: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|l| u32::from(l.number()) == n)
    }

    pub fn letter(self) -> char {
        match self {
            Self::G => 'G',
            Self::S => 'S',
            Self::L => 'L',
            Self::M => 'M',
            Self::W => 'W',
            Self::B => 'B',
            Self::P => 'P',
            Self::T => 'T',
            Self::C => 'C',
            Self::R => 'R',
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::G => "G",
            Self::S => "S",
            Self::L => "L",
            Self::M => "M",
            Self::W => "W",
            Self::B => "B",
            Self::P => "P",
            Self::T => "T",
            Self::C => "C",
            Self::R => "R",
        }
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

impl fmt::Display for LayerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
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
