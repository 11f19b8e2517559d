//! What the SQL store must know of a driver's tables: their names, how
//! tasks and their timeline and log entries are numbered, and where the
//! approval flows are kept; and the layout version both drivers share.
//!
//! Every layout has the same columns (those [`crate::sql`] names); the
//! drivers name their tables differently (a server database is shared with
//! other applications, so its tables carry a `shadowsync_` prefix) and
//! number rows differently (see [`TaskIds`]).

use shadowsync_core::Error;

use crate::driver::Value;

/// Version of the tables' layout that this build reads and writes:
/// 1 was the first; 2 added the worker's lease (`tasks.lease_until`).
/// Drivers migrate older layouts when they open a store and refuse newer ones.
pub const STORE_LAYOUT_VERSION: i64 = 2;

/// The tables of a driver (fixed identifiers, put into SQL as they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// One row per task: its spec as JSON, the columns a list filters on
    /// copied out of it, and its state.
    pub tasks: &'static str,
    /// One row per table of a task's plan: `(task_id, position)`.
    pub task_tables: &'static str,
    /// One row per statement: `(task_id, table_position, position)`.
    pub task_statements: &'static str,
    /// The timeline: `(task_id, seq, event)`.
    pub events: &'static str,
    /// The log: `(task_id, seq, at, level, message)`.
    pub logs: &'static str,
    /// How task ids are given.
    pub task_ids: TaskIds,
    /// How timeline and log entries are numbered (`seq`).
    pub entries: Entries,
    /// The row holding the approval flows as JSON.
    pub flows: Setting,
    /// The snapshot cache: `(server, schema_name, table_name, entry)`,
    /// the entry as JSON (`shadowsync_core::analysis::cache`).
    pub snapshot_cache: &'static str,
    /// The task of each drift submitted: `(drift, task_id)`.
    pub drift_claims: &'static str,
    /// What a `SELECT` ends with to lock the rows it reads until the write
    /// transaction ends (` FOR UPDATE` on a server; nothing where write
    /// transactions are serialised already, as SQLite's immediate ones).
    pub lock_rows: &'static str,
}

/// One row of a key-value table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The table.
    pub table: &'static str,
    /// Its key column.
    pub key_column: &'static str,
    /// Its value column.
    pub value_column: &'static str,
    /// The row's key.
    pub key: SettingKey,
}

/// How new tasks get their ids, which must grow with every task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskIds {
    /// The tasks table's autoincrement `id`, never reused (SQLite's
    /// `AUTOINCREMENT`).
    Autoincrement,
    /// A counter row, bumped under its row lock: `value_column` of the row
    /// of `table` whose `key_column` is `key`. An `AUTO_INCREMENT` column
    /// gives no promise of order across sessions on OceanBase, whose ids
    /// may come from per-server caches.
    Counter {
        /// The table of counters.
        table: &'static str,
        /// Its key column.
        key_column: &'static str,
        /// Its value column.
        value_column: &'static str,
        /// The key of the task id counter.
        key: &'static str,
    },
}

/// How timeline and log entries are numbered so that they read back in the
/// order they were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entries {
    /// `seq` is an autoincrement column, across all tasks.
    Autoincrement,
    /// `seq` counts per task, from counter columns of the task's row bumped
    /// under its row lock (see [`TaskIds::Counter`] for why).
    TaskCounters {
        /// The task's counter of timeline entries.
        events: &'static str,
        /// The task's counter of log entries.
        logs: &'static str,
    },
}

/// The key of a settings row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKey {
    /// A name.
    Text(&'static str),
    /// A number.
    Int(i64),
}

impl SettingKey {
    /// The key as a parameter.
    pub fn value(self) -> Value {
        match self {
            SettingKey::Text(name) => Value::from(name),
            SettingKey::Int(n) => Value::Int(n),
        }
    }
}

/// The error for a store at `shown` (its location, password redacted)
/// whose layout is `version`, newer than this build knows.
pub fn newer_layout(shown: &str, version: i64) -> Error {
    Error::Store(format!(
        "the task store at {shown} has layout version {version}; \
         this build knows up to {STORE_LAYOUT_VERSION}"
    ))
}
