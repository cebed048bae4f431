//! How many postings each term has (`term_counts`), moved in the transaction of the write that
//! changes them, so a word's total is one row however many assets hold it. A write collects its
//! changes per term and applies them once per distinct term: a group commit of fifty creates of
//! the same words moves each word's row once, not fifty times.

use rusqlite::{Connection, params};
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub(super) struct TermCounts(BTreeMap<String, i64>);

impl TermCounts {
    pub fn add(&mut self, term: &str, by: i64) {
        *self.0.entry(term.to_owned()).or_default() += by;
    }

    pub fn merge(&mut self, other: TermCounts) {
        for (term, by) in other.0 {
            *self.0.entry(term).or_default() += by;
        }
    }

    pub fn apply(self, conn: &Connection) -> rusqlite::Result<()> {
        let mut upsert = conn.prepare_cached(
            "INSERT INTO term_counts (term, n) VALUES (?1, ?2) ON CONFLICT (term) DO UPDATE SET n = n + excluded.n",
        )?;
        for (term, by) in self.0.into_iter().filter(|(_, by)| *by != 0) {
            upsert.execute(params![term, by])?;
        }
        Ok(())
    }
}

/// Counts every term again from the postings: after the postings were rebuilt wholesale.
pub(super) fn recount(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "DELETE FROM term_counts;
         INSERT INTO term_counts (term, n) SELECT term, count(*) FROM postings GROUP BY term;",
    )
}
