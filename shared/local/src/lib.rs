//! `nna-local`: the registry API and its files on one machine, on the embedded store. The same
//! domain and router as the Lambda functions; only the adapters differ.

mod config;
mod direct_upload;

pub use config::{ConfigError, LocalConfig};

use axum::Router;
use axum::http::{HeaderValue, header};
use nna_domain::search::CursorKey;
use nna_domain::upload::IMMUTABLE_CACHE;
use nna_domain::{Registry, RegistryConfig};
use nna_embedded::{DiskBlobs, SqliteStore};
use nna_http::HttpConfig;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("cannot use the data folder: {0}")]
    Data(String),
}

/// A server that is accepting connections.
pub struct Running {
    pub addr: SocketAddr,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Waits until the server has stopped (after the shutdown signal and in-flight requests).
    pub async fn finished(self) -> std::io::Result<()> {
        self.task.await.unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

/// Binds, opens the data folder, and serves until `shutdown` completes.
pub async fn start(
    config: LocalConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<Running, StartError> {
    let listener = TcpListener::bind(config.addr).await.map_err(|e| StartError::Bind(config.addr, e))?;
    let addr = listener.local_addr().map_err(|e| StartError::Bind(config.addr, e))?;
    let app = app(&config, addr)?;
    tracing::info!(%addr, data = %config.data_dir.display(), "nna-local serving the API at http://{addr}/api");
    let task = tokio::spawn(async move { axum::serve(listener, app).with_graceful_shutdown(shutdown).await });
    Ok(Running { addr, task })
}

fn app(config: &LocalConfig, addr: SocketAddr) -> Result<Router, StartError> {
    let data = |e: &dyn std::fmt::Display| StartError::Data(format!("{}: {e}", config.data_dir.display()));
    std::fs::create_dir_all(&config.data_dir).map_err(|e| data(&e))?;
    let store = SqliteStore::open(config.data_dir.join("registry.sqlite3")).map_err(|e| data(&e))?;
    let public = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let files_dir = config.data_dir.join("files");
    let blobs =
        DiskBlobs::new(&files_dir, &format!("{public}/files"), &format!("{public}/upload")).map_err(|e| data(&e))?;
    let cursor_key = config.cursor_key.as_deref().map_or_else(CursorKey::random, CursorKey::from_secret);
    let registry = Registry::new(
        Arc::new(store),
        Arc::new(blobs.clone()),
        RegistryConfig::new(config.max_upload_bytes, cursor_key),
    );
    let api = nna_http::router(registry, &HttpConfig::new(config.cors_origins.clone(), config.max_upload_bytes));
    // Stored files never change under their name (it holds the asset id), so they cache for good.
    let files = Router::new()
        .nest_service("/files", ServeDir::new(files_dir))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE_CACHE)));
    Ok(api.merge(files).merge(direct_upload::routes(blobs)))
}
