//! The store's statements, written once and built from a driver's
//! [`Layout`] when a store opens. Only fixed identifiers of the layout and
//! of this module are put into them; every value is a `?` parameter.

use crate::columns::{LOG_COLUMNS, STATEMENT_COLUMNS, TABLE_COLUMNS, TASK_COLUMNS};
use crate::driver::{Driver, Value};
use crate::layout::{Entries, Layout, TaskIds};

/// The statements of a counter bumped under its row lock: `bump` adds its
/// first parameter to the counter of the row its second one names, `read`
/// reads the counter of the row its parameter names.
#[derive(Debug)]
pub(crate) struct Counter {
    pub(crate) bump: String,
    pub(crate) read: String,
}

impl Counter {
    fn new(table: &str, key_column: &str, value_column: &str) -> Counter {
        Counter {
            bump: format!(
                "UPDATE {table} SET {value_column} = {value_column} + ? WHERE {key_column} = ?"
            ),
            read: format!("SELECT {value_column} FROM {table} WHERE {key_column} = ?"),
        }
    }
}

/// The counters on a task's row numbering its entries.
#[derive(Debug)]
pub(crate) struct EntryCounters {
    /// Timeline entries.
    pub(crate) events: Counter,
    /// Log entries.
    pub(crate) logs: Counter,
}

/// Every statement of the store over one layout.
#[derive(Debug)]
pub(crate) struct Statements {
    /// The task table, for the statements built per call (lists).
    pub(crate) tasks: &'static str,
    /// The task id counter and its key; `None` where the database numbers
    /// tasks, and [`Statements::insert_task`] then has no `id`.
    pub(crate) task_ids: Option<(Counter, Value)>,
    /// Per-task counters of timeline and log entries; `None` where the
    /// database numbers entries, and the inserts then have no `seq`.
    pub(crate) entry_counters: Option<EntryCounters>,
    /// A new task: (`id`,) spec, creator, connection, database, created
    /// at, remarks, then the state as in [`Statements::compare_and_set`].
    pub(crate) insert_task: String,
    /// A table of a task: task, position, status, error.
    pub(crate) insert_table: String,
    /// A statement: task, table position, position, status, error.
    pub(crate) insert_statement: String,
    /// A timeline entry: task, (`seq`,) event.
    pub(crate) insert_event: String,
    /// A log entry: task, (`seq`,) at, level, message.
    pub(crate) insert_log: String,
    /// The task's row by id ([`TASK_COLUMNS`]).
    pub(crate) task: String,
    /// Its tables, in order ([`TABLE_COLUMNS`]).
    pub(crate) tables: String,
    /// Its statements, in order ([`STATEMENT_COLUMNS`]).
    pub(crate) statements: String,
    /// Whether the task exists.
    pub(crate) exists: String,
    /// The state (status, approval node, due at, worker, started at,
    /// finished at, lease) of a task (id) at a revision, bumping it.
    pub(crate) compare_and_set: String,
    /// The abort flag of a task (id) in a status.
    pub(crate) request_abort: String,
    /// The abort flag of a task.
    pub(crate) abort_requested: String,
    /// Status and error of a task's table (task, position).
    pub(crate) set_table_status: String,
    /// Status and error of a statement (task, table position, position).
    pub(crate) set_statement_status: String,
    /// A task's timeline, in order.
    pub(crate) timeline: String,
    /// A task's log, in order ([`LOG_COLUMNS`]).
    pub(crate) logs: String,
    /// The approval flows, by [`Statements::flows_key`].
    pub(crate) flows: String,
    /// Replace the approval flows: key, flows.
    pub(crate) replace_flows: String,
    /// The key of the flows' row.
    pub(crate) flows_key: Value,
    /// The snapshot cache's table (its statements are built per call, for
    /// the number of entries).
    pub(crate) snapshot_cache: &'static str,
    /// The task holding a drift, its row locked in a write transaction.
    pub(crate) drift_claim: String,
    /// A drift's first task.
    pub(crate) insert_drift_claim: String,
    /// A drift handed to a new task.
    pub(crate) update_drift_claim: String,
}

/// The state columns, as [`Statements::insert_task`] and
/// [`Statements::compare_and_set`] take them.
const STATE_COLUMNS: [&str; 7] = [
    "status",
    "approval_node",
    "due_at",
    "worker",
    "started_at",
    "finished_at",
    "lease_until",
];

impl Statements {
    /// The statements over the layout of driver `D`.
    pub(crate) fn new<D: Driver>() -> Statements {
        let Layout {
            tasks,
            task_tables,
            task_statements,
            events,
            logs,
            task_ids,
            entries,
            flows,
            snapshot_cache,
            drift_claims,
            lock_rows,
        } = D::LAYOUT;
        let (task_ids, id_column) = match task_ids {
            TaskIds::Autoincrement => (None, ""),
            TaskIds::Counter {
                table,
                key_column,
                value_column,
                key,
            } => (
                Some((
                    Counter::new(table, key_column, value_column),
                    Value::from(key),
                )),
                "id, ",
            ),
        };
        let (entry_counters, seq_column) = match entries {
            Entries::Autoincrement => (None, ""),
            Entries::TaskCounters {
                events: event_count,
                logs: log_count,
            } => (
                Some(EntryCounters {
                    events: Counter::new(tasks, "id", event_count),
                    logs: Counter::new(tasks, "id", log_count),
                }),
                "seq, ",
            ),
        };
        let id_param = if id_column.is_empty() { "" } else { "?, " };
        let seq_param = if seq_column.is_empty() { "" } else { "?, " };
        let state_params = vec!["?"; STATE_COLUMNS.len()].join(", ");
        let state_sets: Vec<String> = STATE_COLUMNS.iter().map(|c| format!("{c} = ?")).collect();
        Statements {
            tasks,
            task_ids,
            entry_counters,
            insert_task: format!(
                "INSERT INTO {tasks} ({id_column}spec, creator, connection, database_name, \
                 created_at, remarks, revision, {})
                 VALUES ({id_param}?, ?, ?, ?, ?, ?, 0, {state_params})",
                STATE_COLUMNS.join(", ")
            ),
            insert_table: format!(
                "INSERT INTO {task_tables} (task_id, position, status, error) VALUES (?, ?, ?, ?)"
            ),
            insert_statement: format!(
                "INSERT INTO {task_statements} (task_id, table_position, position, status, error)
                 VALUES (?, ?, ?, ?, ?)"
            ),
            insert_event: format!(
                "INSERT INTO {events} (task_id, {seq_column}event) VALUES (?, {seq_param}?)"
            ),
            insert_log: format!(
                "INSERT INTO {logs} (task_id, {seq_column}at, level, message)
                 VALUES (?, {seq_param}?, ?, ?)"
            ),
            task: format!("SELECT {TASK_COLUMNS} FROM {tasks} WHERE id = ?"),
            tables: format!(
                "SELECT {TABLE_COLUMNS} FROM {task_tables} WHERE task_id = ? ORDER BY position"
            ),
            statements: format!(
                "SELECT {STATEMENT_COLUMNS} FROM {task_statements}
                 WHERE task_id = ? ORDER BY table_position, position"
            ),
            exists: format!("SELECT id FROM {tasks} WHERE id = ?"),
            compare_and_set: format!(
                "UPDATE {tasks} SET {}, revision = revision + 1 WHERE id = ? AND revision = ?",
                state_sets.join(", ")
            ),
            request_abort: format!(
                "UPDATE {tasks} SET abort_requested = 1 WHERE id = ? AND status = ?"
            ),
            abort_requested: format!("SELECT abort_requested FROM {tasks} WHERE id = ?"),
            set_table_status: format!(
                "UPDATE {task_tables} SET status = ?, error = ? WHERE task_id = ? AND position = ?"
            ),
            set_statement_status: format!(
                "UPDATE {task_statements} SET status = ?, error = ?
                 WHERE task_id = ? AND table_position = ? AND position = ?"
            ),
            timeline: format!("SELECT event FROM {events} WHERE task_id = ? ORDER BY seq"),
            logs: format!("SELECT {LOG_COLUMNS} FROM {logs} WHERE task_id = ? ORDER BY seq"),
            flows: format!(
                "SELECT {} FROM {} WHERE {} = ?",
                flows.value_column, flows.table, flows.key_column
            ),
            replace_flows: D::upsert_sql(flows.table, flows.key_column, flows.value_column),
            flows_key: flows.key.value(),
            snapshot_cache,
            drift_claim: format!("SELECT task_id FROM {drift_claims} WHERE drift = ?{lock_rows}"),
            insert_drift_claim: format!(
                "INSERT INTO {drift_claims} (drift, task_id) VALUES (?, ?)"
            ),
            update_drift_claim: format!("UPDATE {drift_claims} SET task_id = ? WHERE drift = ?"),
        }
    }
}
