//! Running tasks: execute, resume, a scheduling pass, expiry.

use shadowsync_core::task::Observer;
use shadowsync_mysql::OrphanPolicy;

use super::*;

/// The host layer's `execute` or `resume`, as both take their task.
type RunTask = fn(&Center, TaskId, &str, &mut dyn Executor, &dyn Observer) -> Result<Task, Error>;

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
        let task = run(
            &center.inner,
            id,
            worker,
            executor.inner.as_mut(),
            &center.progress,
        )?;
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
        let json = to_json(&DueReportView::of(&pass))?;
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
        let report = host::run_due(&center.inner, worker, &mut connector, &center.progress)?;
        let json = to_json(&DueReportView::of(&report))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

/// A new executor for running task `id` (`ss_task_center_execute`,
/// `ss_task_center_resume`): on its sources' database through `url` (its
/// database part is ignored), and in database mode on its shadows'
/// database through `shadow_url` (NULL: `url`'s server), created first,
/// with the source database's character set and collation, when the plan
/// found it missing. `SS_NOT_FOUND` for an unknown task. On success
/// `*out` is a new executor (free it with `ss_executor_free`).
///
/// # Safety
/// `center` must be a live task center; `url` a NUL-terminated string;
/// `shadow_url` NULL or a NUL-terminated string; `out` must point to
/// writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_task_executor(
    center: *const SsTaskCenter,
    id: u64,
    url: *const c_char,
    shadow_url: *const c_char,
    out: *mut *mut SsExecutor,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, url, shadow_url, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::text(url, "url")?,
                ptr::optional_text(shadow_url, "shadow_url")?,
                ptr::out_slot(out, "out")?,
            )
        };
        let task = center.inner.task(id)?;
        let inner = host::open_task_executor(&task.spec.plan, url, shadow_url, OrphanPolicy::Wait)?;
        *out = ptr::into_handle(SsExecutor { inner });
        Ok(())
    })
}
