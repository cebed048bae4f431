//! Whether what the old backend exported came across: an exported document held against the
//! asset (or account) the registry holds under its id. Every exported field must be there with
//! its value, unknown fields included, unless the registry changed it on purpose and kept the
//! old value beside it: the migration (its mark says what the field held before), the file copy
//! (`copiedFrom.url`), an operator's renumbering (`renamedFrom`).

use super::extjson;
use crate::Asset;
use crate::auth::{HashKind, Role, User};
use crate::migration::RENAMED_FROM;
use crate::time::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};

/// One way an exported document and what the registry holds disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub field: String,
    pub problem: String,
}

impl Difference {
    fn new(field: &str, problem: impl Into<String>) -> Self {
        Self { field: field.to_owned(), problem: problem.into() }
    }
}

/// Fields whose exported value a renumbering replaces (the old name stays in `renamedFrom`).
const RENUMBERED: [&str; 4] = ["name", "nna_address", "category", "subcategory"];

/// `exported` (as the export has it) against `served` (the asset under its id).
pub fn asset(exported: &Map<String, Value>, served: &Asset) -> Vec<Difference> {
    let exported = extjson::plain_fields(exported);
    let now = match serde_json::to_value(served) {
        Ok(Value::Object(doc)) => doc,
        _ => return vec![Difference::new("", "the stored asset does not serialize")],
    };
    let changes: Vec<_> = served.migration.iter().flat_map(|m| &m.changes).collect();
    let renumbered = served.extra.contains_key(RENAMED_FROM);
    let mut out = Vec::new();
    for (field, then) in &exported {
        let same = match field.as_str() {
            "_id" | "id" => then.as_str() == Some(served.id.as_str()),
            "createdAt" | "updatedAt" => same_time(then, now.get(field)),
            "gcpStorageUrl" if served.copied_from.as_ref().is_some_and(|c| Some(c.url.as_str()) == then.as_str()) => {
                true
            }
            f if renumbered && RENUMBERED.contains(&f) => true,
            f => match changes.iter().find(|c| c.field == f) {
                Some(change) => change.before.as_ref() == Some(then),
                None => now.get(f) == Some(then),
            },
        };
        if !same {
            let problem = match now.get(field.as_str()) {
                None => "missing",
                Some(_) if changes.iter().any(|c| &c.field == field) => "the migration replaced another value",
                Some(_) => "differs",
            };
            out.push(Difference::new(field, problem));
        }
    }
    out
}

fn same_time(then: &Value, now: Option<&Value>) -> bool {
    let time = |v: &Value| v.as_str().and_then(Timestamp::parse);
    match (time(then), now.and_then(time)) {
        (Some(a), Some(b)) => a == b,
        _ => Some(then) == now,
    }
}

/// An exported user against the account under its email. Its password hash is compared, never
/// shown: the same bcrypt hash, or the registry's own once the person has signed in here.
pub fn user(exported: &Map<String, Value>, account: &User) -> Vec<Difference> {
    let exported = extjson::plain_fields(exported);
    let text = |k: &str| exported.get(k).and_then(Value::as_str);
    let mut out = Vec::new();
    if text("_id") != Some(account.id.0.as_str()) {
        out.push(Difference::new("_id", "another account holds this email"));
    }
    if text("username") != Some(account.username.as_str()) {
        out.push(Difference::new("username", "differs"));
    }
    let role = text("role").and_then(Role::parse).unwrap_or(Role::Editor);
    if role != account.role {
        out.push(Difference::new("role", format!("{} here", account.role.as_str())));
    }
    let kept = account.password_hash.kind() == HashKind::Argon2id
        || text("password")
            .is_some_and(|h| crate::auth::PasswordHash::bcrypt(h).is_ok_and(|h| h == account.password_hash));
    if !kept {
        out.push(Difference::new("password", "the account's hash is neither the exported one nor the registry's own"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn exported() -> Map<String, Value> {
        let doc = json!({"_id": {"$oid": "6868865274bd8b06a2f91f0c"}, "layer": "G", "category": "HIP", "subcategory": "Modern_Hip_Hop",
            "name": "G.HIP.MOD.001", "nna_address": "G.003.003.001", "friendlyName": "Anxiety, my words",
            "gcpStorageUrl": "https://storage.googleapis.com/b/G/HIP/MOD/G.HIP.MOD.001.mp3", "tags": ["hip-hop"],
            "createdAt": {"$date": {"$numberLong": "1751680418417"}}, "__v": {"$numberInt": "2"}});
        doc.as_object().cloned().unwrap()
    }

    #[test]
    fn an_imported_asset_matches_its_export_through_migration_and_copy() {
        let served = Asset::from_legacy(&Value::Object(exported())).unwrap();
        assert_eq!(asset(&exported(), &served), []);
        let Some(crate::migration::Migrated::Changed { next, .. }) =
            Some(crate::migration::migrate(&served, Timestamp::now()))
        else {
            panic!("migrated")
        };
        assert_eq!(asset(&exported(), &next), [], "category and friendlyName changed by the migration, marked");
        let mut copied = (*next).clone();
        copied.copied_from = Some(crate::asset::FileCopy {
            url: "https://storage.googleapis.com/b/G/HIP/MOD/G.HIP.MOD.001.mp3".into(),
            md5: "x".into(),
            size: 1,
            content_type: "audio/mpeg".into(),
            copied_at: Timestamp::now(),
        });
        copied.gcp_storage_url = Some("https://files.example/assets/G/HIP/MOD/6868865274bd8b06a2f91f0c.mp3".into());
        assert_eq!(asset(&exported(), &copied), []);
    }

    #[test]
    fn what_was_lost_or_changed_is_named() {
        let mut served = Asset::from_legacy(&Value::Object(exported())).unwrap();
        served.tags = Some(vec!["edited".into()]);
        served.extra.shift_remove("__v");
        served.gcp_storage_url = Some("https://elsewhere.example/x.mp3".into());
        let found: Vec<(String, String)> =
            asset(&exported(), &served).into_iter().map(|d| (d.field, d.problem)).collect();
        assert_eq!(
            found,
            [
                ("gcpStorageUrl".into(), "differs".into()),
                ("tags".into(), "differs".into()),
                ("__v".into(), "missing".into())
            ]
        );
    }
}
