//! End-to-end: every test starts `nna-local` on loopback port 0 with its own data folder and talks
//! to it over a real socket, as the frontend does.

mod support;

mod bad_input;
mod composites;
mod concurrency;
mod crash;
mod create;
mod edit;
mod http_contract;
mod list;
mod persistence;
mod taxonomy_routes;
mod uploads;
