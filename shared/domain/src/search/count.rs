//! Exact totals for pages whose total the planner did not learn while answering (unselective
//! searches, listings narrowed by time or album art). A total is exact whenever the matches can be
//! enumerated from at most [`EXACT_TOTAL_MAX`] candidates: the shortest posting list of the query's
//! terms, or, for a query without terms, its places. Past that, the total is unknown and the page
//! says how many matches there are at least.

use super::matching::matches;
use super::order::{Direction, Order};
use super::page::{Driver, SearchError, read};
use super::query::{Level, SearchQuery};
use super::terms::IndexTerm;
use crate::id::AssetId;
use crate::ports::{AssetIndex, Walk};
use futures_util::future::try_join_all;
use std::collections::BTreeSet;

pub use crate::limits::EXACT_TOTAL_MAX;

/// A page's total: exact, or at least this many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    Exact(u64),
    AtLeast(u64),
}

/// `single`: the one index term the query's only driver stands for, when the planner knows it
/// (a word, a facet, a prefix with one completion): then the total is that term's postings,
/// counted by the store without reading them.
pub(super) async fn count(
    index: &dyn AssetIndex,
    q: &SearchQuery,
    drivers: &[Driver],
    single: Option<&IndexTerm>,
    found: u64,
) -> Result<Total, SearchError> {
    if drivers.is_empty() {
        return by_places(index, q, found).await;
    }
    if let Some(term) = single.filter(|_| drivers.len() == 1 && unnarrowed(q)) {
        let n = index.count_postings(term, EXACT_TOTAL_MAX + 1).await?;
        return Ok(if n > EXACT_TOTAL_MAX as u64 { Total::AtLeast(n.max(found)) } else { Total::Exact(n) });
    }
    let lists = try_join_all(drivers.iter().map(|d| read(index, d, EXACT_TOTAL_MAX + 1))).await?;
    let sets: Vec<BTreeSet<AssetId>> =
        lists.into_iter().map(|l| l.into_iter().map(|p| p.id).collect::<BTreeSet<_>>()).collect();
    // A list cut at the limit may have lost ids to duplicates of a prefix: it is complete only
    // when it was not cut.
    let complete: Vec<&BTreeSet<AssetId>> = sets.iter().filter(|s| s.len() <= EXACT_TOTAL_MAX).collect();
    let Some(shortest) = complete.iter().min_by_key(|s| s.len()) else {
        return Ok(Total::AtLeast(found.max(EXACT_TOTAL_MAX as u64 + 1)));
    };
    let candidates: Vec<AssetId> =
        shortest.iter().filter(|id| complete.iter().all(|s| s.contains(*id))).cloned().collect();
    // When every term's list is whole and nothing but terms narrows the query, the intersection
    // is the answer: no asset needs reading.
    let only_terms = complete.len() == sets.len() && unnarrowed(q);
    if only_terms {
        return Ok(Total::Exact(candidates.len() as u64));
    }
    let mut n = 0u64;
    for chunk in candidates.chunks(1000) {
        n += index.fetch(chunk).await?.iter().filter(|a| matches(a, q)).count() as u64;
    }
    Ok(Total::Exact(n))
}

/// Nothing but terms narrows the query: no places, times or art states.
fn unnarrowed(q: &SearchQuery) -> bool {
    q.places.iter().all(|p| p.level == Level::All)
        && q.created_after.is_none()
        && q.created_before.is_none()
        && q.art.is_none()
}

/// No terms: the places' assets are the candidates, when there are few enough to read.
async fn by_places(index: &dyn AssetIndex, q: &SearchQuery, found: u64) -> Result<Total, SearchError> {
    let held = index.count(&q.places).await?;
    if held > EXACT_TOTAL_MAX as u64 {
        return Ok(Total::AtLeast(found));
    }
    let mut matched = BTreeSet::new();
    for place in &q.places {
        let mut after = None;
        loop {
            let walk = Walk { place: place.clone(), order: Order::Created, direction: Direction::Descending, after };
            let got = index.walk(&walk, 1000).await?;
            matched.extend(got.assets.iter().filter(|a| matches(a, q)).map(|a| a.id.clone()));
            after = got.assets.last().map(|a| super::order::position(a, Order::Created));
            if !got.more || after.is_none() {
                break;
            }
        }
    }
    Ok(Total::Exact(matched.len() as u64))
}
