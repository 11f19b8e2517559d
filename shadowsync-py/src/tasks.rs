//! The task center, over a SQLite file, a MySQL store or memory, on the
//! system clock; results are the host layer's views as JSON.

use pyo3::prelude::*;
use shadowsync::host::options::{again_request, parse_error_strategy, SubmitOptions};
use shadowsync::host::view::{
    DueReportView, LogsView, TaskOutcome, TaskPageView, TaskView, TimelineView,
};
use shadowsync::host::{
    self, open_store, read_flows, shown_location, DynStore, FlowSyntax, WatchOptions,
};
use shadowsync_core::analysis::analyze;
use shadowsync_core::task::{
    redact_url, Actor, ExecutionMode, ListWindow, LogFilter, MemoryStore, Observer, Progress,
    SingleExecutor, SortKey, Task, TaskCenter as CoreCenter, TaskId, TaskQuery, TaskStatus,
    Unobserved,
};
use shadowsync_core::Clock;
use shadowsync_core::{Error, Executor as CoreExecutor, Result};
use shadowsync_mysql::OrphanPolicy;
use shadowsync_store::SystemClock;

use crate::analysis::{Analysis, Names};
use crate::errors::to_py;
use crate::executor::Executor;
use shadowsync::host::to_json;

/// The core center behind a `TaskCenter`: its store is chosen when it is opened.
type Center = CoreCenter<DynStore, SystemClock>;

/// A run's progress callback: each event as a dict, with the GIL held; an
/// exception it raises is logged (logger `shadowsync.progress`), never
/// raised into the task.
struct Callback(Py<PyAny>);

impl Observer for Callback {
    fn observe(&self, event: &Progress) {
        Python::attach(|py| {
            let called = serde_json::to_string(event)
                .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
                .and_then(|text| {
                    let event = py.import("json")?.call_method1("loads", (text,))?;
                    self.0.call1(py, (event,))
                });
            if let Err(e) = called {
                tracing::warn!(target: "shadowsync::progress", "the progress callback failed: {e}");
            }
        });
    }
}

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
type RunTask = fn(&Center, TaskId, &str, &mut dyn CoreExecutor, &dyn Observer) -> Result<Task>;

/// An actor with roles.
fn actor(name: String, roles: Vec<String>) -> Actor {
    Actor { name, roles }
}

/// When a task runs: at `at` (Unix milliseconds) or as soon as approved.
fn mode(at: Option<i64>) -> ExecutionMode {
    at.map_or(ExecutionMode::Immediate, |at| ExecutionMode::Scheduled {
        at,
    })
}

/// Which creation times a listing covers.
#[derive(FromPyObject)]
pub(crate) enum Since {
    /// `recent` (the last 48 hours) or `all`.
    Word(String),
    /// Since this Unix-millisecond time.
    At(i64),
}

impl TaskCenter {
    /// Run `work` on the core center with the GIL released; its result as
    /// the JSON view `show` makes of it.
    fn json<T, V: serde::Serialize>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&Center) -> Result<T> + Send,
        show: impl FnOnce(&T) -> V + Send,
    ) -> PyResult<String> {
        py.detach(|| to_json(&show(&work(&self.inner)?)))
            .map_err(to_py)
    }

    /// A task call: its result as the task view.
    fn task_json(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&Center) -> Result<Task> + Send,
    ) -> PyResult<String> {
        self.json(py, work, TaskView::of)
    }

    /// `work` through `executor`, its progress told to `progress` (if
    /// any); errors caused by a Python executor keep its exception.
    fn running<V: serde::Serialize>(
        &self,
        py: Python<'_>,
        executor: &Executor,
        progress: Option<Py<PyAny>>,
        work: impl FnOnce(&Center, &mut dyn CoreExecutor, &dyn Observer) -> Result<V> + Send,
    ) -> PyResult<String> {
        let observer: Box<dyn Observer> = match progress {
            Some(callable) => Box::new(Callback(callable)),
            None => Box::new(Unobserved),
        };
        executor.forget_origin();
        let result =
            py.detach(|| to_json(&work(&self.inner, executor.lock().as_mut(), &*observer)?));
        result.map_err(|e| executor.error(e))
    }

    /// `execute` or `resume` through the host layer's `run`.
    fn run_task(
        &self,
        py: Python<'_>,
        id: TaskId,
        worker: &str,
        executor: &Executor,
        progress: Option<Py<PyAny>>,
        run: RunTask,
    ) -> PyResult<String> {
        self.running(py, executor, progress, |center, exec, observer| {
            run(center, id, worker, exec, observer).map(|task| TaskView::of(&task))
        })
    }
}

#[pymethods]
impl TaskCenter {
    /// A center on the store at `location`: the path of a SQLite file
    /// (created if needed) or a `mysql://user:pass@host:port/db` URL; in
    /// memory when `location` is None.
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

    /// Replace the approval flows (a JSON flow document, checked as the
    /// CLI's `flow set` checks its files: `shadowsync::host::read_flows`).
    fn set_flows(&self, py: Python<'_>, flows_json: &str) -> PyResult<()> {
        py.detach(|| {
            let flows = read_flows(flows_json, FlowSyntax::Json)?;
            self.inner.set_flows(&flows)
        })
        .map_err(to_py)
    }

    /// The approval flows, highest priority first (JSON array of the core's
    /// `ApprovalFlow`).
    fn flows(&self, py: Python<'_>) -> PyResult<String> {
        self.json(py, |center| center.flows(), Clone::clone)
    }

    /// Freeze `analysis` into a new task; the task view.
    #[pyo3(signature = (analysis, connection, creator, remarks, on_error, scheduled_at, parallel))]
    #[allow(clippy::too_many_arguments)] // One per keyword of the Python `submit`.
    fn submit(
        &self,
        analysis: PyRef<'_, Analysis>,
        connection: &str,
        creator: String,
        remarks: String,
        on_error: &str,
        scheduled_at: Option<i64>,
        parallel: u32,
    ) -> PyResult<String> {
        let plan = analysis.inner.freeze(connection);
        self.task_json(analysis.py(), |center| {
            let options = SubmitOptions {
                creator,
                remarks,
                on_error: parse_error_strategy(on_error)?,
                mode: mode(scheduled_at),
                parallel,
            };
            center.submit(options.request(plan)?)
        })
    }

    /// A new task from task `old`: its tables, naming rule, shadow policy,
    /// skips and adoptions analysed again through `executor` (on the old
    /// task's database); the new task view.
    #[pyo3(signature = (old, executor, creator, scheduled_at))]
    fn initiate_again(
        &self,
        py: Python<'_>,
        old: TaskId,
        executor: PyRef<'_, Executor>,
        creator: &str,
        scheduled_at: Option<i64>,
    ) -> PyResult<String> {
        self.running(py, &executor, None, |center, exec, _| {
            let before = center.task(old)?;
            let plan = &before.spec.plan;
            let analysis = analyze(exec, &again_request(plan)?)?;
            let frozen = analysis.freeze(&plan.connection);
            let task = center.initiate_again(old, creator, frozen, mode(scheduled_at))?;
            Ok(TaskView::of(&task))
        })
    }

    /// `actor` approves the current approval node of task `id`; the task view.
    fn approve(
        &self,
        py: Python<'_>,
        id: TaskId,
        actor_name: String,
        roles: Vec<String>,
        comment: &str,
    ) -> PyResult<String> {
        let actor = actor(actor_name, roles);
        self.task_json(py, |center| center.approve(id, &actor, comment))
    }

    /// `actor` rejects task `id`; the task view.
    fn reject(
        &self,
        py: Python<'_>,
        id: TaskId,
        actor_name: String,
        roles: Vec<String>,
        comment: &str,
    ) -> PyResult<String> {
        let actor = actor(actor_name, roles);
        self.task_json(py, |center| center.reject(id, &actor, comment))
    }

    /// `actor` withdraws task `id` before it runs; the task view.
    fn cancel(
        &self,
        py: Python<'_>,
        id: TaskId,
        actor_name: String,
        roles: Vec<String>,
        comment: &str,
    ) -> PyResult<String> {
        let actor = actor(actor_name, roles);
        self.task_json(py, |center| center.cancel(id, &actor, comment))
    }

    /// Ask executing task `id` to stop before its next statement.
    fn abort(
        &self,
        py: Python<'_>,
        id: TaskId,
        actor_name: String,
        roles: Vec<String>,
        comment: &str,
    ) -> PyResult<()> {
        let actor = actor(actor_name, roles);
        py.detach(|| self.inner.abort(id, &actor, comment))
            .map_err(to_py)
    }

    /// Claim waiting task `id` for `worker` and run it through `executor`
    /// (host layer: the plan's own rule and policy, the lease heartbeat),
    /// `progress` receiving each event; the finished task view.
    #[pyo3(signature = (id, worker, executor, progress=None))]
    fn execute(
        &self,
        py: Python<'_>,
        id: TaskId,
        worker: &str,
        executor: PyRef<'_, Executor>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        self.run_task(py, id, worker, &executor, progress, host::execute)
    }

    /// An executor for running task `id`: on its sources' database through
    /// `url`, and in database mode on its shadows' database through
    /// `shadow_url` (else `url`'s server), created first when its plan says
    /// so (`shadowsync::host::open_task_executor`).
    #[pyo3(signature = (id, url, shadow_url=None))]
    fn task_executor(
        &self,
        py: Python<'_>,
        id: TaskId,
        url: &str,
        shadow_url: Option<&str>,
    ) -> PyResult<Executor> {
        let (inner, connection) = py
            .detach(|| {
                let task = self.inner.task(id)?;
                let plan = &task.spec.plan;
                let exec = host::open_task_executor(plan, url, shadow_url, OrphanPolicy::Wait)?;
                Ok::<_, Error>((exec, plan.connection.clone()))
            })
            .map_err(to_py)?;
        Ok(Executor::new(inner, connection, Default::default()))
    }

    /// Take over executing task `id` for `worker` and finish it through
    /// `executor`; the finished task view.
    #[pyo3(signature = (id, worker, executor, progress=None))]
    fn resume(
        &self,
        py: Python<'_>,
        id: TaskId,
        worker: &str,
        executor: PyRef<'_, Executor>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        self.run_task(py, id, worker, &executor, progress, host::resume)
    }

    /// Move every overdue task to approval or execution expired; a JSON
    /// array of `{"id", "status"}` of those moved.
    fn expire_overdue(&self, py: Python<'_>) -> PyResult<String> {
        self.json(
            py,
            |center| center.expire_overdue(),
            |moved| {
                moved
                    .iter()
                    .map(|&(id, status)| TaskOutcome { id, status })
                    .collect::<Vec<_>>()
            },
        )
    }

    /// One scheduling pass for `worker`, every task through `executor`;
    /// the due report view.
    #[pyo3(signature = (worker, executor, progress=None))]
    fn run_due(
        &self,
        py: Python<'_>,
        worker: &str,
        executor: PyRef<'_, Executor>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        self.running(py, &executor, progress, |center, exec, observer| {
            let mut connector = SingleExecutor(exec);
            host::run_due(center, worker, &mut connector, observer).map(|r| DueReportView::of(&r))
        })
    }

    /// Plan, submit and run the fleet of file `text` (named `source` in
    /// errors) by `creator` for `worker`: the fleet sync view.
    #[pyo3(signature = (text, source, creator, worker, servers_at_once, connections_per_server, on_error, parallel, remarks, scheduled_at))]
    #[allow(clippy::too_many_arguments)] // One per keyword of the Python `sync_fleet`.
    fn sync_fleet(
        &self,
        py: Python<'_>,
        text: &str,
        source: &str,
        creator: String,
        worker: &str,
        servers_at_once: usize,
        connections_per_server: usize,
        on_error: &str,
        parallel: u32,
        remarks: String,
        scheduled_at: Option<i64>,
    ) -> PyResult<String> {
        py.detach(|| {
            let fleet = host::read_fleet(text, source)?;
            let options = host::FleetOptions::bounded(servers_at_once, connections_per_server);
            let submit = SubmitOptions {
                creator,
                remarks,
                on_error: parse_error_strategy(on_error)?,
                mode: mode(scheduled_at),
                parallel,
            };
            to_json(&host::sync_fleet(
                &self.inner,
                &fleet,
                &options,
                &submit,
                worker,
            )?)
        })
        .map_err(to_py)
    }

    /// One watch pass through `executor`, submitting by `creator`; the
    /// watch view.
    #[pyo3(signature = (executor, connection, prefix, suffix, tables, include, exclude, skip, rebuild, creator, remarks, on_error, parallel))]
    #[allow(clippy::too_many_arguments)] // One per keyword of the Python `watch_once`.
    fn watch_once(
        &self,
        py: Python<'_>,
        executor: PyRef<'_, Executor>,
        connection: String,
        prefix: Option<String>,
        suffix: Option<String>,
        tables: Option<Names>,
        include: Names,
        exclude: Names,
        skip: Names,
        rebuild: bool,
        creator: String,
        remarks: String,
        on_error: &str,
        parallel: u32,
    ) -> PyResult<String> {
        let options = WatchOptions {
            analyze: crate::analysis::options(
                prefix,
                suffix,
                tables,
                include,
                exclude,
                skip,
                Names(Vec::new()),
                true,
                false,
                rebuild,
                false,
            ),
            submit: SubmitOptions {
                creator,
                remarks,
                on_error: parse_error_strategy(on_error).map_err(to_py)?,
                mode: ExecutionMode::Immediate,
                parallel,
            },
        };
        self.running(py, &executor, None, |center, exec, _| {
            host::watch_once(exec, center, &options, &connection, SystemClock.now())
        })
    }

    /// `actor` approves (`approve`) or rejects every task of fleet `fleet`
    /// that waits for approval; the fleet tasks view after.
    fn decide_fleet(
        &self,
        py: Python<'_>,
        fleet: &str,
        approve: bool,
        actor_name: String,
        roles: Vec<String>,
        comment: &str,
    ) -> PyResult<String> {
        let who = actor(actor_name, roles);
        let decision = if approve {
            host::FleetDecision::Approve
        } else {
            host::FleetDecision::Reject
        };
        py.detach(|| {
            to_json(&host::decide_fleet(
                &self.inner,
                fleet,
                decision,
                |_| Ok(who.clone()),
                comment,
            )?)
        })
        .map_err(to_py)
    }

    /// The view of every task of fleet `fleet` (its id).
    fn fleet(&self, py: Python<'_>, fleet: &str) -> PyResult<String> {
        py.detach(|| to_json(&host::fleet_tasks(&self.inner, fleet)?))
            .map_err(to_py)
    }

    /// Task `id`'s view.
    fn task(&self, py: Python<'_>, id: TaskId) -> PyResult<String> {
        self.task_json(py, |center| center.task(id))
    }

    /// One page of tasks (pages count from 1, as the CLI's); the task page view.
    #[pyo3(signature = (since, connection, database, creator, statuses, sort, descending, page, page_size))]
    #[allow(clippy::too_many_arguments)] // One per keyword of the Python `list_tasks`.
    fn list_tasks(
        &self,
        py: Python<'_>,
        since: Since,
        connection: Option<String>,
        database: Option<String>,
        creator: Option<String>,
        statuses: Vec<String>,
        sort: &str,
        descending: bool,
        page: usize,
        page_size: usize,
    ) -> PyResult<String> {
        let query = || -> Result<TaskQuery> {
            let window = match since {
                Since::At(at) => ListWindow::Since { at },
                Since::Word(word) => match word.as_str() {
                    "recent" => ListWindow::Recent,
                    "all" => ListWindow::All,
                    _ => {
                        return Err(Error::InvalidRequest(format!(
                            "since must be `recent`, `all` or a time, not `{word}`"
                        )))
                    }
                },
            };
            let statuses = statuses
                .iter()
                .map(|s| {
                    TaskStatus::from_name(s)
                        .ok_or_else(|| Error::InvalidRequest(format!("unknown task status `{s}`")))
                })
                .collect::<Result<Vec<_>>>()?;
            let sort = match sort {
                "created_at" => SortKey::CreatedAt,
                "status" => SortKey::Status,
                _ => {
                    return Err(Error::InvalidRequest(format!(
                        "sort must be `created_at` or `status`, not `{sort}`"
                    )))
                }
            };
            let page = page
                .checked_sub(1)
                .ok_or_else(|| Error::InvalidRequest("pages are counted from 1".into()))?;
            Ok(TaskQuery {
                window,
                // Connections are stored redacted: compare like with like.
                connection: connection.as_deref().map(redact_url),
                database,
                creator,
                statuses,
                sort,
                descending,
                page,
                page_size,
            })
        };
        let query = query().map_err(to_py)?;
        self.json(py, |center| center.list(&query), TaskPageView::of)
    }

    /// The timeline view of task `id`.
    fn timeline(&self, py: Python<'_>, id: TaskId) -> PyResult<String> {
        self.json(
            py,
            |center| center.timeline(id),
            |events| TimelineView::of(id, events),
        )
    }

    /// The logs view of task `id`.
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
        self.json(
            py,
            |center| center.logs(id, &filter),
            |entries| LogsView::of(id, entries),
        )
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
