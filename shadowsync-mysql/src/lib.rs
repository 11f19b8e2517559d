//! MySQL-family executor for shadowsync: MySQL, MariaDB and OceanBase in
//! MySQL mode (seekdb), over the synchronous [`mysql`] crate.
//!
//! [`MysqlExecutor`] implements [`shadowsync_core::Executor`]. It connects over
//! TCP, quotes every identifier it puts into SQL with
//! [`shadowsync_core::render::quote_ident`], reads `SHOW CREATE TABLE` for
//! many tables over a small pool of connections (from OceanBase's catalog,
//! a few statements for many tables, where it can), and reports every failure as
//! [`shadowsync_core::Error::Executor`] with the password removed.
//!
//! [`MysqlDriver`] is the driver of `shadowsync-store`'s SQL store for a
//! database on such a server; [`MysqlStore`], the store on it, implements
//! the task [`shadowsync_core::task::Store`] so that several hosts share
//! one task center.
//!
//! Modules import one way only, each from those below it:
//!
//! ```text
//! executor                      the Executor: statements, locks, orphans
//!   └ catalog_facts             OceanBase's ENUM/SET and LIST facts
//!       └ catalog               OceanBase's bulk SHOW CREATE TABLE
//!           └ show_create       SHOW CREATE TABLE over the pool
//!               └ pool          chunks of reads on several connections
//!                   └ endpoint  where to connect; opens a connection
//!                       └ session, url, error
//!                           └ params, tls, connect
//!                                 the URL's own parameters: TLS, timeouts
//! store                         the task store's driver (url, error only)
//! ```

mod catalog;
mod catalog_facts;
mod connect;
mod endpoint;
mod error;
mod executor;
mod params;
mod pool;
mod session;
mod show_create;
mod store;
mod tls;
mod url;

pub use connect::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_WRITE_TIMEOUT};
pub use executor::{
    run_lock_name, Interrupter, Introspection, MysqlExecutor, OrphanPolicy,
    AUTO_CATALOG_MIN_TABLES, DEFAULT_MAX_CONNECTIONS, DEFAULT_ORPHAN_WAIT,
};
pub use session::{safe_sql_mode, SessionSettings, DEFAULT_LOCK_WAIT};
pub use store::{MysqlDriver, MysqlStore};
pub use url::redact_url;
