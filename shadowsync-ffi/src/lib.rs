//! The C ABI of shadowsync; the header is `include/shadowsync.h`, generated
//! from this crate by cbindgen (see `build.rs`).
//!
//! A thin layer over `shadowsync-core`, `shadowsync-mysql` and
//! `shadowsync-store`: argument conversion and error mapping only.
//!
//! - Every function returns a stable [`SsStatus`]: [`SS_OK`] or one code per
//!   core error variant, plus [`SS_NULL_ARG`], [`SS_INVALID_UTF8`] and
//!   [`SS_PANIC`]; [`ss_last_error_message`] gives the message of the last
//!   failure on the calling thread.
//! - Every body runs in one helper (`status::guard`) that catches panics;
//!   every pointer is checked and cast in one module (`ptr`).
//! - Handles are opaque boxes with `_free` functions; returned strings are
//!   owned by the caller and released with [`ss_string_free`].
//! - Structured arguments and results are JSON texts of the core's serde
//!   types; optional JSON arguments give only the fields that differ from
//!   the defaults.
//! - A host can supply its own executor as a table of callbacks
//!   ([`SsExecutorCallbacks`]); a failing callback becomes an executor error.

#![warn(missing_docs)]

mod analysis;
mod diff;
mod executor;
mod json;
mod ptr;
mod status;
mod tasks;

pub use analysis::{
    ss_analysis_free, ss_analysis_preview, ss_analysis_skip, ss_analysis_tables,
    ss_analysis_to_json, ss_analysis_unskip, ss_analyze, ss_analyze_snapshot, SsAnalysis,
};
pub use diff::ss_diff;
pub use executor::{
    ss_executor_connect, ss_executor_connect_with, ss_executor_execute, ss_executor_free,
    ss_executor_from_callbacks, ss_reply_set, SsArgCallback, SsExecutor, SsExecutorCallbacks,
    SsFreeCallback, SsReply, SsTextCallback,
};
pub use ptr::ss_string_free;
pub use status::{
    ss_last_error_message, ss_status_name, SsStatus, SS_EXECUTOR_ERROR, SS_INVALID_NAME,
    SS_INVALID_REQUEST, SS_INVALID_TRANSITION, SS_INVALID_UTF8, SS_NOT_FOUND, SS_NULL_ARG, SS_OK,
    SS_PANIC, SS_PARSE_ERROR, SS_REFUSED, SS_STORE_ERROR,
};
pub use tasks::{
    ss_task_center_abort, ss_task_center_approve, ss_task_center_cancel, ss_task_center_execute,
    ss_task_center_expire_overdue, ss_task_center_export_logs, ss_task_center_flows,
    ss_task_center_free, ss_task_center_initiate_again, ss_task_center_list, ss_task_center_logs,
    ss_task_center_new_in_memory, ss_task_center_open, ss_task_center_reject,
    ss_task_center_resume, ss_task_center_run_due, ss_task_center_set_flows, ss_task_center_submit,
    ss_task_center_task, ss_task_center_timeline, SsTaskCenter,
};

#[cfg(test)]
mod header_tests {
    #[test]
    fn committed_header_is_current() {
        let generated = include_str!(concat!(env!("OUT_DIR"), "/shadowsync.h"));
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../include/shadowsync.h");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            generated == committed,
            "include/shadowsync.h is stale: build shadowsync-ffi outside CI (`cargo build -p shadowsync-ffi`, \
             which rewrites it) and commit the result"
        );
    }
}
