use nna_domain::auth::{Email, Role};
use nna_local::{LocalConfig, start};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Measured with `cargo bench -p nna-tests --bench load`: the glibc allocator spent a tenth of a
/// search's time in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_env("NNA_LOG").unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    if std::env::var("NNA_LOG_FORMAT").as_deref() == Ok("json") {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let config = match LocalConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("nna-local: bad configuration: {e}");
            return ExitCode::from(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("token") {
        return mint_token(&config, &args[1..]);
    }
    let server = match start(config, shutdown_signal()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("nna-local: {e}");
            return ExitCode::FAILURE;
        }
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
fn mint_token(config: &LocalConfig, args: &[String]) -> ExitCode {
    let usage = "usage: nna-local token <email> [editor|admin]";
    let Some(email) = args.first().and_then(|e| Email::parse(e).ok()) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let Some(role) = Role::parse(args.get(1).map_or("editor", String::as_str)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let user_id = format!("dev-{}", email.as_str().split('@').next().unwrap_or("user"));
    match nna_local::secret::tokens(config).and_then(|t| t.issue_for(&user_id, &email, role).map_err(|e| e.to_string()))
    {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("nna-local: {e}");
            ExitCode::FAILURE
        }
    }
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
