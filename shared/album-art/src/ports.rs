//! What the pipeline needs from the network, as ports: adapters in `nna-fetch` implement them
//! with the guarded HTTP client; tests may implement them in memory.

use crate::failure::Failure;
use async_trait::async_trait;
use bytes::Bytes;
use nna_domain::asset::ArtSource;

/// Downloads an image from a URL someone gave us: the product's largest attack surface, so every
/// implementation must refuse private addresses, cap sizes and time out.
#[async_trait]
pub trait ImageSource: Send + Sync {
    async fn fetch(&self, url: &str) -> Result<Bytes, Failure>;
}

/// What a song is, as far as finding its cover goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SongQuery {
    pub song: String,
    pub artist: Option<String>,
    pub album: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundArt {
    pub url: String,
    pub source: ArtSource,
}

/// Finds a song's cover when nobody gave one (iTunes, then MusicBrainz + Cover Art Archive).
#[async_trait]
pub trait ArtLookup: Send + Sync {
    /// `Ok(None)` when nothing matched well enough.
    async fn find(&self, song: &SongQuery) -> Result<Option<FoundArt>, Failure>;
}
