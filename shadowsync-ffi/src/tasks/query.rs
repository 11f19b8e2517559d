//! Reading tasks: one task's view, status and counts, a page of tasks,
//! a timeline, logs.

use super::*;

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
        let json = to_json(&TaskView::of(&center.inner.task(id)?))?;
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
        let json = to_json(&TaskPageView::of(&center.inner.list(&query)?))?;
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
        let json = to_json(&TimelineView::of(id, &center.inner.timeline(id)?))?;
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
        let json = to_json(&LogsView::of(id, &center.inner.logs(id, &filter)?))?;
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
