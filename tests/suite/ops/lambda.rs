//! `nna-ops` as the template's `OpsFunction`: the real binary driven through the Lambda Runtime API,
//! against DynamoDB, S3 and SQS on the emulator.

use crate::support::lambda::Outcome;
use crate::support::{Aws, Function, binary, emulator};
use nna_operations::Ops;
use serde_json::json;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ops_function_migrates_in_resumable_invocations() {
    let aws = Aws::fresh().await;
    let env = emulator().env_for(&aws);
    let backups = format!("s3://{}/backups/pre", aws.bucket);
    let store = Arc::new(aws.store);
    let ops = Ops::quiet(store);
    nna_operations::fixture::import(&ops, &nna_operations::fixture::legacy_documents(300, 3)).await.unwrap();
    let mut function = Function::start_binary(
        &binary("nna-ops", "nna-ops"),
        &env,
        crate::support::lambda::configured_timeout("nna-ops"),
    )
    .await;

    let status = function.invoke(json!({"command": "status"})).await.response();
    assert_eq!(
        (status["finished"].as_bool(), status["report"]["assets"].as_u64()),
        (Some(true), Some(300)),
        "{status}"
    );
    let backup = function.invoke(json!({"command": "backup", "location": backups})).await.response();
    assert_eq!(backup["report"]["manifest"]["assets"], 300, "{backup}");

    // Out of time (here: told to stop) part way: it answers unfinished, and the next call resumes.
    let first = function.invoke(json!({"command": "migrate", "stopAfter": 120})).await.response();
    assert_eq!(first["finished"], false, "{first}");
    let second = function.invoke(json!({"command": "migrate"})).await.response();
    assert_eq!(second["finished"], true, "{second}");
    assert!(second["report"]["scanned"].as_u64().unwrap() < 300, "resumed: {second}");

    let verified = function.invoke(json!({"command": "verify", "location": backups})).await.response();
    assert_eq!(
        (verified["passed"].as_bool(), verified["report"]["migrated"].as_u64()),
        (Some(true), Some(300)),
        "{verified}"
    );

    for refused in [json!({"command": "restore", "location": backups}), json!({"command": "migrate", "dryRun": "yes"})]
    {
        assert!(matches!(function.invoke(refused.clone()).await, Outcome::Error(_)), "{refused}");
    }
}
