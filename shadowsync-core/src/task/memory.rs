//! The in-memory store: for tests, and for hosts that need no persistence.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::analysis::cache::CachedTable;
use crate::error::{Error, Result};
use crate::executor::Millis;

use super::flow::ApprovalFlow;
use super::list::{TaskPage, TaskQuery};
use super::log::LogEntry;
use super::status::{StatementStatus, TableStatus, TaskStatus};
use super::store::{DriftSubmission, Store};
use super::timeline::TimelineEvent;
use super::{NewTask, Task, TaskId, TaskState};

/// A [`Store`] in memory. Clones are handles on the same data, so workers in
/// several threads can share one store by cloning it.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    last_id: TaskId,
    tasks: BTreeMap<TaskId, Record>,
    flows: Vec<ApprovalFlow>,
    /// The snapshot cache, by server, schema and table.
    cache: BTreeMap<(String, String, String), CachedTable>,
    /// The task of each drift submitted.
    drifts: BTreeMap<String, TaskId>,
}

#[derive(Debug)]
struct Record {
    task: Task,
    timeline: Vec<TimelineEvent>,
    logs: Vec<LogEntry>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>> {
        // A panic while holding the lock leaves a half-applied change; report
        // it rather than carry on with it.
        self.inner
            .lock()
            .map_err(|_| Error::Store("in-memory store poisoned by a panic".into()))
    }
}

impl Inner {
    fn record(&mut self, id: TaskId) -> Result<&mut Record> {
        self.tasks
            .get_mut(&id)
            .ok_or_else(|| Error::NotFound(format!("task {id}")))
    }

    /// Add `new` under the next id.
    fn insert(&mut self, new: &NewTask) -> TaskId {
        self.last_id += 1;
        let id = self.last_id;
        let task = Task {
            id,
            revision: 0,
            spec: new.spec.clone(),
            state: new.state.clone(),
            tables: new.tables.clone(),
            abort_requested: false,
        };
        self.tasks.insert(
            id,
            Record {
                task,
                timeline: new.events.clone(),
                logs: Vec::new(),
            },
        );
        id
    }
}

impl Store for MemoryStore {
    fn create_task(&self, new: &NewTask) -> Result<TaskId> {
        let mut inner = self.lock()?;
        Ok(inner.insert(new))
    }

    fn submit_for_drift(
        &self,
        drift: &str,
        new: &NewTask,
        may_resubmit: &dyn Fn(TaskStatus) -> bool,
    ) -> Result<DriftSubmission> {
        // One lock over the check and the creation: atomic as the trait asks.
        let mut inner = self.lock()?;
        if let Some(&held) = inner.drifts.get(drift) {
            if !may_resubmit(inner.record(held)?.task.state.status) {
                return Ok(DriftSubmission::Held(held));
            }
        }
        let id = inner.insert(new);
        inner.drifts.insert(drift.to_string(), id);
        Ok(DriftSubmission::Created(id))
    }

    fn task(&self, id: TaskId) -> Result<Task> {
        Ok(self.lock()?.record(id)?.task.clone())
    }

    fn tasks_in(&self, statuses: &[TaskStatus]) -> Result<Vec<Task>> {
        let inner = self.lock()?;
        Ok(inner
            .tasks
            .values()
            .filter(|r| statuses.contains(&r.task.state.status))
            .map(|r| r.task.clone())
            .collect())
    }

    fn list_tasks(&self, query: &TaskQuery, now: Millis) -> Result<TaskPage> {
        let inner = self.lock()?;
        Ok(query.select(inner.tasks.values().map(|r| r.task.summary()), now))
    }

    fn compare_and_set(
        &self,
        id: TaskId,
        expected_revision: u64,
        state: &TaskState,
        events: &[TimelineEvent],
    ) -> Result<bool> {
        let mut inner = self.lock()?;
        let record = inner.record(id)?;
        if record.task.revision != expected_revision {
            return Ok(false);
        }
        record.task.revision += 1;
        record.task.state = state.clone();
        record.timeline.extend_from_slice(events);
        Ok(true)
    }

    fn request_abort(&self, id: TaskId) -> Result<bool> {
        let mut inner = self.lock()?;
        let task = &mut inner.record(id)?.task;
        let executing = task.state.status == TaskStatus::Executing;
        if executing {
            task.abort_requested = true;
        }
        Ok(executing)
    }

    fn abort_requested(&self, id: TaskId) -> Result<bool> {
        Ok(self.lock()?.record(id)?.task.abort_requested)
    }

    fn set_table_status(
        &self,
        id: TaskId,
        table: usize,
        status: TableStatus,
        error: Option<&str>,
    ) -> Result<()> {
        let mut inner = self.lock()?;
        let progress = inner
            .record(id)?
            .task
            .tables
            .get_mut(table)
            .ok_or_else(|| Error::NotFound(format!("table {table} of task {id}")))?;
        progress.status = status;
        progress.error = error.map(str::to_string);
        Ok(())
    }

    fn set_statement_status(
        &self,
        id: TaskId,
        table: usize,
        statement: usize,
        status: StatementStatus,
        error: Option<&str>,
    ) -> Result<()> {
        let mut inner = self.lock()?;
        let progress = inner
            .record(id)?
            .task
            .tables
            .get_mut(table)
            .and_then(|t| t.statements.get_mut(statement))
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "statement {statement} of table {table} of task {id}"
                ))
            })?;
        progress.status = status;
        progress.error = error.map(str::to_string);
        Ok(())
    }

    fn append_events(&self, id: TaskId, events: &[TimelineEvent]) -> Result<()> {
        self.lock()?.record(id)?.timeline.extend_from_slice(events);
        Ok(())
    }

    fn timeline(&self, id: TaskId) -> Result<Vec<TimelineEvent>> {
        Ok(self.lock()?.record(id)?.timeline.clone())
    }

    fn append_log(&self, entry: &LogEntry) -> Result<()> {
        self.lock()?.record(entry.task)?.logs.push(entry.clone());
        Ok(())
    }

    fn logs(&self, id: TaskId) -> Result<Vec<LogEntry>> {
        Ok(self.lock()?.record(id)?.logs.clone())
    }

    fn flows(&self) -> Result<Vec<ApprovalFlow>> {
        Ok(self.lock()?.flows.clone())
    }

    fn replace_flows(&self, flows: &[ApprovalFlow]) -> Result<()> {
        self.lock()?.flows = flows.to_vec();
        Ok(())
    }

    fn cached_tables(&self, server: &str, schema: &str) -> Result<Vec<CachedTable>> {
        Ok(self
            .lock()?
            .cache
            .iter()
            .filter(|((s, d, _), _)| s == server && d == schema)
            .map(|(_, e)| e.clone())
            .collect())
    }

    fn cache_tables(
        &self,
        server: &str,
        schema: &str,
        put: &[CachedTable],
        forget: &[String],
    ) -> Result<()> {
        let mut inner = self.lock()?;
        let key = |table: &str| (server.to_string(), schema.to_string(), table.to_string());
        for table in forget {
            inner.cache.remove(&key(table));
        }
        for entry in put {
            inner.cache.insert(key(&entry.table), entry.clone());
        }
        Ok(())
    }
}
