//! The old backend's data (NestJS + MongoDB + Google Cloud Storage), for the cutover and the way
//! back: its `mongoexport` files read ([`export`], Extended JSON in [`extjson`]), its assets and
//! users made into the registry's ([`Asset::from_legacy`](crate::Asset), [`User::from_legacy`]
//! (crate::auth::User)), what was exported held against what the registry serves ([`compare`]),
//! and an asset written back in the old schema for `mongoimport` ([`old_schema`]).

pub mod asset;
pub mod compare;
pub mod export;
pub mod extjson;
pub mod old_schema;
mod user;

/// A document of an export the registry could not take, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("legacy document {id}: {reason}")]
pub struct LegacyError {
    pub id: String,
    pub reason: String,
}
