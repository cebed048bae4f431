//! What every way of answering a query shares, below the planner (`plan`) and the ways it
//! answers (`count`, `streamed`): the posting lists a query is driven from, the page it answers,
//! and cursor positions.

use super::order::{Direction, Order};
use super::query::SearchQuery;
use super::terms::IndexTerm;
use crate::asset::Asset;
use crate::error::{ErrorCode, FieldError};
use crate::ports::{AssetIndex, Posting, StoreError};

/// Why a search was not answered: a cursor that is not this query's, or the store.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub items: Vec<Asset>,
    /// Exact up to `count::EXACT_TOTAL_MAX` matches (see `count`); `None` past that.
    pub total: Option<u64>,
    /// When `total` is unknown: how many matches there are at least.
    pub total_at_least: Option<u64>,
    pub next_cursor: Option<String>,
}

/// A posting list the planner can read.
pub(super) enum Driver {
    Term(IndexTerm),
    Prefix(IndexTerm),
}

pub(super) async fn read(index: &dyn AssetIndex, driver: &Driver, limit: usize) -> Result<Vec<Posting>, StoreError> {
    match driver {
        Driver::Term(t) => index.postings(t, limit).await,
        Driver::Prefix(p) => index.prefix_postings(p, limit).await,
    }
}

/// Cursor positions say which way they were made: a selective page's keys are sort keys, a walk's
/// are positions in the walked order.
pub(super) const SELECTIVE: &str = "s";
pub(super) const WALKED: &str = "w";
/// A streamed relevance page's keys are sort keys too, but of a walk that may stop early.
pub(super) const RANKED: &str = "r";

/// Splits a cursor position into its mode and key; a cursor from the other mode means the results
/// changed shape under the client, who must start again.
pub(super) fn resume(after: Option<String>, mode: &str) -> Result<Option<String>, FieldError> {
    let Some(after) = after else { return Ok(None) };
    match after.split_once(':') {
        Some((m, rest)) if m == mode => Ok(Some(rest.to_owned())),
        _ => Err(FieldError::new(
            "cursor",
            ErrorCode::InvalidCursor,
            "the results changed since this cursor was made; start again without it",
        )),
    }
}

pub(super) fn is_after(candidate: &str, after: &str, direction: Direction) -> bool {
    direction.precedes(after, candidate)
}

/// Walking by creation time, a time range becomes where the walk starts and where it stops.
pub(super) fn created_bounds(q: &SearchQuery, order: Order, direction: Direction) -> (Option<String>, Option<String>) {
    if order != Order::Created {
        return (None, None);
    }
    // Positions are `<ms>#<id>`, and `#` sorts before every id character.
    let at = |t: crate::time::Timestamp| format!("{:013}#", t.millis().max(0));
    let after = q.created_after.map(at);
    let before = q.created_before.map(at);
    match direction {
        // Newest first: start just before `before`, stop once past `after`.
        Direction::Descending => (before, after),
        Direction::Ascending => (after, before),
    }
}
