//! Deployment settings from environment variables, read once at start-up with one set of rules
//! for every deployment (Lambda functions, `nna-local`, `nna-ops`): a value is trimmed, an empty
//! one counts as unset, and a value that cannot be used names its variable rather than falling
//! back to a default nobody asked for.

use std::str::FromStr;
use std::time::Duration;

/// A setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {problem}")]
pub struct SettingsError {
    pub var: String,
    pub problem: String,
}

impl SettingsError {
    pub fn new(var: &str, problem: impl Into<String>) -> Self {
        Self { var: var.to_owned(), problem: problem.into() }
    }
}

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Where settings come from: the process environment, or a test's table.
pub struct Env {
    lookup: Box<Lookup>,
}

impl Env {
    pub fn process() -> Self {
        Self::from_fn(|k| std::env::var(k).ok())
    }

    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self { lookup: Box::new(lookup) }
    }

    /// These settings with one variable given another value (a command-line flag over the
    /// environment).
    pub fn with(self, var: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        Self::from_fn(move |k| if k == var { Some(value.clone()) } else { (self.lookup)(k) })
    }

    pub fn text(&self, var: &str) -> Option<String> {
        (self.lookup)(var).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    pub fn required(&self, var: &str) -> Result<String, SettingsError> {
        self.text(var).ok_or_else(|| SettingsError::new(var, "is not set"))
    }

    pub fn number<T: FromStr>(&self, var: &str, default: T) -> Result<T, SettingsError> {
        match self.text(var) {
            Some(v) => v.parse().map_err(|_| SettingsError::new(var, format!("{v:?} is not a number"))),
            None => Ok(default),
        }
    }

    pub fn millis(&self, var: &str, default: Duration) -> Result<Duration, SettingsError> {
        let default = u64::try_from(default.as_millis()).unwrap_or(u64::MAX);
        self.number(var, default).map(Duration::from_millis)
    }

    pub fn secs(&self, var: &str, default: Duration) -> Result<Duration, SettingsError> {
        self.number(var, default.as_secs()).map(Duration::from_secs)
    }

    /// `on`/`true`/`1`/`yes` or `off`/`false`/`0`/`no`.
    pub fn switch(&self, var: &str, default: bool) -> Result<bool, SettingsError> {
        match self.text(var).map(|v| v.to_ascii_lowercase()).as_deref() {
            None => Ok(default),
            Some("on" | "true" | "1" | "yes") => Ok(true),
            Some("off" | "false" | "0" | "no") => Ok(false),
            Some(other) => Err(SettingsError::new(var, format!("{other:?} is neither on nor off"))),
        }
    }

    /// A comma-separated list, blanks dropped.
    pub fn list(&self, var: &str) -> Option<Vec<String>> {
        self.text(var).map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
    }

    /// A base URL, without a trailing slash.
    pub fn url(&self, var: &str) -> Option<String> {
        self.text(var).map(|u| u.trim_end_matches('/').to_owned())
    }
}

/// `NNA_HISTORY_EXPIRY_DAYS`: history entries older than this many days expire (DynamoDB's TTL on
/// AWS; the embedded store stops reading them and drops them at the asset's next write). Unset or
/// 0: kept for good, the default. Keep it longer than `NNA_DELETED_RETENTION_DAYS`: an undelete
/// rebuilds the asset from its delete's entry.
pub fn history_expiry(env: &Env) -> Result<Option<std::time::Duration>, SettingsError> {
    let days: u32 = env.number("NNA_HISTORY_EXPIRY_DAYS", 0)?;
    Ok((days > 0).then(|| crate::limits::days(days)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> Env {
        Env::from_fn(|k| pairs.iter().find(|(name, _)| *name == k).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn one_set_of_rules() {
        let e = env(&[("A", " 7 "), ("B", "  "), ("C", "soon"), ("D", "Off"), ("E", "maybe"), ("F", "a, ,b")]);
        assert_eq!(e.number("A", 1u64), Ok(7));
        assert_eq!(e.number("B", 1u64), Ok(1), "blank is unset");
        assert_eq!(e.number("C", 1u64).unwrap_err().to_string(), "C: \"soon\" is not a number");
        assert_eq!(e.switch("D", true), Ok(false));
        assert!(e.switch("E", true).is_err());
        assert_eq!(e.list("F"), Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(e.required("Z").unwrap_err().to_string(), "Z: is not set");
        assert_eq!(env(&[]).with("Z", "x").text("Z").as_deref(), Some("x"));
    }
}
