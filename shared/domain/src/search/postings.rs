//! A posting list read in creation order a batch at a time, so a search reads as far as its page
//! needs and no further. A prefix's list is its completions' lists merged, each asset once.

use super::order::Direction;
use super::terms::IndexTerm;
use crate::ports::{AssetIndex, Posting, StoreError};
use std::collections::VecDeque;

/// A prefix with more completions than this is too broad to drive a search term by term; it is
/// checked on the assets instead.
pub use crate::limits::MAX_COMPLETIONS;

/// The terms that start with `prefix`, if there are at most [`MAX_COMPLETIONS`].
pub async fn completions(index: &dyn AssetIndex, prefix: &IndexTerm) -> Result<Option<Vec<IndexTerm>>, StoreError> {
    let mut out: Vec<IndexTerm> = Vec::new();
    while let Some(next) = index.next_term(prefix, out.last()).await? {
        if !next.starts_with(prefix) {
            break;
        }
        if out.len() == MAX_COMPLETIONS {
            return Ok(None);
        }
        out.push(next);
    }
    Ok(Some(out))
}

struct List {
    term: IndexTerm,
    buffer: VecDeque<Posting>,
    after: Option<String>,
    done: bool,
}

pub struct TermStream {
    lists: Vec<List>,
    direction: Direction,
    last: Option<String>,
}

impl TermStream {
    /// The postings of `terms` merged in `direction`, starting strictly after the position `after`.
    pub fn new(terms: Vec<IndexTerm>, direction: Direction, after: Option<String>) -> Self {
        let lists = terms
            .into_iter()
            .map(|term| List { term, buffer: VecDeque::new(), after: after.clone(), done: false })
            .collect();
        Self { lists, direction, last: None }
    }

    /// Up to `n` more postings in order; empty when every list is spent.
    pub async fn next(&mut self, index: &dyn AssetIndex, n: usize) -> Result<Vec<Posting>, StoreError> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            for list in self.lists.iter_mut().filter(|l| l.buffer.is_empty() && !l.done) {
                let got = index.postings_from(&list.term, self.direction, list.after.as_deref(), n).await?;
                list.done = got.len() < n;
                list.after = got.last().map(|p| p.position.clone()).or(list.after.take());
                list.buffer.extend(got);
            }
            let best = self
                .lists
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.buffer.front().map(|p| (i, p.position.as_str())))
                .reduce(|a, b| if self.direction.precedes(b.1, a.1) { b } else { a })
                .map(|(i, _)| i);
            let Some(i) = best else { break };
            let Some(posting) = self.lists[i].buffer.pop_front() else { break };
            // An asset under two completions comes once from each, at the same position.
            if self.last.as_deref() != Some(posting.position.as_str()) {
                self.last = Some(posting.position.clone());
                out.push(posting);
            }
        }
        Ok(out)
    }
}
