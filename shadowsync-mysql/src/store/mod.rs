//! [`MysqlStore`]: the task store in a database on a MySQL-family server,
//! so that several hosts share one task center: `shadowsync-store`'s SQL
//! store on [`MysqlDriver`].
//!
//! The layout mirrors the SQLite store's (see [`schema`]), its tables
//! prefixed with `shadowsync_`. Every store method is one transaction on a
//! pooled connection:
//!
//! * the server's row locks settle races: a compare-and-set's `UPDATE`
//!   holds the task row until it commits, so exactly one of two workers
//!   that read the same revision wins;
//! * task ids come from a counter row, and timeline and log entries are
//!   numbered per task from counters on the task row, all bumped under
//!   their row lock, so they grow strictly on every engine (an
//!   `AUTO_INCREMENT` column gives no such promise across sessions on
//!   OceanBase, whose ids may come from per-server caches);
//! * connections set `CLIENT_FOUND_ROWS`, so an `UPDATE` reports the rows it
//!   matched, not only those it changed (setting a status to its current
//!   value is not "not found");
//! * reads are read-only repeatable-read transactions: one snapshot.

mod schema;
mod transaction;

use std::fmt;

use mysql::consts::CapabilityFlags;
use mysql::{
    AccessMode, IsolationLevel, Opts, OptsBuilder, Pool, PoolConstraints, PoolOpts, PooledConn,
    TxOpts,
};
use shadowsync_core::{Error, Result};
use shadowsync_store::driver::{
    Driver, Entries, Layout, Setting, SettingKey, TaskIds, Transaction,
};
use shadowsync_store::SqlStore;

use crate::connect::Timeouts;
use crate::error::Scrubber;
use crate::url::{redact_url, target_from_url};
use transaction::{db, MysqlTransaction};

/// A task store in a database on a MySQL, MariaDB or OceanBase (MySQL
/// mode) server, shared by every host that opens the same database. Open
/// it with `MysqlStore::open(url)` (`mysql://user:pass@host:port/database`).
///
/// Cheap to share between threads: each call takes a connection from a pool
/// of at most eight.
pub type MysqlStore = SqlStore<MysqlDriver>;

/// Connections a [`MysqlStore`] keeps open at most.
const MAX_CONNECTIONS: usize = 8;

/// A [`Driver`] on one database of a MySQL-family server.
pub struct MysqlDriver {
    pool: Pool,
    url: String,
    scrubber: Scrubber,
    /// What a pooled connection's socket gets once open (the pool opens
    /// connections with the connect timeout for every wait).
    timeouts: Timeouts,
}

impl fmt::Debug for MysqlDriver {
    // Hand-written so that no driver structure (which holds the password) is printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MysqlDriver")
            .field("url", &self.url)
            .finish()
    }
}

impl MysqlDriver {
    /// The URL of the store, password redacted.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn conn(&self) -> Result<PooledConn> {
        let conn = self
            .pool
            .get_conn()
            .map_err(|e| Error::Store(self.scrubber.connect_message(&self.url, &e)))?;
        self.timeouts.settle(&conn).map_err(|e| {
            Error::Store(format!(
                "cannot set the read and write timeouts of a connection to {}: {e}",
                self.url
            ))
        })?;
        Ok(conn)
    }

    /// `error` with the password removed from its message.
    fn scrub(&self, error: Error) -> Error {
        match error {
            Error::Store(message) => Error::Store(self.scrubber.scrub(message)),
            other => other,
        }
    }

    /// Run `work` in a transaction with `opts`, then commit (or, with
    /// `commit` false, roll back).
    fn transaction<T, F>(&self, opts: TxOpts, commit: bool, work: F) -> Result<T>
    where
        F: FnOnce(&mut dyn Transaction) -> Result<T>,
    {
        let mut conn = self.conn()?;
        let result = (|| {
            let mut tx = MysqlTransaction(conn.start_transaction(opts).map_err(db)?);
            let value = work(&mut tx)?;
            if commit {
                tx.0.commit().map_err(db)?;
            } else {
                tx.0.rollback().map_err(db)?;
            }
            Ok(value)
        })();
        result.map_err(|e| self.scrub(e))
    }
}

impl Driver for MysqlDriver {
    type Location = str;

    const LAYOUT: Layout = Layout {
        tasks: "shadowsync_tasks",
        task_tables: "shadowsync_task_tables",
        task_statements: "shadowsync_task_statements",
        events: "shadowsync_events",
        logs: "shadowsync_logs",
        task_ids: TaskIds::Counter {
            table: "shadowsync_meta",
            key_column: "name",
            value_column: "value",
            key: schema::LAST_TASK_KEY,
        },
        entries: Entries::TaskCounters {
            events: "event_count",
            logs: "log_count",
        },
        flows: Setting {
            table: "shadowsync_flows",
            key_column: "id",
            value_column: "flows",
            key: SettingKey::Int(1),
        },
        snapshot_cache: "shadowsync_snapshot_cache",
        drift_claims: "shadowsync_drift_claims",
        lock_rows: " FOR UPDATE",
    };

    /// Open the store in the database that `url`
    /// (`mysql://user:pass@host:port/database`) names, which must exist;
    /// its tables are created if missing. Fails with
    /// [`Error::Store`] if the database holds a newer layout than this build
    /// knows, or cannot be reached (the message never holds the password).
    fn open(url: &str) -> Result<MysqlDriver> {
        let target = target_from_url(url).map_err(|e| Error::Store(e.to_string()))?;
        let opts = target.opts;
        let redacted = redact_url(url);
        if opts.get_db_name().is_none_or(str::is_empty) {
            return Err(Error::Store(format!(
                "the store URL {redacted} names no database"
            )));
        }
        let scrubber = Scrubber::new(opts.get_pass()).with_timeouts(target.timeouts);
        let constraints = PoolConstraints::new(0, MAX_CONNECTIONS)
            .ok_or_else(|| Error::Store("invalid connection pool bounds".into()))?;
        let opts: Opts = OptsBuilder::from_opts(opts)
            .additional_capabilities(CapabilityFlags::CLIENT_FOUND_ROWS)
            .pool_opts(PoolOpts::default().with_constraints(constraints))
            .into();
        let pool = Pool::new(opts).map_err(|e| {
            Error::Store(scrubber.message(&format!("cannot connect to {redacted}"), &e))
        })?;
        let driver = MysqlDriver {
            pool,
            url: redacted,
            scrubber,
            timeouts: target.timeouts,
        };
        let mut conn = driver.conn()?;
        schema::migrate(&mut conn, &driver.url).map_err(|e| driver.scrub(e))?;
        Ok(driver)
    }

    fn write<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce(&mut dyn Transaction) -> Result<T>,
    {
        self.transaction(TxOpts::default(), true, work)
    }

    fn read<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce(&mut dyn Transaction) -> Result<T>,
    {
        let opts = TxOpts::default()
            .set_isolation_level(Some(IsolationLevel::RepeatableRead))
            .set_access_mode(Some(AccessMode::ReadOnly));
        self.transaction(opts, false, work)
    }

    fn upsert_sql(table: &str, key: &str, value: &str) -> String {
        format!(
            "INSERT INTO {table} ({key}, {value}) VALUES (?, ?)
             ON DUPLICATE KEY UPDATE {value} = VALUES({value})"
        )
    }
}
