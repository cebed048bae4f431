//! The metadata migration over the whole table: each item through `nna_domain::migration` and
//! back as a conditional write on the revision read. A user's write in between makes the write
//! lose; the item is read again and migrated from the fresh data, so the user's words are kept
//! and only fields still absent are filled.

use crate::names::{Duplicate, Names, Renamed, renumber};
use crate::rewrite::{Decision, Rewritten, rewrite};
use crate::scan::{Scan, lock};
use crate::{Ops, OpsError, rate, seconds_since};
use nna_domain::Asset;
use nna_domain::input::{rule_breaks, rule_of};
use nna_domain::jobs::Job;
use nna_domain::migration::{self, Finding, MIGRATION_ID, MIGRATION_VERSION, Migrated, NEEDS_CREATOR_INPUT};
use nna_domain::time::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The checkpoints of this migration's runs.
use nna_domain::ports::Run;

const RUN: Run = Run::Migrate;

#[derive(Debug, Clone, Default)]
pub struct MigrateOptions {
    /// Read and report only; nothing is written, no checkpoint either.
    pub dry_run: bool,
    /// Forget an interrupted run's checkpoints and read everything again. (A run that finished
    /// leaves none: the next one always reads everything.)
    pub restart: bool,
    /// Apply the proposed fix for names two assets hold: the younger ones are renumbered.
    pub fix_names: bool,
    /// Where assets with broken addresses go (asset id, `layer.category.subcategory`): the fix the
    /// report proposes, which only an operator can give.
    pub places: Vec<(String, String)>,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MigrationReport {
    pub migration: String,
    pub version: u32,
    pub dry_run: bool,
    /// Segments a previous run had finished, not read again.
    pub resumed_segments: u32,
    pub scanned: u64,
    /// Written (in a dry run: would be).
    pub changed: u64,
    pub unchanged: u64,
    pub already_migrated: u64,
    pub refused: u64,
    /// Writes that lost to a user's write and were redone on fresh data.
    pub conflicts_redone: u64,
    /// Items left alone after losing `MAX_TRIES` times in a row: the next run takes them.
    pub left_busy: u64,
    pub art_jobs_queued: u64,
    /// Songs whose art became pending but whose job could not be sent: `reprocess-album-art`.
    pub art_jobs_not_sent: u64,
    /// Items that end up flagged as needing the creator's words.
    pub needs_creator_input: u64,
    /// How many items each rule changed.
    pub rules: BTreeMap<&'static str, u64>,
    /// How many items each finding was made on.
    pub finding_counts: BTreeMap<&'static str, u64>,
    /// Stored values today's rules for what clients send would refuse (kept as they are, and
    /// never blocking an edit that sends them back), by rule (`tags: too_long`), with the ids.
    pub rule_breaks: BTreeMap<String, Vec<String>>,
    pub findings: Vec<ItemFinding>,
    pub refusals: Vec<ItemProblem>,
    /// Names held by more than one asset (complete only when no segment was resumed).
    pub duplicate_names: Vec<Duplicate>,
    /// What `fix_names` renumbered (or could not).
    pub renamed: Vec<Renamed>,
    pub unreadable: Vec<crate::backup::UnreadableItem>,
    pub started_at: Option<Timestamp>,
    pub seconds: f64,
    pub items_per_second: f64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemFinding {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub finding: Finding,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemProblem {
    pub id: String,
    pub name: String,
    pub reason: String,
}

struct Pass<'a> {
    ops: &'a Ops,
    dry_run: bool,
    now: Timestamp,
    report: Mutex<MigrationReport>,
    names: Mutex<Names>,
}

pub async fn migrate(ops: &Ops, scan: &Scan, options: &MigrateOptions) -> Result<MigrationReport, OpsError> {
    let clock = std::time::Instant::now();
    let now = Timestamp::now();
    let scan = if options.dry_run { Scan { run: None, ..scan.clone() } } else { scan.clone().named(RUN) };
    if !options.dry_run {
        if options.restart {
            ops.ports.maintenance.clear_checkpoints(RUN).await?;
        }
        // A rollback finished or stopped before this run no longer describes the table.
        ops.ports.maintenance.clear_checkpoints(Run::Rollback).await?;
    }
    let pass = Pass {
        ops,
        dry_run: options.dry_run,
        now,
        report: Mutex::new(MigrationReport {
            migration: MIGRATION_ID.into(),
            version: MIGRATION_VERSION,
            dry_run: options.dry_run,
            started_at: Some(now),
            ..Default::default()
        }),
        names: Mutex::new(Names::default()),
    };
    let scanned =
        scan.run(ops, if options.dry_run { "migrate (dry run)" } else { "migrate" }, |asset| pass.item(asset)).await?;
    if !options.dry_run {
        // Finished: the next run reads everything again (and finds it done), so assets written
        // since by older clients are not skipped.
        ops.ports.maintenance.clear_checkpoints(RUN).await?;
    }
    let mut report = pass.report.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    report.resumed_segments = scanned.segments_already_done;
    report.unreadable = scanned.unreadable.into_iter().map(Into::into).collect();
    report.duplicate_names = pass.names.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).duplicates();
    if options.fix_names && !options.dry_run {
        // A resumed run saw only part of the table: find the shared names afresh.
        let duplicates = if report.resumed_segments == 0 {
            report.duplicate_names.clone()
        } else {
            crate::status::status(ops, &scan).await?.duplicate_names
        };
        report.renamed = renumber(ops, &duplicates).await?;
    }
    if !options.dry_run && !options.places.is_empty() {
        report.renamed.extend(crate::names::place(ops, &options.places).await?);
    }
    report.seconds = seconds_since(clock);
    report.items_per_second = rate(report.scanned, report.seconds);
    Ok(report)
}

/// An item the pass leaves: as it is (`Settled`), or, in a dry run, as it would have changed.
enum Left {
    Settled(Migrated),
    WouldChange(Box<Asset>, Vec<&'static str>, Vec<Finding>),
}

impl Pass<'_> {
    async fn item(&self, asset: Asset) -> Result<(), OpsError> {
        lock(&self.names).note(&asset);
        lock(&self.report).scanned += 1;
        let dry_run = self.dry_run;
        let decided = rewrite(
            self.ops,
            &nna_domain::history::Change::operator("nna-ops migrate", Some(RUN)),
            asset,
            |asset| match migration::migrate(asset, self.now) {
                Migrated::Changed { next, rules, findings, art_job } if !dry_run => {
                    Decision::Write(next, (rules, findings, art_job))
                }
                Migrated::Changed { next, rules, findings, .. } => {
                    Decision::Leave(Left::WouldChange(next, rules, findings))
                }
                other => Decision::Leave(Left::Settled(other)),
            },
            |asset| {
                lock(&self.report).conflicts_redone += 1;
                tracing::debug!(id = %asset.id, "lost to a concurrent write; migrating the fresh item");
            },
        )
        .await?;
        match decided {
            Rewritten::Written { next, with: (rules, findings, art_job), .. } => {
                self.changed(&next, &rules, findings);
                if art_job {
                    self.queue_art(&next).await;
                }
            }
            Rewritten::Left { with: Left::WouldChange(next, rules, findings), .. } => {
                self.changed(&next, &rules, findings);
            }
            Rewritten::Left { asset, with: Left::Settled(outcome) } => self.settled(&asset, outcome),
            // Deleted meanwhile: nothing to migrate.
            Rewritten::Gone => {}
            Rewritten::Busy => lock(&self.report).left_busy += 1,
        }
        Ok(())
    }

    /// An item this pass does not write.
    fn settled(&self, asset: &Asset, outcome: Migrated) {
        let mut report = lock(&self.report);
        note_rule_breaks(&mut report, asset);
        if flagged(asset) {
            report.needs_creator_input += 1;
        }
        match outcome {
            Migrated::Done => report.already_migrated += 1,
            Migrated::Unchanged { findings } => {
                report.unchanged += 1;
                note_findings(&mut report, asset, findings);
            }
            Migrated::Refused { reason, findings } => {
                report.refused += 1;
                note_findings(&mut report, asset, findings);
                report.refusals.push(ItemProblem {
                    id: asset.id.as_str().into(),
                    name: asset.name().to_owned(),
                    reason,
                });
            }
            Migrated::Changed { .. } => {}
        }
    }

    fn changed(&self, next: &Asset, rules: &[&'static str], findings: Vec<Finding>) {
        let mut report = lock(&self.report);
        note_rule_breaks(&mut report, next);
        report.changed += 1;
        if flagged(next) {
            report.needs_creator_input += 1;
        }
        for rule in rules {
            *report.rules.entry(rule).or_default() += 1;
        }
        note_findings(&mut report, next, findings);
    }

    async fn queue_art(&self, song: &Asset) {
        let job = Job::album_art_for(song, None, self.now);
        let sent = match &self.ops.ports.jobs {
            Some(queue) => queue
                .send(&job)
                .await
                .inspect_err(|e| tracing::warn!(id = %song.id, error = %e, "album-art job not sent"))
                .is_ok(),
            None => false,
        };
        let mut report = lock(&self.report);
        if sent { report.art_jobs_queued += 1 } else { report.art_jobs_not_sent += 1 }
    }
}

fn flagged(asset: &Asset) -> bool {
    asset.extra.get(NEEDS_CREATOR_INPUT) == Some(&serde_json::Value::Bool(true))
}

fn note_rule_breaks(report: &mut MigrationReport, asset: &Asset) {
    let mut rules: Vec<String> = rule_breaks(asset).iter().map(rule_of).collect();
    rules.dedup();
    for rule in rules {
        report.rule_breaks.entry(rule).or_default().push(asset.id.as_str().to_owned());
    }
}

fn note_findings(report: &mut MigrationReport, asset: &Asset, findings: Vec<Finding>) {
    for finding in findings {
        *report.finding_counts.entry(finding.code).or_default() += 1;
        report.findings.push(ItemFinding { id: asset.id.as_str().into(), name: asset.name().to_owned(), finding });
    }
}
