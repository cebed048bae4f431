//! What clients send, parsed into domain values; all field-level refusals are made here.

mod create;
mod edit;
mod words;

pub use create::{CREATE_FIELDS, ComponentRef, CreateAsset, NewAsset};
pub use edit::{EditAsset, EditMode, Edited, edit_fields};
pub use words::{Warning, is_placeholder_description, names_asset};
