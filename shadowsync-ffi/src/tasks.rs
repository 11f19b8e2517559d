//! The task center: submission, approval, execution, queries and logs, over
//! an SQLite file or in memory, on the system clock.

use std::ffi::c_char;

use serde::Deserialize;
use shadowsync::host::{self, open_store, DynStore};
use shadowsync_core::task::flow::ApprovalFlow;
use shadowsync_core::task::{
    Actor, ErrorStrategy, ExecutionMode, LogFilter, MemoryStore, SingleExecutor, SubmitRequest,
    Task, TaskCenter, TaskId, TaskQuery,
};
use shadowsync_core::{Error, Executor};
use shadowsync_store::SystemClock;

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

/// The center behind every handle: its store is chosen when it is opened.
type Center = TaskCenter<DynStore, SystemClock>;

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

/// What `again_json` holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgainSpec {
    creator: String,
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
        let store = open_store(location)?;
        *out = ptr::into_handle(SsTaskCenter {
            inner: TaskCenter::new(store, SystemClock),
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
            inner: TaskCenter::new(Box::new(MemoryStore::new()), SystemClock),
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
        Ok(center.inner.set_flows(&flows)?)
    })
}

/// The approval flows, highest priority first, as the JSON array
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
        unsafe { ptr::put_string(out_json, "out_json", to_json(&flows)?) }
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
        let task = center.inner.submit(request)?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_task_json, "out_task_json", to_json(&task)?) }
    })
}

/// A new task from finished (or otherwise ended) task `old`: `analysis` is
/// a fresh analysis of the same `connection`, database, table selection and
/// naming rule (else `SS_INVALID_REQUEST`); the old task's error strategy
/// and remarks are kept. `again_json` is `{"creator":"alice",
/// "mode":{"kind":"immediate"}|{"kind":"scheduled","at":UNIX_MS}}`; only
/// `creator` is required. `*out_task_json` is the new task as JSON, owned by
/// the caller. `SS_NOT_FOUND` if there is no task `old`.
///
/// # Safety
/// `center` and `analysis` must be live handles; `connection` and
/// `again_json` NUL-terminated strings; `out_task_json` must point to
/// writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_initiate_again(
    center: *const SsTaskCenter,
    old: u64,
    analysis: *const SsAnalysis,
    connection: *const c_char,
    again_json: *const c_char,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, analysis, connection, text) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::handle(analysis, "analysis")?,
                ptr::text(connection, "connection")?,
                ptr::text(again_json, "again_json")?,
            )
        };
        let spec: AgainSpec = from_json(text, "again_json")?;
        let plan = analysis.inner.freeze(connection);
        let task = center
            .inner
            .initiate_again(old, &spec.creator, plan, spec.mode)?;
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
        let task = match decision {
            Decision::Approve => center.inner.approve(id, &who, comment),
            Decision::Reject => center.inner.reject(id, &who, comment),
            Decision::Cancel => center.inner.cancel(id, &who, comment),
        }?;
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
        Ok(center.inner.abort(id, &who, comment)?)
    })
}

/// The host layer's `execute` or `resume`, as both take their task.
type RunTask = fn(&Center, TaskId, &str, &mut dyn Executor) -> Result<Task, Error>;

/// What `ss_task_center_execute` and `ss_task_center_resume` share: read the
/// arguments, run the task through the host layer's `run` (the plan's own
/// naming rule and shadow policy, the lease heartbeat), write the finished
/// task out.
///
/// # Safety
/// As for `ss_task_center_execute`.
unsafe fn run_task(
    center: *const SsTaskCenter,
    id: u64,
    worker: *const c_char,
    executor: *mut SsExecutor,
    out_task_json: *mut *mut c_char,
    run: RunTask,
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
        let task = run(&center.inner, id, worker, executor.inner.as_mut())?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_task_json, "out_task_json", to_json(&task)?) }
    })
}

/// Claim waiting task `id` for worker `worker` and run it to its end through
/// `executor` (which must be on the task's database): precheck, statements,
/// verification, with the naming rule and shadow policy the task's plan was
/// analysed with. While it runs, the worker's lease is renewed and an abort
/// request (`ss_task_center_abort`, from any thread or process) interrupts
/// the running statement where the executor can be interrupted (a
/// connection opened by `ss_executor_connect`). `*out_task_json` is the
/// finished task, owned by the caller; a failed table is reported in the
/// task, not as an error.
///
/// # Safety
/// `center` must be a live task center; `executor` a live executor not in
/// use by another thread; `worker` a NUL-terminated string; `out_task_json`
/// must point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_execute(
    center: *const SsTaskCenter,
    id: u64,
    worker: *const c_char,
    executor: *mut SsExecutor,
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    // SAFETY: per this function's contract.
    unsafe { run_task(center, id, worker, executor, out_task_json, host::execute) }
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
    out_task_json: *mut *mut c_char,
) -> SsStatus {
    // SAFETY: per this function's contract.
    unsafe { run_task(center, id, worker, executor, out_task_json, host::resume) }
}

/// Move every overdue task to `approval_expired` or `execution_expired`;
/// `*out_json` is a JSON array of the tasks moved, `[[ID,"status"],…]`,
/// owned by the caller.
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
        let expired = center.inner.expire_overdue()?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", to_json(&expired)?) }
    })
}

/// One scheduling pass for worker `worker`: expire overdue tasks, resume
/// the tasks `worker` itself left executing, then claim and run every due
/// task, all through `executor`. Every due task must be on the executor's
/// database: a task on another one is reported in `not_started` (and left
/// waiting), not run. Tasks are prechecked and verified with the shadow
/// policy they were analysed with. `*out_json` is the report, owned by the
/// caller: `{"expired":[[ID,"status"]],"finished":[[ID,"status"]],
/// "not_claimed":[ID],"not_started":[[ID,"reason"]],"interrupted":[[ID,"reason"]]}`
/// (`interrupted`: the connection was lost mid-run; the task is left
/// executing, to be resumed).
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
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", to_json(&report)?) }
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
        let task = center.inner.task(id)?;
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
        let page = center.inner.list(&query)?;
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
        let events = center.inner.timeline(id)?;
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
        let entries = center.inner.logs(id, &filter)?;
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

    use serde_json::{json, Value};
    use shadowsync_core::{Executor, Flavor, Relation, RelationKind, ServerInfo};

    use super::*;
    use crate::analysis::{ss_analysis_free, ss_analyze_snapshot};
    use crate::executor::ss_executor_free;
    use crate::ptr::ss_string_free;
    use crate::status::{
        ss_last_error_message, SS_INVALID_REQUEST, SS_INVALID_TRANSITION, SS_NOT_FOUND, SS_OK,
    };

    const SOURCE: &str = "CREATE TABLE `t` (\n  `id` int NOT NULL,\n  PRIMARY KEY (`id`)\n)";

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

    /// An analysis of the snapshot of `database` holding `tables`.
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
        let status = unsafe {
            ss_analyze_snapshot(
                snapshot.as_ptr(),
                c"{\"rule\":\"prefix:__\"}".as_ptr(),
                &mut out,
            )
        };
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

    fn ok_json(result: (SsStatus, String)) -> Value {
        assert_eq!(result.0, SS_OK, "{}", result.1);
        serde_json::from_str(&result.1).unwrap()
    }

    fn center() -> *mut SsTaskCenter {
        let mut center = null_mut();
        // SAFETY: a valid out slot.
        assert_eq!(unsafe { ss_task_center_new_in_memory(&mut center) }, SS_OK);
        center
    }

    fn submit(center: *mut SsTaskCenter, analysis: *mut SsAnalysis) -> Value {
        // SAFETY: live handles, valid strings and out slot.
        ok_json(call(|out| unsafe {
            ss_task_center_submit(
                center,
                analysis,
                c"mysql://u:secret@db:3306".as_ptr(),
                c"{\"creator\":\"alice\"}".as_ptr(),
                out,
            )
        }))
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
            assert_eq!(
                ok_json(call(|out| ss_task_center_expire_overdue(center, out))),
                json!([])
            );
            let (status, _) = call(|out| ss_task_center_flows(std::ptr::null(), out));
            assert_eq!(status, crate::status::SS_NULL_ARG);
            ss_task_center_free(center);
        }
    }

    #[test]
    fn run_due_runs_the_tasks_on_the_executors_database_and_initiate_again_follows() {
        let center = center();
        let shop = analysis("shop", &[("t", SOURCE)]);
        let other = analysis("other", &[("t", SOURCE)]);
        let ex = executor("shop");
        let first = submit(center, shop);
        let elsewhere = submit(center, other);
        assert_eq!(first["state"]["status"], "waiting_for_execution");
        let (first, elsewhere) = (
            first["id"].as_u64().unwrap(),
            elsewhere["id"].as_u64().unwrap(),
        );

        // SAFETY: live handles, valid strings and out slots.
        unsafe {
            // Nothing is executing: there is nothing to resume.
            let (status, message) =
                call(|out| ss_task_center_resume(center, first, c"w2".as_ptr(), ex, out));
            assert_eq!(status, SS_INVALID_TRANSITION, "{message}");

            let report = ok_json(call(|out| {
                ss_task_center_run_due(center, c"w1".as_ptr(), ex, out)
            }));
            assert_eq!(report["expired"], json!([]));
            assert_eq!(report["finished"], json!([[first, "succeeded"]]));
            assert_eq!(report["not_claimed"], json!([]));
            let not_started = report["not_started"].as_array().unwrap();
            assert_eq!(not_started.len(), 1, "{report}");
            assert_eq!(not_started[0][0], json!(elsewhere));
            assert!(
                not_started[0][1].as_str().unwrap().contains("`other`"),
                "{report}"
            );
            let task = ok_json(call(|out| ss_task_center_task(center, elsewhere, out)));
            assert_eq!(task["state"]["status"], "waiting_for_execution");

            // The executor is back in its handle, with the shadow created.
            let ex_ref = &mut *ex;
            assert_eq!(ex_ref.inner.server_info().unwrap().database, "shop");
            let shadow = ex_ref.inner.show_create_tables(&["__t".into()]).unwrap();
            assert!(shadow[0].is_some());

            // Again, from a fresh analysis of the same tables.
            let fresh = analysis("shop", &[("t", SOURCE)]);
            let again = ok_json(call(|out| {
                ss_task_center_initiate_again(
                    center,
                    first,
                    fresh,
                    c"mysql://u:other@db:3306".as_ptr(),
                    c"{\"creator\":\"bob\"}".as_ptr(),
                    out,
                )
            }));
            assert_eq!(again["spec"]["creator"], "bob");
            assert_eq!(again["spec"]["initiated_from"], json!(first));
            let (status, message) = call(|out| {
                ss_task_center_initiate_again(
                    center,
                    first,
                    other,
                    c"mysql://u:secret@db:3306".as_ptr(),
                    c"{\"creator\":\"bob\"}".as_ptr(),
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
                    c"mysql://u:secret@db:3306".as_ptr(),
                    c"{\"creator\":\"bob\",\"mode\":{\"kind\":\"immediate\"}}".as_ptr(),
                    out,
                )
            });
            assert_eq!(status, SS_NOT_FOUND);
            let (status, _) = call(|out| {
                ss_task_center_initiate_again(
                    center,
                    first,
                    fresh,
                    c"mysql://u:secret@db:3306".as_ptr(),
                    c"{\"creator\":\"bob\",\"when\":1}".as_ptr(),
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
}
