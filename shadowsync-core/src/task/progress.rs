//! Progress events of a running task, for hosts that show them as they
//! happen (a live line, JSON lines, a callback): the records in the store
//! say what happened, these say it while it happens.
//!
//! A run hands every event to the [`Observer`] its caller passed
//! ([`TaskCenter::execute_observed`](super::TaskCenter::execute_observed)
//! and the like), on the thread that runs the task; an observer must
//! return quickly, since the next statement waits for it.

use serde::Serialize;

use super::status::{StatementStatus, TableStatus, TaskStatus};
use super::TaskId;

/// One thing a running task did. Statement numbers count from 1, as the
/// logs do; `table` is the source table's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Progress {
    /// A worker took the task and starts (or, `resumed`, goes on with) it.
    TaskStarted {
        /// The task.
        task: TaskId,
        /// Tables the plan changes.
        tables: usize,
        /// Statements the plan runs, in all.
        statements: usize,
        /// Whether an earlier run of it was interrupted.
        resumed: bool,
    },
    /// The tables are compared with the analysis before anything runs.
    PrecheckStarted {
        /// The task.
        task: TaskId,
        /// Tables compared.
        tables: usize,
    },
    /// The comparison ended.
    PrecheckFinished {
        /// The task.
        task: TaskId,
        /// Differences found (the task fails when there are any).
        drifted: usize,
    },
    /// The first statement of a table is about to run.
    TableStarted {
        /// The task.
        task: TaskId,
        /// The source table.
        table: String,
        /// Its shadow.
        shadow: String,
        /// Statements the table runs.
        statements: usize,
    },
    /// A statement passed the guard and is sent to the server.
    StatementSent {
        /// The task.
        task: TaskId,
        /// The source table.
        table: String,
        /// Which statement (from 1).
        statement: usize,
        /// Of how many for this table.
        of: usize,
        /// The statement.
        sql: String,
    },
    /// A statement ended: applied, failed, or skipped because an
    /// interrupted one turned out to have completed the table.
    StatementFinished {
        /// The task.
        task: TaskId,
        /// The source table.
        table: String,
        /// Which statement (from 1).
        statement: usize,
        /// Of how many for this table.
        of: usize,
        /// How it ended.
        status: StatementStatus,
        /// Why it failed.
        error: Option<String>,
    },
    /// A statement an earlier run left without outcome was re-checked from
    /// the schema; when it had not taken effect it is sent again.
    StatementSettled {
        /// The task.
        task: TaskId,
        /// The source table.
        table: String,
        /// Which statement (from 1).
        statement: usize,
        /// Whether it is sent again.
        resent: bool,
    },
    /// The changed shadows are compared with their sources.
    Verifying {
        /// The task.
        task: TaskId,
        /// Tables compared.
        tables: usize,
    },
    /// A table ended.
    TableFinished {
        /// The task.
        task: TaskId,
        /// The source table.
        table: String,
        /// How it ended.
        status: TableStatus,
        /// Why it failed or was not run.
        error: Option<String>,
    },
    /// The worker no longer holds the task (another took it over after the
    /// lease expired): it sends nothing more.
    LeaseLost {
        /// The task.
        task: TaskId,
        /// The worker that lost it.
        worker: String,
    },
    /// The task reached its final status on this worker.
    TaskFinished {
        /// The task.
        task: TaskId,
        /// Its final status.
        status: TaskStatus,
    },
}

/// Receives the [`Progress`] of the tasks a center runs.
pub trait Observer: Send + Sync {
    /// Called for each event, on the thread running the task.
    fn observe(&self, event: &Progress);
}

/// The observer of a run nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unobserved;

impl Observer for Unobserved {
    fn observe(&self, _event: &Progress) {}
}
