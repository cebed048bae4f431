//! What clients send, parsed into domain values; all field-level refusals are made here.

mod create;
mod edit;
mod words;

pub use create::{ComponentRef, NewAsset};
pub use edit::{EditMode, Edited, apply_edit, merge_patch};
pub use words::{Warning, is_placeholder_description, names_asset};
