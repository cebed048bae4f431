//! The Lambda bootstrap the function binaries share: logs, the SQS job batch ([`jobs`]), metrics
//! in CloudWatch's embedded format ([`metrics`]) and, with the `api` feature, the API functions'
//! start-up and router ([`api`]). The AWS adapters themselves are `nna-aws`'s.

#[cfg(feature = "api")]
pub mod api;
pub mod jobs;
pub mod metrics;
#[cfg(feature = "api")]
mod settings;

#[cfg(feature = "api")]
pub use settings::Settings;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The runtime's standard subscriber: JSON lines when the function's logging config says JSON
/// (`AWS_LAMBDA_LOG_FORMAT`), at the function's application log level (`AWS_LAMBDA_LOG_LEVEL`,
/// else `RUST_LOG`, else info), each line inside the invocation's span with its request id.
pub fn init_tracing() {
    lambda_runtime::tracing::init_default_subscriber();
}
