//! MySQL-family executor for shadowsync: MySQL, MariaDB and OceanBase in
//! MySQL mode (seekdb), over the synchronous [`mysql`] crate.
//!
//! [`MysqlExecutor`] implements [`shadowsync_core::Executor`]. It connects over
//! TCP, quotes every identifier it puts into SQL with
//! [`shadowsync_core::render::quote_ident`], reads `SHOW CREATE TABLE` for
//! many tables over a small pool of connections, and reports every failure as
//! [`shadowsync_core::Error::Executor`] with the password removed.

mod error;
mod executor;
mod show_create;
mod url;

pub use executor::{MysqlExecutor, DEFAULT_MAX_CONNECTIONS};
pub use url::redact_url;
