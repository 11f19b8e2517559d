//! Reading tasks and task lists back from the database.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use shadowsync_core::task::columns::{
    list_sql, placeholders, table_progress, task_status, SqlValue, TaskColumns,
};
use shadowsync_core::task::list::{TaskPage, TaskQuery, TaskSummary};
use shadowsync_core::task::{TableProgress, Task, TaskId, TaskStatus};
use shadowsync_core::{Error, Millis, Result};

use crate::db_error;
use shadowsync_core::task::columns::{from_int, to_int};

/// Task `id` with its table and statement progress. Call inside a
/// transaction so the three reads see one snapshot.
pub(crate) fn task(conn: &Connection, id: TaskId) -> Result<Task> {
    let row = conn
        .query_row(
            "SELECT spec, revision, status, approval_node, due_at, worker, started_at,
                    finished_at, abort_requested, lease_until
             FROM tasks WHERE id = ?1",
            [to_int(id)?],
            |row| {
                Ok(TaskColumns {
                    spec: row.get(0)?,
                    revision: row.get(1)?,
                    status: row.get(2)?,
                    approval_node: row.get(3)?,
                    due_at: row.get(4)?,
                    worker: row.get(5)?,
                    started_at: row.get(6)?,
                    finished_at: row.get(7)?,
                    abort_requested: row.get(8)?,
                    lease_until: row.get(9)?,
                })
            },
        )
        .optional()
        .map_err(db_error)?
        .ok_or_else(|| Error::NotFound(format!("task {id}")))?;
    row.into_task(id, tables(conn, id)?)
}

fn tables(conn: &Connection, id: TaskId) -> Result<Vec<TableProgress>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT status, error FROM task_tables WHERE task_id = ?1 ORDER BY position",
        )
        .map_err(db_error)?;
    let table_rows = stmt
        .query_map([to_int(id)?], |row| Ok((row.get(0)?, row.get(1)?)))
        .map_err(db_error)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db_error)?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT table_position, status, error FROM task_statements
             WHERE task_id = ?1 ORDER BY table_position, position",
        )
        .map_err(db_error)?;
    let statement_rows = stmt
        .query_map([to_int(id)?], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .map_err(db_error)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db_error)?;
    table_progress(id, table_rows, statement_rows)
}

/// The ids of the tasks in one of `statuses`, ascending.
pub(crate) fn ids_in(conn: &Connection, statuses: &[TaskStatus]) -> Result<Vec<TaskId>> {
    let sql = format!(
        "SELECT id FROM tasks WHERE status IN ({}) ORDER BY id",
        placeholders(statuses.len())
    );
    let names = statuses.iter().map(|s| s.as_str());
    let mut stmt = conn.prepare(&sql).map_err(db_error)?;
    let ids = stmt
        .query_map(params_from_iter(names), |row| row.get::<_, i64>(0))
        .map_err(db_error)?
        .collect::<rusqlite::Result<Vec<i64>>>()
        .map_err(db_error)?;
    ids.into_iter().map(from_int).collect()
}

/// One page of the list, filtered, sorted and paged in SQL with the same
/// rules as [`TaskQuery::select`].
pub(crate) fn list(conn: &Connection, query: &TaskQuery, now: Millis) -> Result<TaskPage> {
    let sql = list_sql("tasks", query, now)?;
    let values: Vec<Value> = sql
        .values
        .into_iter()
        .map(|value| match value {
            SqlValue::Int(n) => Value::Integer(n),
            SqlValue::Text(text) => Value::Text(text),
        })
        .collect();
    let total: i64 = conn
        .query_row(&sql.count, params_from_iter(values.iter()), |row| {
            row.get(0)
        })
        .map_err(db_error)?;
    let mut stmt = conn.prepare(&sql.page).map_err(db_error)?;
    let mut rows = stmt
        .query(params_from_iter(values.iter()))
        .map_err(db_error)?;
    let mut items = Vec::new();
    while let Some(row) = rows.next().map_err(db_error)? {
        items.push(summary(row)?);
    }
    Ok(TaskPage {
        total: from_int(total)?,
        items,
    })
}

fn summary(row: &Row<'_>) -> Result<TaskSummary> {
    let status: String = row.get(4).map_err(db_error)?;
    Ok(TaskSummary {
        id: from_int(row.get(0).map_err(db_error)?)?,
        creator: row.get(1).map_err(db_error)?,
        connection: row.get(2).map_err(db_error)?,
        database: row.get(3).map_err(db_error)?,
        status: task_status(&status)?,
        created_at: row.get(5).map_err(db_error)?,
        remarks: row.get(6).map_err(db_error)?,
    })
}

/// Whether task `id` exists.
pub(crate) fn exists(conn: &Connection, id: TaskId) -> Result<bool> {
    conn.query_row(
        "SELECT 1 FROM tasks WHERE id = ?1",
        params![to_int(id)?],
        |_| Ok(()),
    )
    .optional()
    .map(|found| found.is_some())
    .map_err(db_error)
}
