//! `nna-ops` as a Lambda function (the template's `OpsFunction`): the same commands, run next to
//! the table, invoked with `{"command": "migrate", "rate": 50}` and the like. A run that meets the
//! invocation's deadline stops at a page boundary's checkpoint and answers `"finished": false`;
//! invoking it again resumes (the README has the loop).

use crate::target::Error;
use crate::{Collection, Command, execute};
use lambda_runtime::{LambdaEvent, service_fn};
use nna_operations::OpsError;
use nna_operations::progress::Quiet;
use nna_operations::scan::Scan;
use serde::Deserialize;
use serde_json::{Value, json};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Request {
    /// `backup`, `migrate`, `verify`, `rollback`, `reprocess-album-art`, `status`, `art-report`, `recount`,
    /// `reindex`, `sweep-files`, `make-admin`, `deletions`, `history`, or the cutover's `import-legacy`,
    /// `copy-legacy-files`, `verify-legacy`, `export-legacy`.
    command: String,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    restart: bool,
    #[serde(default)]
    fix_names: bool,
    /// `backup`: where to (`s3://bucket/prefix`); `verify`: the backup to compare with.
    location: Option<String>,
    rate: Option<NonZeroU32>,
    segments: Option<u32>,
    jobs_per_second: Option<NonZeroU32>,
    /// Drills: stop after this many items, as if time ran out.
    stop_after: Option<u64>,
    /// `make-admin`: whose account.
    email: Option<String>,
    /// `history`: which asset (id, HFN or MFA; a deleted one by id).
    key: Option<String>,
    /// `sweep-files`: only files older than this (default an hour).
    older_than_secs: Option<u64>,
    /// `import-legacy`: `assets` or `users`, and `export`, the mongoexport file (`s3://…`).
    collection: Option<String>,
    export: Option<String>,
    /// `import-legacy` (assets) and `copy-legacy-files`: the old bucket's base URL.
    from: Option<String>,
    max_file_bytes: Option<u64>,
    /// `verify-legacy`: the exports to hold the registry against (`s3://…`).
    assets: Option<String>,
    users: Option<String>,
    /// `export-legacy`: since when (ISO 8601); `location` is where the assets go.
    since: Option<String>,
    /// `art-report`: the window, in hours (default 1).
    hours: Option<u32>,
}

impl Request {
    fn command(self) -> Result<Command, String> {
        let location = || self.location.clone().ok_or_else(|| format!("{} needs a location", self.command));
        Ok(match self.command.as_str() {
            "backup" => Command::Backup { to: location()? },
            "migrate" => Command::Migrate {
                dry_run: self.dry_run,
                restart: self.restart,
                fix_names: self.fix_names,
                places: Vec::new(),
            },
            "verify" => Command::Verify { backup: self.location.clone() },
            "rollback" => Command::Rollback,
            "reprocess-album-art" => Command::ReprocessAlbumArt {
                dry_run: self.dry_run,
                jobs_per_second: self.jobs_per_second.unwrap_or(NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN)),
            },
            "status" => Command::Status,
            "art-report" => Command::ArtReport { hours: self.hours.unwrap_or(1) },
            "recount" => Command::Recount,
            "reindex" => Command::Reindex,
            "sweep-files" => Command::SweepFiles { dry_run: self.dry_run, older_than_secs: self.older_than_secs },
            "make-admin" => {
                Command::MakeAdmin { email: self.email.clone().ok_or_else(|| "make-admin needs an email".to_owned())? }
            }
            "deletions" => Command::Deletions { since: None },
            "history" => Command::History { key: self.key.clone().ok_or("history needs a key")? },
            "import-legacy" => Command::ImportLegacy {
                collection: match self.collection.as_deref() {
                    Some("assets") => Collection::Assets,
                    Some("users") => Collection::Users,
                    _ => return Err("import-legacy needs a collection: assets or users".into()),
                },
                export: self.export.clone().ok_or_else(|| "import-legacy needs an export (s3://…)".to_owned())?,
                copy_files_from: self.from.clone(),
                max_file_bytes: self.max_file_bytes.unwrap_or(nna_domain::limits::UPLOAD_BYTES_DEFAULT),
            },
            "copy-legacy-files" => Command::CopyLegacyFiles {
                from: self
                    .from
                    .clone()
                    .ok_or_else(|| "copy-legacy-files needs from: the old bucket's URL".to_owned())?,
                max_file_bytes: self.max_file_bytes.unwrap_or(nna_domain::limits::UPLOAD_BYTES_DEFAULT),
            },
            "verify-legacy" => Command::VerifyLegacy { assets: self.assets.clone(), users: self.users.clone() },
            "export-legacy" => Command::ExportLegacy {
                since: self.since.clone().ok_or_else(|| "export-legacy needs since".to_owned())?,
                out: location()?,
            },
            other => {
                return Err(format!(
                    "{other:?} is not a command this function runs (restore and the fixture run from a shell)"
                ));
            }
        })
    }
}

/// When to stop: a tenth of the time left (at most 30 s) before Lambda's deadline, so the last
/// page's checkpoint and the answer get out.
fn stop_by(deadline_ms: u64) -> Instant {
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let left = Duration::from_millis(deadline_ms.saturating_sub(now_ms));
    Instant::now() + left - (left / 10).min(Duration::from_secs(30))
}

pub async fn serve() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let ops = crate::target::deployed(Arc::new(Quiet)).await?;
    let ops = &ops;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let deadline = stop_by(event.context.deadline);
        let request: Request = serde_json::from_value(event.payload).map_err(|e| format!("bad request: {e}"))?;
        let scan = Scan {
            rate: request.rate,
            segments: request.segments.unwrap_or(4),
            stop_after: request.stop_after,
            deadline: Some(deadline),
            ..Scan::default()
        };
        let name = request.command.clone();
        let command = request.command()?;
        let holder = format!("lambda {}", event.context.request_id);
        match execute(ops, &scan, &command, &holder).await {
            Ok((report, code)) => {
                let passed = code == std::process::ExitCode::SUCCESS;
                Ok::<Value, Error>(json!({"command": name, "finished": true, "passed": passed, "report": report}))
            }
            Err(e) if matches!(e.downcast_ref::<OpsError>(), Some(OpsError::Interrupted(_))) => {
                Ok(json!({"command": name, "finished": false, "message": "stopped before the deadline at a checkpoint; invoke again to resume"}))
            }
            Err(e) => Err(e),
        }
    }))
    .await
}
