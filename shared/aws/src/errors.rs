//! SDK failures in the domain's terms: what is worth retrying (throttling, timeouts, a service
//! hiccup) is `Unavailable`; the rest is a fault. The SDK has already retried throttling by then.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

const TRANSIENT: [&str; 8] = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "SlowDown",
    "RequestTimeout",
    "TransactionInProgressException",
];

pub(crate) fn code<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> Option<&str> {
    e.code()
}

/// An SDK error as a port error: `transient` for what is worth retrying, `fault` for the rest.
pub(crate) fn map<E, R, T>(
    e: &SdkError<E, R>,
    transient: impl FnOnce(String) -> T,
    fault: impl FnOnce(String) -> T,
) -> T
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let worth_retrying = match e {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
        SdkError::ServiceError(s) => s.err().code().is_some_and(|c| TRANSIENT.contains(&c)),
        _ => false,
    };
    let described = match e.code() {
        Some(code) => format!("{code}: {}", e.message().unwrap_or_default()),
        None => aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string(),
    };
    if worth_retrying { transient(described) } else { fault(described) }
}
