use clap::{Parser, Subcommand};
use nna_domain::auth::{Email, Role};
use nna_local::{LocalConfig, start};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// The NNA Asset Registry on this machine: the whole API and the album-art worker, on the
/// embedded store (SQLite and files in a folder), no AWS account needed.
#[derive(Parser)]
#[command(name = "nna-local", version, after_help = SETTINGS)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the album-art worker (what runs without a command).
    Serve,
    /// Print a token this server accepts, for trying the API with curl.
    Token {
        email: String,
        /// `editor` or `admin`.
        #[arg(default_value = "editor")]
        role: String,
    },
}

/// Configured by environment variables, read once at start-up (the README lists them all).
const SETTINGS: &str = "Settings (environment variables; the README lists them all):
  NNA_ADDR              where to listen (default 127.0.0.1:8080)
  NNA_DATA_DIR          the database and stored files (default ./.nna-data)
  NNA_PUBLIC_URL        how clients reach this server, for file URLs
  NNA_CORS_ORIGINS      browser origins allowed (comma-separated)
  NNA_JWT_SECRET        token secret (default: made once, kept in the data folder)
  NNA_ART_PROCESSING    off: keep album art as sent, never fetch it
  NNA_ALBUM_ART_SHAPE   url while today's frontend is the client
  NNA_LOG               log filter (default info); NNA_LOG_FORMAT=json for JSON lines";

/// Measured with `cargo bench -p nna-tests --bench load`: the glibc allocator spent a tenth of a
/// search's time in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // Before anything else: `--help` and `--version` answer even where the settings are wrong.
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_env("NNA_LOG").unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    if std::env::var("NNA_LOG_FORMAT").as_deref() == Ok("json") {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let config = match LocalConfig::from_env() {
        Ok(c) => c,
        Err(e) => return fail(2, format!("bad configuration: {e}")),
    };
    if let Some(Command::Token { email, role }) = &cli.command {
        return mint_token(&config, email, role);
    }
    let server = match start(config, shutdown_signal()).await {
        Ok(s) => s,
        Err(e) => return fail(1, e),
    };
    match server.finished().await {
        Ok(()) => {
            tracing::info!("stopped cleanly");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "server failed");
            ExitCode::FAILURE
        }
    }
}

/// `nna-local token <email> [editor|admin]`: a token this server accepts, for trying the API
/// with curl. The account need not exist: the token is the proof.
fn mint_token(config: &LocalConfig, email: &str, role: &str) -> ExitCode {
    let usage = "usage: nna-local token <email> [editor|admin]";
    let Ok(email) = Email::parse(email) else { return fail(2, format!("{email:?} is not an email\n{usage}")) };
    let Some(role) = Role::parse(role) else { return fail(2, format!("{role:?} is not a role\n{usage}")) };
    let user_id = format!("dev-{}", email.as_str().split('@').next().unwrap_or("user"));
    match nna_local::secret::tokens(config).and_then(|t| t.issue_for(&user_id, &email, role).map_err(|e| e.to_string()))
    {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(1, e),
    }
}

/// Says why on stderr, and exits with `code` (2: the command or its settings are wrong).
fn fail(code: u8, why: impl std::fmt::Display) -> ExitCode {
    eprintln!("nna-local: {why}");
    ExitCode::from(code)
}

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight, exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}
