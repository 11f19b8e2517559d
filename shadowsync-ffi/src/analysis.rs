//! Shadow analysis: live through an executor, or from a snapshot the host
//! supplies, as the host layer's [`AnalyzeOptions`] take it; user skips;
//! preview; the plan as the host layer's [`PlanView`].

use std::ffi::c_char;

use serde::Deserialize;
use serde_json::Value;
use shadowsync::host::options::table_names;
use shadowsync::host::view::PlanView;
use shadowsync::host::{open_store, AnalyzeOptions, DynStore};
use shadowsync_core::analysis::{Analysis, SchemaSnapshot};
use shadowsync_core::shadow::ShadowPolicy;
use shadowsync_core::task::Store;
use shadowsync_core::Error;

use crate::executor::SsExecutor;
use crate::json::{compact, from_json, merge_default};
use crate::ptr;
use crate::status::{guard, SsStatus};
use shadowsync::host::to_json;

/// The result of an analysis, with the user's skips. Use from one thread at
/// a time; release with `ss_analysis_free`.
pub struct SsAnalysis {
    pub(crate) inner: Analysis,
}

/// What `request_json` holds: the fields of [`AnalyzeOptions`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestSpec {
    #[serde(default)]
    prefix: Option<String>,
    #[serde(default)]
    suffix: Option<String>,
    #[serde(default)]
    tables: Option<Vec<String>>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    skip: Vec<String>,
    #[serde(default)]
    adopt: Vec<String>,
    #[serde(default)]
    allow_missing: bool,
    /// Some fields of the shadow policy; the others keep their defaults.
    #[serde(default)]
    policy: Option<Value>,
    /// The task store (path or URL) whose snapshot cache a live analysis
    /// reads through.
    #[serde(default)]
    cache: Option<String>,
}

/// The analysis options described by `text` (`None`: the defaults), for
/// an analysis without a server (no `cache`).
pub(crate) fn options(text: Option<&str>) -> Result<AnalyzeOptions, Error> {
    let spec = spec(text)?;
    if spec.cache.is_some() {
        return Err(Error::InvalidRequest(
            "request_json cache applies to a live analysis or check only".into(),
        ));
    }
    from_spec(spec)
}

/// The analysis options `text` describes, and the store its `cache` names.
pub(crate) fn request(text: Option<&str>) -> Result<(AnalyzeOptions, Option<DynStore>), Error> {
    let mut spec = spec(text)?;
    let cache = spec.cache.take();
    let options = from_spec(spec)?;
    let cache = cache.as_deref().map(open_store).transpose()?;
    Ok((options, cache))
}

/// The analysis options `text` describes, for a call that reads through
/// its task center's store already (`caller` names it): a `cache` is
/// refused there rather than ignored.
pub(crate) fn request_without_cache(
    text: Option<&str>,
    caller: &str,
) -> Result<AnalyzeOptions, Error> {
    let spec = spec(text)?;
    if spec.cache.is_some() {
        return Err(Error::InvalidRequest(format!(
            "request_json cache: {caller} reads through its task center's store, \
             which is its snapshot cache"
        )));
    }
    from_spec(spec)
}

fn spec(text: Option<&str>) -> Result<RequestSpec, Error> {
    Ok(match text {
        Some(text) => from_json(text, "request_json")?,
        None => RequestSpec::default(),
    })
}

fn from_spec(spec: RequestSpec) -> Result<AnalyzeOptions, Error> {
    Ok(AnalyzeOptions {
        prefix: spec.prefix,
        suffix: spec.suffix,
        tables: spec.tables,
        include: spec.include,
        exclude: spec.exclude,
        skip: spec.skip,
        adopt: spec.adopt,
        allow_missing: spec.allow_missing,
        policy: merge_default::<ShadowPolicy>(spec.policy, "request_json policy")?,
    })
}

/// Analyse the database of `executor` (read-only: one listing and one
/// batched read of the table definitions). `request_json` is optional
/// (NULL: the defaults); it gives some of
/// `{"prefix":"__","suffix":null,"tables":["a","b"],"include":["order_*"],
/// "exclude":["tmp_*"],"skip":["b"],"adopt":["a"],
/// "policy":{"redirect_foreign_keys":true,"copy_auto_increment":false}}`:
/// shadows are named with `prefix` or `suffix` (not both; neither: the
/// prefix `__`, or in database mode the sources' own names); no `tables`
/// (or null): every table that is not a shadow, or with `include` /
/// `exclude` those whose names match one of `include` (`*` any characters,
/// `?` one) and none of `exclude` (not with `tables`);
/// `skip`: selected tables left out (each must be selected, else
/// `SS_INVALID_REQUEST`); `adopt`: sources whose existing shadow has no
/// shadowsync marker and is adopted (altered to match and marked) instead
/// of being refused as a collision; a table of `tables` that does not
/// exist is `SS_INVALID_REQUEST` unless `"allow_missing":true` (then it is
/// left out, with a warning). Names are trimmed, duplicates dropped;
/// an empty name is `SS_INVALID_REQUEST`. `"cache":"PATH|URL"` reads the
/// tables through the snapshot cache of that task store (as
/// `ss_task_center_open` names one): only the tables the server says
/// changed are read again. On success `*out` is a new analysis (free it
/// with `ss_analysis_free`).
///
/// # Safety
/// `executor` must be a live executor not in use by another thread;
/// `request_json` NULL or a NUL-terminated string; `out` must point to
/// writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_analyze(
    executor: *mut SsExecutor,
    request_json: *const c_char,
    out: *mut *mut SsAnalysis,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (executor, text, out) = unsafe {
            (
                ptr::handle_mut(executor, "executor")?,
                ptr::optional_text(request_json, "request_json")?,
                ptr::out_slot(out, "out")?,
            )
        };
        let (options, cache) = request(text)?;
        let cache = cache.as_deref().map(|s| s as &dyn Store);
        let inner = options.analyze_with(executor.inner.as_mut(), cache)?;
        *out = ptr::into_handle(SsAnalysis { inner });
        Ok(())
    })
}

/// Analyse schema facts the host supplies, without any server:
/// `snapshot_json` is `{"server":{…server info…},"relations":[{"name":…,
/// "kind":"table|view"}],"ddl":{"name":"CREATE TABLE …"}}` (DDL of the
/// selected tables and their existing shadows); `request_json` as for
/// `ss_analyze` (NULL: the defaults). On success `*out` is a new analysis.
///
/// # Safety
/// `snapshot_json` must be a NUL-terminated string, `request_json` NULL or
/// one; `out` must point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_analyze_snapshot(
    snapshot_json: *const c_char,
    request_json: *const c_char,
    out: *mut *mut SsAnalysis,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (snapshot, text, out) = unsafe {
            (
                ptr::text(snapshot_json, "snapshot_json")?,
                ptr::optional_text(request_json, "request_json")?,
                ptr::out_slot(out, "out")?,
            )
        };
        let options = options(text)?;
        let snapshot: SchemaSnapshot = from_json(snapshot, "snapshot_json")?;
        *out = ptr::into_handle(SsAnalysis {
            inner: options.analyze_snapshot(&snapshot)?,
        });
        Ok(())
    })
}

/// The one table name `source` names (trimmed, not empty).
fn table_name(source: &str) -> Result<String, Error> {
    let mut names = table_names(&[source], "source")?;
    Ok(names.remove(0))
}

/// Skip source table `source` (undo with `ss_analysis_unskip`); the other
/// tables are re-analysed. `SS_NOT_FOUND` if the table is not analysed.
///
/// # Safety
/// `analysis` must be a live analysis not in use by another thread;
/// `source` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ss_analysis_skip(
    analysis: *mut SsAnalysis,
    source: *const c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (analysis, source) = unsafe {
            (
                ptr::handle_mut(analysis, "analysis")?,
                ptr::text(source, "source")?,
            )
        };
        Ok(analysis.inner.skip(&table_name(source)?)?)
    })
}

/// Undo a skip of `source`.
///
/// # Safety
/// As for `ss_analysis_skip`.
#[no_mangle]
pub unsafe extern "C" fn ss_analysis_unskip(
    analysis: *mut SsAnalysis,
    source: *const c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (analysis, source) = unsafe {
            (
                ptr::handle_mut(analysis, "analysis")?,
                ptr::text(source, "source")?,
            )
        };
        Ok(analysis.inner.unskip(&table_name(source)?)?)
    })
}

/// Every statement that would run, in order, as a JSON array of strings
/// (statements without a trailing `;`). `*out_json` is owned by the caller
/// (free with `ss_string_free`).
///
/// # Safety
/// `analysis` must be a live analysis; `out_json` must point to writable
/// storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_analysis_preview(
    analysis: *const SsAnalysis,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let analysis = unsafe { ptr::handle(analysis, "analysis")? };
        let json = compact(&analysis.inner.preview())?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

/// The plan: what the analysis would do, table by table in execution
/// order, with the user's skips applied, as the JSON every front end gives
/// for it (the CLI's `plan --format json`, Python's `to_json()`), pretty
/// and ending with a newline: `{"schema_version":1,"kind":"plan",
/// "database":…,"naming_rule":"prefix:__","tables":[{"source":…,
/// "shadow":…,"action":"create|alter|skip","reason":…,"statements":[…],
/// "warnings":[…],"adopted":false,"rebuild":false}]}` (`reason`: why a
/// table is skipped: `"identical"`, `"user"`, or why it is refused).
/// `*out_json` is owned by the caller (free with `ss_string_free`).
///
/// # Safety
/// As for `ss_analysis_preview`.
#[no_mangle]
pub unsafe extern "C" fn ss_analysis_plan_json(
    analysis: *const SsAnalysis,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let analysis = unsafe { ptr::handle(analysis, "analysis")? };
        let json = to_json(&PlanView::of(&analysis.inner))?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

/// Release an analysis; NULL is ignored.
///
/// # Safety
/// `analysis` must be NULL or a live analysis, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ss_analysis_free(analysis: *mut SsAnalysis) {
    // SAFETY: per this function's contract.
    unsafe { ptr::free_handle(analysis) }
}

#[cfg(test)]
mod tests {
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;

    use serde_json::json;

    use super::*;
    use crate::ptr::ss_string_free;
    use crate::status::{ss_last_error_message, SS_INVALID_REQUEST, SS_NOT_FOUND, SS_OK};

    const SNAPSHOT: &str = r#"{"server":{"flavor":"mysql","version":"8.0.36","database":"shop",
        "lower_case_table_names":0,"max_identifier_length":64},
        "relations":[{"name":"a","kind":"table"},{"name":"b","kind":"table"}],
        "ddl":{"a":"CREATE TABLE `a` (`id` int NOT NULL, PRIMARY KEY (`id`))",
               "b":"CREATE TABLE `b` (`id` int NOT NULL, PRIMARY KEY (`id`))"}}"#;

    /// The analysis `request` makes of the snapshot, or the failure.
    fn analyse(request: Option<&str>) -> Result<*mut SsAnalysis, (SsStatus, String)> {
        let snapshot = CString::new(SNAPSHOT).unwrap();
        let request = request.map(|r| CString::new(r).unwrap());
        let mut out = null_mut();
        // SAFETY: valid strings and out slot.
        let status = unsafe {
            ss_analyze_snapshot(
                snapshot.as_ptr(),
                request.as_ref().map_or(std::ptr::null(), |r| r.as_ptr()),
                &mut out,
            )
        };
        if status == SS_OK {
            Ok(out)
        } else {
            assert!(out.is_null());
            // SAFETY: set by the failed call on this thread.
            let message = unsafe { CStr::from_ptr(ss_last_error_message()) };
            Err((status, message.to_string_lossy().into_owned()))
        }
    }

    fn plan(analysis: *mut SsAnalysis) -> String {
        let mut out = null_mut();
        // SAFETY: a live analysis and a valid out slot; the string is freed once.
        unsafe {
            assert_eq!(ss_analysis_plan_json(analysis, &mut out), SS_OK);
            let text = CStr::from_ptr(out).to_str().unwrap().to_string();
            ss_string_free(out);
            text
        }
    }

    #[test]
    fn the_plan_is_the_host_view_with_the_default_prefix() {
        let analysis = analyse(None).unwrap();
        let text = plan(analysis);
        // SAFETY: a live analysis.
        let expected = to_json(&PlanView::of(unsafe { &(*analysis).inner })).unwrap();
        assert_eq!(text, expected);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["kind"], "plan");
        assert_eq!(value["naming_rule"], "prefix:__");
        assert_eq!(value["tables"][0]["shadow"], "__a");
        // A user skip, by a name with blanks around it, shows in the plan.
        // SAFETY: a live analysis, valid strings.
        unsafe {
            assert_eq!(ss_analysis_skip(analysis, c" b ".as_ptr()), SS_OK);
            assert_eq!(ss_analysis_skip(analysis, c"c".as_ptr()), SS_NOT_FOUND);
            assert_eq!(
                ss_analysis_skip(analysis, c" ".as_ptr()),
                SS_INVALID_REQUEST
            );
        }
        let value: serde_json::Value = serde_json::from_str(&plan(analysis)).unwrap();
        assert_eq!(
            (&value["tables"][1]["action"], &value["tables"][1]["reason"]),
            (&json!("skip"), &json!("user"))
        );
        // SAFETY: a live analysis, freed once.
        unsafe { ss_analysis_free(analysis) };
    }

    #[test]
    fn requests_are_the_host_options() {
        let analysis = analyse(Some(
            r#"{"suffix":"_s","tables":[" a"],"policy":{"copy_auto_increment":true}}"#,
        ))
        .unwrap();
        let value: serde_json::Value = serde_json::from_str(&plan(analysis)).unwrap();
        assert_eq!(value["naming_rule"], "suffix:_s");
        assert_eq!(value["tables"].as_array().unwrap().len(), 1);
        assert_eq!(value["tables"][0]["shadow"], "a_s");
        // SAFETY: a live analysis, freed once.
        unsafe { ss_analysis_free(analysis) };

        let refused = |request: &str, needle: &str| {
            let (status, message) = analyse(Some(request)).unwrap_err();
            assert_eq!(status, SS_INVALID_REQUEST, "{request}: {message}");
            assert!(message.contains(needle), "{request}: {message}");
        };
        refused(r#"{"skip":["a","zz"]}"#, "not selected: zz");
        refused(r#"{"prefix":"p_","suffix":"_s"}"#, "not both");
        refused(r#"{"tables":["a",""]}"#, "empty table name");
        refused(r#"{"rule":"prefix:__"}"#, "unknown field `rule`");
        refused(r#"{"policy":{"colour":1}}"#, "unknown field `colour`");
        refused(r#"{"tables":["a","zz"]}"#, "do not exist in `shop`: zz");
        refused(
            r#"{"cache":"/nonexistent/tasks.db"}"#,
            "live analysis or check only",
        );

        // Allowed, a missing table is left out of the plan.
        let analysis = analyse(Some(r#"{"tables":["a","zz"],"allow_missing":true}"#)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&plan(analysis)).unwrap();
        assert_eq!(value["tables"].as_array().unwrap().len(), 1, "{value}");
        assert_eq!(value["counts"]["total"], 1, "{value}");
        // SAFETY: a live analysis, freed once.
        unsafe { ss_analysis_free(analysis) };
    }
}
