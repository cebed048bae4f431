//! The iTunes Search API, as the frontend already uses it: songs first, then albums; the best
//! match by title, artist and album; its artwork at the largest size the URL pattern serves.

use crate::answer;
use crate::matching::{ACCEPT, score};
use nna_album_art::{Failure, FoundArt, SongQuery};
use nna_domain::asset::ArtSource;
use serde::Deserialize;

pub struct Itunes {
    client: reqwest::Client,
    base: String,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    results: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    track_name: Option<String>,
    artist_name: Option<String>,
    collection_name: Option<String>,
    artwork_url100: Option<String>,
}

/// `…/100x100bb.jpg` → `…/3000x3000bb.jpg`: the same image at the largest size offered.
pub fn largest(artwork: &str) -> String {
    let Some((dir, file)) = artwork.rsplit_once('/') else { return artwork.to_owned() };
    let Some((size, ext)) = file.split_once("bb.") else { return artwork.to_owned() };
    let sized = size.split_once('x').is_some_and(|(w, h)| {
        !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) && h.bytes().all(|b| b.is_ascii_digit())
    });
    if sized { format!("{dir}/3000x3000bb.{ext}") } else { artwork.to_owned() }
}

impl Itunes {
    pub fn new(client: reqwest::Client, base: &str) -> Self {
        Self { client, base: base.trim_end_matches('/').to_owned() }
    }

    async fn search(&self, term: &str, entity: &str) -> Result<Vec<Entry>, Failure> {
        let query = [("term", term), ("media", "music"), ("entity", entity), ("limit", "10")];
        let sent = self.client.get(format!("{}/search", self.base)).query(&query).send().await;
        Ok(answer::<Answer>("itunes", sent).await?.results)
    }

    pub async fn find(&self, q: &SongQuery) -> Result<Option<FoundArt>, Failure> {
        let term = [Some(q.song.as_str()), q.artist.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
        let songs = self.search(&term, "song").await?;
        let best = songs
            .iter()
            .filter_map(|e| {
                Some((score(q, e.track_name.as_deref()?, e.artist_name.as_deref(), e.collection_name.as_deref()), e))
            })
            .filter(|(s, _)| *s >= ACCEPT)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some(url) = best.and_then(|(_, e)| e.artwork_url100.as_deref()) {
            return Ok(Some(FoundArt { url: largest(url), source: ArtSource::ITunes }));
        }
        // The album the creator named, when the song itself is not listed.
        let Some(album) = &q.album else { return Ok(None) };
        let term = [Some(album.as_str()), q.artist.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
        let as_album = SongQuery { song: album.clone(), artist: q.artist.clone(), album: None };
        let albums = self.search(&term, "album").await?;
        Ok(albums
            .iter()
            .filter_map(|e| Some((score(&as_album, e.collection_name.as_deref()?, e.artist_name.as_deref(), None), e)))
            .filter(|(s, _)| *s >= ACCEPT)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .and_then(|(_, e)| e.artwork_url100.as_deref())
            .map(|url| FoundArt { url: largest(url), source: ArtSource::ITunes }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_artwork() {
        assert_eq!(
            largest("https://is1-ssl.mzstatic.com/image/thumb/Music/v4/ab/cd/source/100x100bb.jpg"),
            "https://is1-ssl.mzstatic.com/image/thumb/Music/v4/ab/cd/source/3000x3000bb.jpg"
        );
        assert_eq!(largest("https://x.io/cover.jpg"), "https://x.io/cover.jpg");
    }
}
