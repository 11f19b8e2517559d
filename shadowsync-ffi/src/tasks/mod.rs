//! The task center: submission, approval, execution, queries and logs, over
//! an SQLite file, a server database or memory, on the system clock. Tasks
//! and their records go out as the host layer's views; a task's id, status
//! and table counts also as plain values.

use std::ffi::{c_char, c_void};

use serde::Deserialize;
use shadowsync::host;
use shadowsync::host::options::{again_request, parse_error_strategy};
use shadowsync::host::view::{
    DueReportView, LogsView, TableCounts, TaskPageView, TaskView, TimelineView,
};
use shadowsync::host::{open_store, read_flows, DuePass, DynStore, FlowSyntax, SubmitOptions};
use shadowsync_core::analysis::analyze;
use shadowsync_core::task::{
    Actor, DueReport, ExecutionMode, LogFilter, MemoryStore, SingleExecutor, Task, TaskCenter,
    TaskId, TaskQuery,
};
use shadowsync_core::{Error, Executor};
use shadowsync_store::SystemClock;

use crate::analysis::SsAnalysis;
use crate::executor::SsExecutor;
use crate::json::{compact, from_json, over_default};
use crate::progress::{ProgressRelay, SsProgressFn};
use crate::ptr;
use crate::status::{guard, SsStatus};
use crate::task_status::{SsTableCounts, SsTaskStatus};
use shadowsync::host::to_json;

/// A task center. Its functions may be called from several threads at once
/// (and several processes may open the same store). Release with
/// `ss_task_center_free`.
pub struct SsTaskCenter {
    inner: Center,
    progress: ProgressRelay,
}

/// The center behind every handle: its store is chosen when it is opened.
type Center = TaskCenter<DynStore, SystemClock>;

impl SsTaskCenter {
    /// A handle on a center over `store`; the runs it starts tell their
    /// progress to its relay.
    fn new(store: DynStore) -> SsTaskCenter {
        SsTaskCenter {
            inner: TaskCenter::new(store, SystemClock),
            progress: ProgressRelay::default(),
        }
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
    #[serde(default)]
    parallel: Option<u32>,
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
    if let Some(parallel) = spec.parallel {
        options.parallel = parallel;
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
        ptr::put_optional_string(self.json, || to_json(&TaskView::of(task)))?;
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
/// `{"role":"…"}` or `{"users":["…"]}`; omitted expiries are 24 h,
/// `forbid_self_approval` true, `allow_delegated_identity` false). Every
/// flow is checked before any is replaced, as the CLI's `flow set` checks
/// its files (`shadowsync::host::read_flows`): an unknown field or an empty
/// name is `SS_INVALID_REQUEST` naming the flow and the field. Tasks
/// matching no flow are approved automatically.
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
        let flows = read_flows(text, FlowSyntax::Json)?;
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
/// "mode":{"kind":"immediate"}|{"kind":"scheduled","at":UNIX_MS},"parallel":N}`;
/// only `creator` is required (the defaults: no remarks, `abort`,
/// `immediate`, 1 statement at a time; `parallel` is 1 to 32).
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

/// A task's status as the C enum.
fn status_of(task: &Task) -> SsTaskStatus {
    task.state.status.into()
}

mod decide;
mod fleet;
mod query;
mod run;
#[cfg(test)]
mod tests;
mod watch;

pub use decide::*;
pub use fleet::*;
pub use query::*;
pub use run::*;
pub use watch::*;
