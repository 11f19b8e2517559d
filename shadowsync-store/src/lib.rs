//! The task stores of shadowsync: one SQL store ([`SqlStore`]) written once
//! over a small driver interface ([`driver`]), with the SQLite driver
//! ([`SqliteDriver`], the embedded default) here and the MySQL-family
//! store in `shadowsync-mysql`; [`open_store`] opens either by its location
//! (a path or a `mysql://` URL).
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
//! open         a store by its location
//! clock        the wall clock
//! ```

#![warn(missing_docs)]

mod clock;
mod columns;
pub mod driver;
mod layout;
mod list;
mod open;
mod read;
mod sql;
mod sqlite;
mod store;

pub use clock::SystemClock;
pub use layout::{newer_layout, STORE_LAYOUT_VERSION};
pub use open::{is_server_location, open_store, shown_location, DynStore};
pub use sqlite::{SqliteDriver, SqliteStore};
pub use store::SqlStore;
