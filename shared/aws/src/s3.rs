//! Files in S3: put with content type and cache headers, ranged reads for sniffing, server-side
//! copies, presigned PUTs for direct uploads, and permanent URLs from the configured public base
//! (a CloudFront distribution in front of the private bucket).

use crate::errors::{code, map};
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use bytes::Bytes;
use nna_domain::Timestamp;
use nna_domain::ports::{Blob, BlobError, BlobInfo, BlobKey, BlobMeta, BlobStore, PresignedPut, StoredBlob};
use std::time::Duration;

#[derive(Clone)]
pub struct S3Blobs {
    client: Client,
    bucket: String,
    public_base_url: String,
}

impl S3Blobs {
    pub fn new(client: Client, bucket: impl Into<String>, public_base_url: &str) -> Self {
        Self { client, bucket: bucket.into(), public_base_url: public_base_url.trim_end_matches('/').to_owned() }
    }
}

fn blob_error<E, R>(e: aws_sdk_s3::error::SdkError<E, R>) -> BlobError
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    map(&e, BlobError::unavailable, BlobError::internal)
}

/// HEAD answers 404 without a body, so the status is the only sign.
fn not_found<E: aws_sdk_s3::error::ProvideErrorMetadata>(e: &aws_sdk_s3::error::SdkError<E, HttpResponse>) -> bool {
    matches!(code(e), Some("NoSuchKey" | "NotFound")) || e.raw_response().is_some_and(|r| r.status().as_u16() == 404)
}

async fn collect(body: ByteStream) -> Result<Bytes, BlobError> {
    body.collect().await.map(|b| b.into_bytes()).map_err(BlobError::unavailable)
}

#[async_trait]
impl BlobStore for S3Blobs {
    async fn put(&self, key: &BlobKey, bytes: Bytes, meta: &BlobMeta) -> Result<(), BlobError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .body(ByteStream::from(bytes))
            .content_type(&meta.content_type)
            .cache_control(&meta.cache_control)
            .send()
            .await
            .map_err(blob_error)?;
        Ok(())
    }

    async fn get(&self, key: &BlobKey) -> Result<Option<Blob>, BlobError> {
        match self.client.get_object().bucket(&self.bucket).key(key.as_str()).send().await {
            Ok(out) => {
                let meta = BlobMeta {
                    content_type: out.content_type.clone().unwrap_or_else(|| "application/octet-stream".into()),
                    cache_control: out.cache_control.clone().unwrap_or_default(),
                };
                Ok(Some(Blob { bytes: collect(out.body).await?, meta }))
            }
            Err(e) if not_found(&e) => Ok(None),
            Err(e) => Err(blob_error(e)),
        }
    }

    async fn head(&self, key: &BlobKey) -> Result<Option<BlobInfo>, BlobError> {
        match self.client.head_object().bucket(&self.bucket).key(key.as_str()).send().await {
            Ok(out) => Ok(Some(BlobInfo {
                size: out.content_length.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
                content_type: out.content_type,
            })),
            Err(e) if not_found(&e) => Ok(None),
            Err(e) => Err(blob_error(e)),
        }
    }

    async fn read_prefix(&self, key: &BlobKey, len: u64) -> Result<Option<Bytes>, BlobError> {
        let range = format!("bytes=0-{}", len.saturating_sub(1));
        match self.client.get_object().bucket(&self.bucket).key(key.as_str()).range(range).send().await {
            Ok(out) => Ok(Some(collect(out.body).await?)),
            Err(e) if not_found(&e) => Ok(None),
            // An empty object has no byte 0.
            Err(e) if code(&e) == Some("InvalidRange") => Ok(Some(Bytes::new())),
            Err(e) => Err(blob_error(e)),
        }
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        self.client.delete_object().bucket(&self.bucket).key(key.as_str()).send().await.map_err(blob_error)?;
        Ok(())
    }

    async fn list(&self, prefix: &str, after: Option<&BlobKey>, limit: usize) -> Result<Vec<StoredBlob>, BlobError> {
        let out = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .set_start_after(after.map(|k| k.as_str().to_owned()))
            .max_keys(i32::try_from(limit.clamp(1, 1000)).unwrap_or(1000))
            .send()
            .await
            .map_err(blob_error)?;
        Ok(out
            .contents
            .unwrap_or_default()
            .into_iter()
            .filter_map(|o| {
                let key = BlobKey::parse(o.key.as_deref()?)?;
                let modified = Timestamp::from_millis(o.last_modified?.to_millis().ok()?)?;
                Some(StoredBlob { key, modified })
            })
            .collect())
    }

    async fn copy(&self, from: &BlobKey, to: &BlobKey, meta: &BlobMeta) -> Result<(), BlobError> {
        // Keys hold only letters, digits, `.`, `-`, `_` and `/`: nothing to escape in the source.
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(format!("{}/{}", self.bucket, from))
            .key(to.as_str())
            .metadata_directive(aws_sdk_s3::types::MetadataDirective::Replace)
            .content_type(&meta.content_type)
            .cache_control(&meta.cache_control)
            .send()
            .await
            .map_err(blob_error)?;
        Ok(())
    }

    async fn presign_put(
        &self,
        key: &BlobKey,
        content_type: &str,
        size: u64,
        expires_in: Duration,
    ) -> Result<PresignedPut, BlobError> {
        let config = PresigningConfig::expires_in(expires_in).map_err(BlobError::internal)?;
        // Content type and exact length are signed: S3 refuses any other file at this URL.
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .content_length(i64::try_from(size).unwrap_or(i64::MAX))
            .presigned(config)
            .await
            .map_err(blob_error)?;
        Ok(PresignedPut {
            url: request.uri().to_owned(),
            headers: request.headers().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
            expires_at: Timestamp::now().after(expires_in),
        })
    }

    fn public_url(&self, key: &BlobKey) -> String {
        format!("{}/{}", self.public_base_url, key)
    }
}
