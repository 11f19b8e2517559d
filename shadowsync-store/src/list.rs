//! The task list in SQL: filtered, sorted and paged by the database with
//! the rules of [`TaskQuery::select`], the core's reference.

use shadowsync_core::task::list::{SortKey, TaskQuery};
use shadowsync_core::task::TaskStatus;
use shadowsync_core::{Millis, Result};

use crate::columns::{to_int, SUMMARY_COLUMNS};
use crate::driver::Value;

/// One page of the task list: both statements take [`ListSql::values`]
/// for their `?`s, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListSql {
    /// `SELECT COUNT(*)` of the tasks the query matches.
    pub(crate) count: String,
    /// The page: [`SUMMARY_COLUMNS`] of each task on it, in list order.
    pub(crate) page: String,
    /// What the `?`s of both statements stand for.
    pub(crate) values: Vec<Value>,
}

/// `?, ?, …` for `count` values.
pub(crate) fn placeholders(count: usize) -> String {
    vec!["?"; count].join(", ")
}

/// `CASE status WHEN … END`, giving each status its [`TaskStatus::rank`] for
/// sorting by status. The names are fixed identifiers of the core, safe to
/// inline.
fn status_rank_sql() -> String {
    let arms: String = TaskStatus::ALL
        .iter()
        .map(|s| format!(" WHEN '{}' THEN {}", s.as_str(), s.rank()))
        .collect();
    format!("CASE status{arms} END")
}

/// The list query over the task table `table` (a fixed identifier of the
/// layout, inlined), with the default window measured back from `now`.
pub(crate) fn list_sql(table: &str, query: &TaskQuery, now: Millis) -> Result<ListSql> {
    let mut conditions = vec!["1 = 1".to_string()];
    let mut values = Vec::new();
    if let Some(since) = query.created_since(now) {
        conditions.push("created_at >= ?".into());
        values.push(Value::Int(since));
    }
    for (column, wanted) in [
        ("connection", &query.connection),
        ("database_name", &query.database),
        ("creator", &query.creator),
    ] {
        if let Some(wanted) = wanted {
            conditions.push(format!("{column} = ?"));
            values.push(Value::Text(wanted.clone()));
        }
    }
    if !query.statuses.is_empty() {
        conditions.push(format!(
            "status IN ({})",
            placeholders(query.statuses.len())
        ));
        values.extend(query.statuses.iter().map(|s| Value::from(s.as_str())));
    }
    let condition = conditions.join(" AND ");
    let key = match query.sort {
        SortKey::CreatedAt => "created_at".to_string(),
        SortKey::Status => status_rank_sql(),
    };
    let direction = if query.descending { "DESC" } else { "ASC" };
    // The page's bounds are integers, not input text: inlined.
    Ok(ListSql {
        count: format!("SELECT COUNT(*) FROM {table} WHERE {condition}"),
        page: format!(
            "SELECT {SUMMARY_COLUMNS} FROM {table} WHERE {condition}
             ORDER BY {key} {direction}, created_at DESC, id DESC
             LIMIT {} OFFSET {}",
            to_int(query.page_size as u64)?,
            to_int(query.offset() as u64)?,
        ),
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shadowsync_core::task::list::ListWindow;

    #[test]
    fn filters_are_parameters_and_only_bounds_are_inlined() {
        let query = TaskQuery {
            window: ListWindow::All,
            creator: Some("ann' OR '1' = '1".into()),
            statuses: vec![TaskStatus::Failed, TaskStatus::Succeeded],
            sort: SortKey::Status,
            page: 2,
            page_size: 5,
            ..TaskQuery::default()
        };
        let sql = list_sql("tasks", &query, 0).unwrap();
        assert!(!sql.page.contains("ann"), "{}", sql.page);
        assert_eq!(sql.values.len(), 3);
        assert!(sql.page.contains("LIMIT 5 OFFSET 10"), "{}", sql.page);
        assert!(sql.count.ends_with("status IN (?, ?)"), "{}", sql.count);
    }
}
