//! The database layout, versioned with `PRAGMA user_version`; each step runs once, in order.

use rusqlite::Connection;

const STEPS: &[&str] = &[
    // 1: assets as JSON documents plus the columns lookups, filters and sorting need.
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
    // 2: the job queue. A job is hidden until `visible_at` once received; `receives` counts deliveries.
    "CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        body TEXT NOT NULL,
        visible_at INTEGER NOT NULL,
        receives INTEGER NOT NULL DEFAULT 0,
        enqueued_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX jobs_by_visibility ON jobs (visible_at, id);",
];

pub(super) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let done: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (version, step) in (1_i64..).zip(STEPS).skip(usize::try_from(done).unwrap_or(0)) {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}
