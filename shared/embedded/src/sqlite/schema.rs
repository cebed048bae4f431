//! The database layout, versioned with `PRAGMA user_version`; each step runs once, in order, in
//! its own transaction. A `Reindex` step recomputes every derived column and posting from the
//! stored documents: what a change to `search::index_terms` or the order keys needs.

use super::row::Row;
use super::term_counts::TermCounts;
use rusqlite::{Connection, Transaction};

enum Step {
    Sql(&'static str),
    Reindex,
}

const STEPS: &[Step] = &[
    // 1: assets as JSON documents plus the columns lookups, filters and sorting need.
    Step::Sql(
        "CREATE TABLE assets (
            id TEXT PRIMARY KEY,
            hfn TEXT NOT NULL,
            mfa TEXT,
            layer TEXT NOT NULL,
            category_path TEXT,
            subcategory_path TEXT,
            name TEXT NOT NULL,
            registered_by TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            revision INTEGER NOT NULL,
            search_text TEXT NOT NULL,
            doc TEXT NOT NULL
        ) STRICT;
        CREATE INDEX assets_by_hfn ON assets (hfn);
        CREATE INDEX assets_by_mfa ON assets (mfa);
        CREATE INDEX assets_by_created ON assets (created_at, id);
        CREATE INDEX assets_by_subcategory ON assets (subcategory_path, created_at);
        CREATE TABLE sequences (path TEXT PRIMARY KEY, last INTEGER NOT NULL) STRICT;",
    ),
    // 2: the job queue. A job is hidden until `visible_at` once received; `receives` counts deliveries.
    Step::Sql(
        "CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            body TEXT NOT NULL,
            visible_at INTEGER NOT NULL,
            receives INTEGER NOT NULL DEFAULT 0,
            enqueued_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX jobs_by_visibility ON jobs (visible_at, id);",
    ),
    // 3: the search index: positions in every order, and one posting per index term.
    Step::Sql(
        "DROP INDEX assets_by_created;
        DROP INDEX assets_by_subcategory;
        ALTER TABLE assets DROP COLUMN search_text;
        ALTER TABLE assets DROP COLUMN name;
        ALTER TABLE assets DROP COLUMN registered_by;
        ALTER TABLE assets DROP COLUMN created_at;
        ALTER TABLE assets DROP COLUMN updated_at;
        ALTER TABLE assets ADD COLUMN pos_created TEXT NOT NULL DEFAULT '';
        ALTER TABLE assets ADD COLUMN pos_updated TEXT NOT NULL DEFAULT '';
        ALTER TABLE assets ADD COLUMN pos_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE assets ADD COLUMN pos_owner TEXT NOT NULL DEFAULT '';
        CREATE INDEX assets_created ON assets (pos_created);
        CREATE INDEX assets_layer_created ON assets (layer, pos_created);
        CREATE INDEX assets_category_created ON assets (category_path, pos_created);
        CREATE INDEX assets_subcategory_created ON assets (subcategory_path, pos_created);
        CREATE INDEX assets_name ON assets (pos_name);
        CREATE INDEX assets_layer_name ON assets (layer, pos_name);
        CREATE INDEX assets_category_name ON assets (category_path, pos_name);
        CREATE INDEX assets_subcategory_name ON assets (subcategory_path, pos_name);
        CREATE INDEX assets_updated ON assets (pos_updated);
        CREATE INDEX assets_owner ON assets (pos_owner);
        CREATE TABLE postings (term TEXT NOT NULL, pos TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (term, pos, id)) STRICT, WITHOUT ROWID;
        CREATE INDEX postings_by_asset ON postings (id);",
    ),
    // 4: fill what step 3 added.
    Step::Reindex,
    // 5: the dead-letter queue: jobs received too often without being acknowledged.
    Step::Sql(
        "CREATE TABLE dead_jobs (
            id INTEGER PRIMARY KEY,
            body TEXT NOT NULL,
            receives INTEGER NOT NULL,
            enqueued_at INTEGER NOT NULL,
            died_at INTEGER NOT NULL
        ) STRICT;",
    ),
    // 6: operators' checkpoints: how far a run got in each segment (`cursor` NULL: done).
    Step::Sql(
        "CREATE TABLE ops_checkpoints (
            run TEXT NOT NULL,
            segment INTEGER NOT NULL,
            cursor TEXT,
            PRIMARY KEY (run, segment)
        ) STRICT;",
    ),
    // 7: accounts, one JSON document per lower-cased email.
    Step::Sql("CREATE TABLE users (email TEXT PRIMARY KEY, doc TEXT NOT NULL) STRICT;"),
    // 8: creates' Idempotency-Keys (per user), which asset each made, until when (ms).
    Step::Sql(
        "CREATE TABLE idempotency (
            key TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            asset_id TEXT NOT NULL,
            expires_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX idempotency_expiry ON idempotency (expires_at);",
    ),
    // 9: what is kept of deleted assets (who, when, what), by `Deletion::sort_key`.
    Step::Sql("CREATE TABLE deletions (key TEXT PRIMARY KEY, doc TEXT NOT NULL) STRICT;"),
    // 10: the operators' run lock (one row, `name` = 'ops').
    Step::Sql("CREATE TABLE ops_lock (name TEXT PRIMARY KEY, doc TEXT NOT NULL) STRICT;"),
    // 11: how many postings each term has, moved in the transaction of every write that adds or
    // removes one (`term_counts.rs`), so a word's total is one row however many assets hold it.
    Step::Sql(
        "CREATE TABLE term_counts (term TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT, WITHOUT ROWID;
        INSERT INTO term_counts (term, n) SELECT term, count(*) FROM postings GROUP BY term;",
    ),
    // 12: name positions sort under the asset's place (`search::position`); only names that are
    // not their subcategory's HFNs move.
    Step::Reindex,
    // 13: login and register attempts per key and window (its start, in seconds).
    Step::Sql(
        "CREATE TABLE attempts (key TEXT NOT NULL, window INTEGER NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (key, window)) STRICT, WITHOUT ROWID;",
    ),
    // 14: which asset each direct upload made: one upload, one asset.
    Step::Sql("CREATE TABLE upload_claims (key TEXT PRIMARY KEY, asset_id TEXT NOT NULL) STRICT, WITHOUT ROWID;"),
    // 15: every asset's history, an entry per revision, written in the change's transaction.
    Step::Sql(
        "CREATE TABLE history (asset_id TEXT NOT NULL, revision INTEGER NOT NULL, doc TEXT NOT NULL,
            PRIMARY KEY (asset_id, revision)) STRICT, WITHOUT ROWID;",
    ),
];

pub(super) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let done: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (version, step) in (1_i64..).zip(STEPS).skip(usize::try_from(done).unwrap_or(0)) {
        let tx = conn.transaction()?;
        match step {
            Step::Sql(sql) => tx.execute_batch(sql)?,
            Step::Reindex => reindex(&tx)?,
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

fn reindex(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let docs: Vec<(String, String)> = {
        let mut stmt = tx.prepare("SELECT id, doc FROM assets")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    tx.execute("DELETE FROM postings", [])?;
    for (id, doc) in docs {
        let Ok(asset) = super::row::decode(&id, &doc) else {
            tracing::error!(%id, "an unreadable stored asset was left out of the search index");
            continue;
        };
        let row = Row::of(&asset)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e.to_string()))))?;
        super::write::put(tx, &row, &mut TermCounts::default())?;
    }
    // Steps before 11 reindex without the counts; later ones count again from the new postings.
    let counted: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'term_counts')",
        [],
        |r| r.get(0),
    )?;
    if counted {
        super::term_counts::recount(tx)?;
    }
    Ok(())
}
