//! Each operation's documented success is what its handler's return type serves: the handlers
//! return typed answers, and this holds the document to them, so a documented answer is one the
//! compiler checked.

use super::Api;
use crate::answers::{Answer, Answered, Flat, Fresh};
use crate::problem::ApiError;
use crate::routes::taxonomy::answers::{TaxonomyIndex, TaxonomyTree};
use crate::routes::{assets, auth, batch, health, history, taxonomy};
use axum::Json;
use axum::http::{HeaderMap, HeaderName, StatusCode};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::{OpenApi, PartialSchema, ToSchema};

/// The success a handler's return type serves: its status, and its JSON body's schema.
trait Serves {
    fn serves() -> (u16, Option<Value>);
}

fn schema<T: PartialSchema>() -> Option<Value> {
    serde_json::to_value(T::schema()).ok()
}

impl<T: ToSchema, const STATUS: u16> Serves for Answered<T, STATUS> {
    fn serves() -> (u16, Option<Value>) {
        (STATUS, schema::<Answer<'static, T>>())
    }
}

impl<T: PartialSchema> Serves for Flat<T> {
    fn serves() -> (u16, Option<Value>) {
        (200, schema::<T>())
    }
}

impl<T: PartialSchema> Serves for Json<T> {
    fn serves() -> (u16, Option<Value>) {
        (200, schema::<T>())
    }
}

/// The taxonomy's answers made once, served by reference.
impl Serves for Flat<&'static TaxonomyIndex> {
    fn serves() -> (u16, Option<Value>) {
        Flat::<TaxonomyIndex>::serves()
    }
}

impl Serves for Json<&'static TaxonomyTree> {
    fn serves() -> (u16, Option<Value>) {
        Json::<TaxonomyTree>::serves()
    }
}

impl<T: Serves> Serves for Result<T, ApiError> {
    fn serves() -> (u16, Option<Value>) {
        T::serves()
    }
}

impl<T: Serves> Serves for Fresh<T> {
    fn serves() -> (u16, Option<Value>) {
        T::serves()
    }
}

/// Headers beside the body, or a status that is 200 but for failures (health's 503).
impl<T: Serves> Serves for (HeaderMap, T) {
    fn serves() -> (u16, Option<Value>) {
        T::serves()
    }
}

impl<T: Serves> Serves for (StatusCode, T) {
    fn serves() -> (u16, Option<Value>) {
        T::serves()
    }
}

/// The document itself: JSON text, no schema of its own.
impl Serves for ([(HeaderName, &'static str); 1], &'static str) {
    fn serves() -> (u16, Option<Value>) {
        (200, None)
    }
}

/// What a handler function returns, whatever its extractors.
trait Handler<Args> {
    type Output;
}

macro_rules! handler {
    ($($arg:ident),*) => {
        impl<F, Fut, $($arg,)*> Handler<($($arg,)*)> for F
        where
            F: FnOnce($($arg),*) -> Fut,
            Fut: Future,
        {
            type Output = Fut::Output;
        }
    };
}

handler!();
handler!(A);
handler!(A, B);
handler!(A, B, C);
handler!(A, B, C, D);
handler!(A, B, C, D, E);
handler!(A, B, C, D, E, G);
handler!(A, B, C, D, E, G, H);

fn serves<F: Handler<Args>, Args>(_: F) -> (u16, Option<Value>)
where
    F::Output: Serves,
{
    F::Output::serves()
}

/// Each handler by its operation id (its name, unless the annotation gives another).
macro_rules! served {
    ($($handler:path $(as $id:literal)?),* $(,)?) => {
        BTreeMap::from([$((served!(@id $handler $(, $id)?), serves($handler))),*])
    };
    (@id $handler:path) => { stringify!($handler).rsplit(':').next().unwrap_or_default().trim() };
    (@id $handler:path, $id:literal) => { $id };
}

/// A schema with every `$ref` replaced by the component it names: the document inlines some
/// generic answers' parts that the type's own schema refers to.
fn expanded(doc: &Value, schema: &Value) -> Value {
    match schema {
        Value::Object(fields) => match fields.get("$ref").and_then(Value::as_str) {
            Some(to) => expanded(doc, &doc["components"]["schemas"][to.trim_start_matches("#/components/schemas/")]),
            None => Value::Object(fields.iter().map(|(k, v)| (k.clone(), expanded(doc, v))).collect()),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| expanded(doc, v)).collect()),
        other => other.clone(),
    }
}

#[test]
fn every_operation_documents_what_its_handler_returns() {
    let served = served![
        assets::create_one, batch::create, assets::upload_slot, assets::read_one, assets::replace, assets::merge,
        assets::remove, assets::curate, assets::album_art, assets::list, assets::search_assets,
        history::history, history::revision, history::restore, history::undelete,
        auth::register, auth::login, auth::profile, auth::make_admin,
        health::health, taxonomy::health as "taxonomyHealth", taxonomy::version, taxonomy::index, taxonomy::tree,
        taxonomy::layers, taxonomy::layer_count, taxonomy::categories, taxonomy::category_count,
        taxonomy::subcategory_counts, taxonomy::subcategories, taxonomy::subcategory_count, taxonomy::hfn_to_mfa,
        taxonomy::mfa_to_hfn, super::document,
    ];
    let doc = serde_json::to_value(Api::openapi()).unwrap_or_default();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let id = operation["operationId"].as_str().unwrap_or_default();
            let Some((status, body)) = served.get(id) else { panic!("{method} {path}: no handler listed as {id}") };
            let responses = operation["responses"].as_object().expect("responses");
            let successes: Vec<&String> = responses.keys().filter(|s| s.starts_with('2')).collect();
            assert_eq!(successes, [&status.to_string()], "{method} {path}: the handler answers {status}");
            let documented = &responses[&status.to_string()]["content"]["application/json"]["schema"];
            let documented = (!documented.is_null()).then(|| expanded(&doc, documented));
            let body = body.as_ref().map(|b| expanded(&doc, b));
            assert_eq!(documented, body, "{method} {path}: documented body is not the handler's");
            checked += 1;
        }
    }
    assert_eq!(checked, served.len(), "every handler listed is documented");
}
