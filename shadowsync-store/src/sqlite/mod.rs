//! [`SqliteDriver`]: the SQL store's driver for one SQLite database file.
//!
//! Several handles (threads of a process, or several processes) may open
//! the same file; SQLite serialises their writes:
//!
//! * the file runs in WAL mode with `synchronous = FULL`, so every committed
//!   write survives a crash of the process or of the machine;
//! * write transactions take the write lock up front (`BEGIN IMMEDIATE`) so
//!   two writers never deadlock on a lock upgrade, and wait for each other
//!   up to a busy timeout;
//! * read transactions are deferred: a snapshot of the file as of their
//!   first read, that never blocks a writer.

mod schema;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params_from_iter, Connection, ToSql, TransactionBehavior};
use shadowsync_core::{Error, Result};

use crate::driver::{Driver, Row, Transaction, Value};
use crate::layout::{Entries, Layout, Setting, SettingKey, TaskIds};
use crate::store::SqlStore;

/// The store in an SQLite database file.
pub type SqliteStore = SqlStore<SqliteDriver>;

/// How long a handle waits for another one holding the write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Prepared statements a connection keeps: every statement of the store,
/// with room for a few list queries.
const STATEMENT_CACHE: usize = 64;

/// A [`Driver`] on one SQLite database file.
#[derive(Debug)]
pub struct SqliteDriver {
    conn: Mutex<Connection>,
}

impl SqliteDriver {
    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A transaction rolls back when dropped, so a panic while holding the
        // lock left nothing half-written: the connection is still usable.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Driver for SqliteDriver {
    type Location = Path;

    const LAYOUT: Layout = Layout {
        tasks: "tasks",
        task_tables: "task_tables",
        task_statements: "task_statements",
        events: "task_events",
        logs: "task_logs",
        task_ids: TaskIds::Autoincrement,
        entries: Entries::Autoincrement,
        flows: Setting {
            table: "settings",
            key_column: "key",
            value_column: "value",
            key: SettingKey::Text("approval_flows"),
        },
        snapshot_cache: "snapshot_cache",
        drift_claims: "drift_claims",
        lock_rows: "",
    };

    /// Open (creating if needed) the task database at `path`.
    fn open(path: &Path) -> Result<SqliteDriver> {
        let mut conn = Connection::open(path).map_err(db_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_error)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Switching a fresh file to WAL needs it to itself, and SQLite
        // answers "database is locked" at once, without its busy handler,
        // while another process opens the same fresh file: wait here instead.
        let mode: String =
            while_busy(|| conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Store(format!(
                "the task database cannot use WAL (journal mode is {mode})"
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db_error)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(db_error)?;
        schema::migrate(&mut conn, &path.display().to_string())?;
        Ok(SqliteDriver {
            conn: Mutex::new(conn),
        })
    }

    fn write<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce(&mut dyn Transaction) -> Result<T>,
    {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let value = work(&mut SqliteTransaction(&tx))?;
        tx.commit().map_err(db_error)?;
        Ok(value)
    }

    fn read<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce(&mut dyn Transaction) -> Result<T>,
    {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(db_error)?;
        // Dropping the transaction rolls it back: a read has nothing to keep.
        work(&mut SqliteTransaction(&tx))
    }

    fn upsert_sql(table: &str, key: &str, value: &str) -> String {
        format!(
            "INSERT INTO {table} ({key}, {value}) VALUES (?, ?)
             ON CONFLICT ({key}) DO UPDATE SET {value} = excluded.{value}"
        )
    }
}

/// A transaction on the connection (statements prepared once per
/// connection and cached).
struct SqliteTransaction<'a>(&'a Connection);

impl Transaction for SqliteTransaction<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let mut statement = self.0.prepare_cached(sql).map_err(db_error)?;
        let changed = statement
            .execute(params_from_iter(params))
            .map_err(db_error)?;
        Ok(changed as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let mut statement = self.0.prepare_cached(sql).map_err(db_error)?;
        let width = statement.column_count();
        let mut rows = statement
            .query(params_from_iter(params))
            .map_err(db_error)?;
        let mut found = Vec::new();
        while let Some(row) = rows.next().map_err(db_error)? {
            let values = (0..width)
                .map(|i| row.get_ref(i).map_err(db_error).and_then(value))
                .collect::<Result<Vec<_>>>()?;
            found.push(Row::new(values));
        }
        Ok(found)
    }

    fn last_insert_id(&mut self) -> Result<i64> {
        Ok(self.0.last_insert_rowid())
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::from(rusqlite::types::Null),
            Value::Int(n) => ToSqlOutput::from(*n),
            Value::Text(text) => ToSqlOutput::from(text.as_str()),
        })
    }
}

/// A column's value; the store writes no floats or blobs.
fn value(column: ValueRef<'_>) -> Result<Value> {
    match column {
        ValueRef::Null => Ok(Value::Null),
        ValueRef::Integer(n) => Ok(Value::Int(n)),
        ValueRef::Text(bytes) => String::from_utf8(bytes.to_vec())
            .map(Value::Text)
            .map_err(|_| {
                Error::Store("unexpected row in the task store: text not in UTF-8".into())
            }),
        ValueRef::Real(_) | ValueRef::Blob(_) => Err(Error::Store(
            "unexpected row in the task store: a float or blob".into(),
        )),
    }
}

/// `step`, tried again while SQLite reports the file busy or locked, for at
/// most [`BUSY_TIMEOUT`].
fn while_busy<T>(mut step: impl FnMut() -> rusqlite::Result<T>) -> Result<T> {
    let started = std::time::Instant::now();
    loop {
        match step() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other.map_err(db_error),
        }
    }
}

/// An SQLite failure as a store error.
fn db_error(error: rusqlite::Error) -> Error {
    Error::Store(error.to_string())
}
