//! One JSON view per value a host shows: a plan, a diff ([`DiffView`]), a
//! task (with its table results), a timeline, logs, a page of tasks, a due
//! report, approval flows. The CLI's
//! `--format json`, the C functions' `out_json` and the Python package's
//! `to_json()` all print these, through [`to_json`], so the three front ends
//! give byte-identical JSON for the same value.
//!
//! Each view carries [`SCHEMA_VERSION`] and its `kind`; times are RFC 3339
//! UTC with milliseconds; every per-table row names its table. A field is
//! only ever added within a version: a change of meaning or a removal
//! raises the version.

mod diff;
mod flows;

pub use diff::{DiffCounts, DiffStatementView, DiffView};
pub use flows::{FlowListView, FlowNodeView, FlowRuleView, FlowView};

use super::run::DuePass;
use serde::Serialize;
use shadowsync_core::analysis::{Action, Analysis, TableAnalysis};
use shadowsync_core::task::log::format_utc;
use shadowsync_core::task::{
    ErrorStrategy, ExecutionMode, FleetMembership, LogEntry, LogLevel, PlannedAction,
    StatementStatus, TableStatus, Task, TaskId, TaskPage, TaskStatus, TimelineAction,
    TimelineEvent,
};
use shadowsync_core::{Error, Result};

pub use super::check::{CheckCounts, CheckTableView, CheckView};

/// The version of every view's layout.
pub const SCHEMA_VERSION: u32 = 1;

/// `view` as the JSON text every front end gives: pretty-printed, ending
/// with a newline.
pub fn to_json<T: Serialize>(view: &T) -> Result<String> {
    let mut text = serde_json::to_string_pretty(view)
        .map_err(|e| Error::InvalidRequest(format!("cannot encode the result: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// What an analysis would do, table by table, in execution order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"plan"`.
    pub kind: &'static str,
    /// The database analysed.
    pub database: String,
    /// Database mode: the database the shadows live in (`null`: beside
    /// their sources).
    pub shadow_database: Option<String>,
    /// The naming rule, as `prefix:__`, `suffix:_shadow` or `same`.
    pub naming_rule: String,
    /// How many tables are created, altered, refused or skipped.
    pub counts: PlanCounts,
    /// Per table, in the order statements run.
    pub tables: Vec<PlanTableView>,
}

/// How many of a plan's tables get each outcome; a refused table is
/// counted as refused, not as skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PlanCounts {
    /// Tables in the plan.
    pub total: usize,
    /// Shadows to create.
    pub create: usize,
    /// Shadows to alter.
    pub alter: usize,
    /// Tables the analysis refuses: the user has to act.
    pub refused: usize,
    /// Tables skipped otherwise (identical, skipped by the user).
    pub skipped: usize,
}

impl PlanCounts {
    /// The counts of `analysis`'s tables.
    pub fn of(analysis: &Analysis) -> PlanCounts {
        let mut counts = PlanCounts {
            total: analysis.tables.len(),
            ..PlanCounts::default()
        };
        for table in &analysis.tables {
            *match table.action() {
                Action::Create => &mut counts.create,
                Action::Alter => &mut counts.alter,
                Action::Skip if is_refused(table) => &mut counts.refused,
                Action::Skip => &mut counts.skipped,
            } += 1;
        }
        counts
    }
}

/// Whether the analysis refuses `table` (a user skip never is).
pub fn is_refused(table: &TableAnalysis) -> bool {
    table.effective_reason().is_some_and(|r| r.is_refused())
}

/// One table of a [`PlanView`], with the user's skips applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanTableView {
    /// The source table.
    pub source: String,
    /// Its shadow.
    pub shadow: String,
    /// `create`, `alter` or `skip`.
    pub action: Action,
    /// Why it is skipped (`identical`, `user`, or why it is refused).
    pub reason: Option<String>,
    /// Whether the analysis refuses it (the reason says why).
    pub refused: bool,
    /// The statements that would run.
    pub statements: Vec<String>,
    /// What the user should know although nothing is refused.
    pub warnings: Vec<String>,
    /// Whether an unmarked existing shadow is adopted.
    pub adopted: bool,
    /// Whether the shadow is rebuilt (new table, rows copied, swapped in).
    pub rebuild: bool,
}

impl PlanView {
    /// The view of `analysis`.
    pub fn of(analysis: &Analysis) -> PlanView {
        PlanView {
            schema_version: SCHEMA_VERSION,
            kind: "plan",
            database: analysis.database.clone(),
            shadow_database: analysis
                .snapshot
                .shadows
                .as_ref()
                .map(|side| side.server.database.clone()),
            naming_rule: analysis.rule.to_string(),
            counts: PlanCounts::of(analysis),
            tables: analysis.tables.iter().map(PlanTableView::of).collect(),
        }
    }
}

impl PlanTableView {
    /// The view of one analysed table.
    pub fn of(table: &TableAnalysis) -> PlanTableView {
        PlanTableView {
            source: table.source.clone(),
            shadow: table.shadow.clone(),
            action: table.action(),
            reason: table.effective_reason().map(|r| r.to_string()),
            refused: is_refused(table),
            statements: table.effective_statements().to_vec(),
            warnings: table.warnings.clone(),
            adopted: table.adopted,
            rebuild: table.rebuild,
        }
    }
}

/// What `sync` did: the plan, and the task submitted (none when nothing
/// needed to run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"sync"`.
    pub kind: &'static str,
    /// The plan shown.
    pub plan: PlanView,
    /// The task, after its run when it ran.
    pub task: Option<TaskView>,
}

/// A task: its request, where it stands, and each table's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"task"`.
    pub kind: &'static str,
    /// The task's id.
    pub id: TaskId,
    /// Where it stands.
    pub status: TaskStatus,
    /// Who submitted it.
    pub creator: String,
    /// The submitter's remarks.
    pub remarks: String,
    /// The connection URL, password redacted.
    pub connection: String,
    /// The database it changes.
    pub database: String,
    /// The naming rule its plan was made with.
    pub naming_rule: String,
    /// `abort` or `continue` after a failed table.
    pub on_error: ErrorStrategy,
    /// How many statements the task may run at once.
    pub parallel: u32,
    /// The fleet it was submitted with (`null`: a task of its own).
    pub fleet: Option<FleetMembership>,
    /// When it runs: `immediate` or `scheduled`.
    pub mode: &'static str,
    /// The scheduled time (`scheduled` mode).
    pub scheduled_at: Option<String>,
    /// The approval flow it follows.
    pub flow: String,
    /// The approval node it waits on (from 0).
    pub approval_node: usize,
    /// The task it was initiated again from.
    pub initiated_from: Option<TaskId>,
    /// When it was submitted.
    pub created_at: String,
    /// When it became due to run.
    pub due_at: Option<String>,
    /// When a worker started it.
    pub started_at: Option<String>,
    /// When it reached a final status.
    pub finished_at: Option<String>,
    /// The worker that holds or last held it.
    pub worker: Option<String>,
    /// Until when that worker's lease holds.
    pub lease_until: Option<String>,
    /// Whether an abort was requested.
    pub abort_requested: bool,
    /// Counts of the tables by status.
    pub counts: TableCounts,
    /// Each table's result, in plan order.
    pub tables: Vec<TableResultView>,
}

/// How many of a task's tables are in each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TableCounts {
    /// Tables in the plan.
    pub total: usize,
    /// Not started yet.
    pub waiting: usize,
    /// Started, not finished.
    pub running: usize,
    /// Changed and verified.
    pub succeeded: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped (in the plan, or not reached).
    pub skipped: usize,
}

/// One table of a [`TaskView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableResultView {
    /// The source table.
    pub source: String,
    /// Its shadow.
    pub shadow: String,
    /// What the plan does to it.
    pub action: PlannedAction,
    /// Where it stands.
    pub status: TableStatus,
    /// Why it failed or was skipped.
    pub error: Option<String>,
    /// Its statements, in order.
    pub statements: Vec<StatementView>,
}

/// One statement of a [`TableResultView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementView {
    /// The statement.
    pub sql: String,
    /// Where it stands.
    pub status: StatementStatus,
    /// Why it failed.
    pub error: Option<String>,
}

impl TableCounts {
    /// The counts of `task`'s tables.
    pub fn of(task: &Task) -> TableCounts {
        let mut counts = TableCounts {
            total: task.tables.len(),
            ..TableCounts::default()
        };
        for table in &task.tables {
            *match table.status {
                TableStatus::Waiting => &mut counts.waiting,
                TableStatus::Running => &mut counts.running,
                TableStatus::Succeeded => &mut counts.succeeded,
                TableStatus::Failed => &mut counts.failed,
                TableStatus::Skipped => &mut counts.skipped,
            } += 1;
        }
        counts
    }
}

impl TaskView {
    /// The view of `task`.
    pub fn of(task: &Task) -> TaskView {
        let spec = &task.spec;
        let (mode, scheduled_at) = match spec.mode {
            ExecutionMode::Immediate => ("immediate", None),
            ExecutionMode::Scheduled { at } => ("scheduled", Some(format_utc(at))),
        };
        let tables = spec
            .plan
            .tables
            .iter()
            .zip(&task.tables)
            .map(|(planned, progress)| TableResultView {
                source: planned.source.clone(),
                shadow: planned.shadow.clone(),
                action: planned.action,
                status: progress.status,
                error: progress.error.clone(),
                statements: planned
                    .statements
                    .iter()
                    .zip(&progress.statements)
                    .map(|(sql, s)| StatementView {
                        sql: sql.clone(),
                        status: s.status,
                        error: s.error.clone(),
                    })
                    .collect(),
            })
            .collect();
        TaskView {
            schema_version: SCHEMA_VERSION,
            kind: "task",
            id: task.id,
            status: task.state.status,
            creator: spec.creator.clone(),
            remarks: spec.remarks.clone(),
            connection: spec.plan.connection.clone(),
            database: spec.plan.database.clone(),
            naming_rule: spec.plan.naming_rule.clone(),
            on_error: spec.on_error,
            parallel: spec.parallel,
            fleet: spec.fleet.clone(),
            mode,
            scheduled_at,
            flow: spec.flow.name.clone(),
            approval_node: task.state.approval_node,
            initiated_from: spec.initiated_from,
            created_at: format_utc(spec.created_at),
            due_at: task.state.due_at.map(format_utc),
            started_at: task.state.started_at.map(format_utc),
            finished_at: task.state.finished_at.map(format_utc),
            worker: task.state.worker.clone(),
            lease_until: task.state.lease_until.map(format_utc),
            abort_requested: task.abort_requested,
            counts: TableCounts::of(task),
            tables,
        }
    }
}

/// A task's timeline: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"timeline"`.
    pub kind: &'static str,
    /// The task.
    pub task: TaskId,
    /// The events, oldest first.
    pub events: Vec<EventView>,
}

/// One event of a [`TimelineView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventView {
    /// When.
    pub at: String,
    /// Who (a user, a worker, or `system`).
    pub actor: String,
    /// What: `{"kind": "approved", "node": 0, "name": "review"}` and so on.
    pub action: TimelineAction,
    /// The actor's comment.
    pub comment: Option<String>,
}

impl TimelineView {
    /// The view of task `task`'s `events`.
    pub fn of(task: TaskId, events: &[TimelineEvent]) -> TimelineView {
        TimelineView {
            schema_version: SCHEMA_VERSION,
            kind: "timeline",
            task,
            events: events
                .iter()
                .map(|e| EventView {
                    at: format_utc(e.at),
                    actor: e.actor.clone(),
                    action: e.action.clone(),
                    comment: e.comment.clone(),
                })
                .collect(),
        }
    }
}

/// A task's log lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogsView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"logs"`.
    pub kind: &'static str,
    /// The task.
    pub task: TaskId,
    /// The lines, oldest first.
    pub entries: Vec<LogLineView>,
}

/// One line of a [`LogsView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLineView {
    /// When.
    pub at: String,
    /// `INFO`, `WARN` or `ERROR`.
    pub level: LogLevel,
    /// What happened (URLs redacted).
    pub message: String,
}

impl LogsView {
    /// The view of task `task`'s log `entries`.
    pub fn of(task: TaskId, entries: &[LogEntry]) -> LogsView {
        LogsView {
            schema_version: SCHEMA_VERSION,
            kind: "logs",
            task,
            entries: entries
                .iter()
                .map(|e| LogLineView {
                    at: format_utc(e.at),
                    level: e.level,
                    message: e.message.clone(),
                })
                .collect(),
        }
    }
}

/// One page of a task listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskPageView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"task_page"`.
    pub kind: &'static str,
    /// Tasks matching the query, on every page.
    pub total: usize,
    /// The tasks of this page.
    pub items: Vec<TaskSummaryView>,
}

/// One task of a [`TaskPageView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskSummaryView {
    /// The task's id.
    pub id: TaskId,
    /// Where it stands.
    pub status: TaskStatus,
    /// Who submitted it.
    pub creator: String,
    /// The connection URL, password redacted.
    pub connection: String,
    /// The database it changes.
    pub database: String,
    /// When it was submitted.
    pub created_at: String,
    /// The submitter's remarks.
    pub remarks: String,
}

impl TaskPageView {
    /// The view of `page`.
    pub fn of(page: &TaskPage) -> TaskPageView {
        TaskPageView {
            schema_version: SCHEMA_VERSION,
            kind: "task_page",
            total: page.total,
            items: page
                .items
                .iter()
                .map(|t| TaskSummaryView {
                    id: t.id,
                    status: t.status,
                    creator: t.creator.clone(),
                    connection: t.connection.clone(),
                    database: t.database.clone(),
                    created_at: format_utc(t.created_at),
                    remarks: t.remarks.clone(),
                })
                .collect(),
        }
    }
}

/// What one scheduling pass did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueReportView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"due_report"`.
    pub kind: &'static str,
    /// Tasks moved to an expired status.
    pub expired: Vec<TaskOutcome>,
    /// Tasks of other workers whose lease had expired, taken over and
    /// finished.
    pub resumed: Vec<TaskOutcome>,
    /// Executing tasks left alone: another worker's lease on them is live.
    pub held: Vec<TaskNote>,
    /// Tasks run (or resumed) to a final status.
    pub finished: Vec<TaskOutcome>,
    /// Due tasks another worker claimed first.
    pub not_claimed: Vec<TaskNote>,
    /// Tasks not started or not taken over (their server could not be
    /// reached, another worker was first, or this one was asked to stop),
    /// left as they were.
    pub not_started: Vec<TaskNote>,
    /// Tasks interrupted by a lost connection, resumable.
    pub interrupted: Vec<TaskNote>,
}

/// A task and the status it reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskOutcome {
    /// The task.
    pub id: TaskId,
    /// Its status.
    pub status: TaskStatus,
}

/// A task and why it was left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskNote {
    /// The task.
    pub id: TaskId,
    /// Why (none for a task another worker claimed).
    pub reason: Option<String>,
}

impl DueReportView {
    /// The view of `pass`.
    pub fn of(pass: &DuePass) -> DueReportView {
        let report = &pass.report;
        let outcomes = |items: &[(TaskId, TaskStatus)]| {
            items
                .iter()
                .map(|&(id, status)| TaskOutcome { id, status })
                .collect()
        };
        let notes = |items: &[(TaskId, String)]| {
            items
                .iter()
                .map(|(id, why)| TaskNote {
                    id: *id,
                    reason: Some(why.clone()),
                })
                .collect()
        };
        DueReportView {
            schema_version: SCHEMA_VERSION,
            kind: "due_report",
            expired: outcomes(&report.expired),
            resumed: outcomes(&pass.resumed),
            held: notes(&pass.held),
            finished: outcomes(&report.finished),
            not_claimed: report
                .not_claimed
                .iter()
                .map(|&id| TaskNote { id, reason: None })
                .collect(),
            not_started: notes(&[pass.not_resumed.as_slice(), &report.not_started].concat()),
            interrupted: notes(&report.interrupted),
        }
    }
}
