//! Writes: each one transaction that keeps the row, its postings and the sequence counters right.

use super::row::{COLUMNS, PLACEHOLDERS, Row, revision};
use super::term_counts::TermCounts;
use super::{Inner, Sqlite};
use nna_domain::asset::Deletion;
use nna_domain::history::Entry;
use nna_domain::idempotency::IdempotencyClaim;
use nna_domain::ports::{CreatePlan, StoreError};
use nna_domain::{Address, Asset, Sequence, Timestamp};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::sync::Weak;

/// Writes the row (replacing one with its id) and exactly its postings, noting in `counts` the
/// terms it took and gave.
pub(super) fn put(conn: &Connection, row: &Row, counts: &mut TermCounts) -> rusqlite::Result<()> {
    conn.execute(
        &format!("INSERT OR REPLACE INTO assets ({COLUMNS}) VALUES ({PLACEHOLDERS})"),
        row.values().as_slice(),
    )?;
    drop_postings(conn, &row.id, counts)?;
    let mut insert = conn.prepare_cached("INSERT OR IGNORE INTO postings (term, pos, id) VALUES (?1, ?2, ?3)")?;
    for term in &row.terms {
        if insert.execute(params![term, row.pos_created, row.id])? == 1 {
            counts.add(term, 1);
        }
    }
    Ok(())
}

/// Removes an asset's postings, noting each in `counts`.
fn drop_postings(conn: &Connection, id: &str, counts: &mut TermCounts) -> rusqlite::Result<()> {
    let mut held = conn.prepare_cached("SELECT term FROM postings WHERE id = ?1")?;
    for term in held.query_map([id], |r| r.get::<_, String>(0))? {
        counts.add(&term?, -1);
    }
    conn.prepare_cached("DELETE FROM postings WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// A create waiting for the writer, and where its answer goes.
/// A create waiting for the writer: the plan, the asset it renumbers instead (`Maintenance::
/// renumber`), and where the answer goes.
pub(super) type PendingCreate = (CreatePlan, Option<Asset>, tokio::sync::oneshot::Sender<Result<Asset, StoreError>>);

/// The most creates one transaction takes, so a long queue still commits every so often.
const MAX_GROUP: usize = 256;

/// The create writer's thread: takes what is queued (waiting for the first), writes it as one
/// group under the writer connection, and ends when the store is gone.
pub(super) fn group_writer(store: &Weak<Inner>, mut waiting: tokio::sync::mpsc::Receiver<PendingCreate>) {
    while let Some(first) = waiting.blocking_recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP
            && let Ok(next) = waiting.try_recv()
        {
            group.push(next);
        }
        let Some(inner) = store.upgrade() else { return };
        let _ = inner.write(|conn| {
            create_group(conn, group);
            Ok(())
        });
    }
}

/// Group commit: every create waiting for the writer runs in one transaction, each inside its own
/// savepoint, so one that fails is rolled back alone and the numbers stay gap-free (each reads
/// the counters the earlier ones left). One commit, one sync to disk, for the whole group; no
/// answer is sent before it.
pub(super) fn create_group(conn: &mut Connection, group: Vec<PendingCreate>) {
    let run = |conn: &mut Connection| -> Sqlite<Vec<Result<Asset, StoreError>>> {
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut out = Vec::with_capacity(group.len());
        let mut counts = TermCounts::default();
        for (plan, replacing, _) in &group {
            let savepoint = tx.savepoint()?;
            let mut made_counts = TermCounts::default();
            let made = create_in(&savepoint, plan, replacing.as_ref(), &mut made_counts);
            if made.is_ok() {
                savepoint.commit()?;
                counts.merge(made_counts);
            }
            // Dropped without a commit, a savepoint rolls back.
            out.push(made.map_err(StoreError::from));
        }
        counts.apply(&tx)?;
        tx.commit()?;
        Ok(out)
    };
    match run(conn).map_err(StoreError::from) {
        Ok(answers) => {
            for ((_, _, reply), answer) in group.into_iter().zip(answers) {
                let _ = reply.send(answer);
            }
        }
        Err(e) => {
            for (_, _, reply) in group {
                let _ = reply.send(Err(e.clone()));
            }
        }
    }
}

/// One create inside a transaction the caller commits; its postings' counts go in `counts`.
fn create_in(tx: &Connection, plan: &CreatePlan, replacing: Option<&Asset>, counts: &mut TermCounts) -> Sqlite<Asset> {
    if let Some(current) = replacing {
        still_at_revision(tx, current)?;
    }
    if let Some(claim) = &plan.idempotency {
        claim_key(tx, claim)?;
    }
    if let Some(upload) = &plan.upload {
        let taken =
            tx.query_row("SELECT 1 FROM upload_claims WHERE key = ?1", [upload.as_str()], |_| Ok(())).optional()?;
        if taken.is_some() {
            return Err(StoreError::UploadClaimed(upload.to_string()).into());
        }
    }
    for id in &plan.requires {
        let exists = tx.query_row("SELECT 1 FROM assets WHERE id = ?1", [id.as_str()], |_| Ok(())).optional()?;
        if exists.is_none() {
            return Err(StoreError::MissingComponent(id.clone()).into());
        }
    }
    let counter = plan.path.code_path();
    let last: u32 =
        tx.query_row("SELECT last FROM sequences WHERE path = ?1", [&counter], |r| r.get(0)).optional()?.unwrap_or(0);
    let exhausted = || StoreError::SequenceExhausted(counter.clone());
    let mut sequence = Sequence::new(last + 1).ok_or_else(exhausted)?;
    // Imported items may already hold numbers the counter has not seen: skip past them.
    let asset = loop {
        let asset = (plan.build)(Address { path: plan.path, sequence });
        let row = Row::of(&asset)?;
        let taken = tx
            .query_row("SELECT 1 FROM assets WHERE hfn = ?1 OR mfa = ?2 LIMIT 1", params![row.hfn, row.mfa], |_| Ok(()))
            .optional()?;
        if taken.is_none() {
            let fresh = tx.query_row("SELECT 1 FROM assets WHERE id = ?1", [&row.id], |_| Ok(())).optional()?;
            if fresh.is_some() && replacing.is_none() {
                return Err(StoreError::internal(format!("asset id {} is already taken", row.id)).into());
            }
            put(tx, &row, counts)?;
            let entry = match replacing {
                Some(current) => plan.change.entry(&asset.id, Some(current), Some(&asset), asset.revision),
                None => plan.change.created(&asset),
            };
            put_entry(tx, &entry, None)?;
            if let Some(claim) = &plan.idempotency {
                tx.execute(
                    "INSERT OR REPLACE INTO idempotency (key, fingerprint, asset_id, expires_at) VALUES (?1, ?2, ?3, ?4)",
                    params![claim.key, claim.fingerprint, row.id, claim.expires_at.millis()],
                )?;
            }
            if let Some(upload) = &plan.upload {
                tx.execute(
                    "INSERT INTO upload_claims (key, asset_id) VALUES (?1, ?2)",
                    params![upload.as_str(), row.id],
                )?;
            }
            break asset;
        }
        sequence = sequence.next().ok_or_else(exhausted)?;
    };
    tx.execute(
        "INSERT INTO sequences (path, last) VALUES (?1, ?2) ON CONFLICT (path) DO UPDATE SET last = excluded.last",
        params![counter, sequence.get()],
    )?;
    Ok(asset)
}

pub(super) fn replace(
    conn: &mut Connection,
    current: &Asset,
    next: &Asset,
    entry: &Entry,
    expired: Option<&str>,
) -> Sqlite<()> {
    let row = Row::of(next)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    still_at_revision(&tx, current)?;
    let mut counts = TermCounts::default();
    put(&tx, &row, &mut counts)?;
    counts.apply(&tx)?;
    put_entry(&tx, entry, expired)?;
    Ok(tx.commit()?)
}

/// Adds a history entry; one already at its revision means another write made that revision.
/// The asset's entries from before `expired` (a time as entries store it) go.
pub(super) fn put_entry(conn: &Connection, entry: &Entry, expired: Option<&str>) -> Sqlite<()> {
    let doc = entry.to_json().map_err(StoreError::internal)?;
    if let Some(before) = expired {
        conn.prepare_cached("DELETE FROM history WHERE asset_id = ?1 AND json_extract(doc, '$.at') < ?2")?
            .execute(params![entry.asset_id.as_str(), before])?;
    }
    let added = conn
        .prepare_cached("INSERT OR IGNORE INTO history (asset_id, revision, doc) VALUES (?1, ?2, ?3)")?
        .execute(params![entry.asset_id.as_str(), revision(entry.revision)?, doc])?;
    if added == 1 { Ok(()) } else { Err(StoreError::Conflict.into()) }
}

/// Refuses a key an earlier create holds, live; forgets keys past their time on the way.
fn claim_key(tx: &Connection, claim: &IdempotencyClaim) -> Sqlite<()> {
    let now = Timestamp::now().millis();
    tx.execute("DELETE FROM idempotency WHERE expires_at <= ?1", [now])?;
    let held = tx.query_row("SELECT 1 FROM idempotency WHERE key = ?1", [&claim.key], |_| Ok(())).optional()?;
    if held.is_some() { Err(StoreError::KeyTaken.into()) } else { Ok(()) }
}

/// `Conflict` unless the stored asset is still at the revision `current` was read at.
fn still_at_revision(conn: &Connection, current: &Asset) -> Sqlite<()> {
    let stored: Option<i64> =
        conn.query_row("SELECT revision FROM assets WHERE id = ?1", [current.id.as_str()], |r| r.get(0)).optional()?;
    if stored != Some(revision(current.revision)?) {
        return Err(StoreError::Conflict.into());
    }
    Ok(())
}

pub(super) fn delete(
    conn: &mut Connection,
    current: &Asset,
    record: &Deletion,
    entry: &Entry,
    expired: Option<&str>,
) -> Sqlite<()> {
    let doc = serde_json::to_string(record).map_err(StoreError::internal)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let n = tx.execute(
        "DELETE FROM assets WHERE id = ?1 AND revision = ?2",
        params![current.id.as_str(), revision(current.revision)?],
    )?;
    if n != 1 {
        return Err(StoreError::Conflict.into());
    }
    let mut counts = TermCounts::default();
    drop_postings(&tx, current.id.as_str(), &mut counts)?;
    counts.apply(&tx)?;
    tx.execute("INSERT OR REPLACE INTO deletions (key, doc) VALUES (?1, ?2)", params![record.sort_key(), doc])?;
    put_entry(&tx, entry, expired)?;
    Ok(tx.commit()?)
}

/// A deleted asset back where no row has its id, its deletion record gone and its history
/// entry added, in one transaction.
pub(super) fn undelete(
    conn: &mut Connection,
    asset: &Asset,
    record: &str,
    entry: &Entry,
    expired: Option<&str>,
) -> Sqlite<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let exists = tx.query_row("SELECT 1 FROM assets WHERE id = ?1", [asset.id.as_str()], |_| Ok(())).optional()?;
    if exists.is_some() || tx.execute("DELETE FROM deletions WHERE key = ?1", [record])? != 1 {
        return Err(StoreError::Conflict.into());
    }
    import_in(&tx, std::slice::from_ref(asset))?;
    put_entry(&tx, entry, expired)?;
    Ok(tx.commit()?)
}

/// Imports in one transaction: all or none.
pub(super) fn import(conn: &mut Connection, assets: &[Asset]) -> Sqlite<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    import_in(&tx, assets)?;
    Ok(tx.commit()?)
}

/// Imports the assets no row has the id of yet, in one transaction; which it wrote.
pub(super) fn import_new(conn: &mut Connection, assets: &[Asset]) -> Sqlite<Vec<bool>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut written = Vec::with_capacity(assets.len());
    let mut fresh = Vec::new();
    for asset in assets {
        let taken = tx.query_row("SELECT 1 FROM assets WHERE id = ?1", [asset.id.as_str()], |_| Ok(())).optional()?;
        // The same id twice in one call: the first one is the import.
        let new = taken.is_none() && !fresh.iter().any(|a: &Asset| a.id == asset.id);
        if new {
            fresh.push(asset.clone());
        }
        written.push(new);
    }
    import_in(&tx, &fresh)?;
    tx.commit()?;
    Ok(written)
}

/// Imports inside a transaction the caller commits.
pub(super) fn import_in(tx: &rusqlite::Transaction<'_>, assets: &[Asset]) -> Sqlite<()> {
    let mut counts = TermCounts::default();
    for asset in assets {
        let row = Row::of(asset)?;
        put(tx, &row, &mut counts)?;
        if let Some(address) = row.mfa.as_deref().and_then(Address::parse) {
            tx.execute(
                "INSERT INTO sequences (path, last) VALUES (?1, ?2)
                 ON CONFLICT (path) DO UPDATE SET last = max(last, excluded.last)",
                params![address.path.code_path(), address.sequence.get()],
            )?;
        }
    }
    Ok(counts.apply(tx)?)
}
