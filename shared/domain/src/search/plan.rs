//! Answering a query from a store's index, the same way for every store.
//!
//! The query's terms (words, the last one as a prefix, an address prefix, facets) each have a
//! posting list. The planner reads every list up to a small limit: if one ends within it, the query
//! is *selective* and that list is the candidate set; the candidates are fetched, checked against
//! the whole query, sorted, and paged. Reads are proportional to the matches, and the total is
//! exact. If every list runs past the limit (a tenfold larger one is tried too), the query is
//! *unselective*: the planner walks the order's index through the query's places and checks each
//! asset, which reads about a page when most assets match. A query with no terms at all is a plain
//! listing: the same walk, with the total from the stores' counts.

use super::count::{Total, count};
use super::cursor::CursorKey;
use super::matching::{matches, sort_key};
use super::order::{Direction, Order, position};
use super::page::{Driver, SELECTIVE, SearchError, SearchPage, WALKED, created_bounds, is_after, read, resume};
use super::query::{Scope, SearchQuery, SortBy};
use super::streamed;
use super::terms::IndexTerm;
use crate::asset::Asset;
use crate::id::AssetId;
use crate::ports::{AssetIndex, Posting, Walk};
use futures_util::future::try_join_all;
use std::collections::{BTreeSet, VecDeque};

/// How much the planner reads before changing strategy. The defaults suit production; tests make
/// them tiny to drive small data down the unselective path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchTuning {
    /// A posting list shorter than one of these (tried in turn) drives the query; newest, oldest
    /// and relevance try only the first (and a lone prefix about a page of it), and a streamed
    /// relevance page ranks at most the second many candidates.
    pub probes: [usize; 2],
    /// An unselective walk examines at most this many assets per request, then hands out a cursor.
    pub walk_budget: usize,
}

impl Default for SearchTuning {
    fn default() -> Self {
        Self { probes: [100, 1000], walk_budget: 20_000 }
    }
}

fn drivers(q: &SearchQuery) -> Vec<Driver> {
    let mut out: Vec<Driver> = q.facets.iter().cloned().map(Driver::Term).collect();
    if let Some(t) = &q.text {
        out.extend(t.whole.iter().map(|w| Driver::Term(IndexTerm::word(w))));
        out.extend(t.prefix.iter().map(|p| Driver::Prefix(IndexTerm::word(p))));
    }
    out.extend(q.address.iter().cloned().map(Driver::Prefix));
    out
}

pub async fn search(
    index: &dyn AssetIndex,
    q: &SearchQuery,
    key: &CursorKey,
    tuning: SearchTuning,
) -> Result<SearchPage, SearchError> {
    let after = q.cursor.as_ref().map(|c| key.decode(&q.fingerprint(), c)).transpose()?;
    let drivers = drivers(q);
    // Newest, oldest and relevance can read a long list in creation order and stop early, so
    // only a short list is worth reading whole; other orders read up to the larger probe.
    let streams = matches!(q.sort.by, SortBy::Relevance | SortBy::Order(Order::Created));
    if !drivers.is_empty() {
        // A lone term is streamed whatever its length: the probe could only choose it. A lone
        // prefix is probed for about a page: a list that short is one read, where streaming first
        // lists its completions.
        let page = (q.offset() + q.limit as usize).max(20);
        let probes: Vec<usize> = match (streams, drivers.as_slice()) {
            (true, [Driver::Term(_)]) => Vec::new(),
            (true, [Driver::Prefix(_)]) => vec![tuning.probes[0].min(page)],
            (true, _) => vec![tuning.probes[0]],
            (false, _) => tuning.probes.to_vec(),
        };
        for limit in probes {
            let lists = try_join_all(drivers.iter().map(|d| read(index, d, limit + 1))).await?;
            if let Some(smallest) = lists.into_iter().filter(|l| l.len() <= limit).min_by_key(Vec::len) {
                return selective(index, q, key, smallest, after).await;
            }
        }
        if streams && let Some(terms) = streamed::driving_terms(index, &drivers).await? {
            let single = (terms.len() == 1).then(|| terms[0].clone());
            let walked = match q.sort.by {
                SortBy::Relevance => streamed::by_relevance(index, q, key, after, terms, tuning.probes[1]).await?,
                SortBy::Order(_) => streamed::by_creation(index, q, key, after, terms, tuning.walk_budget).await?,
            };
            return with_total(index, q, &drivers, single.as_ref(), walked.page, walked.found).await;
        }
    }
    let (page, found) = walked(index, q, key, after, drivers.is_empty(), tuning.walk_budget).await?;
    with_total(index, q, &drivers, None, page, found).await
}

/// Counts the total when the page did not learn it.
async fn with_total(
    index: &dyn AssetIndex,
    q: &SearchQuery,
    drivers: &[Driver],
    single: Option<&IndexTerm>,
    mut page: SearchPage,
    found: u64,
) -> Result<SearchPage, SearchError> {
    if page.total.is_none() {
        match count(index, q, drivers, single, found).await? {
            Total::Exact(n) => page.total = Some(n),
            Total::AtLeast(n) => page.total_at_least = Some(n),
        }
    }
    Ok(page)
}

async fn selective(
    index: &dyn AssetIndex,
    q: &SearchQuery,
    key: &CursorKey,
    candidates: Vec<Posting>,
    after: Option<String>,
) -> Result<SearchPage, SearchError> {
    let after = resume(after, SELECTIVE)?;
    let ids: Vec<AssetId> = candidates.into_iter().map(|p| p.id).collect::<BTreeSet<_>>().into_iter().collect();
    let mut hits: Vec<(String, Asset)> =
        index.fetch(&ids).await?.into_iter().filter(|a| matches(a, q)).map(|a| (sort_key(&a, q), a)).collect();
    hits.sort_by(|a, b| a.0.cmp(&b.0));
    if q.sort.direction == Direction::Descending {
        hits.reverse();
    }
    let total = hits.len() as u64;
    let skip = if after.is_some() { 0 } else { q.offset() };
    let mut rest =
        hits.into_iter().filter(|(k, _)| after.as_deref().is_none_or(|a| is_after(k, a, q.sort.direction))).skip(skip);
    let page: Vec<(String, Asset)> = rest.by_ref().take(q.limit as usize).collect();
    let next_cursor = match (rest.next(), page.last()) {
        (Some(_), Some((k, _))) => Some(key.encode(&q.fingerprint(), &format!("{SELECTIVE}:{k}"))),
        _ => None,
    };
    Ok(SearchPage {
        items: page.into_iter().map(|(_, a)| a).collect(),
        total: Some(total),
        total_at_least: None,
        next_cursor,
    })
}

/// One place's walk, buffered.
struct Stream {
    place: Scope,
    buffer: VecDeque<Asset>,
    last: Option<String>,
    done: bool,
    batch: usize,
}

async fn walked(
    index: &dyn AssetIndex,
    q: &SearchQuery,
    key: &CursorKey,
    after: Option<String>,
    plain_listing: bool,
    walk_budget: usize,
) -> Result<(SearchPage, u64), SearchError> {
    // Relevance needs every match ranked, which an unselective query cannot afford: newest first.
    let (order, direction) = match q.sort.by {
        SortBy::Order(o) => (o, q.sort.direction),
        SortBy::Relevance => (Order::Created, Direction::Descending),
    };
    let after = resume(after, WALKED)?;
    let (start, stop) = created_bounds(q, order, direction);
    let start = after.clone().or(start);
    let skip = if after.is_some() { 0 } else { q.offset() };
    let need = skip + q.limit as usize;
    let mut streams: Vec<Stream> = q
        .places
        .iter()
        .map(|p| Stream {
            place: p.clone(),
            buffer: VecDeque::new(),
            last: start.clone(),
            done: false,
            batch: need.clamp(20, 1000),
        })
        .collect();
    let mut found: Vec<(String, Asset)> = Vec::new();
    let (mut examined, mut last_examined, mut cut_short) = (0usize, None::<String>, false);
    loop {
        if found.len() == need {
            // Whether anything follows is known without reading it.
            cut_short = streams.iter().any(|s| !s.buffer.is_empty() || !s.done);
            break;
        }
        for s in streams.iter_mut().filter(|s| s.buffer.is_empty() && !s.done) {
            let walk = Walk { place: s.place.clone(), order, direction, after: s.last.clone() };
            let got = index.walk(&walk, s.batch).await?;
            s.done = !got.more;
            s.last = got.assets.last().map(|a| position(a, order)).or(s.last.take());
            s.buffer.extend(got.assets);
            s.batch = (s.batch * 2).min(1000);
        }
        let next = streams
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.buffer.front().map(|a| (i, position(a, order))))
            .reduce(|best, c| if is_after(&best.1, &c.1, direction) { c } else { best });
        let Some((i, pos)) = next else { break };
        if stop.as_deref().is_some_and(|bound| is_after(&pos, bound, direction)) {
            break;
        }
        if examined == walk_budget {
            cut_short = true;
            break;
        }
        let Some(asset) = streams[i].buffer.pop_front() else { break };
        examined += 1;
        last_examined = Some(pos.clone());
        if matches(&asset, q) {
            found.push((pos, asset));
        }
    }
    let matched = found.len() as u64;
    let page: Vec<(String, Asset)> = found.into_iter().skip(skip).collect();
    // A full page resumes after its last item; a walk out of budget after the last asset it saw.
    let resume_at = match (cut_short, page.len() == q.limit as usize) {
        (false, _) => None,
        (true, true) => page.last().map(|(k, _)| k.clone()),
        (true, false) => last_examined,
    };
    let next_cursor = resume_at.map(|k| key.encode(&q.fingerprint(), &format!("{WALKED}:{k}")));
    let total = if plain_listing && only_places(q) { Some(index.count(&q.places).await?) } else { None };
    let page =
        SearchPage { items: page.into_iter().map(|(_, a)| a).collect(), total, total_at_least: None, next_cursor };
    Ok((page, matched))
}

/// A listing narrowed by nothing but places: its total is the places' counts.
fn only_places(q: &SearchQuery) -> bool {
    q.created_after.is_none() && q.created_before.is_none() && q.art.is_none()
}
