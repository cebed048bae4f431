//! Real binaries of this workspace, built by cargo on demand and run as child processes.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The path of a workspace binary, built once per test run (debug profile, like the tests).
pub fn binary(package: &str, bin: &str) -> PathBuf {
    build(package, bin, false)
}

/// The same, built as it ships (the release profile: what `cargo lambda build --release` makes).
pub fn release_binary(package: &str, bin: &str) -> PathBuf {
    build(package, bin, true)
}

fn build(package: &str, bin: &str, release: bool) -> PathBuf {
    static BUILT: OnceLock<std::sync::Mutex<std::collections::HashMap<String, PathBuf>>> = OnceLock::new();
    let mut built = BUILT.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    built
        .entry(format!("{package}/{bin}/{release}"))
        .or_insert_with(|| {
            let cargo = escargot::CargoBuild::new().package(package).bin(bin);
            let run = if release { cargo.release() } else { cargo }
                .run()
                .unwrap_or_else(|e| panic!("building {bin} failed: {e}"));
            run.path().to_path_buf()
        })
        .clone()
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// `nna-local` as its own process, killed when dropped.
pub struct LocalProcess {
    pub base: String,
    child: Child,
}

impl LocalProcess {
    pub async fn start(data_dir: &std::path::Path) -> Self {
        Self::start_with(data_dir, &[]).await
    }

    /// With more environment (or overrides).
    pub async fn start_with(data_dir: &std::path::Path, env: &[(&str, &str)]) -> Self {
        Self::start_binary(&binary("nna-local", "nna-local"), data_dir, env).await
    }

    /// A given build of `nna-local` (benchmarks run the release one).
    pub async fn start_binary(bin: &std::path::Path, data_dir: &std::path::Path, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let child = Command::new(bin)
            .envs(env.iter().copied())
            .env("NNA_ADDR", format!("127.0.0.1:{port}"))
            .env("NNA_DATA_DIR", data_dir)
            .env("NNA_LOG", "warn")
            .env("NNA_JWT_SECRET", crate::auth::SECRET)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nna-local starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::builder().no_proxy().build().expect("client");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = client.get(format!("{base}/api/health")).send().await
                && r.status().is_success()
            {
                break;
            }
            assert!(Instant::now() < deadline, "nna-local did not answer /api/health within 30 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { base, child }
    }

    /// The server's process id (benchmarks read its peak memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Ctrl-C, as a person at the terminal sends it; waits for the exit.
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status().expect("kill runs");
        assert!(sent.success(), "SIGINT was delivered");
        self.child.wait().expect("nna-local exits")
    }

    /// SIGKILL: no clean shutdown, no flushing, as a crash or power cut.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for LocalProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
