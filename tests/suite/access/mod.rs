//! Who may do what: tokens, roles, ownership, accounts; and versions (`ETag`, `If-Match`,
//! `If-None-Match`).

mod accounts;
mod idempotency;
mod matrix;
mod versions;
