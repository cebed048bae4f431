//! One command for `cargo lambda watch` without AWS: starts the emulator the suite uses
//! (ministack from `tests/.venv`, on a free loopback port), creates the table, bucket, job queues
//! and secrets a deployment has, writes the functions' settings to `infra/env.local`, and runs
//! until Ctrl-C:
//!
//!     cargo run -p nna-tests --bin local-aws &
//!     cargo lambda watch --env-file infra/env.local

use nna_tests::{Aws, emulator};
use std::io::Write;

#[tokio::main]
async fn main() {
    let aws = Aws::named("nna-local-aws").await;
    let mut env = emulator().env_for(&aws);
    env.retain(|(k, _)| k != "NNA_ART_LOOKUP");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/env.local");
    let mut file = std::fs::File::create(&path).expect("infra/env.local");
    writeln!(file, "# Written by `cargo run -p nna-tests --bin local-aws`; valid while it runs.").expect("write");
    for (k, v) in &env {
        writeln!(file, "{k}={v}").expect("write");
    }
    println!("emulator at {}; table, bucket, queues and secrets `nna-local-aws`", emulator().endpoint);
    println!("settings in {}: cargo lambda watch --env-file infra/env.local", path.display());
    println!(
        "tokens: NNA_JWT_SECRET='{}' cargo run --bin nna-local -- token you@example.com admin",
        nna_tests::auth::SECRET
    );
    let _ = tokio::signal::ctrl_c().await;
}
