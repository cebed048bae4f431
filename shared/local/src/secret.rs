//! The token secret of a local registry: `NNA_JWT_SECRET`, or one made on first start and kept
//! in the data folder (readable by its owner only), so tokens stay valid across restarts and
//! `nna-local token` signs tokens the server accepts.

use crate::LocalConfig;
use nna_http::auth::{TokenError, Tokens};
use std::path::Path;

const FILE: &str = "jwt-secret";

pub fn tokens(config: &LocalConfig) -> Result<Tokens, String> {
    let secret = match &config.api.auth.secret {
        Some(s) => s.clone(),
        None => kept_secret(&config.data_dir).map_err(|e| format!("{}: {e}", config.data_dir.join(FILE).display()))?,
    };
    Tokens::new(config.api.auth.tokens(secret)).map_err(|e: TokenError| e.to_string())
}

fn kept_secret(dir: &Path) -> std::io::Result<Vec<u8>> {
    let path = dir.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 32 => return Ok(s.trim().as_bytes().to_vec()),
        Ok(_) => return Err(std::io::Error::other("holds fewer than 32 bytes; delete it to make a new one")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::create_dir_all(dir)?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    let secret = hex::encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut f) => std::io::Write::write_all(&mut f, secret.as_bytes())?,
        // Another process made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return kept_secret(dir),
        Err(e) => return Err(e),
    }
    Ok(secret.into_bytes())
}
