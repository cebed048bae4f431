//! One writing run at a time. Commands that change the table take the operators' run lock in the
//! store itself, so a second run (a retried invocation, a second operator) is refused with who
//! holds it and since when. The lock is a lease renewed while the run goes on: a run that is
//! killed lets go by itself within a lease.

use crate::{Ops, OpsError};
use nna_domain::Timestamp;
use nna_domain::ports::{Maintenance, RunLock};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How long a claim holds without renewal.
pub const LEASE: Duration = Duration::from_secs(120);
const RENEW_EVERY: Duration = Duration::from_secs(30);

/// The lock, held until `release`.
pub struct Held {
    maintenance: Arc<dyn Maintenance>,
    holder: String,
    stop: watch::Sender<bool>,
    renewing: tokio::task::JoinHandle<()>,
}

fn claim(holder: &str, command: &str, since: Timestamp) -> RunLock {
    let lease = i64::try_from(LEASE.as_millis()).unwrap_or(i64::MAX);
    let now = Timestamp::now();
    let expires_at = Timestamp::from_millis(now.millis().saturating_add(lease)).unwrap_or(now);
    RunLock { holder: holder.to_owned(), command: command.to_owned(), since, expires_at }
}

/// Takes the lock for `command`, or says who has it.
pub async fn hold(ops: &Ops, holder: &str, command: &str) -> Result<Held, OpsError> {
    let since = Timestamp::now();
    if let Some(other) = ops.ports.maintenance.take_lock(&claim(holder, command, since)).await? {
        return Err(OpsError::Locked { holder: other.holder, command: other.command, since: other.since });
    }
    let (stop, mut stopping) = watch::channel(false);
    let (maintenance, who, what) = (ops.ports.maintenance.clone(), holder.to_owned(), command.to_owned());
    let renewing = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(RENEW_EVERY) => {}
                _ = stopping.changed() => return,
            }
            match maintenance.take_lock(&claim(&who, &what, since)).await {
                Ok(None) => {}
                Ok(Some(other)) => tracing::error!(holder = %other.holder, "the run lock was taken over"),
                Err(e) => tracing::warn!(error = %e, "the run lock could not be renewed"),
            }
        }
    });
    Ok(Held { maintenance: ops.ports.maintenance.clone(), holder: holder.to_owned(), stop, renewing })
}

impl Held {
    pub async fn release(self) {
        let _ = self.stop.send(true);
        let _ = self.renewing.await;
        if let Err(e) = self.maintenance.release_lock(&self.holder).await {
            tracing::warn!(error = %e, "the run lock could not be released; it lapses by itself");
        }
    }
}
