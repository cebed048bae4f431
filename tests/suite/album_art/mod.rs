//! The album-art pipeline: images, the guarded fetcher, lookups, and the whole path on both stacks.

mod fetch;
mod images;
pub(crate) mod lambda;
mod local;
mod pipeline;
mod rig;
