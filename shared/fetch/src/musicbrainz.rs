//! MusicBrainz recording search, then the Cover Art Archive's front image of a matching release.
//! MusicBrainz asks for one request per second and a User-Agent that says who is asking.

use crate::answer;
use crate::matching::{ACCEPT, score};
use nna_album_art::{Failure, FoundArt, SongQuery};
use nna_domain::asset::ArtSource;
use serde::Deserialize;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

pub struct MusicBrainz {
    client: reqwest::Client,
    base: String,
    cover_art: String,
    last_request: Mutex<Option<Instant>>,
}

#[derive(Deserialize)]
struct Recordings {
    #[serde(default)]
    recordings: Vec<Recording>,
}

#[derive(Deserialize)]
struct Recording {
    title: String,
    #[serde(rename = "artist-credit", default)]
    artists: Vec<Credit>,
    #[serde(default)]
    releases: Vec<Release>,
}

#[derive(Deserialize)]
struct Credit {
    name: String,
}

#[derive(Deserialize)]
struct Release {
    id: String,
    title: Option<String>,
}

#[derive(Deserialize)]
struct CoverArt {
    #[serde(default)]
    images: Vec<Image>,
}

#[derive(Deserialize)]
struct Image {
    #[serde(default)]
    front: bool,
    image: String,
    #[serde(default)]
    thumbnails: Thumbnails,
}

/// The archive's own downsized copies; originals can be scans of tens of megabytes.
#[derive(Deserialize, Default)]
struct Thumbnails {
    #[serde(rename = "1200")]
    large: Option<String>,
}

/// The archive still lists `http://coverartarchive.org/…` addresses; it serves the same over
/// https, which is all the fetcher takes.
fn https(url: String) -> String {
    match url.strip_prefix("http://coverartarchive.org/") {
        Some(rest) => format!("https://coverartarchive.org/{rest}"),
        None => url,
    }
}

/// Lucene phrase: quotes and backslashes escaped.
fn phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl MusicBrainz {
    pub fn new(client: reqwest::Client, base: &str, cover_art: &str) -> Self {
        Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            cover_art: cover_art.trim_end_matches('/').to_owned(),
            last_request: Mutex::new(None),
        }
    }

    /// At most one MusicBrainz request a second from this process.
    async fn polite(&self) {
        let mut last = self.last_request.lock().await;
        if let Some(at) = *last {
            let wait = Duration::from_secs(1).saturating_sub(at.elapsed());
            tokio::time::sleep(wait).await;
        }
        *last = Some(Instant::now());
    }

    pub async fn find(&self, q: &SongQuery) -> Result<Option<FoundArt>, Failure> {
        let mut query = format!("recording:{}", phrase(&q.song));
        if let Some(artist) = &q.artist {
            query.push_str(&format!(" AND artist:{}", phrase(artist)));
        }
        self.polite().await;
        let query = [("query", query.as_str()), ("fmt", "json"), ("limit", "5")];
        let sent = self.client.get(format!("{}/ws/2/recording/", self.base)).query(&query).send().await;
        let found: Recordings = answer("musicbrainz", sent).await?;
        let mut candidates: Vec<(f64, &Recording)> = found
            .recordings
            .iter()
            .map(|r| {
                let artist = r.artists.first().map(|c| c.name.as_str());
                (score(q, &r.title, artist, r.releases.first().and_then(|x| x.title.as_deref())), r)
            })
            .filter(|(s, _)| *s >= ACCEPT)
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, recording) in candidates {
            for release in recording.releases.iter().take(5) {
                if let Some(url) = self.front_cover(&release.id).await? {
                    return Ok(Some(FoundArt { url, source: ArtSource::MusicBrainz }));
                }
            }
        }
        Ok(None)
    }

    /// The release's front image, if the archive has one.
    async fn front_cover(&self, release: &str) -> Result<Option<String>, Failure> {
        let sent = self.client.get(format!("{}/release/{release}", self.cover_art)).send().await;
        if sent.as_ref().is_ok_and(|r| r.status() == reqwest::StatusCode::NOT_FOUND) {
            return Ok(None);
        }
        let art: CoverArt = answer("coverartarchive", sent).await?;
        Ok(art.images.into_iter().find(|i| i.front).map(|i| https(i.thumbnails.large.unwrap_or(i.image))))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn archive_addresses_are_fetched_over_https() {
        assert_eq!(
            super::https("http://coverartarchive.org/release/x/1-1200.jpg".into()),
            "https://coverartarchive.org/release/x/1-1200.jpg"
        );
        assert_eq!(super::https("http://127.0.0.1:9/x.jpg".into()), "http://127.0.0.1:9/x.jpg");
    }
}
