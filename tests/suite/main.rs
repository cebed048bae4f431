//! End-to-end: every test starts `nna-local` on loopback port 0 with its own data folder and talks
//! to it over a real socket, as the frontend does.

/// The shared harness (`tests/support`), under the name the tests use.
mod support {
    pub use nna_tests::*;
}

mod access;
mod album_art;
mod bad_input;
mod composites;
mod concurrency;
mod conformance;
mod connections;
mod contract;
mod crash;
mod create;
mod cutover;
mod edit;
mod faults;
mod files;
mod frontend;
mod functions;
mod history_expiry;
mod http_contract;
mod iam;
mod infra;
mod limits;
mod list;
mod local_aws;
mod local_cli;
mod openapi;
mod ops;
mod persistence;
mod routes;
mod taxonomy_routes;
mod uploads;
