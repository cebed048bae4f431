//! Documents as the old backend's MongoDB exports them, into assets: Extended JSON read
//! (`extjson::plain`), `_id` as the id, and a missing `createdAt` taken from the ObjectId's
//! timestamp (or `updatedAt`), noted in `createdAtInferred`. Everything else loads as any stored
//! item does, unknown keys kept.

use super::{LegacyError, extjson};
use crate::Asset;
use crate::time::Timestamp;
use serde_json::{Map, Value};

fn as_timestamp(v: &Value) -> Option<Timestamp> {
    match v {
        Value::String(s) => Timestamp::parse(s),
        Value::Number(n) => n.as_i64().and_then(Timestamp::from_millis),
        _ => None,
    }
}

/// An ObjectId's first four bytes are its creation time in seconds.
pub(super) fn object_id_time(id: &str) -> Option<Timestamp> {
    extjson::is_object_id(id).then_some(())?;
    let seconds = i64::from_str_radix(id.get(..8)?, 16).ok()?;
    Timestamp::from_millis(seconds * 1000)
}

impl Asset {
    pub fn from_legacy(doc: &Value) -> Result<Self, LegacyError> {
        let Value::Object(fields) = doc else {
            return Err(LegacyError { id: "?".into(), reason: "not a JSON object".into() });
        };
        let mut out: Map<String, Value> = extjson::plain_fields(fields);
        if let Some(id) = out.remove("_id")
            && !out.contains_key("id")
        {
            out.insert("id".into(), id);
        }
        let id = out.get("id").and_then(Value::as_str).unwrap_or("?").to_owned();
        for field in ["createdAt", "updatedAt"] {
            if let Some(t) = out.get(field).and_then(as_timestamp) {
                out.insert(field.into(), serde_json::to_value(t).unwrap_or(Value::Null));
            }
        }
        if out.get("createdAt").is_none_or(|v| as_timestamp(v).is_none()) {
            let (inferred, from) = match (object_id_time(&id), out.get("updatedAt").and_then(as_timestamp)) {
                (Some(t), _) => (t, "objectId"),
                (None, Some(t)) => (t, "updatedAt"),
                (None, None) => {
                    return Err(LegacyError { id, reason: "no createdAt, and nothing to infer it from".into() });
                }
            };
            out.insert("createdAt".into(), serde_json::to_value(inferred).unwrap_or(Value::Null));
            out.insert("createdAtInferred".into(), Value::String(from.into()));
        }
        if !out.contains_key("updatedAt") {
            let created = out.get("createdAt").cloned().unwrap_or(Value::Null);
            out.insert("updatedAt".into(), created);
        }
        Asset::load(Value::Object(out)).map_err(|e| LegacyError { id, reason: e.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mongo_exports_load_and_missing_dates_are_inferred() {
        let doc = json!({"_id": {"$oid": "6868865274bd8b06a2f91f0c"}, "layer": "G", "category": "Pop", "subcategory": "Base",
            "name": "G.POP.BAS.001", "nna_address": "G.001.001.001", "updatedAt": {"$date": "2025-07-09T04:19:46.716Z"}, "__v": 0});
        let asset = Asset::from_legacy(&doc).unwrap();
        assert_eq!(asset.id.as_str(), "6868865274bd8b06a2f91f0c");
        assert_eq!(asset.created_at, Timestamp::parse("2025-07-05T01:56:34Z").unwrap());
        assert_eq!(asset.extra.get("createdAtInferred"), Some(&json!("objectId")));
        assert_eq!(asset.updated_at, Timestamp::parse("2025-07-09T04:19:46.716Z").unwrap());
        assert_eq!(asset.extra.get("__v"), Some(&json!(0)));

        let plain = json!({"id": "legacy-1", "layer": "S", "category": "Pop", "subcategory": "Base", "name": "S.POP.BAS.001",
            "nna_address": "S.001.001.001", "updatedAt": "2025-07-09T04:19:46.716Z"});
        let asset = Asset::from_legacy(&plain).unwrap();
        assert_eq!(
            (asset.created_at, asset.extra.get("createdAtInferred")),
            (asset.updated_at, Some(&json!("updatedAt")))
        );
        let bare = json!({"id": "legacy-2", "layer": "S", "category": "Pop", "subcategory": "Base", "name": "S.POP.BAS.002", "nna_address": "S.001.001.002"});
        assert!(Asset::from_legacy(&bare).is_err());
    }
}
