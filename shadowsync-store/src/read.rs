//! Reading tasks and task lists back, inside a transaction of the caller's
//! so that the several reads of one answer see one snapshot.

use shadowsync_core::task::list::{TaskPage, TaskQuery};
use shadowsync_core::task::{Task, TaskId, TaskStatus};
use shadowsync_core::{Error, Millis, Result};

use crate::columns::{self, from_int, id_value};
use crate::driver::{Transaction, Value};
use crate::list::{list_sql, placeholders};
use crate::sql::Statements;

/// The error for a missing task `id`.
pub(crate) fn not_found(id: TaskId) -> Error {
    Error::NotFound(format!("task {id}"))
}

/// Refuse to touch task `id` if it does not exist (rows of children would
/// otherwise be inserted or updated silently, or not at all).
pub(crate) fn require(sql: &Statements, tx: &mut dyn Transaction, id: TaskId) -> Result<()> {
    if tx.query(&sql.exists, &[id_value(id)?])?.is_empty() {
        Err(not_found(id))
    } else {
        Ok(())
    }
}

/// Task `id` with its table and statement progress.
pub(crate) fn task(sql: &Statements, tx: &mut dyn Transaction, id: TaskId) -> Result<Task> {
    let key = [id_value(id)?];
    let row = tx
        .query(&sql.task, &key)?
        .into_iter()
        .next()
        .ok_or_else(|| not_found(id))?;
    let table_rows = tx.query(&sql.tables, &key)?;
    let statement_rows = tx.query(&sql.statements, &key)?;
    columns::task(
        row,
        id,
        columns::table_progress(id, table_rows, statement_rows)?,
    )
}

/// The tasks in one of `statuses`, by id.
pub(crate) fn tasks_in(
    sql: &Statements,
    tx: &mut dyn Transaction,
    statuses: &[TaskStatus],
) -> Result<Vec<Task>> {
    let select = format!(
        "SELECT id FROM {} WHERE status IN ({}) ORDER BY id",
        sql.tasks,
        placeholders(statuses.len())
    );
    let names: Vec<Value> = statuses.iter().map(|s| Value::from(s.as_str())).collect();
    let rows = tx.query(&select, &names)?;
    rows.into_iter()
        .map(|mut row| task(sql, tx, from_int(row.get(0)?)?))
        .collect()
}

/// One page of the list, filtered, sorted and paged in SQL with the same
/// rules as [`TaskQuery::select`].
pub(crate) fn list(
    sql: &Statements,
    tx: &mut dyn Transaction,
    query: &TaskQuery,
    now: Millis,
) -> Result<TaskPage> {
    let list = list_sql(sql.tasks, query, now)?;
    let total: i64 = match tx.query(&list.count, &list.values)?.into_iter().next() {
        Some(mut row) => row.get(0)?,
        None => 0,
    };
    let items = tx
        .query(&list.page, &list.values)?
        .into_iter()
        .map(columns::summary)
        .collect::<Result<Vec<_>>>()?;
    Ok(TaskPage {
        total: from_int(total)?,
        items,
    })
}
