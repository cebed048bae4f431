//! Album art for the songs that have none: every song (layer G, read through the index, not a
//! scan) without ready art is set to pending and gets a job, in batches under a jobs-per-second
//! limit. With no URL to fetch, the job looks the art up by song and artist, taken from
//! `musicMetadata` or parsed from the creator's words or the description.

use crate::rewrite::{Decision, Rewritten, rewrite};
use crate::{Ops, OpsError, seconds_since};
use governor::{Quota, RateLimiter};
use nna_domain::asset::{AlbumArt, AlbumArtField, ArtStatus};
use nna_domain::jobs::Job;
use nna_domain::ports::Walk;
use nna_domain::search::{Direction, Level, Order, Scope, position};
use nna_domain::time::Timestamp;
use nna_domain::{Asset, song_title};
use serde::Serialize;
use std::collections::BTreeMap;
use std::num::NonZeroU32;

/// SQS takes ten messages per request.
const BATCH: usize = 10;
const PAGE: usize = 100;

#[derive(Debug, Clone)]
pub struct ReprocessOptions {
    pub dry_run: bool,
    /// Jobs sent per second at most: the worker's lookups are rate-limited anyway (MusicBrainz
    /// asks for 1 request/s), so there is no gain in flooding the queue.
    pub jobs_per_second: NonZeroU32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SongOutcome {
    /// Art is processed and stored: nothing to do.
    Ready,
    /// Art the pipeline did not make (a URL the client gave before the pipeline existed): kept.
    HasArt,
    /// Still a bare URL from before the migration: run `migrate` first.
    NotMigrated,
    /// No song title to look the art up by: the creator has to give one.
    NoSongTitle,
    /// Pending already: its job sent again (the first may have been lost).
    Resent,
    /// Set to pending, job sent to fetch the art from its URL.
    QueuedUrl,
    /// Set to pending, job sent to look the art up.
    QueuedLookup,
    /// Would be queued (dry run).
    WouldQueue,
    /// Written to meanwhile too often; the next run takes it.
    Busy,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SongReport {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub song: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artist: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_failure: Option<String>,
    pub outcome: SongOutcome,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReprocessReport {
    pub dry_run: bool,
    pub songs: u64,
    pub jobs_sent: u64,
    pub outcomes: BTreeMap<SongOutcome, u64>,
    pub per_song: Vec<SongReport>,
    pub seconds: f64,
}

/// What to do with one song, from its stored art.
enum Plan {
    Leave(SongOutcome),
    /// Send this job as it is (already pending).
    Resend(Job),
    /// Write this art (pending), then send its job.
    Pend(AlbumArt),
}

fn plan(song: &Asset, now: Timestamp) -> Plan {
    let art = match &song.album_art {
        Some(AlbumArtField::LegacyUrl(_)) => return Plan::Leave(SongOutcome::NotMigrated),
        Some(AlbumArtField::Art(art)) => Some(art),
        None => None,
    };
    match art.map(|a| (a.status, a.url.is_some())) {
        Some((Some(ArtStatus::Ready), _)) => Plan::Leave(SongOutcome::Ready),
        Some((None, true)) => Plan::Leave(SongOutcome::HasArt),
        Some((Some(ArtStatus::Pending), _)) => Plan::Resend(Job::album_art_for(song, None, now)),
        // Failed, or nothing: look it up (a URL that failed would fail again).
        _ if song_title::of_asset(song).and_then(|s| s.song_name).is_none() => Plan::Leave(SongOutcome::NoSongTitle),
        _ => Plan::Pend(AlbumArt::pending_lookup()),
    }
}

pub async fn reprocess(ops: &Ops, options: &ReprocessOptions) -> Result<ReprocessReport, OpsError> {
    let clock = std::time::Instant::now();
    let now = Timestamp::now();
    let songs = Scope { level: Level::Layer, value: "G".into() };
    let mut report = ReprocessReport { dry_run: options.dry_run, ..Default::default() };
    ops.progress.begin("reprocess-album-art", ops.ports.index.count(std::slice::from_ref(&songs)).await.ok());
    let mut jobs = Vec::new();
    let mut after = None;
    loop {
        let walk = Walk { place: songs.clone(), order: Order::Created, direction: Direction::Ascending, after };
        let page = ops.ports.index.walk(&walk, PAGE).await?;
        after = page.assets.last().map(|a| position(a, Order::Created));
        for song in page.assets {
            let (entry, job) = settle(ops, song, now, options.dry_run).await?;
            report.songs += 1;
            *report.outcomes.entry(entry.outcome).or_default() += 1;
            report.per_song.push(entry);
            jobs.extend(job);
            ops.progress.advance(1);
        }
        if !page.more || after.is_none() {
            break;
        }
    }
    ops.progress.end();
    report.jobs_sent = send(ops, &jobs, options.jobs_per_second).await?;
    report.seconds = seconds_since(clock);
    Ok(report)
}

/// Decides, and writes the pending art, for one song; re-reads it if a user wrote in between.
async fn settle(ops: &Ops, song: Asset, now: Timestamp, dry_run: bool) -> Result<(SongReport, Option<Job>), OpsError> {
    let title = song_title::of_asset(&song);
    let mut entry = SongReport {
        id: song.id.as_str().into(),
        name: song.name().to_owned(),
        song: title.as_ref().and_then(|t| t.song_name.clone()),
        artist: title.and_then(|t| t.artist_name),
        previous_failure: song.album_art.as_ref().and_then(|a| a.art()).and_then(|a| a.failure.clone()),
        outcome: SongOutcome::Busy,
    };
    let decided = rewrite(
        ops,
        &nna_domain::history::Change::operator("nna-ops reprocess-album-art", None),
        song,
        |song| match plan(song, now) {
            Plan::Leave(outcome) => Decision::Leave((outcome, None)),
            Plan::Resend(_) | Plan::Pend(_) if dry_run => Decision::Leave((SongOutcome::WouldQueue, None)),
            Plan::Resend(job) => Decision::Leave((SongOutcome::Resent, Some(job))),
            Plan::Pend(art) => {
                let outcome = if art.source_url.is_some() { SongOutcome::QueuedUrl } else { SongOutcome::QueuedLookup };
                let mut next = song.clone();
                next.album_art = Some(AlbumArtField::Art(art));
                next.revision = song.revision + 1;
                Decision::Write(Box::new(next), outcome)
            }
        },
        |_| {},
    )
    .await?;
    Ok(match decided {
        Rewritten::Written { next, with: outcome, .. } => {
            entry.outcome = outcome;
            (entry, Some(Job::album_art_for(&next, None, now)))
        }
        Rewritten::Left { with: (outcome, job), .. } => {
            entry.outcome = outcome;
            (entry, job)
        }
        // Deleted meanwhile, or written to too often: nothing sent, the next run looks again.
        Rewritten::Gone | Rewritten::Busy => (entry, None),
    })
}

async fn send(ops: &Ops, jobs: &[Job], per_second: NonZeroU32) -> Result<u64, OpsError> {
    if jobs.is_empty() {
        return Ok(0);
    }
    let Some(queue) = &ops.ports.jobs else {
        return Err(OpsError::NoQueue);
    };
    let limiter = RateLimiter::direct(Quota::per_second(per_second));
    let mut sent = 0;
    for batch in jobs.chunks(BATCH) {
        for _ in batch {
            limiter.until_ready().await;
        }
        queue.send_batch(batch).await?;
        sent += batch.len() as u64;
    }
    Ok(sent)
}
