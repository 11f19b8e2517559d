//! [`MysqlStore`]: the task store in a database on a MySQL-family server, so
//! that several hosts share one task center.
//!
//! The layout mirrors the SQLite store of `shadowsync-store`: one row per
//! task with its spec as JSON text and the columns a list filters on copied
//! out of it, one row per table and per statement of its plan, and the
//! timeline and log as rows numbered per task. Every [`Store`] method is one
//! transaction on a pooled connection:
//!
//! * [`Store::compare_and_set`] is `UPDATE … WHERE id = ? AND revision = ?`
//!   and reports whether the row matched; the server's row lock settles a
//!   race, so exactly one of two workers that read the same revision wins;
//! * task ids come from a counter row updated under its row lock, so they
//!   grow strictly on every engine (an `AUTO_INCREMENT` column gives no such
//!   promise across sessions on OceanBase, whose ids may come from
//!   per-server caches); timeline and log entries are numbered per task from
//!   counters on the task row, for the same reason;
//! * connections set `CLIENT_FOUND_ROWS`, so an `UPDATE` reports the rows it
//!   matched, not only those it changed (setting a status to its current
//!   value is not "not found");
//! * JSON is stored as `LONGTEXT` and every value is sent as a parameter;
//!   identifiers in SQL are fixed.

use std::fmt;

use mysql::consts::CapabilityFlags;
use mysql::prelude::{FromRow, Queryable};
use mysql::{
    from_row_opt, AccessMode, IsolationLevel, Opts, OptsBuilder, Params, Pool, PoolConstraints,
    PoolOpts, Row, Transaction, TxOpts, Value,
};
use shadowsync_core::task::columns::{
    from_int, list_sql, log_level, placeholders, table_progress, task_status, to_int, SqlValue,
    TaskColumns,
};
use shadowsync_core::task::flow::ApprovalFlow;
use shadowsync_core::task::list::{TaskPage, TaskQuery, TaskSummary};
use shadowsync_core::task::{
    LogEntry, NewTask, StatementStatus, Store, TableProgress, TableStatus, Task, TaskId, TaskState,
    TaskStatus, TimelineEvent,
};
use shadowsync_core::{Error, Millis, Result};

use crate::error::Scrubber;
use crate::url::{opts_from_url, redact_url};

/// Layout version kept in `shadowsync_meta`.
pub const STORE_LAYOUT_VERSION: i64 = 2;

/// Connections a [`MysqlStore`] keeps open at most.
const MAX_CONNECTIONS: usize = 8;

/// Name of the layout version row in `shadowsync_meta`.
const VERSION_KEY: &str = "layout_version";

/// Name of the task id counter row in `shadowsync_meta`.
const LAST_TASK_KEY: &str = "last_task_id";

/// Table options: binary collation, so that filters compare exactly as the
/// other stores do (`Ann` is not `ann`).
const TABLE_OPTIONS: &str = "ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin";

/// `shadowsync_meta` first: it holds the version that says whether the rest
/// may be created or used.
const META: &str = "CREATE TABLE IF NOT EXISTS shadowsync_meta (
    name  VARCHAR(64) NOT NULL PRIMARY KEY,
    value BIGINT      NOT NULL
)";

/// Version 2 of the layout (version 1 without `lease_until`, which
/// [`MysqlStore::migrate`] adds to a version 1 store). The state columns of a task are only written by
/// a compare-and-set on `revision` (and `abort_requested` by an abort).
const LAYOUT: [&str; 6] = [
    "CREATE TABLE IF NOT EXISTS shadowsync_tasks (
        id              BIGINT       NOT NULL PRIMARY KEY,
        spec            LONGTEXT     NOT NULL,
        creator         VARCHAR(255) NOT NULL,
        connection      VARCHAR(255) NOT NULL,
        database_name   VARCHAR(255) NOT NULL,
        created_at      BIGINT       NOT NULL,
        remarks         LONGTEXT     NOT NULL,
        revision        BIGINT       NOT NULL,
        status          VARCHAR(32)  NOT NULL,
        approval_node   BIGINT       NOT NULL,
        due_at          BIGINT       NULL,
        worker          VARCHAR(255) NULL,
        started_at      BIGINT       NULL,
        finished_at     BIGINT       NULL,
        lease_until     BIGINT       NULL,
        abort_requested TINYINT      NOT NULL DEFAULT 0,
        event_count     BIGINT       NOT NULL DEFAULT 0,
        log_count       BIGINT       NOT NULL DEFAULT 0,
        KEY shadowsync_tasks_by_created (created_at),
        KEY shadowsync_tasks_by_status (status)
    )",
    "CREATE TABLE IF NOT EXISTS shadowsync_task_tables (
        task_id  BIGINT      NOT NULL,
        position BIGINT      NOT NULL,
        status   VARCHAR(32) NOT NULL,
        error    LONGTEXT    NULL,
        PRIMARY KEY (task_id, position)
    )",
    "CREATE TABLE IF NOT EXISTS shadowsync_task_statements (
        task_id        BIGINT      NOT NULL,
        table_position BIGINT      NOT NULL,
        position       BIGINT      NOT NULL,
        status         VARCHAR(32) NOT NULL,
        error          LONGTEXT    NULL,
        PRIMARY KEY (task_id, table_position, position)
    )",
    "CREATE TABLE IF NOT EXISTS shadowsync_events (
        task_id BIGINT   NOT NULL,
        seq     BIGINT   NOT NULL,
        event   LONGTEXT NOT NULL,
        PRIMARY KEY (task_id, seq)
    )",
    "CREATE TABLE IF NOT EXISTS shadowsync_logs (
        task_id BIGINT      NOT NULL,
        seq     BIGINT      NOT NULL,
        at      BIGINT      NOT NULL,
        level   VARCHAR(16) NOT NULL,
        message LONGTEXT    NOT NULL,
        PRIMARY KEY (task_id, seq)
    )",
    "CREATE TABLE IF NOT EXISTS shadowsync_flows (
        id    INT      NOT NULL PRIMARY KEY,
        flows LONGTEXT NOT NULL
    )",
];

/// A [`Store`] in a database on a MySQL, MariaDB or OceanBase (MySQL mode)
/// server, shared by every host that opens the same database.
///
/// Cheap to share between threads: each call takes a connection from a pool
/// of at most eight.
pub struct MysqlStore {
    pool: Pool,
    url: String,
    scrubber: Scrubber,
}

impl fmt::Debug for MysqlStore {
    // Hand-written so that no driver structure (which holds the password) is printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MysqlStore")
            .field("url", &self.url)
            .finish()
    }
}

impl MysqlStore {
    /// Open the store in the database that `url`
    /// (`mysql://user:pass@host:port/database`) names, which must exist;
    /// its tables are created if missing. Fails with
    /// [`Error::Store`] if the database holds a newer layout than this build
    /// knows, or cannot be reached (the message never holds the password).
    pub fn open(url: &str) -> Result<MysqlStore> {
        let opts = opts_from_url(url).map_err(|e| Error::Store(e.to_string()))?;
        let redacted = redact_url(url);
        if opts.get_db_name().is_none_or(str::is_empty) {
            return Err(Error::Store(format!(
                "the store URL {redacted} names no database"
            )));
        }
        let scrubber = Scrubber::new(opts.get_pass());
        let constraints = PoolConstraints::new(0, MAX_CONNECTIONS).expect("0 <= max");
        let opts: Opts = OptsBuilder::from_opts(opts)
            .additional_capabilities(CapabilityFlags::CLIENT_FOUND_ROWS)
            .pool_opts(PoolOpts::default().with_constraints(constraints))
            .into();
        let pool = Pool::new(opts).map_err(|e| {
            Error::Store(scrubber.message(&format!("cannot connect to {redacted}"), &e))
        })?;
        let store = MysqlStore {
            pool,
            url: redacted,
            scrubber,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Create what is missing of the layout, refusing a newer one. Safe to
    /// run from several hosts at once: every step is idempotent.
    fn migrate(&self) -> Result<()> {
        let mut conn = self.conn()?;
        let version = (|| {
            conn.query_drop(META).map_err(db)?;
            conn.exec_drop(
                "INSERT IGNORE INTO shadowsync_meta (name, value) VALUES (?, ?), (?, 0)",
                (VERSION_KEY, STORE_LAYOUT_VERSION, LAST_TASK_KEY),
            )
            .map_err(db)?;
            conn.exec_first::<i64, _, _>(
                "SELECT value FROM shadowsync_meta WHERE name = ?",
                (VERSION_KEY,),
            )
            .map_err(db)
        })()
        .map_err(|e| self.scrub(e))?;
        match version {
            Some(STORE_LAYOUT_VERSION) => {}
            Some(1) => self.upgrade_from_1(&mut conn)?,
            Some(newer) if newer > STORE_LAYOUT_VERSION => {
                return Err(Error::Store(format!(
                    "the task store at {} has layout version {newer}; this build knows up to {}",
                    self.url, STORE_LAYOUT_VERSION
                )))
            }
            other => {
                return Err(Error::Store(format!(
                    "the task store at {} has an unknown layout version {other:?}",
                    self.url
                )))
            }
        }
        for ddl in LAYOUT {
            conn.query_drop(format!("{ddl} {TABLE_OPTIONS}"))
                .map_err(|e| self.scrub(db(e)))?;
        }
        Ok(())
    }

    /// Version 1 → 2: the worker's lease. The version row moves only when
    /// the column was added (by this host or a concurrent one).
    fn upgrade_from_1(&self, conn: &mut mysql::PooledConn) -> Result<()> {
        let has_lease: Option<i64> = conn
            .query_first(
                "SELECT COUNT(*) FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'shadowsync_tasks' \
                 AND COLUMN_NAME = 'lease_until'",
            )
            .map_err(|e| self.scrub(db(e)))?;
        if has_lease.unwrap_or(0) == 0 {
            conn.query_drop("ALTER TABLE shadowsync_tasks ADD COLUMN lease_until BIGINT NULL")
                .map_err(|e| self.scrub(db(e)))?;
        }
        conn.exec_drop(
            "UPDATE shadowsync_meta SET value = ? WHERE name = ? AND value = 1",
            (STORE_LAYOUT_VERSION, VERSION_KEY),
        )
        .map_err(|e| self.scrub(db(e)))
    }

    /// The URL of the store, password redacted.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn conn(&self) -> Result<mysql::PooledConn> {
        self.pool.get_conn().map_err(|e| {
            Error::Store(
                self.scrubber
                    .message(&format!("cannot connect to {}", self.url), &e),
            )
        })
    }

    fn scrub(&self, error: Error) -> Error {
        match error {
            Error::Store(message) => Error::Store(self.scrubber.scrub(message)),
            other => other,
        }
    }

    /// Run `work` in a read-write transaction and commit.
    fn write<T>(&self, work: impl FnOnce(&mut Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn()?;
        let result = (|| {
            let mut tx = conn.start_transaction(TxOpts::default()).map_err(db)?;
            let value = work(&mut tx)?;
            tx.commit().map_err(db)?;
            Ok(value)
        })();
        result.map_err(|e| self.scrub(e))
    }

    /// Run `work` in a read-only repeatable-read transaction: one snapshot.
    fn read<T>(&self, work: impl FnOnce(&mut Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn()?;
        let result = (|| {
            let opts = TxOpts::default()
                .set_isolation_level(Some(IsolationLevel::RepeatableRead))
                .set_access_mode(Some(AccessMode::ReadOnly));
            let mut tx = conn.start_transaction(opts).map_err(db)?;
            let value = work(&mut tx)?;
            tx.rollback().map_err(db)?;
            Ok(value)
        })();
        result.map_err(|e| self.scrub(e))
    }
}

/// A driver failure as a store error (scrubbed by the caller).
fn db(error: mysql::Error) -> Error {
    Error::Store(Scrubber::default().message("task store", &error))
}

/// Positional parameters.
fn params(values: Vec<Value>) -> Params {
    if values.is_empty() {
        Params::Empty
    } else {
        Params::Positional(values)
    }
}

/// Every row of `sql` as `T`, without panicking on an unexpected value.
fn rows<T: FromRow>(tx: &mut Transaction<'_>, sql: &str, values: Vec<Value>) -> Result<Vec<T>> {
    let rows: Vec<Row> = tx.exec(sql, params(values)).map_err(db)?;
    rows.into_iter()
        .map(|row| {
            from_row_opt(row).map_err(|e| Error::Store(format!("unexpected row in the store: {e}")))
        })
        .collect()
}

/// The first row of `sql` as `T`, if any.
fn first<T: FromRow>(tx: &mut Transaction<'_>, sql: &str, values: Vec<Value>) -> Result<Option<T>> {
    Ok(rows(tx, sql, values)?.into_iter().next())
}

/// Run `sql`; the number of rows it matched.
fn update(tx: &mut Transaction<'_>, sql: &str, values: Vec<Value>) -> Result<u64> {
    tx.exec_drop(sql, params(values)).map_err(db)?;
    Ok(tx.affected_rows())
}

fn index(value: usize) -> Result<Value> {
    Ok(Value::from(to_int(value as u64)?))
}

fn id_value(id: TaskId) -> Result<Value> {
    Ok(Value::from(to_int(id)?))
}

fn not_found(id: TaskId) -> Error {
    Error::NotFound(format!("task {id}"))
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Store(format!("cannot encode: {e}")))
}

/// Reserve `count` numbers of the per-task counter `column` (fixed
/// identifier) under the task row lock; the first one reserved. Fails with
/// [`Error::NotFound`] if the task does not exist.
fn reserve(tx: &mut Transaction<'_>, id: TaskId, column: &str, count: usize) -> Result<i64> {
    let count = to_int(count as u64)?;
    let matched = update(
        tx,
        &format!("UPDATE shadowsync_tasks SET {column} = {column} + ? WHERE id = ?"),
        vec![count.into(), id_value(id)?],
    )?;
    if matched == 0 {
        return Err(not_found(id));
    }
    let last: Option<i64> = first(
        tx,
        &format!("SELECT {column} FROM shadowsync_tasks WHERE id = ?"),
        vec![id_value(id)?],
    )?;
    Ok(last.ok_or_else(|| not_found(id))? - count + 1)
}

fn insert_events(tx: &mut Transaction<'_>, id: TaskId, events: &[TimelineEvent]) -> Result<()> {
    let start = reserve(tx, id, "event_count", events.len())?;
    for (seq, event) in (start..).zip(events) {
        tx.exec_drop(
            "INSERT INTO shadowsync_events (task_id, seq, event) VALUES (?, ?, ?)",
            params(vec![id_value(id)?, seq.into(), json(event)?.into()]),
        )
        .map_err(db)?;
    }
    Ok(())
}

fn require(tx: &mut Transaction<'_>, id: TaskId) -> Result<()> {
    let found: Option<i64> = first(
        tx,
        "SELECT id FROM shadowsync_tasks WHERE id = ?",
        vec![id_value(id)?],
    )?;
    found.map(|_| ()).ok_or_else(|| not_found(id))
}

type TaskRow = (
    String,
    i64,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    i64,
    Option<i64>,
);

fn read_task(tx: &mut Transaction<'_>, id: TaskId) -> Result<Task> {
    let row: TaskRow = first(
        tx,
        "SELECT spec, revision, status, approval_node, due_at, worker, started_at,
                finished_at, abort_requested, lease_until
         FROM shadowsync_tasks WHERE id = ?",
        vec![id_value(id)?],
    )?
    .ok_or_else(|| not_found(id))?;
    let (
        spec,
        revision,
        status,
        approval_node,
        due_at,
        worker,
        started_at,
        finished_at,
        abort,
        lease_until,
    ) = row;
    let columns = TaskColumns {
        spec,
        revision,
        status,
        approval_node,
        due_at,
        worker,
        started_at,
        finished_at,
        lease_until,
        abort_requested: abort != 0,
    };
    columns.into_task(id, read_tables(tx, id)?)
}

fn read_tables(tx: &mut Transaction<'_>, id: TaskId) -> Result<Vec<TableProgress>> {
    let table_rows = rows(
        tx,
        "SELECT status, error FROM shadowsync_task_tables WHERE task_id = ? ORDER BY position",
        vec![id_value(id)?],
    )?;
    let statement_rows = rows(
        tx,
        "SELECT table_position, status, error FROM shadowsync_task_statements
         WHERE task_id = ? ORDER BY table_position, position",
        vec![id_value(id)?],
    )?;
    table_progress(id, table_rows, statement_rows)
}

type SummaryRow = (i64, String, String, String, String, Millis, String);

fn list(tx: &mut Transaction<'_>, query: &TaskQuery, now: Millis) -> Result<TaskPage> {
    let sql = list_sql("shadowsync_tasks", query, now)?;
    let values: Vec<Value> = sql
        .values
        .into_iter()
        .map(|value| match value {
            SqlValue::Int(n) => Value::from(n),
            SqlValue::Text(text) => Value::from(text),
        })
        .collect();
    let total: i64 = first(tx, &sql.count, values.clone())?.unwrap_or(0);
    let found: Vec<SummaryRow> = rows(tx, &sql.page, values)?;
    let items = found
        .into_iter()
        .map(
            |(id, creator, connection, database, status, created_at, remarks)| {
                Ok(TaskSummary {
                    id: from_int(id)?,
                    creator,
                    connection,
                    database,
                    status: task_status(&status)?,
                    created_at,
                    remarks,
                })
            },
        )
        .collect::<Result<Vec<_>>>()?;
    Ok(TaskPage {
        total: from_int(total)?,
        items,
    })
}

impl Store for MysqlStore {
    fn create_task(&self, new: &NewTask) -> Result<TaskId> {
        self.write(|tx| {
            update(
                tx,
                "UPDATE shadowsync_meta SET value = value + 1 WHERE name = ?",
                vec![LAST_TASK_KEY.into()],
            )?;
            let id: i64 = first(
                tx,
                "SELECT value FROM shadowsync_meta WHERE name = ?",
                vec![LAST_TASK_KEY.into()],
            )?
            .ok_or_else(|| Error::Store("the task store has no task id counter".into()))?;
            let spec = &new.spec;
            let state = &new.state;
            tx.exec_drop(
                "INSERT INTO shadowsync_tasks
                    (id, spec, creator, connection, database_name, created_at, remarks, revision,
                     status, approval_node, due_at, worker, started_at, finished_at, lease_until)
                 VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)",
                params(vec![
                    id.into(),
                    json(spec)?.into(),
                    spec.creator.as_str().into(),
                    spec.plan.connection.as_str().into(),
                    spec.plan.database.as_str().into(),
                    spec.created_at.into(),
                    spec.remarks.as_str().into(),
                    state.status.as_str().into(),
                    index(state.approval_node)?,
                    state.due_at.into(),
                    state.worker.as_deref().into(),
                    state.started_at.into(),
                    state.finished_at.into(),
                    state.lease_until.into(),
                ]),
            )
            .map_err(db)?;
            for (t, table) in new.tables.iter().enumerate() {
                tx.exec_drop(
                    "INSERT INTO shadowsync_task_tables (task_id, position, status, error)
                     VALUES (?, ?, ?, ?)",
                    params(vec![
                        id.into(),
                        index(t)?,
                        table.status.as_str().into(),
                        table.error.as_deref().into(),
                    ]),
                )
                .map_err(db)?;
                for (s, statement) in table.statements.iter().enumerate() {
                    tx.exec_drop(
                        "INSERT INTO shadowsync_task_statements
                            (task_id, table_position, position, status, error)
                         VALUES (?, ?, ?, ?, ?)",
                        params(vec![
                            id.into(),
                            index(t)?,
                            index(s)?,
                            statement.status.as_str().into(),
                            statement.error.as_deref().into(),
                        ]),
                    )
                    .map_err(db)?;
                }
            }
            let id: TaskId = from_int(id)?;
            insert_events(tx, id, &new.events)?;
            Ok(id)
        })
    }

    fn task(&self, id: TaskId) -> Result<Task> {
        self.read(|tx| read_task(tx, id))
    }

    fn tasks_in(&self, statuses: &[TaskStatus]) -> Result<Vec<Task>> {
        if statuses.is_empty() {
            return Ok(Vec::new());
        }
        self.read(|tx| {
            let ids: Vec<i64> = rows(
                tx,
                &format!(
                    "SELECT id FROM shadowsync_tasks WHERE status IN ({}) ORDER BY id",
                    placeholders(statuses.len())
                ),
                statuses.iter().map(|s| Value::from(s.as_str())).collect(),
            )?;
            ids.into_iter()
                .map(|id| read_task(tx, from_int(id)?))
                .collect()
        })
    }

    fn list_tasks(&self, query: &TaskQuery, now: Millis) -> Result<TaskPage> {
        self.read(|tx| list(tx, query, now))
    }

    fn compare_and_set(
        &self,
        id: TaskId,
        expected_revision: u64,
        state: &TaskState,
        events: &[TimelineEvent],
    ) -> Result<bool> {
        self.write(|tx| {
            let matched = update(
                tx,
                "UPDATE shadowsync_tasks
                 SET status = ?, approval_node = ?, due_at = ?, worker = ?, started_at = ?,
                     finished_at = ?, lease_until = ?, revision = revision + 1
                 WHERE id = ? AND revision = ?",
                vec![
                    state.status.as_str().into(),
                    index(state.approval_node)?,
                    state.due_at.into(),
                    state.worker.as_deref().into(),
                    state.started_at.into(),
                    state.finished_at.into(),
                    state.lease_until.into(),
                    id_value(id)?,
                    to_int(expected_revision)?.into(),
                ],
            )?;
            if matched == 0 {
                require(tx, id)?;
                return Ok(false);
            }
            insert_events(tx, id, events)?;
            Ok(true)
        })
    }

    fn request_abort(&self, id: TaskId) -> Result<bool> {
        self.write(|tx| {
            let matched = update(
                tx,
                "UPDATE shadowsync_tasks SET abort_requested = 1 WHERE id = ? AND status = ?",
                vec![id_value(id)?, TaskStatus::Executing.as_str().into()],
            )?;
            if matched == 0 {
                require(tx, id)?;
            }
            Ok(matched > 0)
        })
    }

    fn abort_requested(&self, id: TaskId) -> Result<bool> {
        self.read(|tx| {
            let flag: Option<i64> = first(
                tx,
                "SELECT abort_requested FROM shadowsync_tasks WHERE id = ?",
                vec![id_value(id)?],
            )?;
            Ok(flag.ok_or_else(|| not_found(id))? != 0)
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
            let matched = update(
                tx,
                "UPDATE shadowsync_task_tables SET status = ?, error = ?
                 WHERE task_id = ? AND position = ?",
                vec![
                    status.as_str().into(),
                    error.into(),
                    id_value(id)?,
                    index(table)?,
                ],
            )?;
            if matched == 0 {
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
            let matched = update(
                tx,
                "UPDATE shadowsync_task_statements SET status = ?, error = ?
                 WHERE task_id = ? AND table_position = ? AND position = ?",
                vec![
                    status.as_str().into(),
                    error.into(),
                    id_value(id)?,
                    index(table)?,
                    index(statement)?,
                ],
            )?;
            if matched == 0 {
                return Err(Error::NotFound(format!(
                    "statement {statement} of table {table} of task {id}"
                )));
            }
            Ok(())
        })
    }

    fn append_events(&self, id: TaskId, events: &[TimelineEvent]) -> Result<()> {
        self.write(|tx| insert_events(tx, id, events))
    }

    fn timeline(&self, id: TaskId) -> Result<Vec<TimelineEvent>> {
        self.read(|tx| {
            require(tx, id)?;
            let texts: Vec<String> = rows(
                tx,
                "SELECT event FROM shadowsync_events WHERE task_id = ? ORDER BY seq",
                vec![id_value(id)?],
            )?;
            texts
                .iter()
                .map(|text| {
                    serde_json::from_str(text)
                        .map_err(|e| Error::Store(format!("task {id}: unreadable event: {e}")))
                })
                .collect()
        })
    }

    fn append_log(&self, entry: &LogEntry) -> Result<()> {
        self.write(|tx| {
            let seq = reserve(tx, entry.task, "log_count", 1)?;
            tx.exec_drop(
                "INSERT INTO shadowsync_logs (task_id, seq, at, level, message)
                 VALUES (?, ?, ?, ?, ?)",
                params(vec![
                    id_value(entry.task)?,
                    seq.into(),
                    entry.at.into(),
                    entry.level.as_str().into(),
                    entry.message.as_str().into(),
                ]),
            )
            .map_err(db)
        })
    }

    fn logs(&self, id: TaskId) -> Result<Vec<LogEntry>> {
        self.read(|tx| {
            require(tx, id)?;
            let found: Vec<(Millis, String, String)> = rows(
                tx,
                "SELECT at, level, message FROM shadowsync_logs WHERE task_id = ? ORDER BY seq",
                vec![id_value(id)?],
            )?;
            found
                .into_iter()
                .map(|(at, level, message)| {
                    Ok(LogEntry {
                        task: id,
                        at,
                        level: log_level(&level)?,
                        message,
                    })
                })
                .collect()
        })
    }

    fn flows(&self) -> Result<Vec<ApprovalFlow>> {
        self.read(|tx| {
            let text: Option<String> = first(
                tx,
                "SELECT flows FROM shadowsync_flows WHERE id = 1",
                vec![],
            )?;
            match text {
                Some(text) => serde_json::from_str(&text)
                    .map_err(|e| Error::Store(format!("unreadable approval flows: {e}"))),
                None => Ok(Vec::new()),
            }
        })
    }

    fn replace_flows(&self, flows: &[ApprovalFlow]) -> Result<()> {
        self.write(|tx| {
            tx.exec_drop(
                "INSERT INTO shadowsync_flows (id, flows) VALUES (1, ?)
                 ON DUPLICATE KEY UPDATE flows = VALUES(flows)",
                params(vec![json(flows)?.into()]),
            )
            .map_err(db)
        })
    }
}
