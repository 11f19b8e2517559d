//! The task center: submission, approval, execution, queries and logs, over
//! an SQLite file, a server database or memory, on the system clock. Tasks
//! and their records go out as the host layer's views; a task's id, status
//! and table counts also as plain values.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use serde::Deserialize;
use shadowsync::host;
use shadowsync::host::options::{again_request, parse_error_strategy};
use shadowsync::host::view::{
    DueReportView, LogsView, TableCounts, TaskPageView, TaskView, TimelineView,
};
use shadowsync::host::{open_store, DuePass, DynStore, SubmitOptions};
use shadowsync_core::analysis::analyze;
use shadowsync_core::task::flow::ApprovalFlow;
use shadowsync_core::task::{
    Actor, DueReport, ExecutionMode, LogFilter, MemoryStore, SingleExecutor, Task, TaskCenter,
    TaskId, TaskQuery,
};
use shadowsync_core::{Error, Executor};
use shadowsync_store::SystemClock;

use crate::analysis::SsAnalysis;
use crate::executor::SsExecutor;
use crate::json::{compact, from_json, over_default, view};
use crate::progress::{ProgressRelay, SsProgressFn};
use crate::ptr;
use crate::status::{guard, SsStatus};
use crate::task_status::{SsTableCounts, SsTaskStatus};

/// A task center. Its functions may be called from several threads at once
/// (and several processes may open the same store). Release with
/// `ss_task_center_free`.
pub struct SsTaskCenter {
    inner: Center,
    progress: Arc<ProgressRelay>,
}

/// The center behind every handle: its store is chosen when it is opened.
type Center = TaskCenter<DynStore, SystemClock>;

impl SsTaskCenter {
    /// A handle on a center over `store`, its progress going to the relay.
    fn new(store: DynStore) -> SsTaskCenter {
        let inner = TaskCenter::new(store, SystemClock);
        let progress = Arc::new(ProgressRelay::default());
        inner.set_observer(Some(progress.clone()));
        SsTaskCenter { inner, progress }
    }
}

/// What `actor_json` holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorSpec {
    name: String,
    #[serde(default)]
    roles: Vec<String>,
}

/// What `submit_json` holds: the fields of [`SubmitOptions`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubmitSpec {
    creator: String,
    #[serde(default)]
    remarks: String,
    #[serde(default)]
    on_error: Option<String>,
    #[serde(default)]
    mode: Option<ExecutionMode>,
}

/// What `again_json` holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgainSpec {
    creator: String,
    #[serde(default)]
    mode: Option<ExecutionMode>,
}

fn actor(text: &str) -> Result<Actor, Error> {
    let spec: ActorSpec = from_json(text, "actor_json")?;
    Ok(Actor {
        name: spec.name,
        roles: spec.roles,
    })
}

/// The submission options `text` describes, the host layer's defaults for
/// the fields it does not give.
fn submit_options(text: &str) -> Result<SubmitOptions, Error> {
    let spec: SubmitSpec = from_json(text, "submit_json")?;
    let mut options = SubmitOptions::by(spec.creator);
    options.remarks = spec.remarks;
    if let Some(word) = spec.on_error {
        options.on_error = parse_error_strategy(&word)?;
    }
    if let Some(mode) = spec.mode {
        options.mode = mode;
    }
    Ok(options)
}

/// The optional results every call that ends with a task gives: its JSON
/// view and one of its plain values.
struct TaskOut<'a, T> {
    value: Option<&'a mut T>,
    json: Option<&'a mut *mut c_char>,
}

impl<'a, T> TaskOut<'a, T> {
    /// The slots behind the out-parameters (each may be NULL), cleared.
    ///
    /// # Safety
    /// `value` must be NULL or point to writable storage for a `T`, `json`
    /// NULL or to writable storage for a pointer.
    unsafe fn new(value: *mut T, json: *mut *mut c_char) -> TaskOut<'a, T> {
        // SAFETY: per this function's contract.
        unsafe {
            TaskOut {
                value: ptr::optional_out_value(value),
                json: ptr::optional_out_slot(json),
            }
        }
    }

    /// Give `task`: `value_of` it and its view, where asked for.
    fn put(
        self,
        task: &Task,
        value_of: impl FnOnce(&Task) -> T,
    ) -> Result<(), crate::status::FfiError> {
        ptr::put_optional_string(self.json, || view(&TaskView::of(task)))?;
        if let Some(slot) = self.value {
            *slot = value_of(task);
        }
        Ok(())
    }
}

/// Opens a task center on the store at `location`: the path of a SQLite file
/// (created if needed), or a `mysql://user:pass@host:port/db` URL for a store
/// in that (existing) database, shared by every host that opens it.
///
/// # Safety
/// `location` must be a NUL-terminated string; `out` must point to writable
/// storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_open(
    location: *const c_char,
    out: *mut *mut SsTaskCenter,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (location, out) =
            unsafe { (ptr::text(location, "location")?, ptr::out_slot(out, "out")?) };
        *out = ptr::into_handle(SsTaskCenter::new(open_store(location)?));
        Ok(())
    })
}

/// A task center whose tasks live in memory only, gone when it is freed.
///
/// # Safety
/// `out` must point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_new_in_memory(out: *mut *mut SsTaskCenter) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { ptr::out_slot(out, "out")? };
        *out = ptr::into_handle(SsTaskCenter::new(Box::new(MemoryStore::new())));
        Ok(())
    })
}

/// Release a task center; NULL is ignored.
///
/// # Safety
/// `center` must be NULL or a live task center that no thread uses any more.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_free(center: *mut SsTaskCenter) {
    // SAFETY: per this function's contract.
    unsafe { ptr::free_handle(center) }
}

/// Send the progress of every task this handle runs (`ss_task_center_execute`,
/// `_resume`, `_run_due`) to `callback` with `user_data`, from now on;
/// `callback` NULL stops it. Each event arrives as JSON text valid only
/// during the call (see `ss_progress_fn`), on the thread running the task,
/// which waits for the callback: keep it short. Tasks may run on several
/// threads at once, so the callback and `user_data` must be usable from
/// any thread that runs a task of this center, concurrently.
///
/// Once this function returns, the previous callback is neither running
/// nor called again (it waits for a call in progress), so its `user_data`
/// may be released. The callback must not call this function (that is
/// `SS_INVALID_REQUEST`) nor run a task of the same center.
///
/// # Safety
/// `center` must be a live task center; `callback` NULL or a function
/// callable as `ss_progress_fn` with `user_data` until it is replaced or
/// the center is freed.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_set_progress(
    center: *const SsTaskCenter,
    callback: SsProgressFn,
    user_data: *mut c_void,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let center = unsafe { ptr::handle(center, "center")? };
        Ok(center.progress.set(callback, user_data)?)
    })
}

/// Replace the approval flows (a JSON array of flows, highest priority
/// first: `[{"name":"dba","nodes":[{"name":"review","approvers":{"role":"dba"}}],
/// "rules":[{"connection":"*","database":"*"}],"approval_expiry_ms":86400000,
/// "execution_expiry_ms":86400000}]`; approvers are `"auto"`,
/// `{"role":"…"}` or `{"users":["…"]}`). Tasks matching no flow are approved
/// automatically.
///
/// # Safety
/// `center` must be a live task center; `flows_json` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_set_flows(
    center: *const SsTaskCenter,
    flows_json: *const c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, text) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::text(flows_json, "flows_json")?,
            )
        };
        let flows: Vec<ApprovalFlow> = from_json(text, "flows_json")?;
        Ok(center.inner.set_flows(&flows)?)
    })
}

/// The approval flows, highest priority first, as the (compact) JSON array
/// `ss_task_center_set_flows` takes, owned by the caller.
///
/// # Safety
/// `center` must be a live task center; `out_json` must point to writable
/// storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_flows(
    center: *const SsTaskCenter,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let center = unsafe { ptr::handle(center, "center")? };
        let flows = center.inner.flows()?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", compact(&flows)?) }
    })
}

/// Freeze `analysis` (with the user's skips) into a new task on
/// `connection` (a URL; stored with its password redacted).
/// `submit_json` is `{"creator":"alice","remarks":"…","on_error":"abort|continue",
/// "mode":{"kind":"immediate"}|{"kind":"scheduled","at":UNIX_MS}}`; only
/// `creator` is required (the defaults: no remarks, `abort`, `immediate`).
///
/// Both results are optional (NULL: not wanted): `*out_id` is the new
/// task's id, `*out_task_json` the new task as `ss_task_center_task`
/// gives it, owned by the caller.
///
/// # Safety
/// `center` and `analysis` must be live handles; `connection` and
/// `submit_json` NUL-terminated strings; `out_id` NULL or pointing to
/// writable storage for an id, `out_task_json` NULL or pointing to
/// writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_submit(
    center: *const SsTaskCenter,
    analysis: *const SsAnalysis,
    connection: *const c_char,
    submit_json: *const c_char,
    out_id: *mut u64,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, analysis, connection, text, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::handle(analysis, "analysis")?,
                ptr::text(connection, "connection")?,
                ptr::text(submit_json, "submit_json")?,
                TaskOut::new(out_id, out_task_json),
            )
        };
        let request = submit_options(text)?.request(analysis.inner.freeze(connection))?;
        let task = center.inner.submit(request)?;
        out.put(&task, |task| task.id)
    })
}

/// Analyse again, for initiating ended task `old` again, the database of
/// `executor` (which must be on the old task's database): the same tables,
/// naming rule, shadow policy, user skips and adoptions as the old plan.
/// On success `*out` is a new analysis (free it with `ss_analysis_free`)
/// to show, and to pass to `ss_task_center_initiate_again`.
/// `SS_NOT_FOUND` if there is no task `old`.
///
/// # Safety
/// `center` must be a live task center; `executor` a live executor not in
/// use by another thread; `out` must point to writable storage for a
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_analyze_again(
    center: *const SsTaskCenter,
    old: u64,
    executor: *mut SsExecutor,
    out: *mut *mut SsAnalysis,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, executor, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::handle_mut(executor, "executor")?,
                ptr::out_slot(out, "out")?,
            )
        };
        let request = again_request(&center.inner.task(old)?.spec.plan)?;
        let inner = analyze(executor.inner.as_mut(), &request)?;
        *out = ptr::into_handle(SsAnalysis { inner });
        Ok(())
    })
}

/// A new task from ended task `old`: `analysis` is a fresh analysis of the
/// same `connection`, database, table selection and naming rule (as
/// `ss_task_center_analyze_again` makes it; else `SS_INVALID_REQUEST`);
/// the old task's error strategy and remarks are kept. `again_json` is
/// `{"creator":"alice","mode":{"kind":"immediate"}|{"kind":"scheduled",
/// "at":UNIX_MS}}`; only `creator` is required. The results are as for
/// `ss_task_center_submit` (both optional). `SS_NOT_FOUND` if there is no
/// task `old`.
///
/// # Safety
/// `center` and `analysis` must be live handles; `connection` and
/// `again_json` NUL-terminated strings; `out_id` and `out_task_json` as for
/// `ss_task_center_submit`.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_initiate_again(
    center: *const SsTaskCenter,
    old: u64,
    analysis: *const SsAnalysis,
    connection: *const c_char,
    again_json: *const c_char,
    out_id: *mut u64,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, analysis, connection, text, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::handle(analysis, "analysis")?,
                ptr::text(connection, "connection")?,
                ptr::text(again_json, "again_json")?,
                TaskOut::new(out_id, out_task_json),
            )
        };
        let spec: AgainSpec = from_json(text, "again_json")?;
        let plan = analysis.inner.freeze(connection);
        let mode = spec.mode.unwrap_or(ExecutionMode::Immediate);
        let task = center
            .inner
            .initiate_again(old, &spec.creator, plan, mode)?;
        out.put(&task, |task| task.id)
    })
}

/// What a decision by an actor does to a task.
#[derive(Clone, Copy)]
enum Decision {
    Approve,
    Reject,
    Cancel,
}

/// The body of approve, reject and cancel.
///
/// # Safety
/// As for `ss_task_center_approve`.
unsafe fn decide(
    decision: Decision,
    center: *const SsTaskCenter,
    id: TaskId,
    actor_json: *const c_char,
    comment: *const c_char,
    out_status: *mut SsTaskStatus,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per the caller's contract.
        let (center, who, comment, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::text(actor_json, "actor_json")?,
                ptr::text(comment, "comment")?,
                TaskOut::new(out_status, out_task_json),
            )
        };
        let who = actor(who)?;
        let task = match decision {
            Decision::Approve => center.inner.approve(id, &who, comment),
            Decision::Reject => center.inner.reject(id, &who, comment),
            Decision::Cancel => center.inner.cancel(id, &who, comment),
        }?;
        out.put(&task, status_of)
    })
}

/// A task's status as the C enum.
fn status_of(task: &Task) -> SsTaskStatus {
    task.state.status.into()
}

/// `actor_json` (`{"name":"bob","roles":["dba"]}`) approves the current
/// approval node of task `id`. Both results are optional (NULL: not
/// wanted): `*out_status` is the task's status after the decision,
/// `*out_task_json` the task as `ss_task_center_task` gives it, owned by
/// the caller. `SS_INVALID_TRANSITION` when the task is not pending
/// approval.
///
/// # Safety
/// `center` must be a live task center; `actor_json` and `comment`
/// NUL-terminated strings; `out_status` NULL or pointing to writable
/// storage for an `ss_task_status`, `out_task_json` NULL or pointing to
/// writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_approve(
    center: *const SsTaskCenter,
    id: u64,
    actor_json: *const c_char,
    comment: *const c_char,
    out_status: *mut SsTaskStatus,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    // SAFETY: the same contract.
    unsafe {
        decide(
            Decision::Approve,
            center,
            id,
            actor_json,
            comment,
            out_status,
            out_task_json,
        )
    }
}

/// `actor_json` rejects task `id` at its current approval node; as
/// `ss_task_center_approve`.
///
/// # Safety
/// As for `ss_task_center_approve`.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_reject(
    center: *const SsTaskCenter,
    id: u64,
    actor_json: *const c_char,
    comment: *const c_char,
    out_status: *mut SsTaskStatus,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    // SAFETY: the same contract.
    unsafe {
        decide(
            Decision::Reject,
            center,
            id,
            actor_json,
            comment,
            out_status,
            out_task_json,
        )
    }
}

/// `actor_json` withdraws task `id` before it runs; as
/// `ss_task_center_approve`.
///
/// # Safety
/// As for `ss_task_center_approve`.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_cancel(
    center: *const SsTaskCenter,
    id: u64,
    actor_json: *const c_char,
    comment: *const c_char,
    out_status: *mut SsTaskStatus,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    // SAFETY: the same contract.
    unsafe {
        decide(
            Decision::Cancel,
            center,
            id,
            actor_json,
            comment,
            out_status,
            out_task_json,
        )
    }
}

/// Ask executing task `id` to stop before its next statement (safe from any
/// thread). `SS_INVALID_TRANSITION` when the task is not executing.
///
/// # Safety
/// `center` must be a live task center; `actor_json` and `comment`
/// NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_abort(
    center: *const SsTaskCenter,
    id: u64,
    actor_json: *const c_char,
    comment: *const c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, who, comment) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::text(actor_json, "actor_json")?,
                ptr::text(comment, "comment")?,
            )
        };
        let who = actor(who)?;
        Ok(center.inner.abort(id, &who, comment)?)
    })
}

/// The host layer's `execute` or `resume`, as both take their task.
type RunTask = fn(&Center, TaskId, &str, &mut dyn Executor) -> Result<Task, Error>;

/// What `ss_task_center_execute` and `ss_task_center_resume` share: read the
/// arguments, run the task through the host layer's `run` (the plan's own
/// naming rule and shadow policy, the lease heartbeat), give the finished
/// task.
///
/// # Safety
/// As for `ss_task_center_execute`.
unsafe fn run_task(
    center: *const SsTaskCenter,
    id: u64,
    worker: *const c_char,
    executor: *mut SsExecutor,
    out_status: *mut SsTaskStatus,
    out_task_json: *mut *mut c_char,
    run: RunTask,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, worker, executor, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::text(worker, "worker")?,
                ptr::handle_mut(executor, "executor")?,
                TaskOut::new(out_status, out_task_json),
            )
        };
        let task = run(&center.inner, id, worker, executor.inner.as_mut())?;
        out.put(&task, status_of)
    })
}

/// Claim waiting task `id` for worker `worker` and run it to its end through
/// `executor` (which must be on the task's database): precheck, statements,
/// verification, with the naming rule and shadow policy the task's plan was
/// analysed with. While it runs, its progress goes to the callback set by
/// `ss_task_center_set_progress`, the worker's lease is renewed and an
/// abort request (`ss_task_center_abort`, from any thread or process)
/// interrupts the running statement where the executor can be interrupted
/// (a connection opened by `ss_executor_connect`).
///
/// Both results are optional (NULL: not wanted): `*out_status` is the
/// status the task ended in (`SS_TASK_STATUS_SUCCEEDED`, `_FAILED`, …; the
/// id is `id`), `*out_task_json` the finished task as `ss_task_center_task`
/// gives it, owned by the caller. A failed table is reported in the task,
/// not as an error.
///
/// # Safety
/// `center` must be a live task center; `executor` a live executor not in
/// use by another thread; `worker` a NUL-terminated string; `out_status`
/// and `out_task_json` as for `ss_task_center_approve`.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_execute(
    center: *const SsTaskCenter,
    id: u64,
    worker: *const c_char,
    executor: *mut SsExecutor,
    out_status: *mut SsTaskStatus,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    // SAFETY: per this function's contract.
    unsafe {
        run_task(
            center,
            id,
            worker,
            executor,
            out_status,
            out_task_json,
            host::execute,
        )
    }
}

/// Take over executing task `id` (this worker's own, or one whose holder's
/// lease has expired) for worker `worker` and finish it through `executor`
/// (on the task's database); as `ss_task_center_execute` otherwise.
/// Statements already applied are not run again. `SS_INVALID_TRANSITION`
/// when the task is not executing; `SS_INVALID_REQUEST` when another worker
/// resumed it meanwhile or still holds a live lease on it.
///
/// # Safety
/// As for `ss_task_center_execute`.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_resume(
    center: *const SsTaskCenter,
    id: u64,
    worker: *const c_char,
    executor: *mut SsExecutor,
    out_status: *mut SsTaskStatus,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    // SAFETY: per this function's contract.
    unsafe {
        run_task(
            center,
            id,
            worker,
            executor,
            out_status,
            out_task_json,
            host::resume,
        )
    }
}

/// Move every overdue task to `approval_expired` or `execution_expired`.
/// `*out_json` is a due report as `ss_task_center_run_due` gives it, with
/// only `expired` filled (`[{"id":ID,"status":"approval_expired"}]`; the
/// other lists are empty), owned by the caller.
///
/// # Safety
/// `center` must be a live task center; `out_json` must point to writable
/// storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_expire_overdue(
    center: *const SsTaskCenter,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let center = unsafe { ptr::handle(center, "center")? };
        let pass = DuePass {
            report: DueReport {
                expired: center.inner.expire_overdue()?,
                ..DueReport::default()
            },
            ..DuePass::default()
        };
        let json = view(&DueReportView::of(&pass))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

/// One scheduling pass for worker `worker`: expire overdue tasks, resume
/// the tasks `worker` itself left executing, then claim and run every due
/// task, all through `executor` (progress to the callback, as for
/// `ss_task_center_execute`). Every due task must be on the executor's
/// database: a task on another one is reported in `not_started` (and left
/// waiting), not run. Tasks are prechecked and verified with the shadow
/// policy they were analysed with. `*out_json` is the report, owned by the
/// caller: `{"schema_version":1,"kind":"due_report",
/// "expired":[{"id":ID,"status":…}],"finished":[{"id":ID,"status":…}],
/// "not_claimed":[{"id":ID,"reason":null}],"not_started":[{"id":ID,"reason":…}],
/// "interrupted":[{"id":ID,"reason":…}]}` (`interrupted`: the connection
/// was lost mid-run; the task is left executing, to be resumed).
///
/// # Safety
/// `center` must be a live task center; `executor` a live executor not in
/// use by another thread; `worker` a NUL-terminated string; `out_json` must
/// point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_run_due(
    center: *const SsTaskCenter,
    worker: *const c_char,
    executor: *mut SsExecutor,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, worker, executor) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::text(worker, "worker")?,
                ptr::handle_mut(executor, "executor")?,
            )
        };
        let mut connector = SingleExecutor(executor.inner.as_mut());
        let report = host::run_due(&center.inner, worker, &mut connector)?;
        let json = view(&DueReportView::of(&report))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

/// Task `id` as the JSON every front end gives for a task, pretty and
/// ending with a newline: `{"schema_version":1,"kind":"task","id":…,
/// "status":"succeeded",…,"counts":{"total":…,"waiting":…,"running":…,
/// "succeeded":…,"failed":…,"skipped":…},"tables":[{"source":…,"shadow":…,
/// "action":…,"status":…,"error":…,"statements":[{"sql":…,"status":…,
/// "error":…}]}]}` (times RFC 3339 UTC), owned by the caller.
/// `SS_NOT_FOUND` if there is none.
///
/// # Safety
/// `center` must be a live task center; `out_task_json` must point to
/// writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_task(
    center: *const SsTaskCenter,
    id: u64,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let center = unsafe { ptr::handle(center, "center")? };
        let json = view(&TaskView::of(&center.inner.task(id)?))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_task_json, "out_task_json", json) }
    })
}

/// The status of task `id`, as it stands now, into `*out_status`.
/// `SS_NOT_FOUND` if there is none.
///
/// # Safety
/// `center` must be a live task center; `out_status` must point to writable
/// storage for an `ss_task_status`.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_task_status(
    center: *const SsTaskCenter,
    id: u64,
    out_status: *mut SsTaskStatus,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::out_value(out_status, "out_status")?,
            )
        };
        *out = status_of(&center.inner.task(id)?);
        Ok(())
    })
}

/// How many tables of task `id` are in each status, as they stand now,
/// into `*out_counts` (the `counts` of the task's JSON). `SS_NOT_FOUND` if
/// there is no task `id`.
///
/// # Safety
/// `center` must be a live task center; `out_counts` must point to
/// writable storage for an `ss_table_counts`.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_task_counts(
    center: *const SsTaskCenter,
    id: u64,
    out_counts: *mut SsTableCounts,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::out_value(out_counts, "out_counts")?,
            )
        };
        *out = TableCounts::of(&center.inner.task(id)?).into();
        Ok(())
    })
}

/// One page of tasks as JSON, pretty and ending with a newline:
/// `{"schema_version":1,"kind":"task_page","total":N,"items":[{"id":…,
/// "status":…,"creator":…,"connection":…,"database":…,"created_at":…,
/// "remarks":…}]}`. `query_json` (optional, NULL for the defaults: last 48
/// hours, newest first, 20 per page) gives some of the fields `window`
/// (`{"kind":"recent"}`, `{"kind":"since","at":MS}`, `{"kind":"all"}`),
/// `connection`, `database`, `creator`, `statuses`, `sort`
/// (`created_at|status`), `descending`, `page`, `page_size`.
///
/// # Safety
/// `center` must be a live task center; `query_json` NULL or a
/// NUL-terminated string; `out_json` must point to writable storage for a
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_list(
    center: *const SsTaskCenter,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, query) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::optional_text(query_json, "query_json")?,
            )
        };
        let query: TaskQuery = over_default(query, "query_json")?;
        let json = view(&TaskPageView::of(&center.inner.list(&query)?))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

/// The timeline of task `id` (who did what when, oldest first) as JSON,
/// pretty and ending with a newline: `{"schema_version":1,
/// "kind":"timeline","task":ID,"events":[{"at":…,"actor":…,
/// "action":{"kind":…},"comment":…}]}`, owned by the caller.
///
/// # Safety
/// `center` must be a live task center; `out_json` must point to writable
/// storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_timeline(
    center: *const SsTaskCenter,
    id: u64,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let center = unsafe { ptr::handle(center, "center")? };
        let json = view(&TimelineView::of(id, &center.inner.timeline(id)?))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

/// The log of task `id`, oldest first, as JSON, pretty and ending with a
/// newline: `{"schema_version":1,"kind":"logs","task":ID,"entries":[{"at":…,
/// "level":"INFO|WARN|ERROR","message":…}]}`, owned by the caller.
/// `filter_json` (optional, NULL: every entry) gives `alerts_only` (WARN
/// and ERROR only) and/or `contains` (text, any case).
///
/// # Safety
/// `center` must be a live task center; `filter_json` NULL or a
/// NUL-terminated string; `out_json` must point to writable storage for a
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_logs(
    center: *const SsTaskCenter,
    id: u64,
    filter_json: *const c_char,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, filter) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::optional_text(filter_json, "filter_json")?,
            )
        };
        let filter: LogFilter = over_default(filter, "filter_json")?;
        let json = view(&LogsView::of(id, &center.inner.logs(id, &filter)?))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

/// The log of task `id` as text, one `time level message` line per entry
/// (ISO-8601 UTC), owned by the caller; `filter_json` as for
/// `ss_task_center_logs`.
///
/// # Safety
/// As for `ss_task_center_logs`.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_export_logs(
    center: *const SsTaskCenter,
    id: u64,
    filter_json: *const c_char,
    out_text: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, filter) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::optional_text(filter_json, "filter_json")?,
            )
        };
        let filter: LogFilter = over_default(filter, "filter_json")?;
        let text = center.inner.export_logs(id, &filter)?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_text, "out_text", text) }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;
    use std::sync::Mutex;

    use serde_json::{json, Value};
    use shadowsync_core::{Flavor, Relation, RelationKind, ServerInfo};

    use super::*;
    use crate::analysis::{ss_analysis_free, ss_analyze_snapshot};
    use crate::executor::ss_executor_free;
    use crate::ptr::ss_string_free;
    use crate::status::{
        ss_last_error_message, SS_INVALID_REQUEST, SS_INVALID_TRANSITION, SS_NOT_FOUND,
        SS_NULL_ARG, SS_OK,
    };

    const SOURCE: &str = "CREATE TABLE `t` (\n  `id` int NOT NULL,\n  PRIMARY KEY (`id`)\n)";
    const URL: &CStr = c"mysql://u:secret@db:3306";

    /// A server holding the DDL of the tables of one database; a `CREATE
    /// TABLE` it runs adds a table.
    struct FakeServer {
        database: String,
        tables: BTreeMap<String, String>,
    }

    impl Executor for FakeServer {
        fn server_info(&mut self) -> Result<ServerInfo, Error> {
            Ok(ServerInfo {
                flavor: Flavor::Mysql,
                version: "8.0.36".into(),
                database: self.database.clone(),
                lower_case_table_names: 0,
                max_identifier_length: 64,
            })
        }
        fn list_relations(&mut self) -> Result<Vec<Relation>, Error> {
            Ok(self
                .tables
                .keys()
                .map(|name| Relation {
                    name: name.clone(),
                    kind: RelationKind::Table,
                })
                .collect())
        }
        fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>, Error> {
            Ok(names.iter().map(|n| self.tables.get(n).cloned()).collect())
        }
        fn execute(&mut self, sql: &str) -> Result<(), Error> {
            let name = sql
                .strip_prefix("CREATE TABLE `")
                .and_then(|rest| rest.split('`').next())
                .ok_or_else(|| Error::Executor(format!("unexpected statement: {sql}")))?;
            self.tables.insert(name.to_string(), sql.to_string());
            Ok(())
        }
    }

    fn executor(database: &str) -> *mut SsExecutor {
        let tables = BTreeMap::from([("t".to_string(), SOURCE.to_string())]);
        ptr::into_handle(SsExecutor {
            inner: Box::new(FakeServer {
                database: database.into(),
                tables,
            }),
        })
    }

    /// An analysis of the snapshot of `database` holding `tables`, with the
    /// default request.
    fn analysis(database: &str, tables: &[(&str, &str)]) -> *mut SsAnalysis {
        let snapshot = json!({
            "server": {"flavor": "mysql", "version": "8.0.36", "database": database,
                       "lower_case_table_names": 0, "max_identifier_length": 64},
            "relations": tables.iter().map(|(n, _)| json!({"name": n, "kind": "table"})).collect::<Vec<_>>(),
            "ddl": tables.iter().map(|(n, d)| (n.to_string(), json!(d))).collect::<serde_json::Map<_, _>>(),
        });
        let snapshot = CString::new(snapshot.to_string()).unwrap();
        let mut out = null_mut();
        // SAFETY: valid strings and out slot.
        let status = unsafe { ss_analyze_snapshot(snapshot.as_ptr(), std::ptr::null(), &mut out) };
        assert_eq!(status, SS_OK, "{}", last_message());
        out
    }

    fn last_message() -> String {
        // SAFETY: set by the failed call on this thread.
        unsafe { CStr::from_ptr(ss_last_error_message()) }
            .to_string_lossy()
            .into_owned()
    }

    /// The status of `call` and the string it gave (or the error message).
    fn call(call: impl FnOnce(*mut *mut c_char) -> SsStatus) -> (SsStatus, String) {
        let mut out = null_mut();
        let status = call(&mut out);
        if status != SS_OK {
            assert!(out.is_null());
            return (status, last_message());
        }
        // SAFETY: a string returned by the library, freed once.
        let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_string();
        unsafe { ss_string_free(out) };
        (status, text)
    }

    fn ok_text(result: (SsStatus, String)) -> String {
        assert_eq!(result.0, SS_OK, "{}", result.1);
        result.1
    }

    fn ok_json(result: (SsStatus, String)) -> Value {
        serde_json::from_str(&ok_text(result)).unwrap()
    }

    fn center() -> *mut SsTaskCenter {
        let mut center = null_mut();
        // SAFETY: a valid out slot.
        assert_eq!(unsafe { ss_task_center_new_in_memory(&mut center) }, SS_OK);
        center
    }

    /// Submit `analysis` by alice; the new task's id, and its JSON.
    fn submit(center: *mut SsTaskCenter, analysis: *mut SsAnalysis) -> (u64, Value) {
        let mut id = 0;
        // SAFETY: live handles, valid strings and out slots.
        let task = ok_json(call(|out| unsafe {
            ss_task_center_submit(
                center,
                analysis,
                URL.as_ptr(),
                c"{\"creator\":\"alice\"}".as_ptr(),
                &mut id,
                out,
            )
        }));
        assert_eq!(task["id"], json!(id));
        (id, task)
    }

    #[test]
    fn flows_round_trip_and_nothing_is_overdue() {
        let center = center();
        let flows = json!([{"name": "dba", "nodes": [{"name": "review", "approvers": {"role": "dba"}}],
            "rules": [{"connection": "*", "database": "shop"}],
            "approval_expiry_ms": 3_600_000, "execution_expiry_ms": 7_200_000}]);
        // SAFETY: live handle, valid strings and out slots.
        unsafe {
            assert_eq!(
                ok_json(call(|out| ss_task_center_flows(center, out))),
                json!([])
            );
            let text = CString::new(flows.to_string()).unwrap();
            assert_eq!(ss_task_center_set_flows(center, text.as_ptr()), SS_OK);
            assert_eq!(
                ok_json(call(|out| ss_task_center_flows(center, out))),
                flows
            );
            let report = ok_text(call(|out| ss_task_center_expire_overdue(center, out)));
            assert_eq!(
                report,
                view(&DueReportView::of(&DuePass::default())).unwrap()
            );
            let (status, _) = call(|out| ss_task_center_flows(std::ptr::null(), out));
            assert_eq!(status, SS_NULL_ARG);
            ss_task_center_free(center);
        }
    }

    #[test]
    fn tasks_and_their_records_are_the_host_views_and_scalars() {
        let center = center();
        let shop = analysis("shop", &[("t", SOURCE)]);
        let ex = executor("shop");
        // SAFETY: live handles, valid strings and out slots.
        unsafe {
            // Only the id is wanted: NULL for the JSON.
            let mut id = 0;
            let status = ss_task_center_submit(
                center,
                shop,
                URL.as_ptr(),
                c"{\"creator\":\"alice\",\"on_error\":\" Continue\"}".as_ptr(),
                &mut id,
                null_mut(),
            );
            assert_eq!(status, SS_OK, "{}", last_message());
            let task = (*center).inner.task(id).unwrap();
            assert_eq!(
                task.spec.on_error,
                shadowsync_core::task::ErrorStrategy::Continue
            );
            let mut before = SsTaskStatus::Aborted;
            assert_eq!(ss_task_center_task_status(center, id, &mut before), SS_OK);
            assert_eq!(before, SsTaskStatus::WaitingForExecution);

            let mut ended = SsTaskStatus::PendingApproval;
            let run = ok_text(call(|out| {
                ss_task_center_execute(center, id, c"w1".as_ptr(), ex, &mut ended, out)
            }));
            assert_eq!(ended, SsTaskStatus::Succeeded);
            let task = (*center).inner.task(id).unwrap();
            assert_eq!(run, view(&TaskView::of(&task)).unwrap());
            assert!(run.ends_with("}\n"), "{run}");

            let shown = ok_text(call(|out| ss_task_center_task(center, id, out)));
            assert_eq!(shown, run);
            let value: Value = serde_json::from_str(&shown).unwrap();
            assert_eq!(
                (&value["kind"], &value["status"]),
                (&json!("task"), &json!("succeeded"))
            );
            let mut counts = SsTableCounts::default();
            assert_eq!(ss_task_center_task_counts(center, id, &mut counts), SS_OK);
            assert_eq!(counts, TableCounts::of(&task).into());
            assert_eq!((counts.total, counts.succeeded), (1, 1));

            let timeline = ok_text(call(|out| ss_task_center_timeline(center, id, out)));
            let events = (*center).inner.timeline(id).unwrap();
            assert_eq!(timeline, view(&TimelineView::of(id, &events)).unwrap());
            let logs = ok_text(call(|out| {
                ss_task_center_logs(center, id, std::ptr::null(), out)
            }));
            let entries = (*center).inner.logs(id, &LogFilter::all()).unwrap();
            assert_eq!(logs, view(&LogsView::of(id, &entries)).unwrap());
            let page = ok_text(call(|out| {
                ss_task_center_list(center, std::ptr::null(), out)
            }));
            let tasks = (*center).inner.list(&TaskQuery::default()).unwrap();
            assert_eq!(page, view(&TaskPageView::of(&tasks)).unwrap());

            // Unknown tasks and missing out-parameters.
            assert_eq!(
                ss_task_center_task_status(center, 999, &mut ended),
                SS_NOT_FOUND
            );
            assert_eq!(
                ss_task_center_task_counts(center, 999, &mut counts),
                SS_NOT_FOUND
            );
            assert_eq!(
                ss_task_center_task_status(center, id, null_mut()),
                SS_NULL_ARG
            );
            assert_eq!(
                ss_task_center_task_counts(center, id, null_mut()),
                SS_NULL_ARG
            );
            assert_eq!(
                call(|out| ss_task_center_timeline(center, 999, out)).0,
                SS_NOT_FOUND
            );
            assert_eq!(
                call(|out| ss_task_center_logs(center, 999, std::ptr::null(), out)).0,
                SS_NOT_FOUND
            );

            // A word the host parser does not know.
            let (status, message) = call(|out| {
                ss_task_center_submit(
                    center,
                    shop,
                    URL.as_ptr(),
                    c"{\"creator\":\"alice\",\"on_error\":\"retry\"}".as_ptr(),
                    null_mut(),
                    out,
                )
            });
            assert_eq!(status, SS_INVALID_REQUEST);
            assert!(message.contains("`retry`"), "{message}");
            let (status, message) = call(|out| {
                ss_task_center_submit(
                    center,
                    shop,
                    URL.as_ptr(),
                    c"{\"creator\":\" \"}".as_ptr(),
                    null_mut(),
                    out,
                )
            });
            assert_eq!(status, SS_INVALID_REQUEST, "{message}");

            ss_analysis_free(shop);
            ss_executor_free(ex);
            ss_task_center_free(center);
        }
    }

    /// The events a progress callback heard.
    #[derive(Default)]
    struct Heard(Mutex<Vec<Value>>);

    unsafe extern "C" fn hear(user_data: *mut c_void, event_json: *const c_char) {
        // SAFETY: the test passes a live `Heard`, the library a C string.
        let (heard, text) = unsafe { (&*(user_data as *const Heard), CStr::from_ptr(event_json)) };
        let event = serde_json::from_str(text.to_str().unwrap()).unwrap();
        heard.0.lock().unwrap().push(event);
    }

    #[test]
    fn progress_reaches_the_callback_while_it_is_set() {
        let center = center();
        let shop = analysis("shop", &[("t", SOURCE)]);
        let ex = executor("shop");
        let heard = Heard::default();
        let data = &heard as *const Heard as *mut c_void;
        let (first, _) = submit(center, shop);
        let (second, _) = submit(center, shop);
        // SAFETY: live handles; `heard` outlives the callback's use.
        unsafe {
            assert_eq!(ss_task_center_set_progress(center, Some(hear), data), SS_OK);
            let status =
                ss_task_center_execute(center, first, c"w".as_ptr(), ex, null_mut(), null_mut());
            assert_eq!(status, SS_OK, "{}", last_message());
            let kinds: Vec<String> = heard
                .0
                .lock()
                .unwrap()
                .iter()
                .map(|e| e["event"].as_str().unwrap().to_string())
                .collect();
            for kind in [
                "task_started",
                "table_started",
                "statement_sent",
                "task_finished",
            ] {
                assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
            }
            let events = heard.0.lock().unwrap().clone();
            assert_eq!(
                events.last().unwrap(),
                &json!({"event": "task_finished", "task": first, "status": "succeeded"})
            );
            let sent = events
                .iter()
                .find(|e| e["event"] == "statement_sent")
                .unwrap();
            assert_eq!(
                (&sent["table"], &sent["statement"]),
                (&json!("t"), &json!(1))
            );

            // Cleared: the second task runs unheard.
            assert_eq!(ss_task_center_set_progress(center, None, null_mut()), SS_OK);
            let heard_before = heard.0.lock().unwrap().len();
            let status =
                ss_task_center_execute(center, second, c"w".as_ptr(), ex, null_mut(), null_mut());
            assert_eq!(status, SS_OK, "{}", last_message());
            assert_eq!(heard.0.lock().unwrap().len(), heard_before);
            assert_eq!(
                ss_task_center_set_progress(std::ptr::null(), None, null_mut()),
                SS_NULL_ARG
            );
            ss_analysis_free(shop);
            ss_executor_free(ex);
            ss_task_center_free(center);
        }
    }

    #[test]
    fn run_due_runs_the_tasks_on_the_executors_database_and_initiate_again_follows() {
        let center = center();
        let shop = analysis("shop", &[("t", SOURCE)]);
        let other = analysis("other", &[("t", SOURCE)]);
        let ex = executor("shop");
        let (first, task) = submit(center, shop);
        let (elsewhere, _) = submit(center, other);
        assert_eq!(task["status"], "waiting_for_execution");

        // SAFETY: live handles, valid strings and out slots.
        unsafe {
            // Nothing is executing: there is nothing to resume.
            let (status, message) = call(|out| {
                ss_task_center_resume(center, first, c"w2".as_ptr(), ex, null_mut(), out)
            });
            assert_eq!(status, SS_INVALID_TRANSITION, "{message}");

            let report = ok_json(call(|out| {
                ss_task_center_run_due(center, c"w1".as_ptr(), ex, out)
            }));
            assert_eq!(report["kind"], "due_report");
            assert_eq!(report["expired"], json!([]));
            assert_eq!(
                report["finished"],
                json!([{"id": first, "status": "succeeded"}])
            );
            assert_eq!(report["not_claimed"], json!([]));
            let not_started = report["not_started"].as_array().unwrap();
            assert_eq!(not_started.len(), 1, "{report}");
            assert_eq!(not_started[0]["id"], json!(elsewhere));
            assert!(
                not_started[0]["reason"]
                    .as_str()
                    .unwrap()
                    .contains("`other`"),
                "{report}"
            );
            let mut status = SsTaskStatus::Aborted;
            assert_eq!(
                ss_task_center_task_status(center, elsewhere, &mut status),
                SS_OK
            );
            assert_eq!(status, SsTaskStatus::WaitingForExecution);

            // The executor is back in its handle, with the shadow created.
            let ex_ref = &mut *ex;
            assert_eq!(ex_ref.inner.server_info().unwrap().database, "shop");
            let shadow = ex_ref.inner.show_create_tables(&["__t".into()]).unwrap();
            assert!(shadow[0].is_some());

            // Again, from a fresh analysis of the old plan's tables.
            let mut fresh = null_mut();
            assert_eq!(
                ss_task_center_analyze_again(center, first, ex, &mut fresh),
                SS_OK,
                "{}",
                last_message()
            );
            assert_eq!((&(*fresh).inner.tables)[0].source, "t");
            let mut again_id = 0;
            let again = ok_json(call(|out| {
                ss_task_center_initiate_again(
                    center,
                    first,
                    fresh,
                    c"mysql://u:other@db:3306".as_ptr(),
                    c"{\"creator\":\"bob\"}".as_ptr(),
                    &mut again_id,
                    out,
                )
            }));
            assert_eq!(again["id"], json!(again_id));
            assert_eq!(again["creator"], "bob");
            assert_eq!(again["initiated_from"], json!(first));
            let (status, message) = call(|out| {
                ss_task_center_initiate_again(
                    center,
                    first,
                    other,
                    URL.as_ptr(),
                    c"{\"creator\":\"bob\"}".as_ptr(),
                    null_mut(),
                    out,
                )
            });
            assert_eq!(status, SS_INVALID_REQUEST, "{message}");
            assert!(message.contains("database"), "{message}");
            let (status, _) = call(|out| {
                ss_task_center_initiate_again(
                    center,
                    999,
                    fresh,
                    URL.as_ptr(),
                    c"{\"creator\":\"bob\",\"mode\":{\"kind\":\"immediate\"}}".as_ptr(),
                    null_mut(),
                    out,
                )
            });
            assert_eq!(status, SS_NOT_FOUND);
            let mut none = null_mut();
            assert_eq!(
                ss_task_center_analyze_again(center, 999, ex, &mut none),
                SS_NOT_FOUND
            );
            assert!(none.is_null());
            let (status, _) = call(|out| {
                ss_task_center_initiate_again(
                    center,
                    first,
                    fresh,
                    URL.as_ptr(),
                    c"{\"creator\":\"bob\",\"when\":1}".as_ptr(),
                    null_mut(),
                    out,
                )
            });
            assert_eq!(status, SS_INVALID_REQUEST);

            for a in [shop, other, fresh] {
                ss_analysis_free(a);
            }
            ss_executor_free(ex);
            ss_task_center_free(center);
        }
    }

    #[test]
    fn decisions_give_the_status_reached() {
        let center = center();
        let shop = analysis("shop", &[("t", SOURCE)]);
        let (id, _) = submit(center, shop);
        // SAFETY: live handles, valid strings and out slots.
        unsafe {
            let mut status = SsTaskStatus::Executing;
            let task = ok_json(call(|out| {
                ss_task_center_cancel(
                    center,
                    id,
                    c"{\"name\":\"alice\"}".as_ptr(),
                    c"not today".as_ptr(),
                    &mut status,
                    out,
                )
            }));
            assert_eq!(status, SsTaskStatus::Cancelled);
            assert_eq!(task["status"], "cancelled");
            let status_before = status;
            let (code, message) = call(|out| {
                ss_task_center_approve(
                    center,
                    id,
                    c"{\"name\":\"bob\"}".as_ptr(),
                    c"".as_ptr(),
                    &mut status,
                    out,
                )
            });
            assert_eq!(code, SS_INVALID_TRANSITION, "{message}");
            assert_eq!(status, status_before, "untouched on failure");
            ss_analysis_free(shop);
            ss_task_center_free(center);
        }
    }
}
