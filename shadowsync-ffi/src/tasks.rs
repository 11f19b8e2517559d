//! The task center: submission, approval, execution, queries and logs, over
//! an SQLite file or in memory, on the system clock.

use std::ffi::c_char;

use serde::Deserialize;
use shadowsync_core::analysis::rewrite::ShadowPolicy;
use shadowsync_core::analysis::ShadowInspector;
use shadowsync_core::task::flow::ApprovalFlow;
use shadowsync_core::task::{
    Actor, ErrorStrategy, ExecutionMode, LogFilter, MemoryStore, SubmitRequest, TaskCenter, TaskId,
    TaskQuery,
};
use shadowsync_core::Error;
use shadowsync_store::{SqliteStore, SystemClock};

use crate::analysis::SsAnalysis;
use crate::executor::SsExecutor;
use crate::json::{from_json, over_default, to_json};
use crate::ptr;
use crate::status::{guard, SsStatus};

/// A task center. Its functions may be called from several threads at once
/// (and several processes may open the same SQLite file). Release with
/// `ss_task_center_free`.
pub struct SsTaskCenter {
    inner: Center,
}

/// The centers the C ABI offers.
enum Center {
    Sqlite(TaskCenter<SqliteStore, SystemClock>),
    Memory(TaskCenter<MemoryStore, SystemClock>),
}

/// `$body` with `$c` bound to the task center of `$center`, whatever its store.
macro_rules! with_center {
    ($center:expr, $c:ident => $body:expr) => {
        match &$center.inner {
            Center::Sqlite($c) => $body,
            Center::Memory($c) => $body,
        }
    };
}

/// What `actor_json` holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorSpec {
    name: String,
    #[serde(default)]
    roles: Vec<String>,
}

/// What `submit_json` holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubmitSpec {
    creator: String,
    #[serde(default)]
    remarks: String,
    #[serde(default = "abort_on_error")]
    on_error: ErrorStrategy,
    #[serde(default = "immediately")]
    mode: ExecutionMode,
}

fn abort_on_error() -> ErrorStrategy {
    ErrorStrategy::Abort
}

fn immediately() -> ExecutionMode {
    ExecutionMode::Immediate
}

fn actor(text: &str) -> Result<Actor, Error> {
    let spec: ActorSpec = from_json(text, "actor_json")?;
    Ok(Actor {
        name: spec.name,
        roles: spec.roles,
    })
}

/// Opens a task center on the SQLite database at `path` (created if needed).
///
/// # Safety
/// `path` must be a NUL-terminated string; `out` must point to writable
/// storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_open(
    path: *const c_char,
    out: *mut *mut SsTaskCenter,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (path, out) = unsafe { (ptr::text(path, "path")?, ptr::out_slot(out, "out")?) };
        let store = SqliteStore::open(path)?;
        *out = ptr::into_handle(SsTaskCenter {
            inner: Center::Sqlite(TaskCenter::new(store, SystemClock)),
        });
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
        *out = ptr::into_handle(SsTaskCenter {
            inner: Center::Memory(TaskCenter::new(MemoryStore::new(), SystemClock)),
        });
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
        Ok(with_center!(center, c => c.set_flows(&flows))?)
    })
}

/// Freeze `analysis` (with the user's skips) into a new task on
/// `connection` (a URL; stored with its password redacted).
/// `submit_json` is `{"creator":"alice","remarks":"…","on_error":"abort|continue",
/// "mode":{"kind":"immediate"}|{"kind":"scheduled","at":UNIX_MS}}`; only
/// `creator` is required. `*out_task_json` is the task as JSON, owned by the
/// caller.
///
/// # Safety
/// `center` and `analysis` must be live handles; `connection` and
/// `submit_json` NUL-terminated strings; `out_task_json` must point to
/// writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_submit(
    center: *const SsTaskCenter,
    analysis: *const SsAnalysis,
    connection: *const c_char,
    submit_json: *const c_char,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, analysis, connection, text) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::handle(analysis, "analysis")?,
                ptr::text(connection, "connection")?,
                ptr::text(submit_json, "submit_json")?,
            )
        };
        let spec: SubmitSpec = from_json(text, "submit_json")?;
        let request = SubmitRequest {
            plan: analysis.inner.freeze(connection),
            creator: spec.creator,
            mode: spec.mode,
            on_error: spec.on_error,
            remarks: spec.remarks,
        };
        let task = with_center!(center, c => c.submit(request))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_task_json, "out_task_json", to_json(&task)?) }
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
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per the caller's contract.
        let (center, who, comment) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::text(actor_json, "actor_json")?,
                ptr::text(comment, "comment")?,
            )
        };
        let who = actor(who)?;
        let task = with_center!(center, c => match decision {
            Decision::Approve => c.approve(id, &who, comment),
            Decision::Reject => c.reject(id, &who, comment),
            Decision::Cancel => c.cancel(id, &who, comment),
        })?;
        // SAFETY: per the caller's contract.
        unsafe { ptr::put_string(out_task_json, "out_task_json", to_json(&task)?) }
    })
}

/// `actor_json` (`{"name":"bob","roles":["dba"]}`) approves the current
/// approval node of task `id`. `*out_task_json` is the task after the
/// decision, owned by the caller. `SS_INVALID_TRANSITION` when the task is
/// not pending approval.
///
/// # Safety
/// `center` must be a live task center; `actor_json` and `comment`
/// NUL-terminated strings; `out_task_json` must point to writable storage
/// for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_approve(
    center: *const SsTaskCenter,
    id: u64,
    actor_json: *const c_char,
    comment: *const c_char,
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
        Ok(with_center!(center, c => c.abort(id, &who, comment))?)
    })
}

/// The inspector that prechecks and verifies the tables of task `id`: the
/// task's naming rule with `policy`.
fn inspector<S, C>(
    center: &TaskCenter<S, C>,
    id: TaskId,
    policy: ShadowPolicy,
) -> Result<ShadowInspector, Error>
where
    S: shadowsync_core::task::Store,
    C: shadowsync_core::Clock,
{
    let mut plan = center.task(id)?.spec.plan;
    plan.policy = policy;
    ShadowInspector::for_plan(&plan)
}

/// Claim waiting task `id` for worker `worker` and run it to its end through
/// `executor` (which must be on the task's database): precheck, statements,
/// verification. `policy_json` (optional, NULL for the defaults) gives
/// fields of the shadow policy the analysis used, e.g.
/// `{"copy_auto_increment":true}`. `*out_task_json` is the finished task,
/// owned by the caller; a failed table is reported in the task, not as an
/// error.
///
/// # Safety
/// `center` must be a live task center; `executor` a live executor not in
/// use by another thread; `worker` a NUL-terminated string; `policy_json`
/// NULL or a NUL-terminated string; `out_task_json` must point to writable
/// storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_execute(
    center: *const SsTaskCenter,
    id: u64,
    worker: *const c_char,
    executor: *mut SsExecutor,
    policy_json: *const c_char,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, worker, executor, policy) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::text(worker, "worker")?,
                ptr::handle_mut(executor, "executor")?,
                ptr::optional_text(policy_json, "policy_json")?,
            )
        };
        let policy: ShadowPolicy = over_default(policy, "policy_json")?;
        let task = with_center!(center, c => {
            let mut inspector = inspector(c, id, policy)?;
            c.execute(id, worker, executor.inner.as_mut(), &mut inspector)
        })?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_task_json, "out_task_json", to_json(&task)?) }
    })
}

/// Task `id` as JSON (`id`, `revision`, `spec` with the frozen `plan`,
/// `state` with the `status`, per-table progress `tables`,
/// `abort_requested`), owned by the caller. `SS_NOT_FOUND` if there is none.
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
        let task = with_center!(center, c => c.task(id))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_task_json, "out_task_json", to_json(&task)?) }
    })
}

/// One page of tasks as JSON `{"total":N,"items":[{"id":…,"creator":…,
/// "connection":…,"database":…,"status":…,"created_at":…,"remarks":…}]}`.
/// `query_json` (optional, NULL for the defaults: last 48 hours, newest
/// first, 20 per page) gives some of the fields `window`
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
        let page = with_center!(center, c => c.list(&query))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", to_json(&page)?) }
    })
}

/// The timeline of task `id` (who did what when, oldest first) as a JSON
/// array of `{"at":MS,"actor":…,"action":{"kind":…},"comment":…}`, owned by
/// the caller.
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
        let events = with_center!(center, c => c.timeline(id))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", to_json(&events)?) }
    })
}

/// The log of task `id`, oldest first, as a JSON array of
/// `{"task":ID,"at":MS,"level":"INFO|WARN|ERROR","message":…}`, owned by
/// the caller. `filter_json` (optional, NULL: every entry) gives
/// `alerts_only` (WARN and ERROR only) and/or `contains` (text, any case).
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
        let entries = with_center!(center, c => c.logs(id, &filter))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", to_json(&entries)?) }
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
        let text = with_center!(center, c => c.export_logs(id, &filter))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_text, "out_text", text) }
    })
}
