//! `nna-local`: the registry API and its files on one machine, on the embedded store. The same
//! domain and router as the Lambda functions; only the adapters differ.

mod config;
mod direct_upload;
mod files;
pub mod secret;
pub mod serve;
mod worker;

pub use config::{ConfigError, LocalConfig};

use axum::Router;
use nna_domain::search::CursorKey;
use nna_domain::{Registry, RegistryConfig};
use nna_embedded::{DiskBlobs, SqliteStore};
use nna_http::HttpConfig;
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
    #[error("album-art settings: {0}")]
    Art(nna_fetch::SettingsError),
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
    let data = |e: &dyn std::fmt::Display| StartError::Data(format!("{}: {e}", config.data_dir.display()));
    std::fs::create_dir_all(&config.data_dir).map_err(|e| data(&e))?;
    let store = Arc::new(SqliteStore::open(config.data_dir.join("registry.sqlite3")).map_err(|e| data(&e))?);
    let queue = store.queue();
    let public = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let files_dir = config.data_dir.join("files");
    let blobs =
        DiskBlobs::new(&files_dir, &format!("{public}/files"), &format!("{public}/upload")).map_err(|e| data(&e))?;
    let pipeline = config.art.pipeline(store.clone(), Arc::new(blobs.clone())).map_err(StartError::Art)?;
    let cursor_key = config.cursor_key.as_deref().map_or_else(CursorKey::random, CursorKey::from_secret);
    let mut registry_config = RegistryConfig::new(config.max_upload_bytes, cursor_key);
    registry_config.auth_rates = config.auth_rates;
    // With processing off, art requests are still queued (and answered 202 pending): they are
    // worked when a server with processing on starts on the same data. Lookups for songs sent
    // without art are not queued then, or every song made offline would wait on one.
    let registry = Registry::new(store, Arc::new(blobs.clone()), registry_config)
        .with_jobs(Arc::new(queue.clone()), config.art.lookup && config.process_art);
    let tokens = Arc::new(secret::tokens(config).map_err(StartError::Secret)?);
    let mut http = HttpConfig::new(config.cors_origins.clone(), config.max_upload_bytes, tokens);
    http.art_shape = config.art_shape;
    let api = nna_http::router(registry.clone(), &http);
    let files = files::routes(files_dir);
    let worker = config.process_art.then(|| Worker { queue, runner: Arc::new(pipeline), retry: config.job_retry });
    Ok((api.merge(files).merge(direct_upload::routes(blobs)), worker, registry))
}
