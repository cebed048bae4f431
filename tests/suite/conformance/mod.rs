//! One suite of store, blob and queue behaviour, run against both adapter sets: the embedded
//! default (SQLite, files on disk, a SQLite queue) and production (DynamoDB, S3, SQS on the
//! emulator). Same inputs, same results.

pub(crate) mod adapters;
mod blobs;
mod history;
mod maintenance;
mod queue;
mod search;
mod store;

/// Each check becomes two tests, `embedded::<check>` and `dynamodb::<check>`.
macro_rules! for_both {
    ($module:ident: $($check:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $check() {
                    super::$check(crate::conformance::adapters::embedded().await).await
                }
            )*
        }
        mod dynamodb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $check() {
                    super::$check(crate::conformance::adapters::production().await).await
                }
            )*
        }
    };
}
pub(crate) use for_both;
