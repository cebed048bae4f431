//! The request side of the document: a body is described by the type its parser reads (each
//! route's `request_body` names it), so a described field is one the parser takes.

use nna_domain::input::{CreateAsset, CreateFields};
use serde_json::json;
use utoipa::PartialSchema;
use utoipa::openapi::{RefOr, Schema};

/// The create's request schema is derived from the struct its parser reads, under the names it
/// reads them by; and each described field is read: sent as a number, where no field takes
/// one, it is refused by name.
#[test]
fn every_described_create_field_is_read() {
    let RefOr::T(Schema::Object(described)) = CreateFields::schema() else { panic!("an object") };
    assert!(described.properties.len() >= 15, "{:?}", described.properties.keys());
    for field in described.properties.keys() {
        assert!(CreateFields::KEYS.contains(&field.as_str()), "{field} is described by another name than it is read");
        let mut body = json!({"layer": "G", "category": "Pop", "subcategory": "Base"});
        body[field] = json!(7);
        let refused = CreateAsset::parse(body.as_object().unwrap_or(&Default::default()), None, None)
            .expect_err(field)
            .errors()
            .iter()
            .map(|e| e.field.clone())
            .collect::<Vec<_>>();
        assert!(refused.iter().any(|f| f == field || f.starts_with(&format!("{field}."))), "{field}: {refused:?}");
    }
}
