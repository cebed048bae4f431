//! `nna-local`: the registry API and its files on one machine, on the embedded store. The same
//! domain and router as the Lambda functions; only the adapters differ.

mod config;
mod direct_upload;
mod files;
pub mod secret;
pub mod serve;
mod worker;

pub use config::LocalConfig;

use axum::Router;
use nna_domain::Registry;
use nna_domain::search::CursorKey;
use nna_domain::settings::SettingsError;
use nna_embedded::Embedded;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use worker::Worker;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("cannot use the data folder: {0}")]
    Data(String),
    #[error("{0}")]
    Settings(SettingsError),
    #[error("token secret: {0}")]
    Secret(String),
}

/// A server that is accepting connections, and its album-art worker.
pub struct Running {
    pub addr: SocketAddr,
    server: JoinHandle<std::io::Result<()>>,
    worker: JoinHandle<()>,
}

impl Running {
    /// Waits until the server has stopped (after the shutdown signal and in-flight requests) and
    /// the worker has finished the jobs in hand.
    pub async fn finished(self) -> std::io::Result<()> {
        let served = self.server.await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.worker.await.map_err(std::io::Error::other)?;
        served
    }
}

/// Binds, opens the data folder, and serves until `shutdown` completes.
pub async fn start(
    config: LocalConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<Running, StartError> {
    let listener = TcpListener::bind(config.addr).await.map_err(|e| StartError::Bind(config.addr, e))?;
    let addr = listener.local_addr().map_err(|e| StartError::Bind(config.addr, e))?;
    let (app, worker, registry) = assemble(&config, addr)?;
    tracing::info!(%addr, data = %config.data_dir.display(), "nna-local serving the API at http://{addr}/api");
    let (stop, stopping) = watch::channel(false);
    let stopping_worker = stopping.clone();
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    if let Some(every) = config.file_sweep {
        tokio::spawn(sweep_files(registry, every, stopping.clone()));
    }
    let worker = tokio::spawn(async move {
        if let Some(worker) = worker {
            worker.run(stopping_worker).await;
        }
    });
    let limits = config.connections;
    let server = tokio::spawn(serve::serve(listener, app, limits, stopping));
    Ok(Running { addr, server, worker })
}

/// Removes files no asset owns (older than `files::SWEEP_GRACE`) every `every`, until stopped.
async fn sweep_files(registry: Registry, every: std::time::Duration, mut stopping: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
        match registry.sweep_files(nna_domain::files::SWEEP_GRACE, false).await {
            Ok(report) if report.orphans.is_empty() => tracing::debug!(files = report.files, "file sweep: no orphans"),
            Ok(report) => tracing::info!(files = report.files, removed = ?report.orphans, "file sweep removed orphans"),
            Err(e) => tracing::warn!(error = %e, "file sweep failed; the next one tries again"),
        }
    }
}

fn assemble(config: &LocalConfig, addr: SocketAddr) -> Result<(Router, Option<Worker>, Registry), StartError> {
    let public = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let Embedded { adapters, queue, blobs, files_dir, store } =
        Embedded::open(&config.data_dir, &public).map_err(StartError::Data)?;
    store.expire_history_after(config.history_expiry);
    let files = Arc::new(blobs.clone());
    let pipeline = config.art.pipeline(adapters.store.clone(), files).map_err(StartError::Settings)?;
    let cursor_key = config.api.cursor_key.as_deref().map_or_else(CursorKey::random, CursorKey::from_secret);
    // With processing off, art requests are still queued (and answered 202 pending): they are
    // worked when a server with processing on starts on the same data. Lookups for songs sent
    // without art are not queued then, or every song made offline would wait on one.
    let mut api = config.api.clone();
    api.art_lookup = config.art.lookup && config.process_art;
    let registry = api.wire(&adapters, cursor_key).map_err(StartError::Settings)?;
    let tokens = Arc::new(secret::tokens(config).map_err(StartError::Secret)?);
    let routes = nna_http::router(registry.clone(), &api.http(tokens, api.max_upload_bytes));
    let worker = config.process_art.then(|| Worker { queue, runner: Arc::new(pipeline), retry: config.job_retry });
    Ok((routes.merge(files::routes(files_dir)).merge(direct_upload::routes(blobs)), worker, registry))
}
