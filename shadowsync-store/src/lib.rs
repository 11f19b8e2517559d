//! The task stores of shadowsync: one SQL store ([`SqlStore`]) written once
//! over a small driver interface ([`driver`]), with the SQLite driver
//! ([`SqliteDriver`], the embedded default) here and the MySQL-family
//! driver in `shadowsync-mysql`. Opening a store by its location (a path
//! or a `mysql://` URL) is the facade's `shadowsync::host::open_store`,
//! which knows both drivers.
//!
//! Modules, each from those below it:
//!
//! ```text
//! store        SqlStore: the core's Store, every method one transaction
//!   read       reading tasks and lists back
//!   sql        the statements, built once from a driver's layout
//!   list       the task list's query
//!   columns    rows decoded into the core's types; column lists
//!   driver     what a driver implements: transactions, rows, dialect
//!   layout     table names, numbering, STORE_LAYOUT_VERSION
//! sqlite       the SQLite driver and its schema
//! clock        the wall clock
//! ```

mod cache;
mod clock;
mod columns;
pub mod driver;
mod layout;
mod list;
mod read;
mod sql;
mod sqlite;
mod store;

pub use clock::SystemClock;
pub use layout::{newer_layout, STORE_LAYOUT_VERSION};
pub use sqlite::{SqliteDriver, SqliteStore};
pub use store::SqlStore;
