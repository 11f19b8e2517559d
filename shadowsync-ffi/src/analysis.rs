//! Shadow analysis: live through an executor, or from a snapshot the host
//! supplies; user skips; preview; results as JSON.

use std::ffi::c_char;

use serde::Deserialize;
use serde_json::Value;
use shadowsync_core::analysis::{
    analyze, analyze_snapshot, Analysis, AnalysisRequest, SchemaSnapshot, Selection,
};
use shadowsync_core::shadow::NamingRule;
use shadowsync_core::shadow::ShadowPolicy;
use shadowsync_core::Error;

use crate::executor::SsExecutor;
use crate::json::{from_json, merge_default, tables_json, to_json};
use crate::ptr;
use crate::status::{guard, SsStatus};

/// The result of an analysis, with the user's skips. Use from one thread at
/// a time; release with `ss_analysis_free`.
pub struct SsAnalysis {
    pub(crate) inner: Analysis,
}

/// What `request_json` holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestSpec {
    /// `prefix:AFFIX` or `suffix:AFFIX`.
    rule: String,
    /// The tables to sync; absent or null: every table that is not a shadow.
    #[serde(default)]
    tables: Option<Vec<String>>,
    /// Tables skipped from the start.
    #[serde(default)]
    skip: Vec<String>,
    /// Sources whose unmarked existing shadow is adopted rather than refused.
    #[serde(default)]
    adopt: Vec<String>,
    /// Some fields of the shadow policy; the others keep their defaults.
    #[serde(default)]
    policy: Option<Value>,
}

/// The analysis request described by `text`.
pub(crate) fn request(text: &str) -> Result<AnalysisRequest, Error> {
    let spec: RequestSpec = from_json(text, "request_json")?;
    Ok(AnalysisRequest {
        rule: NamingRule::parse(&spec.rule)?,
        selection: spec.tables.map_or(Selection::All, Selection::Tables),
        skip: spec.skip,
        policy: merge_default::<ShadowPolicy>(spec.policy, "request_json policy")?,
        adopt: spec.adopt,
    })
}

/// Analyse the database of `executor` (read-only: one listing and one
/// batched `SHOW CREATE TABLE`). `request_json` is
/// `{"rule":"prefix:__","tables":["a","b"],"skip":["b"],"adopt":["a"],
/// "policy":{"redirect_foreign_keys":true,"copy_auto_increment":false}}`
/// where only `rule` is required (no `tables`: every table that is not a
/// shadow; `adopt`: sources whose existing shadow has no shadowsync marker
/// and is adopted, altered to match and marked, instead of being refused
/// as a collision). On success `*out` is a new analysis (free it with
/// `ss_analysis_free`).
///
/// # Safety
/// `executor` must be a live executor not in use by another thread;
/// `request_json` a NUL-terminated string; `out` must point to writable
/// storage for a pointer.
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
                ptr::text(request_json, "request_json")?,
                ptr::out_slot(out, "out")?,
            )
        };
        let inner = analyze(executor.inner.as_mut(), &request(text)?)?;
        *out = ptr::into_handle(SsAnalysis { inner });
        Ok(())
    })
}

/// Analyse schema facts the host supplies, without any server:
/// `snapshot_json` is `{"server":{…server info…},"relations":[{"name":…,
/// "kind":"table|view"}],"ddl":{"name":"CREATE TABLE …"}}` (DDL of the
/// selected tables and their existing shadows); `request_json` as for
/// `ss_analyze`. On success `*out` is a new analysis.
///
/// # Safety
/// `snapshot_json` and `request_json` must be NUL-terminated strings; `out`
/// must point to writable storage for a pointer.
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
                ptr::text(request_json, "request_json")?,
                ptr::out_slot(out, "out")?,
            )
        };
        let request = request(text)?;
        let snapshot: SchemaSnapshot = from_json(snapshot, "snapshot_json")?;
        *out = ptr::into_handle(SsAnalysis {
            inner: analyze_snapshot(&snapshot, &request),
        });
        Ok(())
    })
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
        Ok(analysis.inner.skip(source)?)
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
        Ok(analysis.inner.unskip(source)?)
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
        let json = to_json(&analysis.inner.preview())?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

/// The per-table results as a JSON array, in execution order. Each object
/// has the fields `source`, `shadow`, `planned` (`create|alter|skip`),
/// `reason`, `user_skipped`, `source_ddl`, `shadow_ddl`, `statements`,
/// `warnings`, `source_fingerprint`, `shadow_fingerprint`, and the effective
/// `action`, `effective_reason` (`"user"` for a user skip) and
/// `effective_statements`. `*out_json` is owned by the caller.
///
/// # Safety
/// As for `ss_analysis_preview`.
#[no_mangle]
pub unsafe extern "C" fn ss_analysis_tables(
    analysis: *const SsAnalysis,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let analysis = unsafe { ptr::handle(analysis, "analysis")? };
        let json = tables_json(&analysis.inner)?;
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", json) }
    })
}

/// The whole analysis as JSON (database, rule, tables, request and the
/// snapshot read). `*out_json` is owned by the caller.
///
/// # Safety
/// As for `ss_analysis_preview`.
#[no_mangle]
pub unsafe extern "C" fn ss_analysis_to_json(
    analysis: *const SsAnalysis,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let analysis = unsafe { ptr::handle(analysis, "analysis")? };
        let json = to_json(&analysis.inner)?;
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
