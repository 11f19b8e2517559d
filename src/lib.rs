//! shadowsync: keep shadow tables in step with their source tables.
//!
//! This facade re-exports the pure engine ([`core`]) and the MySQL-family
//! adapter ([`mysql`]) so a Rust host needs a single dependency, and holds
//! the host layer ([`host`]) every front end runs tasks through.

pub mod host;

pub use shadowsync_core as core;
pub use shadowsync_mysql as mysql;
