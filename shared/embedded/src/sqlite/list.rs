//! Listing: the query's filters as SQL over the derived columns, one page, and the total.

use super::row::decode;
use super::sql;
use nna_domain::input::{ListQuery, SortKey, SortOrder};
use nna_domain::ports::{AssetPage, StoreError};
use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

pub(super) fn run(conn: &Connection, q: &ListQuery) -> Result<AssetPage, StoreError> {
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<SqlValue> = Vec::new();
    let arg = |v: SqlValue, args: &mut Vec<SqlValue>| {
        args.push(v);
        format!("?{}", args.len())
    };
    if let Some(layer) = q.layer {
        let p = arg(SqlValue::Text(layer.to_string()), &mut args);
        clauses.push(format!("layer = {p}"));
    }
    for (column, allowed) in [("category_path", &q.categories), ("subcategory_path", &q.subcategories)] {
        if let Some(paths) = allowed {
            let ps: Vec<String> = paths.iter().map(|p| arg(SqlValue::Text(p.clone()), &mut args)).collect();
            clauses.push(if ps.is_empty() { "0".to_owned() } else { format!("{column} IN ({})", ps.join(", ")) });
        }
    }
    if let Some(text) = &q.text {
        // Terms are folded letters and digits only, so they hold no LIKE wildcards.
        for t in &text.whole {
            let p = arg(SqlValue::Text(format!("% {t} %")), &mut args);
            clauses.push(format!("search_text LIKE {p}"));
        }
        if let Some(prefix) = &text.prefix {
            let p = arg(SqlValue::Text(format!("% {prefix}%")), &mut args);
            clauses.push(format!("search_text LIKE {p}"));
        }
    }
    let filter = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };

    let total: i64 = conn
        .query_row(&format!("SELECT count(*) FROM assets {filter}"), rusqlite::params_from_iter(&args), |r| r.get(0))
        .map_err(sql)?;

    let dir = match q.order {
        SortOrder::Asc => "ASC",
        SortOrder::Desc => "DESC",
    };
    // The same orders as every store: ties settle by creation, then id (ids are time-ordered).
    // Layer sorts as name does: an HFN starts with its layer.
    let order = match q.sort {
        SortKey::CreatedAt => format!("created_at {dir}, id {dir}"),
        SortKey::UpdatedAt => format!("updated_at {dir}, id {dir}"),
        SortKey::Name | SortKey::Layer => format!("hfn {dir}, created_at {dir}, id {dir}"),
        SortKey::RegisteredBy => format!("coalesce(registered_by, '') {dir}, created_at {dir}, id {dir}"),
    };
    let limit = arg(SqlValue::Integer(i64::from(q.limit)), &mut args);
    let offset = arg(SqlValue::Integer(i64::try_from(q.offset()).unwrap_or(i64::MAX)), &mut args);
    let mut stmt = conn
        .prepare(&format!("SELECT id, doc FROM assets {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}"))
        .map_err(sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(&args), |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(sql)?;
    let mut items = Vec::with_capacity(q.limit as usize);
    for row in rows {
        let (id, doc) = row.map_err(sql)?;
        // One unreadable item must not take the whole listing down with it.
        match decode(&id, &doc) {
            Ok(asset) => items.push(asset),
            Err(e) => tracing::error!(error = %e, "skipping an unreadable stored asset in a listing"),
        }
    }
    Ok(AssetPage { items, total: u64::try_from(total).unwrap_or(0) })
}
