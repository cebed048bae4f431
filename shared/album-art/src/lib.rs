//! The album-art pipeline: a queued job becomes three stored files (the original without its
//! metadata, 500×500 and 150×150) recorded on the song. Pure: the network comes in through
//! [`ImageSource`] and [`ArtLookup`], storage through the domain's ports.

pub mod failure;
pub mod image;
mod pipeline;
mod ports;
mod reduce;

pub use failure::Failure;
pub use pipeline::{ArtOutcome, DEFAULT_DECODE_MEMORY_MIB, Observer, Pipeline};
pub use ports::{ArtLookup, FoundArt, ImageSource, SongQuery};
