//! MongoDB Extended JSON as `mongoexport` writes it, in both forms: relaxed (`{"$oid": …}`,
//! `{"$date": "2025-07-05T01:53:38.417Z"}`, plain numbers) and canonical (`{"$date": {"$numberLong":
//! "…"}}`, `{"$numberInt": "2"}`, `{"$numberDouble": "0.95"}`). [`plain`] reads either into the
//! JSON the registry stores; [`oid`] and [`date`] write the relaxed form back for `mongoimport`.

use crate::time::Timestamp;
use serde_json::{Map, Number, Value, json};

/// The value with every Extended JSON wrapper replaced by what it holds: ids as their hex text,
/// dates as RFC 3339 text (`2025-07-05T01:53:38.417Z`), numbers as numbers. Wrappers this cannot
/// read (binary data, a date out of range, `NaN`) are kept as they are, so nothing is lost.
pub fn plain(v: &Value) -> Value {
    match v {
        Value::Object(o) if o.len() == 1 => {
            let (key, inner) = o.iter().next().map(|(k, v)| (k.as_str(), v)).unwrap_or(("", &Value::Null));
            unwrapped(key, inner)
                .unwrap_or_else(|| Value::Object(o.iter().map(|(k, v)| (k.clone(), plain(v))).collect()))
        }
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), plain(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(plain).collect()),
        other => other.clone(),
    }
}

fn unwrapped(key: &str, inner: &Value) -> Option<Value> {
    let text = || inner.as_str();
    match key {
        "$oid" => text().map(|s| Value::String(s.to_owned())),
        "$date" => date_of(inner).map(|t| Value::String(t.to_string())),
        "$numberInt" | "$numberLong" => text()?.parse::<i64>().ok().map(Value::from),
        "$numberDouble" | "$numberDecimal" => {
            let s = text()?;
            match s.parse::<i64>() {
                Ok(whole) if !s.contains(['.', 'e', 'E']) => Some(Value::from(whole)),
                _ => s.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number),
            }
        }
        _ => None,
    }
}

/// `{"$date": …}`'s inside: RFC 3339 text, milliseconds since the epoch, or `{"$numberLong": ms}`.
fn date_of(inner: &Value) -> Option<Timestamp> {
    match inner {
        Value::String(s) => Timestamp::parse(s),
        Value::Number(n) => n.as_i64().and_then(Timestamp::from_millis),
        Value::Object(o) => o.get("$numberLong")?.as_str()?.parse().ok().and_then(Timestamp::from_millis),
        _ => None,
    }
}

/// An ObjectId's hex text: 24 hexadecimal digits.
pub fn is_object_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An id as `mongoimport` reads it: `{"$oid": …}` where it is an ObjectId, else the text.
pub fn oid(id: &str) -> Value {
    if is_object_id(id) { json!({ "$oid": id }) } else { Value::String(id.to_owned()) }
}

/// A time as `mongoimport` reads it.
pub fn date(t: Timestamp) -> Value {
    json!({ "$date": t.to_string() })
}

/// Fields of a document with the wrappers removed (`plain` of an object).
pub fn plain_fields(doc: &Map<String, Value>) -> Map<String, Value> {
    doc.iter().map(|(k, v)| (k.clone(), plain(v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_read_alike() {
        let relaxed = json!({"_id": {"$oid": "6868865274bd8b06a2f91f0c"}, "createdAt": {"$date": "2025-07-05T01:53:38.417Z"},
            "__v": 2, "aiMetadata": {"confidence": 0.95, "generatedAt": {"$date": "2025-07-05T01:53:38.417Z"}}, "tags": ["a"]});
        let canonical = json!({"_id": {"$oid": "6868865274bd8b06a2f91f0c"}, "createdAt": {"$date": {"$numberLong": "1751680418417"}},
            "__v": {"$numberInt": "2"}, "aiMetadata": {"confidence": {"$numberDouble": "0.95"},
            "generatedAt": {"$date": {"$numberLong": "1751680418417"}}}, "tags": ["a"]});
        let expected = json!({"_id": "6868865274bd8b06a2f91f0c", "createdAt": "2025-07-05T01:53:38.417Z", "__v": 2,
            "aiMetadata": {"confidence": 0.95, "generatedAt": "2025-07-05T01:53:38.417Z"}, "tags": ["a"]});
        assert_eq!(plain(&relaxed), expected);
        assert_eq!(plain(&canonical), expected);
        assert_eq!(plain(&json!({"n": {"$numberLong": "9007199254740993"}})), json!({"n": 9_007_199_254_740_993_i64}));
        assert_eq!(plain(&json!({"$numberDouble": "3.0"})), json!(3.0));
    }

    #[test]
    fn what_cannot_be_read_is_kept() {
        let odd = json!({"blob": {"$binary": {"base64": "AA==", "subType": "00"}}, "x": {"$numberDouble": "NaN"},
            "when": {"$date": "not a date"}, "two": {"$oid": "a", "more": 1}});
        assert_eq!(plain(&odd), odd);
    }

    #[test]
    fn ids_and_dates_written_back() {
        assert_eq!(oid("6868865274bd8b06a2f91f0c"), json!({"$oid": "6868865274bd8b06a2f91f0c"}));
        assert_eq!(oid("legacy-1"), json!("legacy-1"));
        let t = Timestamp::parse("2025-07-05T01:53:38.417Z").unwrap();
        assert_eq!(plain(&date(t)), json!("2025-07-05T01:53:38.417Z"));
    }
}
