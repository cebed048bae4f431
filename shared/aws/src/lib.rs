//! Production adapters for the domain's ports: [`DynamoStore`] (assets, accounts, history),
//! [`S3Blobs`] (files), [`SqsQueue`] (jobs), made together from a deployment's settings
//! ([`AwsStorage`]). No Lambda and no HTTP here: the functions' bootstrap is `nna-lambda`'s, so
//! the operators' tool links these adapters and nothing of the API.

pub mod dynamo;
mod errors;
mod s3;
mod settings;
mod sqs;

pub use dynamo::DynamoStore;
pub use s3::S3Blobs;
pub use settings::{AwsAdapters, AwsStorage, s3_for};
pub use sqs::SqsQueue;
