//! Searches ordered by creation time (newest, oldest) or by relevance whose terms match too many
//! assets to read them all: one term's posting list is read in creation order a batch at a time,
//! its assets fetched and checked against the whole query, until the page is full. When most
//! candidates match, that reads about a page whatever the number of matches.
//!
//! Relevance is the query's score, then newest. No asset can score more than
//! [`best_possible`]; walking newest first, once a page's worth of matches reach that score
//! nothing unread can outrank them, so the walk stops there. Otherwise it ranks at most
//! `SearchTuning::probes[1]` candidates, the same number the selective path ranks.

use super::cursor::CursorKey;
use super::matching::{matches, score, sort_key};
use super::order::{Direction, Order};
use super::page::{Driver, RANKED, SearchError, SearchPage, WALKED, created_bounds, is_after, resume};
use super::postings::{TermStream, completions};
use super::query::SearchQuery;
use super::terms::{Field, IndexTerm};
use crate::asset::Asset;
use crate::id::AssetId;
use crate::ports::{AssetIndex, StoreError};
use std::collections::HashMap;

/// The terms whose postings drive the walk: a whole word (words are the most selective in
/// practice), else a facet, else a prefix's completions when there are few; `None` when only
/// broad prefixes remain, which the places walk answers instead.
pub(super) async fn driving_terms(
    index: &dyn AssetIndex,
    drivers: &[Driver],
) -> Result<Option<Vec<IndexTerm>>, StoreError> {
    let term = |word: bool| {
        drivers.iter().find_map(|d| match d {
            Driver::Term(t) if t.is_word() == word => Some(t.clone()),
            _ => None,
        })
    };
    if let Some(t) = term(true).or_else(|| term(false)) {
        return Ok(Some(vec![t]));
    }
    // Address prefixes are not tried: every asset's HFN and MFA is a term of its own, so they
    // always have more completions than a stream can merge.
    for d in drivers {
        if let Driver::Prefix(p) = d
            && p.is_word()
            && let Some(terms) = completions(index, p).await?
        {
            return Ok(Some(terms));
        }
    }
    Ok(None)
}

/// What a streamed walk found: the page (with its total when it saw every match), and how many
/// matches it saw.
pub(super) struct Streamed {
    pub page: SearchPage,
    pub found: u64,
}

/// The stream's candidates a batch at a time, the batch doubling from a page up to 1,000.
struct Candidates {
    stream: TermStream,
    batch: usize,
}

/// One batch: its postings' assets in posting order (deleted ones left out), how many postings
/// were read, and whether more may follow.
struct Batch {
    assets: Vec<(String, Asset)>,
    read: usize,
    more: bool,
}

impl Candidates {
    fn new(stream: TermStream, need: usize) -> Self {
        Self { stream, batch: need.clamp(20, 1000) }
    }

    async fn next(&mut self, index: &dyn AssetIndex) -> Result<Batch, StoreError> {
        let postings = self.stream.next(index, self.batch).await?;
        let (read, more) = (postings.len(), postings.len() == self.batch);
        self.batch = (self.batch * 2).min(1000);
        let ids: Vec<AssetId> = postings.iter().map(|p| p.id.clone()).collect();
        let mut by_id: HashMap<AssetId, Asset> = if ids.is_empty() {
            HashMap::new()
        } else {
            index.fetch(&ids).await?.into_iter().map(|a| (a.id.clone(), a)).collect()
        };
        let assets = postings.into_iter().filter_map(|p| by_id.remove(&p.id).map(|a| (p.position, a))).collect();
        Ok(Batch { assets, read, more })
    }
}

/// Creation order, either way: the page is the first `offset + limit` matches of the stream.
pub(super) async fn by_creation(
    index: &dyn AssetIndex,
    q: &SearchQuery,
    key: &CursorKey,
    after: Option<String>,
    terms: Vec<IndexTerm>,
    walk_budget: usize,
) -> Result<Streamed, SearchError> {
    let direction = q.sort.direction;
    let after = resume(after, WALKED)?;
    let (start, stop) = created_bounds(q, Order::Created, direction);
    let skip = if after.is_some() { 0 } else { q.offset() };
    let need = skip + q.limit as usize;
    let mut candidates = Candidates::new(TermStream::new(terms, direction, after.or(start)), need);
    let (mut found, mut examined, mut last_examined) = (Vec::<(String, Asset)>::new(), 0usize, None::<String>);
    let (mut more, mut out_of_budget) = (true, false);
    'walk: while found.len() < need {
        let batch = candidates.next(index).await?;
        more = batch.more;
        if batch.read == 0 {
            break;
        }
        let batch_len = batch.read;
        for (i, (position, asset)) in batch.assets.into_iter().enumerate() {
            if stop.as_deref().is_some_and(|bound| is_after(&position, bound, direction)) {
                more = false;
                break 'walk;
            }
            if examined == walk_budget {
                out_of_budget = true;
                break 'walk;
            }
            examined += 1;
            last_examined = Some(position.clone());
            if matches(&asset, q) {
                found.push((position, asset));
                if found.len() == need {
                    more = more || i + 1 < batch_len;
                    break 'walk;
                }
            }
        }
    }
    let matched = found.len() as u64;
    let page: Vec<(String, Asset)> = found.into_iter().skip(skip).collect();
    let resume_at = match (more || out_of_budget, page.len() == q.limit as usize) {
        (false, _) => None,
        (true, true) => page.last().map(|(k, _)| k.clone()),
        (true, false) => last_examined,
    };
    let complete = !more && !out_of_budget;
    let next_cursor = resume_at.map(|k| key.encode(&q.fingerprint(), &format!("{}:{k}", WALKED)));
    let total = complete.then_some(matched);
    let items = page.into_iter().map(|(_, a)| a).collect();
    Ok(Streamed { page: SearchPage { items, total, total_at_least: None, next_cursor }, found: matched })
}

/// The most any asset can score on this query: every word found in the most telling field.
fn best_possible(q: &SearchQuery) -> u32 {
    let top = Field::CreatorDescription.weight();
    q.text.as_ref().map_or(0, |t| 2 * top * t.whole.len() as u32 + if t.prefix.is_some() { top } else { 0 })
}

/// Relevance: newest first through the stream, stopping once a page's worth of matches have the
/// best possible score (or the candidates run out, or the budget does), then ranked.
pub(super) async fn by_relevance(
    index: &dyn AssetIndex,
    q: &SearchQuery,
    key: &CursorKey,
    after: Option<String>,
    terms: Vec<IndexTerm>,
    budget: usize,
) -> Result<Streamed, SearchError> {
    let after = resume(after, RANKED)?;
    let skip = if after.is_some() { 0 } else { q.offset() };
    let need = skip + q.limit as usize;
    let best = best_possible(q);
    let mut candidates = Candidates::new(TermStream::new(terms, Direction::Descending, None), need);
    let (mut ranked, mut at_best, mut examined) = (Vec::<(String, Asset)>::new(), 0usize, 0usize);
    let mut more = true;
    let mut all = 0u64;
    'walk: while at_best < need && examined < budget {
        let batch = candidates.next(index).await?;
        more = batch.more;
        if batch.read == 0 {
            break;
        }
        let read = batch.read;
        for (i, (_, asset)) in batch.assets.into_iter().enumerate() {
            if examined == budget {
                more = true;
                break 'walk;
            }
            examined += 1;
            if !matches(&asset, q) {
                continue;
            }
            all += 1;
            let k = sort_key(&asset, q);
            if after.as_deref().is_none_or(|a| is_after(&k, a, Direction::Descending)) {
                if score(&asset, q) == best {
                    at_best += 1;
                }
                ranked.push((k, asset));
                if at_best == need {
                    more = more || i + 1 < read;
                    break 'walk;
                }
            }
        }
    }
    ranked.sort_by(|a, b| b.0.cmp(&a.0));
    let left = ranked.len().saturating_sub(skip);
    let page: Vec<(String, Asset)> = ranked.into_iter().skip(skip).take(q.limit as usize).collect();
    let next_cursor = match (more || left > page.len(), page.last()) {
        (true, Some((k, _))) => Some(key.encode(&q.fingerprint(), &format!("{}:{k}", RANKED))),
        _ => None,
    };
    let complete = !more && after.is_none();
    let total = complete.then_some(all);
    let items = page.into_iter().map(|(_, a)| a).collect();
    Ok(Streamed { page: SearchPage { items, total, total_at_least: None, next_cursor }, found: all })
}
