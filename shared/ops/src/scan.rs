//! One pass over every asset: the scan segments read in parallel, each page's items worked a few
//! at a time, the whole pass held to an items-per-second limit so live traffic keeps its
//! capacity, and, for runs that name themselves, a checkpoint per segment after every page.
//!
//! A checkpoint is written only once every item of its page is done, so a run killed mid-page
//! repeats at most that page on resume; the work per item must therefore be idempotent (the
//! migration's mark, rollback's "not migrated", a backup's overwrite make it so).

use crate::progress::Progress;
use crate::{Ops, OpsError};
use futures::TryStreamExt;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use nna_domain::Asset;
use nna_domain::ports::{Checkpoint, Maintenance, Run, Unreadable};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone)]
pub struct Scan {
    /// Scan segments read at once (DynamoDB parallel scan segments).
    pub segments: u32,
    /// Assets read per request.
    pub page: usize,
    /// Items of a page worked at once.
    pub concurrency: usize,
    /// At most this many items per second over the whole pass.
    pub rate: Option<NonZeroU32>,
    /// Names the run whose checkpoints are kept; `None`: no checkpoints, always from the start.
    pub run: Option<Run>,
    /// Stop, as if killed, once this many items have been started (drills and tests).
    pub stop_after: Option<u64>,
    /// Stop the same way at this time (a Lambda invocation's deadline): the next run resumes.
    pub deadline: Option<std::time::Instant>,
}

impl Default for Scan {
    fn default() -> Self {
        Self { segments: 4, page: 100, concurrency: 8, rate: None, run: None, stop_after: None, deadline: None }
    }
}

/// What a pass saw besides the items it worked.
#[derive(Debug, Default)]
pub struct Scanned {
    pub items: u64,
    pub unreadable: Vec<Unreadable>,
    /// Segments that were finished before this run started (resumed runs).
    pub segments_already_done: u32,
}

struct Shared<'a> {
    limiter: Option<DefaultDirectRateLimiter>,
    started: AtomicU64,
    unreadable: Mutex<Vec<Unreadable>>,
    progress: &'a dyn Progress,
}

impl Scan {
    /// For passes that only read: no checkpoints (they start over), no drill stop.
    pub fn read_only(&self) -> Self {
        Self { run: None, stop_after: None, ..self.clone() }
    }

    /// `Interrupted` once `started` items reach `stop_after`, or at the deadline: the run stops
    /// as if killed, and resumes when run again.
    pub fn stop_if_due(&self, started: u64) -> Result<(), OpsError> {
        let late = self.deadline.is_some_and(|d| std::time::Instant::now() >= d);
        if late || self.stop_after.is_some_and(|stop| started >= stop) {
            return Err(OpsError::Interrupted(started));
        }
        Ok(())
    }

    pub fn named(mut self, run: Run) -> Self {
        self.run = Some(run);
        self
    }

    /// Works `each` on every asset the store holds (and, on a resumed run, every asset after the
    /// checkpoints), shown to the operator as `label`. Stops at the first error `each` returns,
    /// checkpoints standing.
    pub async fn run<F, Fut>(&self, ops: &Ops, label: &str, each: F) -> Result<Scanned, OpsError>
    where
        F: Fn(Asset) -> Fut + Sync,
        Fut: Future<Output = Result<(), OpsError>> + Send,
    {
        ops.progress.begin(label, ops.total().await);
        let scanned = self.pass(ops.ports.maintenance.as_ref(), ops.progress.as_ref(), each).await;
        ops.progress.end();
        scanned
    }

    async fn pass<F, Fut>(&self, store: &dyn Maintenance, progress: &dyn Progress, each: F) -> Result<Scanned, OpsError>
    where
        F: Fn(Asset) -> Fut + Sync,
        Fut: Future<Output = Result<(), OpsError>> + Send,
    {
        let segments = self.segments.max(1);
        if let Some(run) = self.run {
            same_segments(store, run, segments).await?;
        }
        let shared = Shared {
            limiter: self.rate.map(|r| RateLimiter::direct(Quota::per_second(r))),
            started: AtomicU64::new(0),
            unreadable: Mutex::new(Vec::new()),
            progress,
        };
        let done =
            futures::future::try_join_all((0..segments).map(|s| self.segment(store, s, segments, &shared, &each)))
                .await?;
        Ok(Scanned {
            items: shared.started.load(Ordering::Relaxed),
            unreadable: std::mem::take(&mut *lock(&shared.unreadable)),
            segments_already_done: done.into_iter().filter(|finished_before| *finished_before).count() as u32,
        })
    }

    /// One segment to its end; `true` if a checkpoint said it was finished already.
    async fn segment<F, Fut>(
        &self,
        store: &dyn Maintenance,
        segment: u32,
        segments: u32,
        shared: &Shared<'_>,
        each: &F,
    ) -> Result<bool, OpsError>
    where
        F: Fn(Asset) -> Fut + Sync,
        Fut: Future<Output = Result<(), OpsError>> + Send,
    {
        let mut after = match self.run {
            Some(run) => match store.checkpoint(run, segment).await? {
                Some(Checkpoint::Done) => return Ok(true),
                Some(Checkpoint::After(position)) => Some(position),
                None => None,
            },
            None => None,
        };
        loop {
            let page = store.scan(segment, segments, after.as_deref(), self.page.max(1)).await?;
            if !page.unreadable.is_empty() {
                lock(&shared.unreadable).extend(page.unreadable);
            }
            futures::stream::iter(page.assets.into_iter().map(Ok::<_, OpsError>))
                .try_for_each_concurrent(self.concurrency.max(1), |asset| async move {
                    if let Some(limiter) = &shared.limiter {
                        limiter.until_ready().await;
                    }
                    self.stop_if_due(shared.started.fetch_add(1, Ordering::Relaxed))?;
                    each(asset).await?;
                    shared.progress.advance(1);
                    Ok(())
                })
                .await?;
            if let Some(run) = self.run {
                let at = page.next.clone().map_or(Checkpoint::Done, Checkpoint::After);
                store.save_checkpoint(run, segment, &at).await?;
            }
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(false),
            }
        }
    }
}

/// Where a run keeps the segment count its checkpoints were made with (no segment has this number).
const SHAPE: u32 = u32::MAX;

/// Checkpoints name positions within segments, so a run resumes only with the segment count it
/// started with; a run starting afresh records its count.
async fn same_segments(store: &dyn Maintenance, run: Run, segments: u32) -> Result<(), OpsError> {
    match store.checkpoint(run, SHAPE).await? {
        Some(Checkpoint::After(before)) => match before.parse::<u32>() {
            Ok(before) if before != segments => Err(OpsError::SegmentsChanged { before, now: segments }),
            _ => Ok(()),
        },
        _ => Ok(store.save_checkpoint(run, SHAPE, &Checkpoint::After(segments.to_string())).await?),
    }
}

/// A tally shared by the items of a pass.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
