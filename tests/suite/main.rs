//! End-to-end: every test starts `nna-local` on loopback port 0 with its own data folder and talks
//! to it over a real socket, as the frontend does.

mod support;

mod bad_input;
mod composites;
mod concurrency;
mod conformance;
mod crash;
mod create;
mod edit;
mod functions;
mod http_contract;
mod infra;
mod list;
mod persistence;
mod taxonomy_routes;
mod uploads;
