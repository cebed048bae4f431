//! One command for `cargo lambda watch` without AWS: starts the emulator the suite uses (from
//! `tests/.venv`, on a free loopback port), creates a deployment's table, bucket, job queues and
//! secrets as `template.yaml` configures them, writes the functions' settings (the template's, with
//! this stack's names) to an env file, and works the job queue as Lambda's SQS event source does,
//! handing jobs to `process-album-art` under `cargo lambda watch`, until Ctrl-C:
//!
//!     cargo run -p nna-tests --bin local-aws -- --env-file target/local-aws.env &
//!     cargo lambda watch --invoke-address 127.0.0.1 --env-file target/local-aws.env

use nna_tests::local_aws::{configure_queue, hand_over, queue_visibility, settings};
use nna_tests::{Aws, emulator};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

const USAGE: &str = "usage: local-aws [--env-file <path>] [--invoke <cargo lambda watch's URL>]
  --env-file  where the functions' settings go (default target/local-aws.env)
  --invoke    where `cargo lambda watch` takes invocations (default http://127.0.0.1:9000)";

#[tokio::main]
async fn main() {
    let mut env_file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/local-aws.env");
    let mut invoke = "http://127.0.0.1:9000".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--env-file", Some(path)) => env_file = PathBuf::from(path),
            ("--invoke", Some(url)) => invoke = url,
            _ => {
                eprintln!("{USAGE}");
                std::process::exit(2);
            }
        }
    }
    let template = nna_tests::evidence::decoded_template();
    let aws = Aws::named("nna-local-aws").await;
    configure_queue(&aws, &template).await;
    if let Some(folder) = env_file.parent() {
        std::fs::create_dir_all(folder).expect("the env file's folder");
    }
    let mut file = std::fs::File::create(&env_file).expect("the env file");
    writeln!(file, "# Written by `cargo run -p nna-tests --bin local-aws`; valid while it runs.").expect("write");
    for (k, v) in settings(&aws, &template) {
        writeln!(file, "{k}={v}").expect("write");
    }
    println!("emulator at {}; table, bucket, queues and secrets `nna-local-aws`", emulator().endpoint);
    println!("settings in {}", env_file.display());
    println!("  cargo lambda watch --invoke-address 127.0.0.1 --env-file {}", env_file.display());
    println!(
        "tokens: NNA_JWT_SECRET='{}' cargo run --bin nna-local -- token you@example.com admin",
        nna_tests::auth::SECRET
    );
    println!("album-art jobs go to process-album-art at {invoke}");
    let visibility = queue_visibility(&template);
    tokio::select! {
        () = work_the_queue(&aws, &invoke, visibility) => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

/// Lambda's SQS event source, on this machine: the queue's jobs to `process-album-art`.
async fn work_the_queue(aws: &Aws, invoke: &str, visibility: Duration) {
    loop {
        match hand_over(aws, invoke, visibility).await {
            Ok(0) => tokio::time::sleep(Duration::from_secs(1)).await,
            Ok(n) => println!("{n} album-art job(s) handed to process-album-art"),
            Err(e) => {
                eprintln!("process-album-art is not reachable yet ({e}); is `cargo lambda watch` running?");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }
}
