//! A `mongoexport` file: one document per line, or (`--jsonArray`) one array of them. Each
//! document keeps its place in the file, so whatever is refused is reported by line (or, in an
//! array, by position); a line that is not JSON is refused on its own and the rest still load.

use serde_json::Value;

/// One document of an export, where it was, and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// Its line in a JSON-lines export; its position (from 1) in an array export.
    pub line: usize,
    /// The document, or why its line is not one.
    pub doc: Result<Value, String>,
}

impl Exported {
    /// Its `_id` (either Extended JSON form), where it has one.
    pub fn id(&self) -> Option<String> {
        let id = self.doc.as_ref().ok()?.get("_id")?;
        super::extjson::plain(id).as_str().map(str::to_owned)
    }
}

/// Documents as `mongoexport` writes them and `mongoimport` reads them: one per line.
pub fn lines<'a>(docs: impl IntoIterator<Item = &'a Value>) -> String {
    docs.into_iter().map(|d| d.to_string() + "\n").collect()
}

/// Why a whole export could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the export is a JSON array that does not parse: {0}")]
pub struct ExportError(#[from] serde_json::Error);

/// Every document of `text`, in order.
pub fn read(text: &str) -> Result<Vec<Exported>, ExportError> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('[') {
        let docs: Vec<Value> = serde_json::from_str(text)?;
        return Ok(docs.into_iter().enumerate().map(|(i, doc)| Exported { line: i + 1, doc: object(doc) }).collect());
    }
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Exported {
            line: i + 1,
            doc: serde_json::from_str::<Value>(l).map_err(|e| format!("not JSON: {e}")).and_then(object),
        })
        .collect())
}

fn object(doc: Value) -> Result<Value, String> {
    if doc.is_object() { Ok(doc) } else { Err("not a JSON object".into()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lines_and_arrays() {
        let read_lines = read("{\"a\":1}\n\n{bad\n[1]\n{\"b\":2}\n").unwrap();
        assert_eq!(read_lines.iter().map(|e| e.line).collect::<Vec<_>>(), [1, 3, 4, 5]);
        assert_eq!(read_lines[0].doc, Ok(json!({"a": 1})));
        assert!(read_lines[1].doc.as_ref().unwrap_err().starts_with("not JSON"));
        assert_eq!(read_lines[2].doc, Err("not a JSON object".into()));
        let array = read("[{\"a\":1},\n {\"b\":2}]").unwrap();
        assert_eq!((array[1].line, array[1].doc.clone()), (2, Ok(json!({"b": 2}))));
        assert!(read("[{\"a\":1},").is_err());
        let docs = [json!({"_id": {"$oid": "6868865274bd8b06a2f91f0c"}}), json!({"_id": "legacy-1"})];
        let again = read(&lines(&docs)).unwrap();
        assert_eq!(
            again.iter().map(Exported::id).collect::<Vec<_>>(),
            [Some("6868865274bd8b06a2f91f0c".into()), Some("legacy-1".into())]
        );
    }
}
