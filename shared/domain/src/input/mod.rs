//! What clients send, parsed into domain values; all field-level refusals are made here.

mod art;
mod create;
mod edit;
mod fields;
mod stored;
mod words;

pub use art::ArtRequest;
pub use create::{ComponentRef, CreateAsset, NewAsset};
pub use edit::{EditAsset, EditMode, Edited};
pub use fields::{ArtFields, CreateFields, EditFields, Identity};
pub use stored::{rule_breaks, rule_of};
pub use words::{Warning, is_address_for, is_placeholder_description, names_asset};
