//! Which version of which asset a client saw: the entity tag of an asset response. The id is part
//! of it because a key (an HFN) can name a different asset after a delete and a new create, and
//! both may be at revision 1.

use super::Asset;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub id: String,
    pub revision: u64,
}

impl Version {
    pub fn of(asset: &Asset) -> Self {
        Self { id: asset.id.to_string(), revision: asset.revision }
    }

    /// The strong entity tag, quotes included: `"<id>.<revision>"`.
    pub fn etag(&self) -> String {
        format!("\"{}.{}\"", self.id, self.revision)
    }

    /// The versions an `If-Match` / `If-None-Match` header lists; `None` for `*` (any version).
    /// Weak tags (`W/"…"`) and tags that are not ours are left out: they match nothing.
    pub fn list(header: &str, weak_ok: bool) -> Option<Vec<Self>> {
        if header.trim() == "*" {
            return None;
        }
        Some(
            header
                .split(',')
                .map(str::trim)
                .filter_map(|tag| match tag.strip_prefix("W/") {
                    Some(weak) if weak_ok => Some(weak),
                    Some(_) => None,
                    None => Some(tag),
                })
                .filter_map(|tag| tag.strip_prefix('"')?.strip_suffix('"'))
                .filter_map(|inner| {
                    let (id, revision) = inner.rsplit_once('.')?;
                    Some(Self { id: id.to_owned(), revision: revision.parse().ok()? })
                })
                .collect(),
        )
    }

    pub fn matches(asset: &Asset, listed: &[Self]) -> bool {
        listed.iter().any(|v| v.revision == asset.revision && v.id == asset.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Version;

    #[test]
    fn lists_strong_tags_and_star() {
        let v = |id: &str, revision| Version { id: id.into(), revision };
        assert_eq!(Version::list("*", false), None);
        assert_eq!(Version::list(r#""a.3", W/"b.4", "junk""#, false), Some(vec![v("a", 3)]));
        assert_eq!(Version::list(r#"W/"b.4""#, true), Some(vec![v("b", 4)]));
        assert_eq!(v("x", 7).etag(), r#""x.7""#);
    }
}
