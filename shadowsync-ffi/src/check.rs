//! The readiness check, as the host layer runs it ([`shadowsync::host::check`]),
//! its verdicts as the host layer's JSON view.

use std::ffi::c_char;

use serde_json::Value;
use shadowsync::host::{self, to_json, CheckOptions, DynStore};
use shadowsync_core::task::Store;
use shadowsync_core::{Clock, Error};
use shadowsync_store::SystemClock;

use crate::executor::SsExecutor;
use crate::json::from_json;
use crate::ptr;
use crate::status::{guard, SsStatus};

/// The check options `text` describes: the fields of `ss_analyze`'s
/// request (its `cache` opened) and `app_user`.
fn check_options(text: Option<&str>) -> Result<(CheckOptions, Option<DynStore>), Error> {
    let mut request: Value = match text {
        Some(text) => from_json(text, "request_json")?,
        None => Value::Object(Default::default()),
    };
    let Some(fields) = request.as_object_mut() else {
        return Err(Error::InvalidRequest(
            "request_json must be a JSON object".into(),
        ));
    };
    let app_user = match fields.remove("app_user") {
        None | Some(Value::Null) => None,
        Some(Value::String(user)) => Some(user),
        Some(_) => {
            return Err(Error::InvalidRequest(
                "request_json app_user must be a string such as \"'app'@'%'\"".into(),
            ))
        }
    };
    let (analyze, cache) = crate::analysis::request(Some(&request.to_string()))?;
    Ok((CheckOptions { analyze, app_user }, cache))
}

/// Check whether the shadows of the database of `executor` are ready
/// (read-only). `request_json` is optional (NULL: every table, prefix
/// `__`) and takes the fields of `ss_analyze`'s request plus `app_user`
/// (`"'app'@'%'"` or `"app@%"`: report whether that account may SELECT,
/// INSERT, UPDATE and DELETE each shadow, from its grants); `cache` as
/// there (the same verdicts, reading only what changed). On success
/// `*out_json` is the check view: `{"schema_version":1,"kind":"check",
/// "checked_at":…,"database":…,"naming_rule":…,"app_user":…,"ready":bool,
/// "counts":{"total","ready","drifted","missing","refused","inaccessible",
/// "app_access_short"},"tables":[{"source","shadow","verdict":"ready|drifted|
/// missing|refused|inaccessible","ready","reason","statements",
/// "differences","app_access"}],"skipped":[…],"notes":[…]}`, owned by the
/// caller (free with `ss_string_free`). A selection that is not ready is
/// still `SS_OK` (read `ready`); an unknown table or account is
/// `SS_INVALID_REQUEST`.
///
/// # Safety
/// `executor` must be a live executor not in use by another thread;
/// `request_json` NULL or a NUL-terminated string; `out_json` must point to
/// writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_check(
    executor: *mut SsExecutor,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (executor, text) = unsafe {
            (
                ptr::handle_mut(executor, "executor")?,
                ptr::optional_text(request_json, "request_json")?,
            )
        };
        let (options, cache) = check_options(text)?;
        let cache = cache.as_deref().map(|s| s as &dyn Store);
        let view = host::check_with(executor.inner.as_mut(), &options, SystemClock.now(), cache)?;
        let json = to_json(&view)?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

/// Check every shard of the fleet described by `fleet_toml` (the fleet
/// file's text, see the README; `source` names it in errors, NULL:
/// `fleet`), read-only, `servers_at_once` servers at a time and
/// `connections_per_server` connections each (both at least 1). On success
/// `*out_json` is the fleet check view (`"kind":"fleet_check"`: `ready`,
/// `counts`, `members`, `logical_tables` with each logical table's verdict
/// counts and odd shards, `warnings`), owned by the caller (free with
/// `ss_string_free`). A fleet that is not ready, or a database that could
/// not be checked, is still `SS_OK` (read `ready` and `members[].error`);
/// a bad fleet file is `SS_INVALID_REQUEST`.
///
/// # Safety
/// `fleet_toml` must be a NUL-terminated string; `source` NULL or a
/// NUL-terminated string; `out_json` must point to writable storage for a
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_check_fleet(
    fleet_toml: *const c_char,
    source: *const c_char,
    servers_at_once: u32,
    connections_per_server: u32,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (text, source) = unsafe {
            (
                ptr::text(fleet_toml, "fleet_toml")?,
                ptr::optional_text(source, "source")?,
            )
        };
        let fleet = host::read_fleet(text, source.unwrap_or("fleet"))?;
        let options =
            host::FleetOptions::bounded(servers_at_once as usize, connections_per_server as usize);
        let view = host::check_fleet(&fleet, &options, SystemClock.now())?;
        let json = to_json(&view)?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

#[cfg(test)]
mod tests {
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;

    use super::*;
    use crate::executor::{ss_executor_connect, ss_executor_execute, ss_executor_free};
    use crate::ptr::ss_string_free;
    use crate::status::{ss_last_error_message, SS_INVALID_REQUEST, SS_OK};

    #[test]
    fn requests_take_the_analysis_fields_and_the_app_user() {
        let (options, cache) =
            check_options(Some(r#"{"tables":["a"],"app_user":"app@%"}"#)).unwrap();
        assert_eq!(options.app_user.as_deref(), Some("app@%"));
        assert_eq!(options.analyze.tables, Some(vec!["a".to_string()]));
        assert!(cache.is_none());
        assert_eq!(check_options(None).unwrap().0, CheckOptions::default());
        for bad in [r#"{"app_user":1}"#, r#"{"colour":1}"#, "[]"] {
            assert!(
                matches!(check_options(Some(bad)), Err(Error::InvalidRequest(_))),
                "{bad}"
            );
        }
    }

    /// Live on MariaDB: a ready and a missing shadow, the view as JSON.
    #[test]
    fn mariadb_check_gives_the_view() {
        let url = std::env::var("SHADOWSYNC_MARIADB_URL").expect(
            "SHADOWSYNC_MARIADB_URL is not set: start the engines with `eval \"$(scripts/engines.sh start)\"`",
        );
        let db = "ss_chk_ffi";
        let url = CString::new(format!("{}/", url.trim_end_matches('/'))).unwrap();
        let mut ex = null_mut();
        // SAFETY: valid strings and slots; the executor is freed once.
        unsafe {
            assert_eq!(ss_executor_connect(url.as_ptr(), &mut ex), SS_OK);
            for sql in [
                format!("DROP DATABASE IF EXISTS `{db}`"),
                format!("CREATE DATABASE `{db}`"),
                format!("CREATE TABLE `{db}`.a (id int PRIMARY KEY)"),
                format!("CREATE TABLE `{db}`.b (id int PRIMARY KEY)"),
                format!("CREATE TABLE `{db}`.__a LIKE `{db}`.a"),
                format!("ALTER TABLE `{db}`.__a COMMENT='[shadowsync:shadow]'"),
            ] {
                let sql = CString::new(sql).unwrap();
                assert_eq!(ss_executor_execute(ex, sql.as_ptr()), SS_OK);
            }
            ss_executor_free(ex);
            let url = CString::new(format!("{}{db}", url.to_str().unwrap())).unwrap();
            assert_eq!(ss_executor_connect(url.as_ptr(), &mut ex), SS_OK);
            let run = |request: &CStr| {
                let mut out = null_mut();
                let status = ss_check(ex, request.as_ptr(), &mut out);
                if status != SS_OK {
                    let message = CStr::from_ptr(ss_last_error_message());
                    return Err((status, message.to_string_lossy().into_owned()));
                }
                let text = CStr::from_ptr(out).to_str().unwrap().to_string();
                ss_string_free(out);
                Ok(serde_json::from_str::<Value>(&text).unwrap())
            };
            let view = run(c"{}").unwrap();
            assert_eq!(
                (&view["kind"], &view["ready"]),
                (&"check".into(), &false.into())
            );
            assert_eq!(view["counts"]["ready"], 1, "{view}");
            assert_eq!(view["counts"]["missing"], 1, "{view}");
            let view = run(cr#"{"tables":["a"]}"#).unwrap();
            assert_eq!(view["ready"], true, "{view}");
            // Through a task store's snapshot cache: filled, then used,
            // the same verdicts.
            let dir = std::env::temp_dir().join(format!("ss_chk_ffi_{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let store = dir.join("tasks.db");
            let request = serde_json::json!({"cache": store.to_str().unwrap()}).to_string();
            let request = CString::new(request).unwrap();
            let without = run(c"{}").unwrap();
            for _ in 0..2 {
                let mut with = run(&request).unwrap();
                with["checked_at"] = without["checked_at"].clone();
                assert_eq!(with, without);
            }
            std::fs::remove_dir_all(&dir).unwrap();
            let (status, message) = run(cr#"{"tables":["nope"]}"#).unwrap_err();
            assert_eq!(status, SS_INVALID_REQUEST, "{message}");
            assert!(message.contains("nope"), "{message}");
            let sql = CString::new(format!("DROP DATABASE `{db}`")).unwrap();
            assert_eq!(ss_executor_execute(ex, sql.as_ptr()), SS_OK);
            ss_executor_free(ex);
        }
    }
}
