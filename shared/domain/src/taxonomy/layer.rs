//! The ten layers of taxonomy v1.3 and their fixed numbers (G=1 … R=10).

/// Written and read as its letter (either case when read).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    derive_more::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    serde_with::SerializeDisplay,
    serde_with::DeserializeFromStr,
)]
#[strum(ascii_case_insensitive)]
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
        self.into()
    }

    pub fn letter(self) -> char {
        char::from(self.as_str().as_bytes()[0])
    }

    /// The letter, either case.
    pub fn from_letter(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// Layers a composite may be built from.
    pub fn can_be_component(self) -> bool {
        matches!(self, Self::G | Self::S | Self::L | Self::M | Self::W | Self::B | Self::P)
    }
}
