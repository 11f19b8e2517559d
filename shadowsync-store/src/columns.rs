//! How a task is kept in columns: integer conversions, status names, JSON,
//! and the rows of every `SELECT` of the store decoded into the core's
//! types. The column lists sit next to their decoders so that the two
//! cannot drift apart.

use shadowsync_core::task::list::TaskSummary;
use shadowsync_core::task::{
    LogEntry, LogLevel, StatementProgress, StatementStatus, TableProgress, TableStatus, Task,
    TaskId, TaskState, TaskStatus, TimelineEvent,
};
use shadowsync_core::{Error, Result};

use crate::driver::{Row, Value};

/// An id, count or index as a signed database integer.
pub(crate) fn to_int(value: u64) -> Result<i64> {
    i64::try_from(value)
        .map_err(|_| Error::Store(format!("{value} is too large for the task store")))
}

/// A database integer as an id, count or index.
pub(crate) fn from_int<T: TryFrom<i64>>(value: i64) -> Result<T> {
    T::try_from(value)
        .map_err(|_| Error::Store(format!("unexpected value {value} in the task store")))
}

/// A position in a plan as a parameter.
pub(crate) fn index(value: usize) -> Result<Value> {
    Ok(Value::Int(to_int(value as u64)?))
}

/// A task id as a parameter.
pub(crate) fn id_value(id: TaskId) -> Result<Value> {
    Ok(Value::Int(to_int(id)?))
}

/// `value` as JSON text.
pub(crate) fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Value> {
    serde_json::to_string(value)
        .map(Value::Text)
        .map_err(|e| Error::Store(format!("cannot encode: {e}")))
}

fn unknown(what: &str, name: &str) -> Error {
    Error::Store(format!("unknown {what} `{name}` in the task store"))
}

/// A stored task status.
pub(crate) fn task_status(name: &str) -> Result<TaskStatus> {
    TaskStatus::from_name(name).ok_or_else(|| unknown("task status", name))
}

fn table_status(name: &str) -> Result<TableStatus> {
    TableStatus::from_name(name).ok_or_else(|| unknown("table status", name))
}

fn statement_status(name: &str) -> Result<StatementStatus> {
    StatementStatus::from_name(name).ok_or_else(|| unknown("statement status", name))
}

fn log_level(name: &str) -> Result<LogLevel> {
    LogLevel::from_name(name).ok_or_else(|| unknown("log level", name))
}

/// The columns of a task's own row that [`task`] decodes, in order.
pub(crate) const TASK_COLUMNS: &str = "spec, revision, status, approval_node, due_at, worker, \
     started_at, finished_at, abort_requested, lease_until";

/// Task `id` from its row of [`TASK_COLUMNS`] and its table progress.
pub(crate) fn task(mut row: Row, id: TaskId, tables: Vec<TableProgress>) -> Result<Task> {
    let spec: String = row.get(0)?;
    let spec = serde_json::from_str(&spec)
        .map_err(|e| Error::Store(format!("task {id}: unreadable spec: {e}")))?;
    let status: String = row.get(2)?;
    Ok(Task {
        id,
        revision: from_int(row.get(1)?)?,
        spec,
        state: TaskState {
            status: task_status(&status)?,
            approval_node: from_int(row.get(3)?)?,
            due_at: row.get(4)?,
            worker: row.get(5)?,
            started_at: row.get(6)?,
            finished_at: row.get(7)?,
            lease_until: row.get(9)?,
        },
        tables,
        abort_requested: row.get::<i64>(8)? != 0,
    })
}

/// The columns of a table's row that [`table_progress`] decodes.
pub(crate) const TABLE_COLUMNS: &str = "status, error";

/// The columns of a statement's row that [`table_progress`] decodes.
pub(crate) const STATEMENT_COLUMNS: &str = "table_position, status, error";

/// Per-table progress of task `id` from its rows of [`TABLE_COLUMNS`] and
/// of [`STATEMENT_COLUMNS`], both in position order.
pub(crate) fn table_progress(
    id: TaskId,
    table_rows: Vec<Row>,
    statement_rows: Vec<Row>,
) -> Result<Vec<TableProgress>> {
    let mut tables = table_rows
        .into_iter()
        .map(|mut row| {
            let status: String = row.get(0)?;
            Ok(TableProgress {
                status: table_status(&status)?,
                error: row.get(1)?,
                statements: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    for mut row in statement_rows {
        let table: usize = from_int(row.get(0)?)?;
        let status: String = row.get(1)?;
        let progress = StatementProgress {
            status: statement_status(&status)?,
            error: row.get(2)?,
        };
        tables
            .get_mut(table)
            .ok_or_else(|| Error::Store(format!("task {id}: statement of missing table {table}")))?
            .statements
            .push(progress);
    }
    Ok(tables)
}

/// The columns of a listed task that [`summary`] decodes.
pub(crate) const SUMMARY_COLUMNS: &str =
    "id, creator, connection, database_name, status, created_at, remarks";

/// A listed task from its row of [`SUMMARY_COLUMNS`].
pub(crate) fn summary(mut row: Row) -> Result<TaskSummary> {
    let status: String = row.get(4)?;
    Ok(TaskSummary {
        id: from_int(row.get(0)?)?,
        creator: row.get(1)?,
        connection: row.get(2)?,
        database: row.get(3)?,
        status: task_status(&status)?,
        created_at: row.get(5)?,
        remarks: row.get(6)?,
    })
}

/// A timeline entry of task `id` from its `event` column.
pub(crate) fn event(id: TaskId, mut row: Row) -> Result<TimelineEvent> {
    let text: String = row.get(0)?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Store(format!("task {id}: unreadable event: {e}")))
}

/// The columns of a log entry that [`log_entry`] decodes.
pub(crate) const LOG_COLUMNS: &str = "at, level, message";

/// A log entry of task `id` from its row of [`LOG_COLUMNS`].
pub(crate) fn log_entry(id: TaskId, mut row: Row) -> Result<LogEntry> {
    let level: String = row.get(1)?;
    Ok(LogEntry {
        task: id,
        at: row.get(0)?,
        level: log_level(&level)?,
        message: row.get(2)?,
    })
}
