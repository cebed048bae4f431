//! Production adapters for the domain's ports — [`DynamoStore`] (assets), [`S3Blobs`] (files),
//! [`SqsQueue`] (jobs) — and [`lambda`], the bootstrap every function binary shares.

pub mod dynamo;
mod errors;
pub mod lambda;
pub mod metrics;
mod s3;
mod settings;
mod sqs;

pub use dynamo::DynamoStore;
pub use s3::S3Blobs;
pub use settings::{AwsAdapters, AwsStorage, Settings, s3_for};
pub use sqs::SqsQueue;
