//! The album-art pipeline's network adapters: [`GuardedFetcher`] fetches images from URLs people
//! give us (see `fetcher` for every guard), [`Lookups`] finds covers for songs nobody gave one for.

mod address;
mod fetcher;
mod itunes;
mod matching;
mod musicbrainz;
mod settings;

pub use address::refusal;
pub use fetcher::{FetchPolicy, Guarded, GuardedFetcher, NameResolver, SystemResolver};
pub use itunes::Itunes;
pub use musicbrainz::MusicBrainz;
pub use settings::ArtSettings;

use async_trait::async_trait;
use nna_album_art::{ArtLookup, Failure, FoundArt, SongQuery};

/// A catalogue's JSON answer. One that does not answer, is busy (429, 5xx) or answers garbled is
/// worth asking again; any other refusal is not.
pub(crate) async fn answer<T: serde::de::DeserializeOwned>(
    api: &str,
    sent: reqwest::Result<reqwest::Response>,
) -> Result<T, Failure> {
    let refused = |e: reqwest::Error| match e.status().map(|s| s.as_u16()) {
        Some(429 | 500..=599) | None => Failure::transient("lookup_unavailable", format!("{api}: {e}")),
        Some(_) => Failure::permanent("lookup_refused", format!("{api}: {e}")),
    };
    let response = sent.and_then(reqwest::Response::error_for_status).map_err(refused)?;
    response
        .json()
        .await
        .map_err(|e| Failure::transient("lookup_unreadable", format!("{api} answered something unexpected: {e}")))
}

/// iTunes first (it has most covers, at the largest sizes), then MusicBrainz and the Cover Art
/// Archive. A catalogue that is down makes the lookup worth retrying unless the other found art.
pub struct Lookups {
    pub itunes: Itunes,
    pub musicbrainz: MusicBrainz,
}

#[async_trait]
impl ArtLookup for Lookups {
    async fn find(&self, song: &SongQuery) -> Result<Option<FoundArt>, Failure> {
        let first = self.itunes.find(song).await;
        if let Ok(Some(found)) = first {
            return Ok(Some(found));
        }
        let second = self.musicbrainz.find(song).await;
        match (first, second) {
            (_, Ok(Some(found))) => Ok(Some(found)),
            (Err(e), _) | (_, Err(e)) => Err(e),
            _ => Ok(None),
        }
    }
}
