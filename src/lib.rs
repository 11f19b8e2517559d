//! shadowsync: keep shadow tables in step with their source tables.
//!
//! This facade re-exports the pure engine ([`core`]), the MySQL-family
//! adapter ([`mysql`]) and the task stores ([`store`]) so a Rust host needs
//! a single dependency, and holds the host layer ([`host`]) every front end
//! runs tasks through and opens its store with.

pub mod host;

pub use shadowsync_core as core;
pub use shadowsync_mysql as mysql;
pub use shadowsync_store as store;
