//! [`MysqlExecutor`]: connections to one database on a MySQL-family server.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use mysql::prelude::Queryable;
use mysql::{Conn, Opts};
use shadowsync_core::render::quote_ident;
use shadowsync_core::{Error, Executor, Flavor, Relation, RelationKind, Result, ServerInfo};

use crate::error::Scrubber;
use crate::show_create;
use crate::url::{opts_from_url, redact_url, with_db};

/// Connections [`MysqlExecutor::show_create_tables`](Executor::show_create_tables)
/// uses at most, unless set with [`MysqlExecutor::with_max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 8;

/// Longest identifier MySQL, MariaDB and OceanBase accept.
const MAX_IDENTIFIER_LENGTH: usize = 64;

/// Longest statement quoted in an error message; the rest is elided.
const MAX_QUOTED_SQL: usize = 300;

/// Where and how to connect; shared by the worker threads that open
/// connections of their own.
pub(crate) struct Endpoint {
    /// Driver options, including the current database.
    pub(crate) opts: Opts,
    /// The URL with its password redacted, for messages.
    pub(crate) url: String,
    /// Removes the password from messages.
    pub(crate) scrubber: Scrubber,
    /// Statements and commands sent, connection opening included.
    pub(crate) round_trips: AtomicU64,
}

impl Endpoint {
    /// Counts one exchange with the server.
    pub(crate) fn count(&self) {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
    }

    /// A new connection to the current database.
    pub(crate) fn open(&self) -> Result<Conn> {
        self.count();
        Conn::new(self.opts.clone()).map_err(|e| {
            self.scrubber
                .error(&format!("cannot connect to {}", self.url), &e)
        })
    }

    /// An executor error: `context`, then the driver's message.
    pub(crate) fn error(&self, context: &str, err: &mysql::Error) -> Error {
        self.scrubber.error(context, err)
    }
}

/// An [`Executor`] on a MySQL, MariaDB or OceanBase (MySQL mode) server.
///
/// One main connection runs statements; `SHOW CREATE TABLE` for many tables
/// also uses up to [`DEFAULT_MAX_CONNECTIONS`] extra connections, opened on
/// first need and kept. Those extra connections start with the server's
/// default session settings, not with `SET`s run through [`Executor::execute`].
/// Change databases with [`MysqlExecutor::use_database`], not with a `USE`
/// statement, so that every connection follows.
pub struct MysqlExecutor {
    endpoint: Endpoint,
    /// `conns[0]` is the main connection; the others serve concurrent reads.
    conns: Vec<Conn>,
    max_connections: usize,
}

impl fmt::Debug for MysqlExecutor {
    // Hand-written so that no driver structure (which holds the password) is printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MysqlExecutor")
            .field("url", &self.endpoint.url)
            .field("database", &self.database())
            .field("connections", &self.conns.len())
            .finish()
    }
}

impl MysqlExecutor {
    /// Connect to `url` (`mysql://user:pass@host:port/db`, the database being
    /// optional) over TCP.
    pub fn connect(url: &str) -> Result<Self> {
        let opts = opts_from_url(url)?;
        let endpoint = Endpoint {
            scrubber: Scrubber::new(opts.get_pass()),
            url: redact_url(url),
            opts,
            round_trips: AtomicU64::new(0),
        };
        let main = endpoint.open()?;
        Ok(MysqlExecutor {
            endpoint,
            conns: vec![main],
            max_connections: DEFAULT_MAX_CONNECTIONS,
        })
    }

    /// Use at most `n` connections (at least one) for concurrent reads.
    pub fn with_max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self.conns.truncate(self.max_connections);
        self
    }

    /// Switch to `database`; see [`MysqlExecutor::use_database`].
    pub fn with_database(mut self, database: &str) -> Result<Self> {
        self.use_database(database)?;
        Ok(self)
    }

    /// Make `database` the current database (the protocol's `COM_INIT_DB`,
    /// so no SQL is built from the name). Extra read connections still on the
    /// previous database are closed.
    pub fn use_database(&mut self, database: &str) -> Result<()> {
        self.endpoint.count();
        self.conns[0].select_db(database).map_err(|e| {
            self.endpoint.error(
                &format!("cannot use database {}", quote_ident(database)),
                &e,
            )
        })?;
        self.conns.truncate(1);
        self.endpoint.opts = with_db(&self.endpoint.opts, Some(database));
        Ok(())
    }

    /// The current database, if one is selected.
    pub fn database(&self) -> Option<&str> {
        self.endpoint.opts.get_db_name()
    }

    /// The connection URL with its password redacted.
    pub fn redacted_url(&self) -> &str {
        &self.endpoint.url
    }

    /// Exchanges with the server so far: one per statement or command sent,
    /// and one per connection opened.
    pub fn round_trips(&self) -> u64 {
        self.endpoint.round_trips.load(Ordering::Relaxed)
    }

    /// `CREATE DATABASE name`.
    pub fn create_database(&mut self, name: &str) -> Result<()> {
        self.execute(&format!("CREATE DATABASE {}", quote_ident(name)))
    }

    /// `DROP DATABASE IF EXISTS name`.
    pub fn drop_database(&mut self, name: &str) -> Result<()> {
        self.execute(&format!("DROP DATABASE IF EXISTS {}", quote_ident(name)))
    }

    /// The main connection, counting the exchange about to happen on it.
    fn main_conn(&mut self) -> &mut Conn {
        self.endpoint.count();
        &mut self.conns[0]
    }
}

impl Executor for MysqlExecutor {
    fn server_info(&mut self) -> Result<ServerInfo> {
        type Row = (String, Option<String>, Option<u8>, Option<String>);
        let sql = "SELECT VERSION(), @@version_comment, @@lower_case_table_names, DATABASE()";
        let row: Option<Row> = self
            .main_conn()
            .query_first(sql)
            .map_err(|e| self.endpoint.error("cannot read server information", &e))?;
        let (version, comment, lower_case, database) =
            row.ok_or_else(|| Error::Executor("server information query returned no row".into()))?;
        Ok(ServerInfo {
            flavor: Flavor::from_version(&version, comment.as_deref().unwrap_or("")),
            version,
            database: database.unwrap_or_default(),
            lower_case_table_names: lower_case.unwrap_or(0),
            max_identifier_length: MAX_IDENTIFIER_LENGTH,
        })
    }

    /// Base tables and views of the current database, by name. MariaDB's
    /// system-versioned tables are tables too (the analysis then refuses them
    /// by name, as the model has no system versioning); other kinds (MariaDB
    /// sequences, temporary tables) are not relations to sync and are not listed.
    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        if self.database().is_none() {
            return Err(Error::InvalidRequest(
                "cannot list relations: no database selected".into(),
            ));
        }
        let sql = "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES \
                   WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW') \
                   ORDER BY TABLE_NAME";
        let rows: Vec<(String, String)> = self
            .main_conn()
            .query(sql)
            .map_err(|e| self.endpoint.error("cannot list relations", &e))?;
        Ok(rows
            .into_iter()
            .map(|(name, kind)| Relation {
                name,
                kind: if kind == "VIEW" {
                    RelationKind::View
                } else {
                    RelationKind::Table
                },
            })
            .collect())
    }

    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        show_create::show_create_tables(
            &self.endpoint,
            &mut self.conns,
            self.max_connections,
            names,
        )
    }

    fn execute(&mut self, sql: &str) -> Result<()> {
        self.main_conn().query_drop(sql).map_err(|e| {
            self.endpoint
                .error(&format!("cannot execute `{}`", elide(sql)), &e)
        })
    }
}

/// `sql` cut to [`MAX_QUOTED_SQL`] characters, for messages.
fn elide(sql: &str) -> String {
    match sql.char_indices().nth(MAX_QUOTED_SQL) {
        Some((cut, _)) => format!("{}…", &sql[..cut]),
        None => sql.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elide_cuts_long_statements_on_char_boundaries() {
        assert_eq!(elide("SELECT 1"), "SELECT 1");
        let long = "é".repeat(MAX_QUOTED_SQL + 5);
        let cut = elide(&long);
        assert_eq!(cut.chars().count(), MAX_QUOTED_SQL + 1);
        assert!(cut.ends_with('…'));
    }
}
