//! Whether an asset matches a query, and how well: decided from the asset itself and its index
//! terms, so a store's index only ever proposes candidates and a stale entry can never add a wrong
//! result.

use super::order::{Order, position};
use super::query::{Level, Scope, SearchQuery};
use super::terms::{IndexTerm, IndexTerms, searchable_texts};
use super::text::words;
use crate::asset::{ArtState, Asset};
use std::collections::BTreeSet;

pub fn matches(asset: &Asset, q: &SearchQuery) -> bool {
    in_places(asset, &q.places)
        && in_time(asset, q)
        && q.art.as_ref().is_none_or(|states| states.contains(&ArtState::of(asset.album_art.as_ref())))
        && has_terms(asset, q)
}

fn in_places(asset: &Asset, places: &[Scope]) -> bool {
    places.iter().any(|p| match p.level {
        Level::All => true,
        Level::Layer => asset.layer().as_str() == p.value,
        Level::Category => asset.placement().is_some_and(|x| x.category_path() == p.value),
        Level::Subcategory => asset.placement().is_some_and(|x| x.code_path() == p.value),
    })
}

fn in_time(asset: &Asset, q: &SearchQuery) -> bool {
    q.created_after.is_none_or(|t| asset.created_at >= t) && q.created_before.is_none_or(|t| asset.created_at < t)
}

/// What a query asks of an asset's terms: each of these present, and a term with each prefix.
fn wanted(q: &SearchQuery) -> (Vec<IndexTerm>, Vec<IndexTerm>) {
    let mut whole: Vec<IndexTerm> = q.facets.clone();
    let mut prefixes: Vec<IndexTerm> = q.address.iter().cloned().collect();
    if let Some(t) = &q.text {
        whole.extend(t.whole.iter().map(|w| IndexTerm::word(w)));
        prefixes.extend(t.prefix.iter().map(|p| IndexTerm::word(p)));
    }
    (whole, prefixes)
}

/// Walks the asset's terms, most telling first, only as far as it takes to find every one the
/// query asks for: the creator's words come early, so a match is usually settled in a few terms.
fn has_terms(asset: &Asset, q: &SearchQuery) -> bool {
    let (mut whole, mut prefixes) = wanted(q);
    if whole.is_empty() && prefixes.is_empty() {
        return true;
    }
    for term in IndexTerms::of(asset) {
        whole.retain(|w| *w != term);
        prefixes.retain(|p| !term.starts_with(p));
        if whole.is_empty() && prefixes.is_empty() {
            return true;
        }
    }
    false
}

/// How well an asset matches the query's words: each word counts by the most telling field it is
/// found in (the creator's words and song names most, the description least), whole words twice
/// what a prefix counts.
pub fn score(asset: &Asset, q: &SearchQuery) -> u32 {
    let Some(text) = &q.text else { return 0 };
    let fields: Vec<(u32, BTreeSet<String>)> =
        searchable_texts(asset).into_iter().map(|(f, t)| (f.weight(), words(t).into_iter().collect())).collect();
    let best = |hit: &dyn Fn(&BTreeSet<String>) -> bool| {
        fields.iter().filter(|(_, w)| hit(w)).map(|(weight, _)| *weight).max().unwrap_or(0)
    };
    let whole: u32 = text.whole.iter().map(|w| 2 * best(&|set| set.contains(w))).sum();
    let prefix = text.prefix.as_ref().map_or(0, |p| best(&|set| set.iter().any(|w| w.starts_with(p.as_str()))));
    whole + prefix
}

/// Where the asset stands in the query's order, as a string that compares that way: relevance is
/// the score, then newest.
pub fn sort_key(asset: &Asset, q: &SearchQuery) -> String {
    match q.sort.by {
        super::query::SortBy::Relevance => format!("{:010}#{}", score(asset, q), position(asset, Order::Created)),
        super::query::SortBy::Order(order) => position(asset, order),
    }
}
