//! The task center, over a SQLite file, a MySQL store or memory, on the
//! system clock.

use pyo3::prelude::*;
use shadowsync::host::{self, open_store, shown_location, DynStore};
use shadowsync_core::task::flow::ApprovalFlow;
use shadowsync_core::task::{
    Actor, ErrorStrategy, ExecutionMode, LogFilter, MemoryStore, SingleExecutor, SubmitRequest,
    Task, TaskCenter as CoreCenter, TaskId, TaskQuery,
};
use shadowsync_core::{Executor as CoreExecutor, Result};
use shadowsync_store::SystemClock;

use crate::analysis::Analysis;
use crate::errors::{invalid_request, to_py};
use crate::executor::Executor;
use crate::json::{from_json, to_json};

/// The core center behind a `TaskCenter`: its store is chosen when it is opened.
type Center = CoreCenter<DynStore, SystemClock>;

/// A task center; shareable between threads. Every call releases the GIL.
#[pyclass(module = "shadowsync._native", frozen)]
pub struct TaskCenter {
    inner: Center,
    /// Where the store is, as it may be shown (a URL without its password;
    /// None in memory).
    #[pyo3(get)]
    location: Option<String>,
}

/// The host layer's `execute` or `resume`, as both take their task.
type RunTask = fn(&Center, TaskId, &str, &mut dyn CoreExecutor) -> Result<Task>;

impl TaskCenter {
    /// What `execute` and `resume` share: run task `id` through the host
    /// layer's `run` (the plan's own naming rule and shadow policy, the
    /// lease heartbeat); the finished task as JSON.
    fn run_task(
        &self,
        py: Python<'_>,
        id: TaskId,
        worker: &str,
        executor: &Executor,
        run: RunTask,
    ) -> PyResult<String> {
        self.json(py, |center| {
            run(center, id, worker, executor.lock().as_mut())
        })
    }

    /// Run `work` on the core center with the GIL released; its result as JSON.
    fn json<T: serde::Serialize>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&Center) -> Result<T> + Send,
    ) -> PyResult<String> {
        py.detach(|| to_json(&work(&self.inner)?)).map_err(to_py)
    }
}

#[pymethods]
impl TaskCenter {
    /// A center on the store at `location`: the path of a SQLite file
    /// (created if needed) or a `mysql://user:pass@host:port/db` URL (a store
    /// in that database, shared by every host that opens it); in memory when
    /// `location` is None.
    #[new]
    #[pyo3(signature = (location=None))]
    fn new(py: Python<'_>, location: Option<&str>) -> PyResult<TaskCenter> {
        let store: DynStore = match location {
            Some(location) => py.detach(|| open_store(location)).map_err(to_py)?,
            None => Box::new(MemoryStore::new()),
        };
        Ok(TaskCenter {
            inner: CoreCenter::new(store, SystemClock),
            location: location.map(shown_location),
        })
    }

    /// Replace the approval flows (JSON array of the core's `ApprovalFlow`).
    fn set_flows(&self, py: Python<'_>, flows_json: &str) -> PyResult<()> {
        py.detach(|| {
            let flows: Vec<ApprovalFlow> = from_json(flows_json, "flows")?;
            self.inner.set_flows(&flows)
        })
        .map_err(to_py)
    }

    /// The approval flows, highest priority first (JSON array of the core's
    /// `ApprovalFlow`).
    fn flows(&self, py: Python<'_>) -> PyResult<String> {
        self.json(py, |center| center.flows())
    }

    /// Freeze `analysis` into a new task; the task as JSON.
    #[pyo3(signature = (analysis, connection, creator, remarks, on_error, scheduled_at))]
    fn submit(
        &self,
        analysis: PyRef<'_, Analysis>,
        connection: &str,
        creator: String,
        remarks: String,
        on_error: &str,
        scheduled_at: Option<i64>,
    ) -> PyResult<String> {
        let on_error = match on_error {
            "abort" => ErrorStrategy::Abort,
            "continue" => ErrorStrategy::Continue,
            other => {
                return Err(invalid_request(format!(
                    "on_error must be `abort` or `continue`, not `{other}`"
                )))
            }
        };
        let request = SubmitRequest {
            plan: analysis.inner.freeze(connection),
            creator,
            mode: scheduled_at.map_or(ExecutionMode::Immediate, |at| ExecutionMode::Scheduled {
                at,
            }),
            on_error,
            remarks,
        };
        self.json(analysis.py(), |center| center.submit(request))
    }

    /// A new task from task `old` with `analysis`, a fresh analysis of the
    /// same connection, database, table selection and naming rule; the new
    /// task as JSON.
    #[pyo3(signature = (old, analysis, connection, creator, scheduled_at))]
    fn initiate_again(
        &self,
        old: TaskId,
        analysis: PyRef<'_, Analysis>,
        connection: &str,
        creator: &str,
        scheduled_at: Option<i64>,
    ) -> PyResult<String> {
        let plan = analysis.inner.freeze(connection);
        let mode = scheduled_at.map_or(ExecutionMode::Immediate, |at| ExecutionMode::Scheduled {
            at,
        });
        self.json(analysis.py(), |center| {
            center.initiate_again(old, creator, plan, mode)
        })
    }

    /// `actor` approves the current approval node of task `id`; the task as JSON.
    fn approve(
        &self,
        py: Python<'_>,
        id: TaskId,
        actor: String,
        roles: Vec<String>,
        comment: &str,
    ) -> PyResult<String> {
        let actor = Actor { name: actor, roles };
        self.json(py, |center| center.approve(id, &actor, comment))
    }

    /// `actor` rejects task `id`; the task as JSON.
    fn reject(
        &self,
        py: Python<'_>,
        id: TaskId,
        actor: String,
        roles: Vec<String>,
        comment: &str,
    ) -> PyResult<String> {
        let actor = Actor { name: actor, roles };
        self.json(py, |center| center.reject(id, &actor, comment))
    }

    /// `actor` withdraws task `id` before it runs; the task as JSON.
    fn cancel(
        &self,
        py: Python<'_>,
        id: TaskId,
        actor: String,
        roles: Vec<String>,
        comment: &str,
    ) -> PyResult<String> {
        let actor = Actor { name: actor, roles };
        self.json(py, |center| center.cancel(id, &actor, comment))
    }

    /// Ask executing task `id` to stop before its next statement.
    fn abort(
        &self,
        py: Python<'_>,
        id: TaskId,
        actor: String,
        roles: Vec<String>,
        comment: &str,
    ) -> PyResult<()> {
        let actor = Actor { name: actor, roles };
        py.detach(|| self.inner.abort(id, &actor, comment))
            .map_err(to_py)
    }

    /// Claim waiting task `id` for `worker` and run it through `executor`
    /// with its plan's own naming rule and shadow policy; the finished task
    /// as JSON.
    fn execute(
        &self,
        py: Python<'_>,
        id: TaskId,
        worker: &str,
        executor: PyRef<'_, Executor>,
    ) -> PyResult<String> {
        self.run_task(py, id, worker, &executor, host::execute)
    }

    /// Take over executing task `id` whose worker died, for `worker`, and
    /// finish it through `executor`; the finished task as JSON.
    fn resume(
        &self,
        py: Python<'_>,
        id: TaskId,
        worker: &str,
        executor: PyRef<'_, Executor>,
    ) -> PyResult<String> {
        self.run_task(py, id, worker, &executor, host::resume)
    }

    /// Move every overdue task to approval or execution expired; JSON array
    /// of `[id, status]` of those moved.
    fn expire_overdue(&self, py: Python<'_>) -> PyResult<String> {
        self.json(py, |center| center.expire_overdue())
    }

    /// One scheduling pass for `worker`, every task through `executor`
    /// (a task on another database is reported as not started); the report
    /// as JSON.
    fn run_due(
        &self,
        py: Python<'_>,
        worker: &str,
        executor: PyRef<'_, Executor>,
    ) -> PyResult<String> {
        let executor: &Executor = &executor;
        self.json(py, |center| {
            let mut locked = executor.lock();
            let mut connector = SingleExecutor(locked.as_mut());
            host::run_due(center, worker, &mut connector)
        })
    }

    /// Task `id` as JSON.
    fn task(&self, py: Python<'_>, id: TaskId) -> PyResult<String> {
        self.json(py, |center| center.task(id))
    }

    /// One page of tasks as JSON; `query_json` is the core's `TaskQuery`.
    fn list_tasks(&self, py: Python<'_>, query_json: &str) -> PyResult<String> {
        self.json(py, |center| {
            let query: TaskQuery = from_json(query_json, "query")?;
            center.list(&query)
        })
    }

    /// The timeline of task `id` as JSON.
    fn timeline(&self, py: Python<'_>, id: TaskId) -> PyResult<String> {
        self.json(py, |center| center.timeline(id))
    }

    /// The log of task `id` as JSON.
    fn logs(
        &self,
        py: Python<'_>,
        id: TaskId,
        alerts_only: bool,
        contains: Option<String>,
    ) -> PyResult<String> {
        let filter = LogFilter {
            alerts_only,
            contains,
        };
        self.json(py, |center| center.logs(id, &filter))
    }

    /// The log of task `id` as text, one line per entry.
    fn export_logs(
        &self,
        py: Python<'_>,
        id: TaskId,
        alerts_only: bool,
        contains: Option<String>,
    ) -> PyResult<String> {
        let filter = LogFilter {
            alerts_only,
            contains,
        };
        py.detach(|| self.inner.export_logs(id, &filter))
            .map_err(to_py)
    }
}
