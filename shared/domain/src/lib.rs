//! The NNA registry's domain. Pure: no AWS, no HTTP. Adapters implement [`ports`]; the HTTP layer
//! turns requests into calls on [`Registry`] and its errors into responses.

pub mod address;
pub mod asset;
pub mod auth;
pub mod blob;
pub mod error;
pub mod files;
pub mod history;
pub mod id;
pub mod idempotency;
pub mod input;
pub mod jobs;
pub mod legacy;
pub mod limits;
pub mod migration;
#[cfg(feature = "openapi")]
mod openapi;
pub mod parse;
pub mod ports;
pub mod registry;
pub mod retry;
pub mod search;
pub mod settings;
pub mod song_title;
pub mod taxonomy;
pub mod time;
pub mod upload;

pub use address::{Address, AssetKey, Sequence};
pub use asset::Asset;
pub use error::{ErrorCode, FieldError, Invalid};
pub use id::AssetId;
pub use registry::{Registry, RegistryConfig, RegistryError};
pub use time::Timestamp;
