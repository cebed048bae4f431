//! Instants as the old backend wrote them: RFC 3339 in UTC with milliseconds, `2025-07-05T01:53:38.417Z`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, derive_more::Display, serde_with::SerializeDisplay,
)]
#[display("{}", _0.to_rfc3339_opts(SecondsFormat::Millis, true))]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// Now, cut to milliseconds so what we store is what we read back.
    pub fn now() -> Self {
        Self::from_millis(Utc::now().timestamp_millis()).unwrap_or(Self(Utc::now()))
    }

    pub fn from_millis(ms: i64) -> Option<Self> {
        DateTime::from_timestamp_millis(ms).map(Self)
    }

    pub fn parse(s: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(s).ok().map(|t| Self(t.with_timezone(&Utc)))
    }

    pub fn millis(self) -> i64 {
        self.0.timestamp_millis()
    }

    pub fn unix_seconds(self) -> i64 {
        self.0.timestamp()
    }

    /// This instant plus `d` (the furthest representable instant past that).
    pub fn after(self, d: std::time::Duration) -> Self {
        let ms = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        Self::from_millis(self.millis().saturating_add(ms)).unwrap_or(Self(DateTime::<Utc>::MAX_UTC))
    }

    pub fn year_month(self) -> (i32, u32) {
        use chrono::Datelike;
        (self.0.year(), self.0.month())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {s}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_old_backends_format() {
        let t = Timestamp::parse("2025-07-05T01:53:38.417Z").unwrap();
        assert_eq!(t.to_string(), "2025-07-05T01:53:38.417Z");
        assert_eq!(Timestamp::parse("2025-07-05T03:53:38+02:00").unwrap().to_string(), "2025-07-05T01:53:38.000Z");
        assert!(Timestamp::parse("yesterday").is_none());
    }
}
