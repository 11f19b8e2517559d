//! Where tasks live. The in-memory [`MemoryStore`](super::MemoryStore) is in
//! core; the persistent SQL store (on SQLite, or on a MySQL-family server
//! through `shadowsync-mysql`) is in `shadowsync-store`.
//!
//! Methods take `&self`: a store is a handle that several workers (threads,
//! or for a file-backed store, processes with their own handles) use at
//! once. Races are settled inside the store, never by the caller:
//! [`Store::compare_and_set`] succeeds for exactly one of several writers
//! that read the same revision.

use crate::analysis::cache::CachedTable;
use crate::error::Result;
use crate::executor::Millis;

use super::flow::ApprovalFlow;
use super::list::{TaskPage, TaskQuery};
use super::log::LogEntry;
use super::status::{StatementStatus, TableStatus, TaskStatus};
use super::timeline::TimelineEvent;
use super::{NewTask, Task, TaskId, TaskState};

/// Persistence of tasks, their progress, timelines, logs and the approval
/// flows. Every method is atomic on its own.
pub trait Store {
    /// Persist a new task with its first timeline entries; returns its id,
    /// greater than every id handed out before.
    fn create_task(&self, task: &NewTask) -> Result<TaskId>;

    /// The task `id` ([`Error::NotFound`](crate::Error::NotFound) if absent).
    fn task(&self, id: TaskId) -> Result<Task>;

    /// Every task currently in one of `statuses`, by id.
    fn tasks_in(&self, statuses: &[TaskStatus]) -> Result<Vec<Task>>;

    /// One page of tasks, as [`TaskQuery::select`] defines it, with the
    /// default window measured back from `now`.
    fn list_tasks(&self, query: &TaskQuery, now: Millis) -> Result<TaskPage>;

    /// Replace the state of task `id` with `state` and append `events` to its
    /// timeline, only if its revision is still `expected_revision`; the
    /// revision then goes up by one. Returns whether it did.
    fn compare_and_set(
        &self,
        id: TaskId,
        expected_revision: u64,
        state: &TaskState,
        events: &[TimelineEvent],
    ) -> Result<bool>;

    /// Raise the abort flag of task `id` if it is executing; returns whether
    /// it did. Does not change the revision, so a running worker is not
    /// disturbed: it polls [`Store::abort_requested`] between statements.
    fn request_abort(&self, id: TaskId) -> Result<bool>;

    /// Whether the abort flag of task `id` is raised.
    fn abort_requested(&self, id: TaskId) -> Result<bool>;

    /// Record the status (and error) of table `table` (index in the plan).
    fn set_table_status(
        &self,
        id: TaskId,
        table: usize,
        status: TableStatus,
        error: Option<&str>,
    ) -> Result<()>;

    /// Record the outcome of statement `statement` of table `table`. Must be
    /// durable when it returns: the runner calls it right before and right
    /// after sending each statement, and recovery trusts it.
    fn set_statement_status(
        &self,
        id: TaskId,
        table: usize,
        statement: usize,
        status: StatementStatus,
        error: Option<&str>,
    ) -> Result<()>;

    /// Append to the timeline of task `id`.
    fn append_events(&self, id: TaskId, events: &[TimelineEvent]) -> Result<()>;

    /// The timeline of task `id`, oldest first.
    fn timeline(&self, id: TaskId) -> Result<Vec<TimelineEvent>>;

    /// Append to the log of task `entry.task`.
    fn append_log(&self, entry: &LogEntry) -> Result<()>;

    /// The log of task `id`, oldest first.
    fn logs(&self, id: TaskId) -> Result<Vec<LogEntry>>;

    /// The approval flows, highest priority first.
    fn flows(&self) -> Result<Vec<ApprovalFlow>>;

    /// Replace the approval flows (already validated), highest priority first.
    fn replace_flows(&self, flows: &[ApprovalFlow]) -> Result<()>;

    /// Create `new` as the one task of drift `drift` (a
    /// [`crate::plan::FrozenPlan::drift_identity`]), atomically against
    /// every other caller of every host sharing the store: when a task
    /// holds the drift already and `may_resubmit` says no to its status,
    /// nothing is created and that task is named. The default cannot
    /// record drifts.
    fn submit_for_drift(
        &self,
        drift: &str,
        new: &NewTask,
        may_resubmit: &dyn Fn(TaskStatus) -> bool,
    ) -> Result<DriftSubmission> {
        let _ = (drift, new, may_resubmit);
        Err(crate::Error::Store(
            "this task store cannot record which drift each task fixes".into(),
        ))
    }

    /// The snapshot cache's entries for schema `schema` of server `server`
    /// (see [`crate::analysis::cache`]). The default keeps no cache.
    fn cached_tables(&self, server: &str, schema: &str) -> Result<Vec<CachedTable>> {
        let _ = (server, schema);
        Ok(Vec::new())
    }

    /// Put `put` into the snapshot cache of `server`'s `schema` (replacing
    /// entries of the same table) and remove the entries of the tables
    /// `forget` names, atomically. The default keeps no cache.
    fn cache_tables(
        &self,
        server: &str,
        schema: &str,
        put: &[CachedTable],
        forget: &[String],
    ) -> Result<()> {
        let _ = (server, schema, put, forget);
        Ok(())
    }
}

/// What [`Store::submit_for_drift`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftSubmission {
    /// This call created task `0` for the drift.
    Created(TaskId),
    /// Task `0` holds the drift already (submitted by this or another
    /// host); nothing was created.
    Held(TaskId),
}

/// A boxed store is a store, so that a host can choose its store at run time
/// (`Box<dyn Store + Send + Sync>`) and still get one `TaskCenter` type.
impl<S: Store + ?Sized> Store for Box<S> {
    fn create_task(&self, task: &NewTask) -> Result<TaskId> {
        (**self).create_task(task)
    }

    fn task(&self, id: TaskId) -> Result<Task> {
        (**self).task(id)
    }

    fn tasks_in(&self, statuses: &[TaskStatus]) -> Result<Vec<Task>> {
        (**self).tasks_in(statuses)
    }

    fn list_tasks(&self, query: &TaskQuery, now: Millis) -> Result<TaskPage> {
        (**self).list_tasks(query, now)
    }

    fn compare_and_set(
        &self,
        id: TaskId,
        expected_revision: u64,
        state: &TaskState,
        events: &[TimelineEvent],
    ) -> Result<bool> {
        (**self).compare_and_set(id, expected_revision, state, events)
    }

    fn request_abort(&self, id: TaskId) -> Result<bool> {
        (**self).request_abort(id)
    }

    fn abort_requested(&self, id: TaskId) -> Result<bool> {
        (**self).abort_requested(id)
    }

    fn set_table_status(
        &self,
        id: TaskId,
        table: usize,
        status: TableStatus,
        error: Option<&str>,
    ) -> Result<()> {
        (**self).set_table_status(id, table, status, error)
    }

    fn set_statement_status(
        &self,
        id: TaskId,
        table: usize,
        statement: usize,
        status: StatementStatus,
        error: Option<&str>,
    ) -> Result<()> {
        (**self).set_statement_status(id, table, statement, status, error)
    }

    fn append_events(&self, id: TaskId, events: &[TimelineEvent]) -> Result<()> {
        (**self).append_events(id, events)
    }

    fn timeline(&self, id: TaskId) -> Result<Vec<TimelineEvent>> {
        (**self).timeline(id)
    }

    fn append_log(&self, entry: &LogEntry) -> Result<()> {
        (**self).append_log(entry)
    }

    fn logs(&self, id: TaskId) -> Result<Vec<LogEntry>> {
        (**self).logs(id)
    }

    fn flows(&self) -> Result<Vec<ApprovalFlow>> {
        (**self).flows()
    }

    fn replace_flows(&self, flows: &[ApprovalFlow]) -> Result<()> {
        (**self).replace_flows(flows)
    }

    fn cached_tables(&self, server: &str, schema: &str) -> Result<Vec<CachedTable>> {
        (**self).cached_tables(server, schema)
    }

    fn submit_for_drift(
        &self,
        drift: &str,
        new: &NewTask,
        may_resubmit: &dyn Fn(TaskStatus) -> bool,
    ) -> Result<DriftSubmission> {
        (**self).submit_for_drift(drift, new, may_resubmit)
    }

    fn cache_tables(
        &self,
        server: &str,
        schema: &str,
        put: &[CachedTable],
        forget: &[String],
    ) -> Result<()> {
        (**self).cache_tables(server, schema, put, forget)
    }
}
