//! One pass of a recurring watch, for hosts with their own scheduler.

use shadowsync::host::WatchOptions;
use shadowsync_core::Clock;

use super::*;

/// One watch pass over the database of `executor` (through the center's
/// store as the snapshot cache): when a shadow drifted or a new source
/// table appeared, the repairing plan, frozen on `connection` (a URL,
/// stored redacted), is submitted through the approval flow, unless a task
/// already holds that drift (submitted by any host sharing the store, and
/// not yet succeeded or expired): then nothing is submitted. Call it on
/// your own schedule; run the approved tasks with `ss_task_center_run_due`.
///
/// `request_json` is `ss_analyze`'s request (NULL: every table, prefix
/// `__`; no `cache`: the center's store is the cache); `submit_json` is
/// `ss_task_center_submit`'s. On success `*out_json` is the watch view,
/// pretty-printed as every view (`schema_version`, `kind` `"watch"`,
/// `watched_at`, `outcome` `"in_step"`, `"submitted"` or `"held"`, `drift`
/// and `not_additive` (text or null), `plan` (the plan view) and `task`
/// (the task view, or null)), owned by the caller (free with
/// `ss_string_free`); on failure it is NULL. A NULL `out_json` is refused
/// before anything is read or submitted.
///
/// # Safety
/// `center` must be a live task center; `executor` a live executor not in
/// use by another thread; `connection` and `submit_json` NUL-terminated
/// strings, `request_json` NULL or one; `out_json` must point to writable
/// storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_watch_once(
    center: *const SsTaskCenter,
    executor: *mut SsExecutor,
    connection: *const c_char,
    request_json: *const c_char,
    submit_json: *const c_char,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, executor, connection, request, submit, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::handle_mut(executor, "executor")?,
                ptr::text(connection, "connection")?,
                ptr::optional_text(request_json, "request_json")?,
                ptr::text(submit_json, "submit_json")?,
                ptr::out_slot(out_json, "out_json")?,
            )
        };
        let options = WatchOptions {
            analyze: crate::analysis::request_without_cache(request, "ss_watch_once")?,
            submit: submit_options(submit)?,
        };
        let view = host::watch_once(
            executor.inner.as_mut(),
            &center.inner,
            &options,
            connection,
            SystemClock.now(),
        )?;
        *out = ptr::into_c_string(to_json(&view)?)?;
        Ok(())
    })
}
