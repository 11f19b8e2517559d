//! A sharded fleet synced in one call: every database analysed, one task
//! per database submitted under one fleet id, the due ones run.

use super::*;

/// Sync the fleet of file text `fleet_toml` (named `source` in errors; NULL:
/// `fleet`; the format of `ss_check_fleet`): every database analysed with
/// at most `servers_at_once` servers and `connections_per_server`
/// connections per server at a time; one task per database that has
/// statements to run submitted with `submit_json` (`ss_task_center_submit`'s
/// options; all under one fleet id, each task's view carrying it as
/// `fleet`); the due ones run for `worker`, with the same bounds. No
/// confirmation is asked: the host decided. A database that fails leaves the
/// others done; its task is resumed by `ss_task_center_run_due` (with an
/// executor on its server) or initiated again alone.
///
/// On success `*out_json` is the fleet sync view (`schema_version`, `kind`
/// `"fleet_sync"`, `at`, `fleet` (the id, or null when nothing was
/// submitted), `complete`, `counts`, `members` (per database: `member`,
/// `schema`, `shadow_schema`, `statements`, `refused`, `task`, `status`,
/// `error`) and `warnings`), owned by the caller (free with
/// `ss_string_free`); on failure it is NULL.
///
/// # Safety
/// `center` must be a live task center; `fleet_toml`, `submit_json` and
/// `worker` NUL-terminated strings, `source` NULL or one; `out_json` must
/// point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_sync_fleet(
    center: *const SsTaskCenter,
    fleet_toml: *const c_char,
    source: *const c_char,
    submit_json: *const c_char,
    worker: *const c_char,
    servers_at_once: u32,
    connections_per_server: u32,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, text, source, submit, worker, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::text(fleet_toml, "fleet_toml")?,
                ptr::optional_text(source, "source")?,
                ptr::text(submit_json, "submit_json")?,
                ptr::text(worker, "worker")?,
                ptr::out_slot(out_json, "out_json")?,
            )
        };
        let fleet = host::read_fleet(text, source.unwrap_or("fleet"))?;
        let options =
            host::FleetOptions::bounded(servers_at_once as usize, connections_per_server as usize);
        let submit = submit_options(submit)?;
        let view = host::sync_fleet(&center.inner, &fleet, &options, &submit, worker)?;
        *out = ptr::into_c_string(to_json(&view)?)?;
        Ok(())
    })
}

/// Every task of fleet `fleet_id` (the `fleet` of `ss_task_center_sync_fleet`'s
/// view) and where each stands. On success `*out_json` is the fleet tasks
/// view (`schema_version`, `kind` `"fleet_tasks"`, `at`, `fleet`,
/// `complete` (every task succeeded), `counts` (`tasks`, `succeeded`,
/// `waiting`, `executing`, `unsuccessful`) and `tasks` (per task: `id`,
/// `member`, `index`, `status`, `applied`, `statements`)), owned by the
/// caller (free with `ss_string_free`); on failure it is NULL, and a fleet
/// no task carries is `SS_NOT_FOUND`.
///
/// # Safety
/// `center` must be a live task center; `fleet_id` a NUL-terminated
/// string; `out_json` must point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_fleet(
    center: *const SsTaskCenter,
    fleet_id: *const c_char,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, fleet, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::text(fleet_id, "fleet_id")?,
                ptr::out_slot(out_json, "out_json")?,
            )
        };
        let view = host::fleet_tasks(&center.inner, fleet)?;
        *out = ptr::into_c_string(to_json(&view)?)?;
        Ok(())
    })
}

/// `actor_json` (`{"name":"bob","roles":["dba"]}`) approves (`approve`
/// true) or rejects every task of fleet `fleet_id` that waits for
/// approval, each at the node it waits at, with `comment`. On success
/// `*out_json` is the fleet tasks view after (as `ss_task_center_fleet`'s),
/// owned by the caller; on failure it is NULL: `SS_NOT_FOUND` for a fleet
/// no task carries, `SS_INVALID_REQUEST` when none waits for approval or a
/// decision is refused (the message names that task and those decided
/// before it, which stay decided).
///
/// # Safety
/// `center` must be a live task center; `fleet_id`, `actor_json` and
/// `comment` NUL-terminated strings; `out_json` must point to writable
/// storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_task_center_decide_fleet(
    center: *const SsTaskCenter,
    fleet_id: *const c_char,
    approve: bool,
    actor_json: *const c_char,
    comment: *const c_char,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (center, fleet, who, comment, out) = unsafe {
            (
                ptr::handle(center, "center")?,
                ptr::text(fleet_id, "fleet_id")?,
                ptr::text(actor_json, "actor_json")?,
                ptr::text(comment, "comment")?,
                ptr::out_slot(out_json, "out_json")?,
            )
        };
        let who = actor(who)?;
        let decision = if approve {
            host::FleetDecision::Approve
        } else {
            host::FleetDecision::Reject
        };
        let view =
            host::decide_fleet(&center.inner, fleet, decision, |_| Ok(who.clone()), comment)?;
        *out = ptr::into_c_string(to_json(&view)?)?;
        Ok(())
    })
}
