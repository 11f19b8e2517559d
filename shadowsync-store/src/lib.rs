//! The task stores of shadowsync: the embedded persistent store on SQLite,
//! and [`open_store`], which opens any store by its location (a file path,
//! or a `mysql://` URL for the shared `MysqlStore`).
//!
//! [`SqliteStore`] implements the core's [`Store`] on one database file.
//! Several handles (threads of a process, or several processes) may open the
//! same file; SQLite serialises their writes:
//!
//! * the file runs in WAL mode with `synchronous = FULL`, so every committed
//!   write survives a crash of the process or of the machine;
//! * every [`Store`] method is one transaction; writes take the write lock
//!   up front (`BEGIN IMMEDIATE`) so two writers never deadlock on a lock
//!   upgrade, and wait for each other up to a busy timeout;
//! * [`Store::compare_and_set`] is `UPDATE … WHERE id = ? AND revision = ?`,
//!   and reports whether a row changed: of two workers racing to claim a
//!   task, exactly one sees its update applied;
//! * per-statement progress is committed before and after each statement
//!   is sent, which is what lets a restarted worker resume without sending
//!   an applied statement again.

#![warn(missing_docs)]

mod clock;
mod open;
mod read;
mod schema;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use shadowsync_core::task::columns::{from_int, log_level, to_int};
use shadowsync_core::task::flow::ApprovalFlow;
use shadowsync_core::task::list::{TaskPage, TaskQuery};
use shadowsync_core::task::{
    LogEntry, NewTask, StatementStatus, Store, TableStatus, Task, TaskId, TaskState, TaskStatus,
    TimelineEvent,
};
use shadowsync_core::{Error, Millis, Result};

pub use clock::SystemClock;
pub use open::{is_server_location, open_store, shown_location, DynStore};

/// How long a handle waits for another one holding the write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings key of the approval flows (a JSON array, highest priority first).
const FLOWS_KEY: &str = "approval_flows";

/// A [`Store`] in an SQLite database file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Open (creating if needed) the task database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        let mut conn = Connection::open(path).map_err(db_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_error)?;
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
        schema::migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A transaction rolls back when dropped, so a panic while holding the
        // lock left nothing half-written: the connection is still usable.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Run `work` in a transaction holding the write lock, and commit.
    fn write<T>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let value = work(&tx)?;
        tx.commit().map_err(db_error)?;
        Ok(value)
    }

    /// Run `work` in a read transaction: one consistent snapshot.
    fn read<T>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(db_error)?;
        work(&tx)
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
pub(crate) fn db_error(error: rusqlite::Error) -> Error {
    Error::Store(error.to_string())
}

fn index(value: usize) -> Result<i64> {
    to_int(value as u64)
}

fn not_found(id: TaskId) -> Error {
    Error::NotFound(format!("task {id}"))
}

/// Refuse to touch a task that does not exist (rows of children would
/// otherwise be inserted or updated silently, or not at all).
fn require(tx: &Transaction<'_>, id: TaskId) -> Result<()> {
    if read::exists(tx, id)? {
        Ok(())
    } else {
        Err(not_found(id))
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Store(format!("cannot encode: {e}")))
}

fn insert_events(tx: &Transaction<'_>, id: TaskId, events: &[TimelineEvent]) -> Result<()> {
    let mut stmt = tx
        .prepare_cached("INSERT INTO task_events (task_id, event) VALUES (?1, ?2)")
        .map_err(db_error)?;
    for event in events {
        stmt.execute(params![to_int(id)?, json(event)?])
            .map_err(db_error)?;
    }
    Ok(())
}

impl Store for SqliteStore {
    fn create_task(&self, new: &NewTask) -> Result<TaskId> {
        self.write(|tx| {
            let spec = &new.spec;
            let state = &new.state;
            tx.execute(
                "INSERT INTO tasks (spec, creator, connection, database_name, created_at, remarks,
                                    revision, status, approval_node, due_at, worker, started_at,
                                    finished_at, lease_until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    json(spec)?,
                    spec.creator,
                    spec.plan.connection,
                    spec.plan.database,
                    spec.created_at,
                    spec.remarks,
                    state.status.as_str(),
                    index(state.approval_node)?,
                    state.due_at,
                    state.worker,
                    state.started_at,
                    state.finished_at,
                    state.lease_until,
                ],
            )
            .map_err(db_error)?;
            let id: TaskId = from_int(tx.last_insert_rowid())?;
            let mut table_row = tx
                .prepare_cached(
                    "INSERT INTO task_tables (task_id, position, status, error) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(db_error)?;
            let mut statement_row = tx
                .prepare_cached(
                    "INSERT INTO task_statements (task_id, table_position, position, status, error)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(db_error)?;
            for (t, table) in new.tables.iter().enumerate() {
                table_row
                    .execute(params![to_int(id)?, index(t)?, table.status.as_str(), table.error])
                    .map_err(db_error)?;
                for (s, statement) in table.statements.iter().enumerate() {
                    statement_row
                        .execute(params![
                            to_int(id)?,
                            index(t)?,
                            index(s)?,
                            statement.status.as_str(),
                            statement.error
                        ])
                        .map_err(db_error)?;
                }
            }
            insert_events(tx, id, &new.events)?;
            Ok(id)
        })
    }

    fn task(&self, id: TaskId) -> Result<Task> {
        self.read(|tx| read::task(tx, id))
    }

    fn tasks_in(&self, statuses: &[TaskStatus]) -> Result<Vec<Task>> {
        self.read(|tx| {
            read::ids_in(tx, statuses)?
                .into_iter()
                .map(|id| read::task(tx, id))
                .collect()
        })
    }

    fn list_tasks(&self, query: &TaskQuery, now: Millis) -> Result<TaskPage> {
        self.read(|tx| read::list(tx, query, now))
    }

    fn compare_and_set(
        &self,
        id: TaskId,
        expected_revision: u64,
        state: &TaskState,
        events: &[TimelineEvent],
    ) -> Result<bool> {
        self.write(|tx| {
            let changed = tx
                .execute(
                    "UPDATE tasks SET status = ?1, approval_node = ?2, due_at = ?3, worker = ?4,
                                      started_at = ?5, finished_at = ?6, lease_until = ?7,
                                      revision = revision + 1
                     WHERE id = ?8 AND revision = ?9",
                    params![
                        state.status.as_str(),
                        index(state.approval_node)?,
                        state.due_at,
                        state.worker,
                        state.started_at,
                        state.finished_at,
                        state.lease_until,
                        to_int(id)?,
                        to_int(expected_revision)?,
                    ],
                )
                .map_err(db_error)?;
            if changed == 0 {
                require(tx, id)?;
                return Ok(false);
            }
            insert_events(tx, id, events)?;
            Ok(true)
        })
    }

    fn request_abort(&self, id: TaskId) -> Result<bool> {
        self.write(|tx| {
            let changed = tx
                .execute(
                    "UPDATE tasks SET abort_requested = 1 WHERE id = ?1 AND status = ?2",
                    params![to_int(id)?, TaskStatus::Executing.as_str()],
                )
                .map_err(db_error)?;
            if changed == 0 {
                require(tx, id)?;
            }
            Ok(changed > 0)
        })
    }

    fn abort_requested(&self, id: TaskId) -> Result<bool> {
        self.read(|tx| {
            tx.query_row(
                "SELECT abort_requested FROM tasks WHERE id = ?1",
                [to_int(id)?],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error)?
            .ok_or_else(|| not_found(id))
        })
    }

    fn set_table_status(
        &self,
        id: TaskId,
        table: usize,
        status: TableStatus,
        error: Option<&str>,
    ) -> Result<()> {
        self.write(|tx| {
            let changed = tx
                .execute(
                    "UPDATE task_tables SET status = ?1, error = ?2 WHERE task_id = ?3 AND position = ?4",
                    params![status.as_str(), error, to_int(id)?, index(table)?],
                )
                .map_err(db_error)?;
            if changed == 0 {
                return Err(Error::NotFound(format!("table {table} of task {id}")));
            }
            Ok(())
        })
    }

    fn set_statement_status(
        &self,
        id: TaskId,
        table: usize,
        statement: usize,
        status: StatementStatus,
        error: Option<&str>,
    ) -> Result<()> {
        self.write(|tx| {
            let changed = tx
                .execute(
                    "UPDATE task_statements SET status = ?1, error = ?2
                     WHERE task_id = ?3 AND table_position = ?4 AND position = ?5",
                    params![
                        status.as_str(),
                        error,
                        to_int(id)?,
                        index(table)?,
                        index(statement)?
                    ],
                )
                .map_err(db_error)?;
            if changed == 0 {
                return Err(Error::NotFound(format!(
                    "statement {statement} of table {table} of task {id}"
                )));
            }
            Ok(())
        })
    }

    fn append_events(&self, id: TaskId, events: &[TimelineEvent]) -> Result<()> {
        self.write(|tx| {
            require(tx, id)?;
            insert_events(tx, id, events)
        })
    }

    fn timeline(&self, id: TaskId) -> Result<Vec<TimelineEvent>> {
        self.read(|tx| {
            require(tx, id)?;
            let mut stmt = tx
                .prepare_cached("SELECT event FROM task_events WHERE task_id = ?1 ORDER BY seq")
                .map_err(db_error)?;
            let mut rows = stmt.query([to_int(id)?]).map_err(db_error)?;
            let mut events = Vec::new();
            while let Some(row) = rows.next().map_err(db_error)? {
                let text: String = row.get(0).map_err(db_error)?;
                events.push(
                    serde_json::from_str(&text)
                        .map_err(|e| Error::Store(format!("task {id}: unreadable event: {e}")))?,
                );
            }
            Ok(events)
        })
    }

    fn append_log(&self, entry: &LogEntry) -> Result<()> {
        self.write(|tx| {
            require(tx, entry.task)?;
            tx.execute(
                "INSERT INTO task_logs (task_id, at, level, message) VALUES (?1, ?2, ?3, ?4)",
                params![
                    to_int(entry.task)?,
                    entry.at,
                    entry.level.as_str(),
                    entry.message
                ],
            )
            .map_err(db_error)?;
            Ok(())
        })
    }

    fn logs(&self, id: TaskId) -> Result<Vec<LogEntry>> {
        self.read(|tx| {
            require(tx, id)?;
            let mut stmt = tx
                .prepare_cached(
                    "SELECT at, level, message FROM task_logs WHERE task_id = ?1 ORDER BY seq",
                )
                .map_err(db_error)?;
            let mut rows = stmt.query([to_int(id)?]).map_err(db_error)?;
            let mut entries = Vec::new();
            while let Some(row) = rows.next().map_err(db_error)? {
                let level: String = row.get(1).map_err(db_error)?;
                entries.push(LogEntry {
                    task: id,
                    at: row.get(0).map_err(db_error)?,
                    level: log_level(&level)?,
                    message: row.get(2).map_err(db_error)?,
                });
            }
            Ok(entries)
        })
    }

    fn flows(&self) -> Result<Vec<ApprovalFlow>> {
        self.read(|tx| {
            let text: Option<String> = tx
                .query_row(
                    "SELECT value FROM settings WHERE key = ?1",
                    [FLOWS_KEY],
                    |row| row.get(0),
                )
                .optional()
                .map_err(db_error)?;
            match text {
                Some(text) => serde_json::from_str(&text)
                    .map_err(|e| Error::Store(format!("unreadable approval flows: {e}"))),
                None => Ok(Vec::new()),
            }
        })
    }

    fn replace_flows(&self, flows: &[ApprovalFlow]) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![FLOWS_KEY, json(&flows)?],
            )
            .map_err(db_error)?;
            Ok(())
        })
    }
}
