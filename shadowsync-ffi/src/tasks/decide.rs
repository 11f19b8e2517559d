//! Decisions on a task: approve, reject, cancel, and the abort request.

use super::*;

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
