//! Search primitives over the postings table and the position columns: every read is an index
//! range scan.

use super::Sqlite;
use super::decoded::Decoded;
use nna_domain::ports::{Posting, Walk, Walked};
use nna_domain::search::{Direction, IndexTerm, Level, Order, Scope};
use nna_domain::{Asset, AssetId};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

fn postings_of(conn: &Connection, sql_text: &str, args: &[&dyn rusqlite::ToSql]) -> Sqlite<Vec<Posting>> {
    let mut stmt = conn.prepare_cached(sql_text)?;
    let rows = stmt.query_map(args, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (position, id) = row?;
        if let Some(id) = AssetId::parse(&id) {
            out.push(Posting { position, id });
        }
    }
    Ok(out)
}

pub(super) fn postings_from(
    conn: &Connection,
    term: &IndexTerm,
    direction: Direction,
    after: Option<&str>,
    limit: usize,
) -> Sqlite<Vec<Posting>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let text = match (direction, after.is_some()) {
        (Direction::Descending, false) => "SELECT pos, id FROM postings WHERE term = ?1 ORDER BY pos DESC LIMIT ?2",
        (Direction::Ascending, false) => "SELECT pos, id FROM postings WHERE term = ?1 ORDER BY pos ASC LIMIT ?2",
        (Direction::Descending, true) => {
            "SELECT pos, id FROM postings WHERE term = ?1 AND pos < ?3 ORDER BY pos DESC LIMIT ?2"
        }
        (Direction::Ascending, true) => {
            "SELECT pos, id FROM postings WHERE term = ?1 AND pos > ?3 ORDER BY pos ASC LIMIT ?2"
        }
    };
    match after {
        Some(a) => postings_of(conn, text, &[&term.as_str(), &limit, &a]),
        None => postings_of(conn, text, &[&term.as_str(), &limit]),
    }
}

pub(super) fn next_term(conn: &Connection, prefix: &IndexTerm, after: Option<&IndexTerm>) -> Sqlite<Option<IndexTerm>> {
    let upper = format!("{}\u{10FFFF}", prefix.as_str());
    // Every term with the prefix sorts at or above it and below the prefix + U+10FFFF.
    let (text, from) = match after {
        Some(a) => ("SELECT term FROM postings WHERE term > ?1 AND term < ?2 ORDER BY term LIMIT 1", a.as_str()),
        None => ("SELECT term FROM postings WHERE term >= ?1 AND term < ?2 ORDER BY term LIMIT 1", prefix.as_str()),
    };
    let found: Option<String> = conn.prepare_cached(text)?.query_row(params![from, upper], |r| r.get(0)).optional()?;
    Ok(found.map(IndexTerm::stored))
}

pub(super) fn count_postings(conn: &Connection, term: &IndexTerm, limit: usize) -> Sqlite<u64> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    // Kept exact by every write's transaction (`term_counts.rs`); capped like every store's count.
    let n: Option<i64> = conn
        .prepare_cached("SELECT n FROM term_counts WHERE term = ?1")?
        .query_row(params![term.as_str()], |r| r.get(0))
        .optional()?;
    Ok(u64::try_from(n.unwrap_or(0)).unwrap_or(0).min(u64::try_from(limit).unwrap_or(u64::MAX)))
}

pub(super) fn prefix_postings(conn: &Connection, prefix: &IndexTerm, limit: usize) -> Sqlite<Vec<Posting>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    // Text compares byte by byte: every term with this prefix sorts below prefix + U+10FFFF.
    let upper = format!("{}\u{10FFFF}", prefix.as_str());
    postings_of(
        conn,
        "SELECT pos, id FROM postings WHERE term >= ?1 AND term < ?2 LIMIT ?3",
        &[&prefix.as_str(), &upper, &limit],
    )
}

pub(super) fn fetch(conn: &Connection, ids: &[AssetId], decoded: &Decoded) -> Sqlite<Vec<Asset>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut stmt = conn.prepare_cached(&format!("SELECT id, doc FROM assets WHERE id IN ({marks})"))?;
        let rows = stmt.query_map(params_from_iter(chunk.iter().map(AssetId::as_str)), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (id, doc) = row?;
            match decoded.get(&id, &doc) {
                Ok(a) => out.push(a),
                Err(e) => tracing::error!(error = %e, "skipping an unreadable stored asset"),
            }
        }
    }
    Ok(out)
}

fn place_column(level: Level) -> Option<&'static str> {
    match level {
        Level::All => None,
        Level::Layer => Some("layer"),
        Level::Category => Some("category_path"),
        Level::Subcategory => Some("subcategory_path"),
    }
}

pub(super) fn walk(conn: &Connection, walk: &Walk, limit: usize, decoded: &Decoded) -> Sqlite<Walked> {
    let column = match walk.order {
        Order::Created => "pos_created",
        Order::Updated => "pos_updated",
        Order::Name => "pos_name",
        Order::Owner => "pos_owner",
    };
    let (cmp, dir) = match walk.direction {
        Direction::Ascending => (">", "ASC"),
        Direction::Descending => ("<", "DESC"),
    };
    let mut clauses = Vec::new();
    let mut args: Vec<SqlValue> = Vec::new();
    if let Some(place) = place_column(walk.place.level) {
        args.push(SqlValue::Text(walk.place.value.clone()));
        clauses.push(format!("{place} = ?{}", args.len()));
    }
    if let Some(after) = &walk.after {
        args.push(SqlValue::Text(after.clone()));
        clauses.push(format!("{column} {cmp} ?{}", args.len()));
    }
    args.push(SqlValue::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    let filter = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    let text = format!("SELECT id, doc FROM assets {filter} ORDER BY {column} {dir} LIMIT ?{}", args.len());
    let mut stmt = conn.prepare_cached(&text)?;
    let rows = stmt.query_map(params_from_iter(args), |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let (mut assets, mut read) = (Vec::with_capacity(limit.min(1000)), 0);
    for row in rows {
        let (id, doc) = row?;
        read += 1;
        match decoded.get(&id, &doc) {
            Ok(a) => assets.push(a),
            // One unreadable item must not take the whole listing down with it.
            Err(e) => tracing::error!(error = %e, "skipping an unreadable stored asset in a listing"),
        }
    }
    Ok(Walked { assets, more: read == limit })
}

pub(super) fn count(conn: &Connection, places: &[Scope]) -> Sqlite<u64> {
    let mut total = 0i64;
    for place in places {
        let n: i64 = match place_column(place.level) {
            None => conn.prepare_cached("SELECT count(*) FROM assets").and_then(|mut s| s.query_row([], |r| r.get(0))),
            Some(col) => conn
                .prepare_cached(&format!("SELECT count(*) FROM assets WHERE {col} = ?1"))
                .and_then(|mut s| s.query_row(params![place.value], |r| r.get(0))),
        }?;
        total += n;
    }
    Ok(u64::try_from(total).unwrap_or(0))
}
