//! How album-art jobs fared over a window, against the request's target (more than 90 % made):
//! the songs whose art the pipeline settled (made or gave up on) since then, by source and by
//! failure code, and the art still waiting. Read only; the template's alarm watches the same rate
//! from the metrics the worker emits.

use crate::scan::{Scan, lock};
use crate::{Ops, OpsError, seconds_since};
use nna_domain::asset::{AlbumArt, AlbumArtField, ArtStatus};
use nna_domain::time::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The share of settled jobs that must have made art.
pub const TARGET: f64 = 0.9;
/// Fewer settled jobs than this say nothing about the rate (the alarm's minimum too).
pub const MIN_JOBS: u64 = 10;

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    pub ready: u64,
    pub failed: u64,
    /// `ready / (ready + failed)`; absent when nothing settled.
    pub success_rate: Option<f64>,
}

impl Tally {
    fn count(&mut self, made: bool) {
        if made {
            self.ready += 1;
        } else {
            self.failed += 1;
        }
    }

    fn settle(&mut self) {
        let settled = self.ready + self.failed;
        self.success_rate = (settled > 0).then(|| self.ready as f64 / settled as f64);
    }
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtReport {
    pub since: Option<Timestamp>,
    pub hours: u32,
    #[serde(flatten)]
    pub all: Tally,
    pub target: f64,
    /// Whether the rate meets the target; absent below `MIN_JOBS` settled jobs.
    pub met: Option<bool>,
    /// By where the art came from (`iTunes`, `MusicBrainz`, `Manual`, `AI Generated`).
    pub by_source: BTreeMap<&'static str, Tally>,
    /// Failed jobs by their code (`not_found`, `retries_exhausted:fetch_timeout`, …).
    pub by_failure: BTreeMap<String, u64>,
    /// Songs whose art is still waiting for the worker, whenever it was asked for.
    pub pending: u64,
    pub seconds: f64,
}

pub async fn art_report(ops: &Ops, scan: &Scan, hours: u32) -> Result<ArtReport, OpsError> {
    let clock = std::time::Instant::now();
    let since = Timestamp::from_millis(Timestamp::now().millis() - i64::from(hours) * 3_600_000);
    let report = Mutex::new(ArtReport { since, hours, target: TARGET, ..ArtReport::default() });
    scan.read_only()
        .run(ops, "art-report", |asset| {
            let report = &report;
            async move {
                let Some(art) = asset.album_art.as_ref().and_then(AlbumArtField::art) else { return Ok(()) };
                let mut r = lock(report);
                if art.status == Some(ArtStatus::Pending) {
                    r.pending += 1;
                } else if let Some(made) = settled_since(art, since) {
                    r.all.count(made);
                    r.by_source.entry(art.source.as_str()).or_default().count(made);
                    if let (false, Some(code)) = (made, &art.failure) {
                        *r.by_failure.entry(code.clone()).or_default() += 1;
                    }
                }
                Ok(())
            }
        })
        .await?;
    let mut report = report.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    report.all.settle();
    report.by_source.values_mut().for_each(Tally::settle);
    let settled = report.all.ready + report.all.failed;
    report.met = (settled >= MIN_JOBS).then(|| report.all.success_rate.unwrap_or(0.0) >= TARGET);
    report.seconds = seconds_since(clock);
    Ok(report)
}

/// Whether the art was made (`Some(true)`) or given up on (`Some(false)`) within the window.
fn settled_since(art: &AlbumArt, since: Option<Timestamp>) -> Option<bool> {
    let at = art.settled_at?;
    if since.is_some_and(|s| at < s) {
        return None;
    }
    match art.status? {
        ArtStatus::Ready => Some(true),
        ArtStatus::Failed => Some(false),
        ArtStatus::Pending => None,
    }
}
