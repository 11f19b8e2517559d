//! How SQL-backed stores (SQLite in `shadowsync-store`, MySQL/OceanBase in
//! `shadowsync-mysql`) keep a task in columns: integer conversions, status
//! names, the status sort order, the task list's query, and the task row
//! decoded into a [`Task`]. Shared here so both stores read tasks the same
//! way. Pure: no I/O.

use crate::error::{Error, Result};
use crate::executor::Millis;

use super::list::{SortKey, TaskQuery};
use super::log::LogLevel;
use super::status::{StatementStatus, TableStatus, TaskStatus};
use super::{StatementProgress, TableProgress, Task, TaskId, TaskState};

/// An id, count or index as a signed database integer.
pub fn to_int(value: u64) -> Result<i64> {
    i64::try_from(value)
        .map_err(|_| Error::Store(format!("{value} is too large for the task store")))
}

/// A database integer as an id, count or index.
pub fn from_int<T: TryFrom<i64>>(value: i64) -> Result<T> {
    T::try_from(value)
        .map_err(|_| Error::Store(format!("unexpected value {value} in the task store")))
}

fn unknown(what: &str, name: &str) -> Error {
    Error::Store(format!("unknown {what} `{name}` in the task store"))
}

/// A stored task status.
pub fn task_status(name: &str) -> Result<TaskStatus> {
    TaskStatus::from_name(name).ok_or_else(|| unknown("task status", name))
}

/// A stored table status.
pub fn table_status(name: &str) -> Result<TableStatus> {
    TableStatus::from_name(name).ok_or_else(|| unknown("table status", name))
}

/// A stored statement status.
pub fn statement_status(name: &str) -> Result<StatementStatus> {
    StatementStatus::from_name(name).ok_or_else(|| unknown("statement status", name))
}

/// A stored log level.
pub fn log_level(name: &str) -> Result<LogLevel> {
    LogLevel::from_name(name).ok_or_else(|| unknown("log level", name))
}

/// `CASE status WHEN … END`, giving each status its [`TaskStatus::rank`] for
/// sorting by status. The names are fixed identifiers of the core, safe to inline.
fn status_rank_sql() -> String {
    let arms: String = TaskStatus::ALL
        .iter()
        .map(|s| format!(" WHEN '{}' THEN {}", s.as_str(), s.rank()))
        .collect();
    format!("CASE status{arms} END")
}

/// A value bound to a `?` of a [`ListSql`] statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    /// An integer (a time in milliseconds).
    Int(i64),
    /// A text (a name or a status).
    Text(String),
}

/// One page of the task list in SQL, with the rules of [`TaskQuery::select`]:
/// both statements take [`ListSql::values`] for their `?`s, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSql {
    /// `SELECT COUNT(*)` of the tasks the query matches.
    pub count: String,
    /// The page: `id, creator, connection, database_name, status,
    /// created_at, remarks` of each task on it, in list order.
    pub page: String,
    /// What the `?`s of both statements stand for.
    pub values: Vec<SqlValue>,
}

/// `?, ?, …` for `count` values.
pub fn placeholders(count: usize) -> String {
    vec!["?"; count].join(", ")
}

/// The list query over the task table `table` (a fixed identifier of the
/// store, inlined), with the default window measured back from `now`.
pub fn list_sql(table: &str, query: &TaskQuery, now: Millis) -> Result<ListSql> {
    let mut conditions = vec!["1 = 1".to_string()];
    let mut values = Vec::new();
    if let Some(since) = query.created_since(now) {
        conditions.push("created_at >= ?".into());
        values.push(SqlValue::Int(since));
    }
    for (column, wanted) in [
        ("connection", &query.connection),
        ("database_name", &query.database),
        ("creator", &query.creator),
    ] {
        if let Some(wanted) = wanted {
            conditions.push(format!("{column} = ?"));
            values.push(SqlValue::Text(wanted.clone()));
        }
    }
    if !query.statuses.is_empty() {
        conditions.push(format!(
            "status IN ({})",
            placeholders(query.statuses.len())
        ));
        values.extend(
            query
                .statuses
                .iter()
                .map(|s| SqlValue::Text(s.as_str().into())),
        );
    }
    let condition = conditions.join(" AND ");
    let key = match query.sort {
        SortKey::CreatedAt => "created_at".to_string(),
        SortKey::Status => status_rank_sql(),
    };
    let direction = if query.descending { "DESC" } else { "ASC" };
    Ok(ListSql {
        count: format!("SELECT COUNT(*) FROM {table} WHERE {condition}"),
        page: format!(
            "SELECT id, creator, connection, database_name, status, created_at, remarks
         FROM {table} WHERE {condition}
         ORDER BY {key} {direction}, created_at DESC, id DESC
         LIMIT {} OFFSET {}",
            to_int(query.page_size as u64)?,
            to_int(query.offset() as u64)?,
        ),
        values,
    })
}

/// Per-table progress from `(status, error)` table rows and
/// `(table position, status, error)` statement rows, both in position order.
pub fn table_progress(
    id: TaskId,
    table_rows: Vec<(String, Option<String>)>,
    statement_rows: Vec<(i64, String, Option<String>)>,
) -> Result<Vec<TableProgress>> {
    let mut tables = table_rows
        .into_iter()
        .map(|(status, error)| {
            Ok(TableProgress {
                status: table_status(&status)?,
                error,
                statements: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    for (table, status, error) in statement_rows {
        let table: usize = from_int(table)?;
        let progress = StatementProgress {
            status: statement_status(&status)?,
            error,
        };
        tables
            .get_mut(table)
            .ok_or_else(|| Error::Store(format!("task {id}: statement of missing table {table}")))?
            .statements
            .push(progress);
    }
    Ok(tables)
}

/// The columns of a task's own row.
#[derive(Debug, Clone)]
pub struct TaskColumns {
    /// The frozen spec as JSON.
    pub spec: String,
    /// Compare-and-set revision.
    pub revision: i64,
    /// Status name.
    pub status: String,
    /// Current approval node.
    pub approval_node: i64,
    /// When it becomes due.
    pub due_at: Option<Millis>,
    /// The worker running it.
    pub worker: Option<String>,
    /// When execution started.
    pub started_at: Option<Millis>,
    /// When it finished.
    pub finished_at: Option<Millis>,
    /// Until when its worker holds it.
    pub lease_until: Option<Millis>,
    /// Whether an abort was requested.
    pub abort_requested: bool,
}

impl TaskColumns {
    /// The task `id` these columns and its table progress describe.
    pub fn into_task(self, id: TaskId, tables: Vec<TableProgress>) -> Result<Task> {
        let spec = serde_json::from_str(&self.spec)
            .map_err(|e| Error::Store(format!("task {id}: unreadable spec: {e}")))?;
        Ok(Task {
            id,
            revision: from_int(self.revision)?,
            spec,
            state: TaskState {
                status: task_status(&self.status)?,
                approval_node: from_int(self.approval_node)?,
                due_at: self.due_at,
                worker: self.worker,
                started_at: self.started_at,
                finished_at: self.finished_at,
                lease_until: self.lease_until,
            },
            tables,
            abort_requested: self.abort_requested,
        })
    }
}
