//! Search: what a query means (`text`, `query`, `matching`), what an asset is indexed under
//! (`terms`), in which orders listings run (`order`), and how a query is answered from any store's
//! index (`plan`). All of it is defined here once, so both stores return the same results.

mod count;
mod cursor;
mod matching;
mod order;
mod page;
mod plan;
mod postings;
mod query;
mod streamed;
mod terms;
mod text;

pub use count::EXACT_TOTAL_MAX;
pub use cursor::CursorKey;
pub use matching::{matches, score, sort_key};
pub use order::{Direction, Order, position};
pub use page::{SearchError, SearchPage};
pub use plan::{SearchTuning, search};
pub use query::{Level, SEARCH_PARAMS, Scope, SearchQuery, Sort, SortBy};
pub use terms::{IndexTerm, MAX_INDEX_TERMS, index_terms};
pub use text::{TextQuery, fold, words};
