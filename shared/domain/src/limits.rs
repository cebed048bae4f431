//! Every bound the registry puts on what clients send, and every default of a deployment setting,
//! in one place: the checks use these, the tests prove each one, and the API docs quote them.

use std::time::Duration;

/// Free text the creator typed (the seed's 500), counted in characters.
pub const CREATOR_DESCRIPTION_CHARS: usize = 500;
/// AI-written descriptions run long; a few pages at most.
pub const DESCRIPTION_CHARS: usize = 10_000;
pub const SOURCE_CHARS: usize = 64;
pub const REGISTERED_BY_CHARS: usize = 254;
pub const TAGS: usize = 50;
pub const TAG_CHARS: usize = 64;
pub const URL_CHARS: usize = 2_048;

/// Objects stored without interpretation (`trainingData`, `rights`, `metadata`,
/// `aiMetadata.inputContext.additionalContext`, unknown AI keys).
pub const FREE_JSON_BYTES: usize = 16 * 1024;
pub const FREE_JSON_DEPTH: usize = 8;

pub const SHORT_LABEL_CHARS: usize = 100;
/// The frontend's own `aiMetadata` keys (`generatedDescription`, `mood`, `genre`, `bpm`, `tags`, …)
/// are kept as sent, within this many bytes of JSON; a generated description fits several times.
pub const AI_EXTRA_JSON_BYTES: usize = 32 * 1024;
/// An hour; generation that takes longer is a bug report, not metadata.
pub const PROCESSING_TIME_MS: u64 = 3_600_000;

pub const BPM_MIN: f64 = 1.0;
pub const BPM_MAX: f64 = 999.0;
pub const MUSIC_KEY_CHARS: usize = 32;
/// A day, in seconds.
pub const DURATION_SECONDS_MAX: f64 = 86_400.0;
pub const GENRES: usize = 20;
pub const GENRE_CHARS: usize = 64;
pub const SONG_FIELD_CHARS: usize = 300;
pub const ORIGINAL_INPUT_CHARS: usize = 1_000;

pub const IMAGE_SIDE_MAX: u64 = 20_000;
pub const IMAGE_BYTES_MAX: u64 = 50 * 1024 * 1024;
pub const ART_VARIANTS: usize = 8;

/// Composites: from 2 to 10 components (contract).
pub const COMPONENTS_MIN: usize = 2;
pub const COMPONENTS_MAX: usize = 10;

pub const BATCH_ITEMS: usize = 100;
pub const LIST_LIMIT_MAX: u32 = 1_000;
pub const LIST_LIMIT_DEFAULT: u32 = 10;
pub const SEARCH_QUERY_CHARS: usize = 200;

/// Logins from one client (address): at most this many in a window of this many seconds.
pub const LOGINS_PER_CLIENT: (u64, u64) = (30, 300);
/// Logins to one account, from anywhere: at most this many in a window of this many seconds.
pub const LOGINS_PER_ACCOUNT: (u64, u64) = (10, 900);
/// Accounts registered from one client: at most this many in a window of this many seconds.
pub const REGISTRATIONS_PER_CLIENT: (u64, u64) = (10, 3600);

/// The largest file a deployment takes unless configured (`NNA_MAX_UPLOAD_BYTES`).
pub const UPLOAD_BYTES_DEFAULT: u64 = 32 * 1024 * 1024;
/// A JSON body.
pub const JSON_BODY_BYTES: u64 = 1024 * 1024;
/// What a form may carry besides its file.
pub const FORM_FIELDS_BYTES: u64 = 256 * 1024;

/// Accounts: an email, a username and a password in characters.
pub const EMAIL_MAX: usize = 254;
pub const USERNAME_MIN: usize = 5;
pub const USERNAME_MAX: usize = 64;
pub const PASSWORD_MIN: usize = 6;
/// argon2 takes any length; a bound keeps a request from making it hash megabytes.
pub const PASSWORD_MAX: usize = 256;
/// How long a key is remembered unless the deployment says otherwise.
pub const IDEMPOTENCY_KEY_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// An `Idempotency-Key` header is at most this long.
pub const IDEMPOTENCY_KEY_CHARS: usize = 255;
/// The most matches a total is counted for.
pub const EXACT_TOTAL_MAX: usize = 10_000;
/// Enough for every word of a 500-character creator description and more; a very long AI
/// description contributes its first distinct words up to this.
pub const MAX_INDEX_TERMS: usize = 200;
/// Long enough to send 32 MB over a slow connection, short enough that a leaked URL soon expires.
pub const UPLOAD_URL_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Art a person uploads is at most this large.
pub const MAX_ART_UPLOAD_BYTES: u64 = 20 * 1024 * 1024;
/// Files younger than this are left alone: an upload waiting for its create, art being written.
pub const SWEEP_GRACE: Duration = Duration::from_secs(3600);

/// Search: the last word of a query matches as a prefix from this many characters, through at
/// most this many completions.
pub const PREFIX_MIN_CHARS: usize = 2;
pub const MAX_COMPLETIONS: usize = 16;

/// Deliveries of one job before it goes to the dead-letter queue (SQS's `maxReceiveCount` in
/// `template.yaml`, the embedded queue's dead-letter table).
pub const MAX_RECEIVES: u32 = 5;

/// Deployment settings' defaults (each configurable; the variable is named beside its reader).
/// A token's lifetime (`NNA_JWT_TTL_SECS`).
pub const TOKEN_LIFETIME_DEFAULT: Duration = Duration::from_secs(24 * 3600);

/// The largest history entry kept whole in the store (DynamoDB items hold 400 KB); a larger
/// change's values go to object storage and the entry points at them.
pub const HISTORY_INLINE_BYTES: usize = 32 * 1024;
/// How many history entries one page answers, at most and when not asked.
pub const HISTORY_PAGE_MAX: u32 = 100;
pub const HISTORY_PAGE_DEFAULT: u32 = 20;
// A full page of the largest entries fits a Lambda response (6 MB) with room for the envelope.
const _: () = assert!(HISTORY_PAGE_MAX as usize * HISTORY_INLINE_BYTES <= 4 * 1024 * 1024);
/// How long a deleted asset can be brought back (`NNA_DELETED_RETENTION_DAYS`); its files are
/// kept, unserved, until then. 0: deleted files go at once.
pub const DELETED_RETENTION_DAYS_DEFAULT: u32 = 30;

/// A whole number of days as a duration.
pub const fn days(n: u32) -> std::time::Duration {
    std::time::Duration::from_secs(n as u64 * 86_400)
}
