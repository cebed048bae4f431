//! Where the table stands: how many items the migration has marked, what still needs a
//! creator's words, songs' album art, names held twice, and each run's checkpoints. Read only.

use crate::names::{Duplicate, Names};
use crate::scan::{Scan, lock};
use crate::{Ops, OpsError, seconds_since};
use nna_domain::asset::{AlbumArtField, ArtStatus};
use nna_domain::auth::{HashKind, Role};
use nna_domain::migration::{MIGRATION_ID, MIGRATION_VERSION, NEEDS_CREATOR_INPUT};
use nna_domain::ports::{Checkpoint, Run};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    pub assets: u64,
    pub migrated: u64,
    pub not_migrated: u64,
    pub needs_creator_input: u64,
    pub without_ai_metadata: u64,
    pub without_creator_description: u64,
    pub songs: u64,
    /// Songs by album-art state: `ready`, `pending`, `failed`, `none`, `legacy_url`, `unprocessed`.
    pub song_art: BTreeMap<&'static str, u64>,
    pub duplicate_names: Vec<Duplicate>,
    /// Per run, each segment's checkpoint (`done`, `after <position>`, or absent).
    pub checkpoints: BTreeMap<&'static str, Vec<String>>,
    pub unreadable: Vec<crate::backup::UnreadableItem>,
    /// Stored files: how many, and the orphans the next sweep removes (none listed when the
    /// deployment names no file storage).
    pub files: Option<FilesStatus>,
    /// Accounts, and how many still hold the old backend's bcrypt hash (replaced at each one's
    /// first login here).
    pub accounts: AccountsStatus,
    /// Assets whose file is still on the old backend's bucket (not copied by the cutover).
    pub files_on_old_bucket: u64,
    pub seconds: f64,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountsStatus {
    pub accounts: u64,
    pub admins: u64,
    pub bcrypt_hashes: u64,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilesStatus {
    pub files: u64,
    pub orphans: u64,
    /// The first orphans, as examples.
    pub examples: Vec<String>,
}

fn art_state(field: Option<&AlbumArtField>) -> &'static str {
    match field {
        None => "none",
        Some(AlbumArtField::LegacyUrl(_)) => "legacy_url",
        Some(AlbumArtField::Art(art)) => match art.status {
            Some(ArtStatus::Ready) => "ready",
            Some(ArtStatus::Pending) => "pending",
            Some(ArtStatus::Failed) => "failed",
            None => "unprocessed",
        },
    }
}

pub async fn status(ops: &Ops, scan: &Scan) -> Result<StatusReport, OpsError> {
    let clock = std::time::Instant::now();
    let report = Mutex::new(StatusReport::default());
    let names = Mutex::new(Names::default());
    let scan = scan.read_only();
    let scanned = scan
        .run(ops, "status", |asset| {
            let (report, names) = (&report, &names);
            async move {
                lock(names).note(&asset);
                let mut r = lock(report);
                r.assets += 1;
                match &asset.migration {
                    Some(m) if m.id == MIGRATION_ID && m.version == MIGRATION_VERSION => r.migrated += 1,
                    _ => r.not_migrated += 1,
                }
                r.needs_creator_input += u64::from(asset.extra.get(NEEDS_CREATOR_INPUT) == Some(&true.into()));
                r.without_ai_metadata += u64::from(asset.ai_metadata.is_none());
                r.without_creator_description += u64::from(asset.creator_description.is_none());
                let file = asset.gcp_storage_url.as_deref().unwrap_or_default();
                r.files_on_old_bucket +=
                    u64::from(asset.copied_from.is_none() && file.starts_with("https://storage.googleapis.com/"));
                if asset.is_song() {
                    r.songs += 1;
                    *r.song_art.entry(art_state(asset.album_art.as_ref())).or_default() += 1;
                }
                Ok(())
            }
        })
        .await?;
    let mut report = report.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    report.duplicate_names = names.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).duplicates();
    report.unreadable = scanned.unreadable.into_iter().map(Into::into).collect();
    for run in Run::ALL {
        let mut segments = Vec::new();
        for segment in 0..scan.segments.max(1) {
            segments.push(match ops.ports.maintenance.checkpoint(run, segment).await? {
                None => "not started".to_owned(),
                Some(Checkpoint::Done) => "done".to_owned(),
                Some(Checkpoint::After(p)) => format!("after {p}"),
            });
        }
        report.checkpoints.insert(run.name(), segments);
    }
    for user in ops.ports.users.all_users().await? {
        report.accounts.accounts += 1;
        report.accounts.admins += u64::from(user.role == Role::Admin);
        report.accounts.bcrypt_hashes += u64::from(user.password_hash.kind() == HashKind::Bcrypt);
    }
    if ops.ports.files.is_some() {
        let found = crate::files::sweep_files(ops, true, None).await?;
        let examples = found.orphans.iter().take(20).cloned().collect();
        report.files = Some(FilesStatus { files: found.files, orphans: found.orphans.len() as u64, examples });
    }
    report.seconds = seconds_since(clock);
    Ok(report)
}
