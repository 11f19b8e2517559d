//! The C ABI of shadowsync; the header is `include/shadowsync.h`, generated
//! from this crate by cbindgen (see `build.rs`; regenerate it with
//! `scripts/regen_header.sh`).
//!
//! A thin layer over the host layer (`shadowsync::host`), `shadowsync-core`,
//! `shadowsync-mysql` and `shadowsync-store`: argument conversion and error
//! mapping only.
//!
//! - Every function returns a stable [`SsStatus`]: [`SS_OK`] or one code per
//!   core error variant, plus [`SS_NULL_ARG`], [`SS_INVALID_UTF8`] and
//!   [`SS_PANIC`]; [`ss_last_error_message`] gives the message of the last
//!   failure on the calling thread.
//! - Every body runs in one helper (`status::guard`) that catches panics;
//!   every pointer is checked and cast in one module (`ptr`).
//! - Handles are opaque boxes with `_free` functions; returned strings are
//!   owned by the caller and released with [`ss_string_free`].
//! - Words (flavor, error strategy, introspection), table names and
//!   analysis requests are read by the host layer's parsers, with its
//!   defaults (shadows prefixed `__`).
//! - A plan, a task, a timeline, logs, a page of tasks and a due report
//!   come out as the host layer's JSON views (`shadowsync::host::view`), the
//!   same text the CLI and the Python package give; a task's id, status
//!   ([`SsTaskStatus`]) and table counts ([`SsTableCounts`]) also as plain
//!   values, and its progress as events to a callback ([`SsProgressFn`]).
//! - A host can supply its own executor as a table of callbacks
//!   ([`SsExecutorCallbacks`]); a failing callback becomes an executor error.

mod analysis;
mod check;
mod diff;
mod executor;
mod json;
mod progress;
mod ptr;
mod status;
mod task_status;
mod tasks;

pub use analysis::{
    ss_analysis_free, ss_analysis_plan_json, ss_analysis_preview, ss_analysis_skip,
    ss_analysis_unskip, ss_analyze, ss_analyze_snapshot, SsAnalysis,
};
pub use check::ss_check;
pub use diff::ss_diff;
pub use executor::{
    ss_executor_connect, ss_executor_connect_with, ss_executor_execute, ss_executor_free,
    ss_executor_from_callbacks, ss_reply_set, SsArgCallback, SsExecutor, SsExecutorCallbacks,
    SsFreeCallback, SsReply, SsTextCallback,
};
pub use progress::SsProgressFn;
pub use ptr::ss_string_free;
pub use status::{
    ss_last_error_message, ss_status_name, SsStatus, SS_EXECUTOR_ERROR, SS_INVALID_NAME,
    SS_INVALID_REQUEST, SS_INVALID_TRANSITION, SS_INVALID_UTF8, SS_NOT_FOUND, SS_NULL_ARG, SS_OK,
    SS_PANIC, SS_PARSE_ERROR, SS_REFUSED, SS_STORE_ERROR,
};
pub use task_status::{ss_task_status_name, SsTableCounts, SsTaskStatus};
pub use tasks::{
    ss_task_center_abort, ss_task_center_analyze_again, ss_task_center_approve,
    ss_task_center_cancel, ss_task_center_decide_fleet, ss_task_center_execute,
    ss_task_center_expire_overdue, ss_task_center_export_logs, ss_task_center_fleet,
    ss_task_center_flows, ss_task_center_free, ss_task_center_initiate_again, ss_task_center_list,
    ss_task_center_logs, ss_task_center_new_in_memory, ss_task_center_open, ss_task_center_reject,
    ss_task_center_resume, ss_task_center_run_due, ss_task_center_set_flows,
    ss_task_center_set_progress, ss_task_center_submit, ss_task_center_sync_fleet,
    ss_task_center_task, ss_task_center_task_counts, ss_task_center_task_status,
    ss_task_center_timeline, ss_watch_once, SsTaskCenter,
};

#[cfg(test)]
mod header_tests {
    use std::path::Path;

    /// The header cbindgen generated for this build (`build.rs`).
    const GENERATED_PATH: &str = concat!(env!("OUT_DIR"), "/shadowsync.h");
    const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/shadowsync.h"));
    const COMMITTED_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../include/shadowsync.h");

    /// The committed header must be what cbindgen generates from the
    /// source. With `SHADOWSYNC_REGEN_HEADER=1` (what
    /// `scripts/regen_header.sh` sets) this test writes it instead: the only
    /// way the committed header is ever written.
    #[test]
    fn committed_header_is_current() {
        let committed = std::fs::read_to_string(COMMITTED_PATH).unwrap_or_default();
        if committed == GENERATED {
            return;
        }
        if std::env::var_os("SHADOWSYNC_REGEN_HEADER").is_some_and(|v| v == "1") {
            std::fs::write(COMMITTED_PATH, GENERATED).expect("include/shadowsync.h is writable");
            eprintln!("regenerated include/shadowsync.h");
            return;
        }
        panic!(
            "include/shadowsync.h is stale:\n{}\nregenerate it with `scripts/regen_header.sh` \
             and commit the result",
            difference(&committed, GENERATED)
        );
    }

    /// How `committed` differs from `generated`: `diff -u` when there is
    /// one, else the first line that differs.
    fn difference(committed: &str, generated: &str) -> String {
        let diff = std::process::Command::new("diff")
            .args([
                "-u",
                "--label",
                "include/shadowsync.h",
                "--label",
                "generated",
            ])
            .arg(COMMITTED_PATH)
            .arg(Path::new(GENERATED_PATH))
            .output();
        if let Ok(output) = diff {
            if !output.stdout.is_empty() {
                return String::from_utf8_lossy(&output.stdout).into_owned();
            }
        }
        let (mut old, mut new) = (committed.lines(), generated.lines());
        let mut line = 1;
        loop {
            match (old.next(), new.next()) {
                (Some(a), Some(b)) if a == b => line += 1,
                (a, b) => {
                    return format!(
                        "line {line}: committed {:?}, generated {:?}",
                        a.unwrap_or("(end)"),
                        b.unwrap_or("(end)")
                    )
                }
            }
        }
    }
}
