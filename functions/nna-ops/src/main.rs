//! `nna-ops`: what operators run against either store. Every command prints a summary, writes
//! its full JSON report, and exits 0 (done), 1 (failed), 2 (verify found problems) or 3 (stopped
//! early by `--stop-after`; run it again to resume).

mod bars;
mod cutover;
mod lambda;
mod smoke;
mod target;

use clap::{Args, Parser, Subcommand};
use nna_domain::Timestamp;
use nna_domain::legacy::export::lines;
use nna_operations::cutover::files::{CopyOptions, copy_files};
use nna_operations::cutover::{import, verify as verify_cutover, way_back};
use nna_operations::scan::Scan;
use nna_operations::{
    OpsError, admins, art_report, backup, deletions, files, fixture, history, migrate, recount, reindex, reprocess,
    rollback, status, verify,
};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use target::{Error, StoreSpec};

#[derive(Parser)]
#[command(
    name = "nna-ops",
    version,
    about = "Backups, the metadata migration and album-art reprocessing for the NNA registry"
)]
struct Cli {
    /// `embedded:<data folder>` (nna-local's NNA_DATA_DIR) or `dynamodb:<table>` (AWS settings and
    /// AWS_ENDPOINT_URL from the environment, as the SDK reads them).
    #[arg(long, env = "NNA_OPS_STORE")]
    store: Option<StoreSpec>,
    /// SQS queue for album-art jobs (DynamoDB stores; the embedded store has its own queue).
    #[arg(long, env = "NNA_QUEUE_URL")]
    queue_url: Option<String>,
    /// Where the JSON report goes (default: nna-ops-reports/<command>-<time>.json).
    #[arg(long)]
    report: Option<PathBuf>,
    #[command(flatten)]
    pace: Pace,
    #[command(subcommand)]
    command: Command,
}

/// How hard a pass may push the store.
#[derive(Args)]
struct Pace {
    /// Scan segments read in parallel.
    #[arg(long, global = true, default_value_t = 4)]
    segments: u32,
    /// Items read per request (DynamoDB: at most 10,000, and what fits its 1 MB page).
    #[arg(long, global = true, default_value_t = 100)]
    page: usize,
    /// Items written at once.
    #[arg(long, global = true, default_value_t = 8)]
    concurrency: usize,
    /// At most this many items per second (protects live traffic); unlimited when absent.
    #[arg(long, global = true)]
    rate: Option<NonZeroU32>,
    /// Stop, as if killed, after this many items (resume drills).
    #[arg(long, global = true, hide = true)]
    stop_after: Option<u64>,
}

#[derive(Subcommand)]
enum Command {
    /// Export every asset and the numbering to a folder or s3://bucket/prefix.
    Backup { to: String },
    /// Make the store hold exactly a backup (checksum verified first). Removes everything else.
    Restore {
        from: String,
        /// Required: a restore replaces the table's contents.
        #[arg(long)]
        yes: bool,
    },
    /// Bring legacy items to the current shape; safe to interrupt and run again.
    Migrate {
        #[arg(long)]
        dry_run: bool,
        /// Forget an interrupted run's checkpoints and read everything again.
        #[arg(long)]
        restart: bool,
        /// Apply the report's proposed fix for names two assets hold: the younger ones get the
        /// next free numbers (same ids; the old name kept in `renamedFrom`).
        #[arg(long)]
        fix_names: bool,
        /// Place an asset whose address is broken (`G.undefined.undefined.001`), as the report
        /// proposes: `<asset id>=<layer>.<category>.<subcategory>`; repeatable.
        #[arg(long = "place", value_name = "ID=L.CAT.SUB", value_parser = parse_place)]
        places: Vec<(String, String)>,
    },
    /// Check the migration, against a pre-migration backup when given.
    Verify {
        #[arg(long)]
        backup: Option<String>,
    },
    /// Undo the migration, keeping (and listing) what users changed since.
    Rollback,
    /// Queue album-art jobs for songs without ready art.
    ReprocessAlbumArt {
        #[arg(long)]
        dry_run: bool,
        #[arg(long, default_value_t = NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN))]
        jobs_per_second: NonZeroU32,
    },
    /// Counts: migrated, needing the creator's words, songs' art, shared names, checkpoints.
    Status,
    /// Album-art jobs settled over the last hours: the success rate against the 90 % target, by
    /// source and by failure code. Exits 2 below the target (with at least ten jobs settled).
    ArtReport {
        #[arg(long, default_value_t = 1)]
        hours: u32,
    },
    /// Set the per-place counts listings show to what a pass over every asset finds (when quiet).
    Recount,
    /// Remove stored files no asset owns that are more than an hour old (uploads never claimed,
    /// replaced or refused art, files of deleted assets, leftovers of killed writes).
    SweepFiles {
        #[arg(long)]
        dry_run: bool,
        /// Only files older than this many seconds (default an hour: younger ones may be an
        /// upload about to be claimed or art being written).
        #[arg(long)]
        older_than_secs: Option<u64>,
    },
    /// Give a registered account the admin role (the first admins come from here).
    MakeAdmin { email: String },
    /// Rewrite every asset's derived items in the store's current layout, then recount: run
    /// after a deploy that changes the layout; safe to interrupt and run again.
    Reindex,
    /// List deleted assets: who deleted which, when, and what went with it.
    Deletions {
        /// Only those deleted at or after this time (ISO 8601).
        #[arg(long)]
        since: Option<String>,
    },
    /// Print an asset's history, newest first: every change, who made it, through what, and each
    /// field before and after. A deleted asset's by its id.
    History { key: String },
    /// Write a generated legacy staging table into the store (and/or a JSON-lines file).
    Fixture {
        #[arg(long, default_value_t = 1100)]
        assets: usize,
        #[arg(long, default_value_t = 2025)]
        seed: u64,
        /// Also write the documents, one per line, as mongoexport would.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write the old backend's users behind those assets (bcrypt hashes of
        /// fixture::password_of(email)), one per line, for `import-legacy users`.
        #[arg(long)]
        users_out: Option<PathBuf>,
        #[arg(long, default_value_t = 50)]
        users: usize,
    },
    /// Load the old backend's mongoexport of one collection (JSON lines or --jsonArray, Extended
    /// JSON relaxed or canonical). Items already here are left as they are, so an interrupted run
    /// resumes by running it again and a second run changes nothing.
    ImportLegacy {
        collection: Collection,
        /// The export: a path, or s3://bucket/key.
        export: String,
        /// Assets: then copy their files out of the old bucket at this base URL
        /// (https://storage.googleapis.com/<bucket>/), as copy-legacy-files does.
        #[arg(long, value_name = "OLD_BUCKET_URL")]
        copy_files_from: Option<String>,
        #[arg(long, default_value_t = nna_domain::limits::UPLOAD_BYTES_DEFAULT)]
        max_file_bytes: u64,
    },
    /// Copy every asset's file still on the old bucket into the registry's storage (checked by
    /// length, type and the host's MD5/CRC32C); the asset then serves the copy and keeps the old
    /// URL in copiedFrom. A re-run copies only what is missing.
    CopyLegacyFiles {
        /// The old bucket's public base URL: https://storage.googleapis.com/<bucket>/.
        #[arg(long, value_name = "OLD_BUCKET_URL")]
        from: String,
        #[arg(long, default_value_t = nna_domain::limits::UPLOAD_BYTES_DEFAULT)]
        max_file_bytes: u64,
    },
    /// Hold the old backend's exports against what the registry holds: every field, names and
    /// addresses, owners, copied files' bytes, every user's account. Exit code 2 on any difference.
    VerifyLegacy {
        /// The assets export (a path or s3://bucket/key).
        #[arg(long)]
        assets: Option<String>,
        /// The users export.
        #[arg(long)]
        users: Option<String>,
    },
    /// The way back: every asset created or changed since a time, in the old backend's schema for
    /// `mongoimport --mode upsert`; the report lists deletions and accounts made since.
    ExportLegacy {
        /// ISO 8601: the switch to this registry.
        #[arg(long)]
        since: String,
        /// Where the assets go (a path or s3://bucket/key), one document per line.
        #[arg(long)]
        out: String,
    },
    /// One round through a deployed API (health, create, read, search, album art, delete), as an
    /// admin: the check after a deploy. Needs no --store.
    Smoke {
        /// The stack's ApiUrl (with or without /api).
        api: String,
        /// An admin's bearer token.
        #[arg(long, env = "NNA_OPS_TOKEN", hide_env_values = true)]
        token: String,
        /// How long the album-art worker may take to make the round's art.
        #[arg(long, default_value_t = 120)]
        art_wait_secs: u64,
    },
}

/// The old backend's collections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Collection {
    Assets,
    Users,
}

impl Command {
    fn name(&self) -> &'static str {
        match self {
            Self::Backup { .. } => "backup",
            Self::Restore { .. } => "restore",
            Self::Migrate { .. } => "migrate",
            Self::Verify { .. } => "verify",
            Self::Rollback => "rollback",
            Self::ReprocessAlbumArt { .. } => "reprocess-album-art",
            Self::Status => "status",
            Self::ArtReport { .. } => "art-report",
            Self::Recount => "recount",
            Self::Reindex => "reindex",
            Self::MakeAdmin { .. } => "make-admin",
            Self::SweepFiles { .. } => "sweep-files",
            Self::Deletions { .. } => "deletions",
            Self::History { .. } => "history",
            Self::Fixture { .. } => "fixture",
            Self::ImportLegacy { .. } => "import-legacy",
            Self::CopyLegacyFiles { .. } => "copy-legacy-files",
            Self::VerifyLegacy { .. } => "verify-legacy",
            Self::ExportLegacy { .. } => "export-legacy",
            Self::Smoke { .. } => "smoke",
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return match lambda::serve().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!(error = %e, "nna-ops stopped");
                ExitCode::FAILURE
            }
        };
    }
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("NNA_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(&cli).await {
        Ok((report, code)) => match write_report(&cli, &report) {
            Ok(path) => {
                eprintln!("{}", summary(&report));
                eprintln!("report: {}", path.display());
                code
            }
            Err(e) => {
                eprintln!("nna-ops {}: the report could not be written: {e}", cli.command.name());
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("nna-ops {}: {e}", cli.command.name());
            match e.downcast_ref::<OpsError>() {
                Some(OpsError::Interrupted(_)) => ExitCode::from(3),
                Some(OpsError::Locked { .. }) => ExitCode::from(4),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

fn json(report: impl serde::Serialize) -> Result<serde_json::Value, Error> {
    Ok(serde_json::to_value(report)?)
}

async fn run(cli: &Cli) -> Result<(serde_json::Value, ExitCode), Error> {
    if let Command::Smoke { api, token, art_wait_secs } = &cli.command {
        let report = smoke::smoke(api, token, std::time::Duration::from_secs(*art_wait_secs)).await?;
        let code = if report["passed"] == true { ExitCode::SUCCESS } else { ExitCode::FAILURE };
        return Ok((report, code));
    }
    let store = cli.store.as_ref().ok_or("--store (or NNA_OPS_STORE) is required for this command")?;
    let ops = target::ops(store, cli.queue_url.as_deref(), Arc::new(bars::Bars::default())).await?;
    let p = &cli.pace;
    let scan = Scan {
        segments: p.segments,
        page: p.page,
        concurrency: p.concurrency,
        rate: p.rate,
        stop_after: p.stop_after,
        ..Scan::default()
    };
    let user = std::env::var("USER").unwrap_or_else(|_| "someone".into());
    let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_else(|_| "here".into());
    execute(&ops, &scan, &cli.command, &format!("cli {user}@{host} pid {}", std::process::id())).await
}

impl Command {
    /// Whether the command changes the table, and so must not run beside another that does.
    fn writes(&self) -> bool {
        match self {
            Self::Restore { .. }
            | Self::Rollback
            | Self::Recount
            | Self::Reindex
            | Self::MakeAdmin { .. }
            | Self::Fixture { .. }
            | Self::ImportLegacy { .. }
            | Self::CopyLegacyFiles { .. } => true,
            Self::Migrate { dry_run, .. }
            | Self::ReprocessAlbumArt { dry_run, .. }
            | Self::SweepFiles { dry_run, .. } => !dry_run,
            Self::Backup { .. }
            | Self::Verify { .. }
            | Self::VerifyLegacy { .. }
            | Self::ExportLegacy { .. }
            | Self::Status
            | Self::ArtReport { .. }
            | Self::Deletions { .. }
            | Self::History { .. }
            | Self::Smoke { .. } => false,
        }
    }
}

/// One command on the given store, as `holder` (who runs it: a writing command takes the
/// operators' run lock under that name): its report, and the exit code it calls for.
async fn execute(
    ops: &nna_operations::Ops,
    scan: &Scan,
    command: &Command,
    holder: &str,
) -> Result<(serde_json::Value, ExitCode), Error> {
    let held = match command.writes() {
        true => Some(nna_operations::lock::hold(ops, holder, command.name()).await?),
        false => None,
    };
    let outcome = execute_held(ops, scan, command).await;
    if let Some(held) = held {
        held.release().await;
    }
    outcome
}

async fn execute_held(
    ops: &nna_operations::Ops,
    scan: &Scan,
    command: &Command,
) -> Result<(serde_json::Value, ExitCode), Error> {
    let done = |v| Ok((v, ExitCode::SUCCESS));
    match command {
        Command::Backup { to } => done(json(backup::backup(ops, scan, target::archive(to).await?.as_ref()).await?)?),
        Command::Restore { from, yes } => {
            if !yes {
                return Err("restore replaces everything the store holds: add --yes to go ahead".into());
            }
            done(json(backup::restore(ops, target::archive(from).await?.as_ref()).await?)?)
        }
        Command::Migrate { dry_run, restart, fix_names, places } => {
            let options = migrate::MigrateOptions {
                dry_run: *dry_run,
                restart: *restart,
                fix_names: *fix_names,
                places: places.clone(),
            };
            done(json(migrate::migrate(ops, scan, &options).await?)?)
        }
        Command::Verify { backup } => {
            let backup = match backup {
                Some(location) => Some(backup::load(target::archive(location).await?.as_ref()).await?),
                None => None,
            };
            let report = verify::verify(ops, scan, backup).await?;
            let code = if report.passed { ExitCode::SUCCESS } else { ExitCode::from(2) };
            Ok((json(report)?, code))
        }
        Command::Rollback => done(json(rollback::rollback(ops, scan).await?)?),
        Command::ReprocessAlbumArt { dry_run, jobs_per_second } => {
            let options = reprocess::ReprocessOptions { dry_run: *dry_run, jobs_per_second: *jobs_per_second };
            done(json(reprocess::reprocess(ops, &options).await?)?)
        }
        Command::Status => done(json(status::status(ops, scan).await?)?),
        Command::ArtReport { hours } => {
            let report = art_report::art_report(ops, scan, *hours).await?;
            let code = if report.met == Some(false) { ExitCode::from(2) } else { ExitCode::SUCCESS };
            Ok((json(report)?, code))
        }
        Command::Recount => done(json(recount::recount(ops, scan).await?)?),
        Command::Reindex => done(json(reindex::reindex(ops, scan).await?)?),
        Command::MakeAdmin { email } => done(json(admins::make_admin(ops, email).await?)?),
        Command::SweepFiles { dry_run, older_than_secs } => {
            let older_than = older_than_secs.map(std::time::Duration::from_secs);
            done(json(files::sweep_files(ops, *dry_run, older_than).await?)?)
        }
        Command::Deletions { since } => {
            let since = match since.as_deref() {
                Some(s) => Some(Timestamp::parse(s).ok_or_else(|| format!("--since {s:?} is not an ISO 8601 time"))?),
                None => None,
            };
            done(json(deletions::deletions(ops, since).await?)?)
        }
        Command::History { key } => done(json(history::history(ops, key).await?)?),
        Command::Fixture { assets, seed, out, users_out, users } => {
            let documents = fixture::legacy_documents(*assets, *seed);
            if let Some(out) = out {
                std::fs::write(out, lines(&documents))?;
            }
            if let Some(users_out) = users_out {
                std::fs::write(users_out, lines(&fixture::legacy_users(*users, *seed, 10)))?;
            }
            done(json(fixture::import(ops, &documents).await?)?)
        }
        Command::Smoke { .. } => Err("smoke runs against an API, not a store".into()),
        Command::ImportLegacy { collection, export, copy_files_from, max_file_bytes } => {
            let exported = cutover::read_export(export).await?;
            let imported = match collection {
                Collection::Assets => import::import_assets(ops, scan, &exported).await?,
                Collection::Users => import::import_users(ops, &exported).await?,
            };
            match copy_files_from {
                Some(from) if *collection == Collection::Assets => {
                    let files = copy(ops, scan, from, *max_file_bytes).await?.with_lines(&exported);
                    done(serde_json::json!({"import": json(imported)?, "files": json(files)?}))
                }
                Some(_) => Err("--copy-files-from goes with the assets collection".into()),
                None => done(json(imported)?),
            }
        }
        Command::CopyLegacyFiles { from, max_file_bytes } => done(json(copy(ops, scan, from, *max_file_bytes).await?)?),
        Command::VerifyLegacy { assets, users } => {
            if assets.is_none() && users.is_none() {
                return Err("name an export to hold the registry against: --assets and/or --users".into());
            }
            let assets = match assets {
                Some(location) => cutover::read_export(location).await?,
                None => Vec::new(),
            };
            let users = match users {
                Some(location) => cutover::read_export(location).await?,
                None => Vec::new(),
            };
            let report = verify_cutover::verify(ops, &assets, &users).await?;
            let code = if report.passed { ExitCode::SUCCESS } else { ExitCode::from(2) };
            Ok((json(report)?, code))
        }
        Command::ExportLegacy { since, out } => {
            let since = Timestamp::parse(since).ok_or_else(|| format!("--since {since:?} is not an ISO 8601 time"))?;
            let (docs, report) = way_back::export_since(ops, scan, since).await?;
            let file = cutover::write(out, lines(&docs)).await?;
            let mut report = json(report)?;
            report["file"] = serde_json::Value::String(file);
            done(report)
        }
    }
}

async fn copy(
    ops: &nna_operations::Ops,
    scan: &Scan,
    from: &str,
    max_bytes: u64,
) -> Result<nna_operations::cutover::files::CopyReport, Error> {
    let options = CopyOptions { from: from.to_owned(), max_bytes };
    let fetcher = cutover::old_bucket(&options)?;
    Ok(copy_files(ops, scan, &fetcher, &options).await?)
}

fn parse_place(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(id, place)| (id.trim().to_owned(), place.trim().to_owned()))
        .ok_or_else(|| format!("{s:?}: expected <asset id>=<layer>.<category>.<subcategory>"))
}

fn write_report(cli: &Cli, report: &serde_json::Value) -> Result<PathBuf, Error> {
    let path = match &cli.report {
        Some(path) => path.clone(),
        None => {
            let stamp = nna_domain::time::Timestamp::now().to_string().replace([':', '.'], "-");
            PathBuf::from("nna-ops-reports").join(format!("{}-{stamp}.json", cli.command.name()))
        }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, serde_json::to_vec_pretty(report)?)?;
    Ok(path)
}

/// The report's counts, one line: everything but its lists.
fn summary(report: &serde_json::Value) -> String {
    let Some(fields) = report.as_object() else { return report.to_string() };
    fields
        .iter()
        .map(|(k, v)| match v {
            serde_json::Value::Array(items) => format!("{k}: {}", items.len()),
            other => format!("{k}: {other}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
