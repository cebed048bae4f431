//! What clients send, parsed into domain values; all field-level refusals are made here.

mod create;
mod edit;

pub use create::{ComponentRef, NewAsset};
pub use edit::{EditMode, apply_edit, merge_patch};
