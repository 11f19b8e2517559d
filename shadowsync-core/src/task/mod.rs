//! The task center: frozen plans submitted as tasks, approved through flows,
//! executed (now or at a scheduled time) by workers, with per-table and
//! per-statement progress that survives crashes, a timeline and logs.
//!
//! Everything here is pure: time comes from a [`Clock`](crate::Clock), ids
//! from the [`Store`], the server through an [`Executor`](crate::Executor).
//! [`TaskCenter`] is the one entry point hosts (CLI, bindings) wrap.
//!
//! Concurrency model: every task-level change (status, approval node, owner)
//! is a compare-and-set on the task's revision in the store, so racing
//! approvers, cancellers and workers never both win; per-statement progress
//! is written before and after each statement so a restarted worker knows
//! exactly what ran.

mod center;
mod execution;
pub mod flow;
pub mod inspect;
pub mod list;
pub mod log;
mod memory;
pub mod progress;
mod runner;
pub mod status;
pub mod store;
pub mod timeline;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::executor::Millis;

pub use crate::plan::{FrozenPlan, PlannedAction, PlannedTable, SkipReason, TableRef};
pub use center::{SubmitRequest, TaskCenter, DEFAULT_LEASE_MS};
pub use flow::{Actor, ApprovalFlow, ApprovalNode, Approvers, AutoApprove, MatchRule};
pub use inspect::SchemaInspector;
pub use list::{ListWindow, SortKey, TaskPage, TaskQuery, TaskSummary};
pub use log::{redact_text, redact_url, LogEntry, LogFilter, LogLevel};
pub use memory::MemoryStore;
pub use progress::{Observer, Progress, Unobserved};
pub use runner::{Connector, DueReport, InspectorSource, SingleExecutor};
pub use status::{StatementStatus, TableStatus, TaskStatus};
pub use store::{DriftSubmission, Store};
pub use timeline::{TimelineAction, TimelineEvent};

/// The most statements a task may run at once ([`TaskSpec::parallel`]):
/// each holds a connection of the shadows' server while the task runs.
pub const MAX_PARALLEL: u32 = 32;

/// [`TaskSpec::parallel`] of tasks stored before it existed.
fn one_at_a_time() -> u32 {
    1
}

/// Task id, assigned by the store; increases with every new task.
pub type TaskId = u64;

/// When a task runs once approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExecutionMode {
    /// As soon as it is approved.
    Immediate,
    /// Not before this time.
    Scheduled {
        /// Unix milliseconds.
        at: Millis,
    },
}

/// What a failing table does to the rest of the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorStrategy {
    /// Stop; the remaining tables are skipped and the task fails.
    Abort,
    /// Run the other tables; the task ends partially succeeded.
    Continue,
}

/// What a task is, fixed at submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskSpec {
    /// The frozen analysis (its connection is stored redacted).
    pub plan: FrozenPlan,
    /// Who submitted it.
    pub creator: String,
    /// When it runs.
    pub mode: ExecutionMode,
    /// What a failing table does.
    pub on_error: ErrorStrategy,
    /// How many statements may run at once, each on a session of its own
    /// (1, the default: one by one; at most [`MAX_PARALLEL`]). Statements of
    /// one table, and of tables a foreign key joins, still run in the
    /// plan's order.
    #[serde(default = "one_at_a_time")]
    pub parallel: u32,
    /// The sharded fleet this task is one database of, when it was
    /// submitted with the others of a fleet (`None`: a task of its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet: Option<FleetMembership>,
    /// Free text from the creator.
    pub remarks: String,
    /// Submission time.
    pub created_at: Millis,
    /// The approval flow, copied at submission so later edits of the
    /// templates do not change a task under way.
    pub flow: ApprovalFlow,
    /// The task this one was initiated again from.
    pub initiated_from: Option<TaskId>,
}

/// Where a task stands in the fleet it was submitted with: every database
/// of a fleet is one task of its own (its frozen plan, its statements, its
/// recovery: a failed shard is resumed or initiated again alone), and the
/// tasks of one submission share the fleet's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetMembership {
    /// The submission's id, shared by all its tasks (`fleet-` and the
    /// submission time and the first member's name).
    pub id: String,
    /// This database, as `host:port/schema` (no user, no password).
    pub member: String,
    /// Its place among the fleet's databases, from 1.
    pub index: u32,
    /// How many databases the fleet submitted tasks for.
    pub of: u32,
}

/// The task-level state that changes over a task's life; only ever replaced
/// as a whole by a compare-and-set (see [`Store::compare_and_set`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskState {
    /// Where the task is.
    pub status: TaskStatus,
    /// Index of the approval node awaiting a decision; the node count once
    /// approved.
    pub approval_node: usize,
    /// When it became (or becomes) runnable: the approval time, or the
    /// scheduled time if later. Set once approved.
    pub due_at: Option<Millis>,
    /// The worker executing (or that executed) it.
    pub worker: Option<String>,
    /// When execution started.
    pub started_at: Option<Millis>,
    /// When it reached a terminal status.
    pub finished_at: Option<Millis>,
    /// While executing: the worker holds the task until then, renewing the
    /// lease as it goes; after it, any worker on any host may take the task
    /// over (`run_due`), and before it nobody else may (`resume` refuses).
    #[serde(default)]
    pub lease_until: Option<Millis>,
}

/// Progress of one table of a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableProgress {
    /// Where the table is.
    pub status: TableStatus,
    /// Why it failed or was skipped.
    pub error: Option<String>,
    /// One entry per planned statement, same order.
    pub statements: Vec<StatementProgress>,
}

/// Outcome of one statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementProgress {
    /// Where the statement is.
    pub status: StatementStatus,
    /// The server's error (redacted), when it failed.
    pub error: Option<String>,
}

impl TableProgress {
    /// Progress of a table not started yet: planned skips are skipped from
    /// the start, with the analysis' reason.
    pub fn initial(table: &PlannedTable) -> TableProgress {
        let (status, error) = match table.action {
            PlannedAction::Skip => (TableStatus::Skipped, table.reason.clone()),
            PlannedAction::Create | PlannedAction::Alter => (TableStatus::Waiting, None),
        };
        TableProgress {
            status,
            error,
            statements: table
                .statements
                .iter()
                .map(|_| StatementProgress {
                    status: StatementStatus::Pending,
                    error: None,
                })
                .collect(),
        }
    }
}

/// Everything a store persists for a new task; the store adds the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    /// Fixed part.
    pub spec: TaskSpec,
    /// Initial state (pending approval, or already waiting for execution
    /// when every node was automatic).
    pub state: TaskState,
    /// Initial progress, one per planned table.
    pub tables: Vec<TableProgress>,
    /// First timeline entries (submitted, automatic approvals).
    pub events: Vec<TimelineEvent>,
}

/// A task as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Id.
    pub id: TaskId,
    /// Bumped by every compare-and-set of [`Task::state`].
    pub revision: u64,
    /// Fixed part.
    pub spec: TaskSpec,
    /// Changing part.
    pub state: TaskState,
    /// Per-table progress, one per planned table.
    pub tables: Vec<TableProgress>,
    /// Whether someone asked the running task to stop.
    pub abort_requested: bool,
}

impl Task {
    /// Last moment an approver may decide.
    pub fn approval_deadline(&self) -> Millis {
        self.spec
            .created_at
            .saturating_add(self.spec.flow.approval_expiry_ms)
    }

    /// Last moment a worker may start it (once approved).
    pub fn execution_deadline(&self) -> Option<Millis> {
        self.state
            .due_at
            .map(|due| due.saturating_add(self.spec.flow.execution_expiry_ms))
    }

    /// The expired status this task should move to at `now`, if it is overdue.
    pub fn overdue_status(&self, now: Millis) -> Option<TaskStatus> {
        match self.state.status {
            TaskStatus::PendingApproval if now > self.approval_deadline() => {
                Some(TaskStatus::ApprovalExpired)
            }
            TaskStatus::WaitingForExecution
                if self.execution_deadline().is_some_and(|d| now > d) =>
            {
                Some(TaskStatus::ExecutionExpired)
            }
            _ => None,
        }
    }

    /// Whether a worker may start it at `now`.
    pub fn is_due(&self, now: Millis) -> bool {
        self.state.status == TaskStatus::WaitingForExecution
            && self.state.due_at.is_some_and(|due| due <= now)
            && self.overdue_status(now).is_none()
    }

    /// The columns a task list shows.
    pub fn summary(&self) -> TaskSummary {
        TaskSummary {
            id: self.id,
            creator: self.spec.creator.clone(),
            connection: self.spec.plan.connection.clone(),
            database: self.spec.plan.database.clone(),
            status: self.state.status,
            created_at: self.spec.created_at,
            remarks: self.spec.remarks.clone(),
        }
    }
}
