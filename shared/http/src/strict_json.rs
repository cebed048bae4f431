//! JSON as the edge reads it: one value per key. serde_json keeps the last of two equal keys,
//! while another parser may keep the first, so a body with both is refused rather than read one
//! way here and another way elsewhere. A fault inside a value names where it is
//! (`aiMetadata.confidence`, `tags[2]`): invalid UTF-8 or a lone surrogate in a string, a number
//! out of range, a value nested too deep.

use nna_domain::error::{ErrorCode, FieldError};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// Why a body is not one JSON value a client could mean one way only.
#[derive(Debug)]
pub enum Refusal {
    /// A fault at a place in the value: which field, and why.
    Field(FieldError),
    /// Not JSON at all.
    Malformed(serde_json::Error),
}

const DUPLICATE: &str = "duplicate key";

pub fn parse(bytes: &[u8]) -> Result<Value, Refusal> {
    let path = RefCell::new(Vec::new());
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let value = Seed { path: &path }.deserialize(&mut reader).and_then(|v| reader.end().map(|()| v));
    value.map_err(|e| refusal(e, &path.borrow()))
}

fn refusal(e: serde_json::Error, path: &[String]) -> Refusal {
    let field = path.iter().fold(String::new(), |mut out, part| {
        if !out.is_empty() && !part.starts_with('[') {
            out.push('.');
        }
        out.push_str(part);
        out
    });
    let text = e.to_string();
    let (code, message) = if text.starts_with(DUPLICATE) {
        (ErrorCode::InvalidFormat, format!("{field} appears twice in one object; send each key once"))
    } else if text.contains("unicode code point") || text.contains("hex escape") || text.contains("UTF-8") {
        (ErrorCode::InvalidUtf8, format!("{field} is not valid UTF-8 text ({text})"))
    } else if text.contains("number out of range") {
        (ErrorCode::OutOfRange, format!("{field} is a number too large to represent"))
    } else if text.contains("recursion limit") {
        (ErrorCode::TooDeep, format!("{field} is nested too deep"))
    } else {
        return Refusal::Malformed(e);
    };
    let field = if field.is_empty() { "body".to_owned() } else { field };
    Refusal::Field(FieldError::new(field, code, message))
}

/// Reads one value, keeping the path to where it is.
#[derive(Clone, Copy)]
struct Seed<'p> {
    path: &'p RefCell<Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v).map(Value::Number).ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            self.path.borrow_mut().push(format!("[{}]", out.len()));
            let Some(v) = seq.next_element_seed(self)? else { break };
            self.path.borrow_mut().pop();
            out.push(v);
        }
        self.path.borrow_mut().pop();
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let twice = out.contains_key(&key);
            // The key waits on the path while its value is read (a fault inside names it), then
            // moves into the object: no copy per key on the request path.
            self.path.borrow_mut().push(key);
            if twice {
                return Err(de::Error::custom(DUPLICATE));
            }
            let v = map.next_value_seed(self)?;
            let key = self.path.borrow_mut().pop().unwrap_or_default();
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(body: &[u8]) -> (String, ErrorCode) {
        match parse(body) {
            Err(Refusal::Field(e)) => (e.field, e.code),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_value_per_key() {
        assert_eq!(refused(br#"{"layer": "L", "layer": "G"}"#), ("layer".into(), ErrorCode::InvalidFormat));
        assert_eq!(
            refused(br#"{"aiMetadata": {"confidence": 1, "confidence": 2}}"#),
            ("aiMetadata.confidence".into(), ErrorCode::InvalidFormat)
        );
        assert_eq!(refused(br#"{"a": [{"b": 1}, {"b": 1, "b": 2}]}"#), ("a[1].b".into(), ErrorCode::InvalidFormat));
        assert_eq!(parse(br#"{"a": {"b": 1}, "c": [1, {"b": 2}]}"#).unwrap()["c"][1]["b"], 2);
    }

    #[test]
    fn faults_inside_a_value_name_it() {
        assert_eq!(refused(b"{\"tags\": [\"ok\", \"bad \xff\"]}"), ("tags[1]".into(), ErrorCode::InvalidUtf8));
        assert_eq!(refused(br#"{"description": "\ud800"}"#), ("description".into(), ErrorCode::InvalidUtf8));
        assert_eq!(
            refused(br#"{"musicMetadata": {"bpm": 1e400}}"#),
            ("musicMetadata.bpm".into(), ErrorCode::OutOfRange)
        );
        let deep = format!("{{\"metadata\": {}1{}}}", "[".repeat(200), "]".repeat(200));
        let (field, code) = refused(deep.as_bytes());
        assert!(field.starts_with("metadata[0]"), "{field}");
        assert_eq!(code, ErrorCode::TooDeep);
        assert!(matches!(parse(b"{\"a\": }"), Err(Refusal::Malformed(_))));
        assert!(matches!(parse(b"{} {}"), Err(Refusal::Malformed(_))));
    }
}
