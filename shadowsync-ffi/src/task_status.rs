//! The scalars every host reads from a task without parsing JSON: its
//! status as a C enum ([`SsTaskStatus`]) and the counts of its tables by
//! status ([`SsTableCounts`]).

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use shadowsync::host::view::TableCounts;
use shadowsync_core::task::TaskStatus;

use crate::status::guard;

/// Where a task is in its life: one value per status of the task state
/// machine, with stable numbers. `ss_task_status_name` gives the status's
/// stable name, the one the JSON views carry (`"waiting_for_execution"`).
/// cbindgen:rename-all=QualifiedScreamingSnakeCase
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SsTaskStatus {
    /// Submitted; waiting for the approvers of its flow.
    PendingApproval = 0,
    /// An approver rejected it (final).
    Rejected = 1,
    /// Nobody decided before the flow's approval expiry (final).
    ApprovalExpired = 2,
    /// Approved; waiting to be executed (at once, or at its scheduled time).
    WaitingForExecution = 3,
    /// Nobody executed it within the flow's execution expiry (final).
    ExecutionExpired = 4,
    /// Withdrawn before execution (final).
    Cancelled = 5,
    /// A worker is running it.
    Executing = 6,
    /// The server no longer matched the frozen analysis; nothing ran (final).
    PrecheckFailed = 7,
    /// Every table reached its target (final).
    Succeeded = 8,
    /// With the continue strategy: some tables failed, others succeeded (final).
    PartiallySucceeded = 9,
    /// A table failed (abort strategy), or every table that ran failed (final).
    Failed = 10,
    /// Stopped between statements on request (final).
    Aborted = 11,
}

impl From<TaskStatus> for SsTaskStatus {
    fn from(status: TaskStatus) -> Self {
        match status {
            TaskStatus::PendingApproval => SsTaskStatus::PendingApproval,
            TaskStatus::Rejected => SsTaskStatus::Rejected,
            TaskStatus::ApprovalExpired => SsTaskStatus::ApprovalExpired,
            TaskStatus::WaitingForExecution => SsTaskStatus::WaitingForExecution,
            TaskStatus::ExecutionExpired => SsTaskStatus::ExecutionExpired,
            TaskStatus::Cancelled => SsTaskStatus::Cancelled,
            TaskStatus::Executing => SsTaskStatus::Executing,
            TaskStatus::PrecheckFailed => SsTaskStatus::PrecheckFailed,
            TaskStatus::Succeeded => SsTaskStatus::Succeeded,
            TaskStatus::PartiallySucceeded => SsTaskStatus::PartiallySucceeded,
            TaskStatus::Failed => SsTaskStatus::Failed,
            TaskStatus::Aborted => SsTaskStatus::Aborted,
        }
    }
}

impl From<SsTaskStatus> for TaskStatus {
    fn from(status: SsTaskStatus) -> Self {
        match status {
            SsTaskStatus::PendingApproval => TaskStatus::PendingApproval,
            SsTaskStatus::Rejected => TaskStatus::Rejected,
            SsTaskStatus::ApprovalExpired => TaskStatus::ApprovalExpired,
            SsTaskStatus::WaitingForExecution => TaskStatus::WaitingForExecution,
            SsTaskStatus::ExecutionExpired => TaskStatus::ExecutionExpired,
            SsTaskStatus::Cancelled => TaskStatus::Cancelled,
            SsTaskStatus::Executing => TaskStatus::Executing,
            SsTaskStatus::PrecheckFailed => TaskStatus::PrecheckFailed,
            SsTaskStatus::Succeeded => TaskStatus::Succeeded,
            SsTaskStatus::PartiallySucceeded => TaskStatus::PartiallySucceeded,
            SsTaskStatus::Failed => TaskStatus::Failed,
            SsTaskStatus::Aborted => TaskStatus::Aborted,
        }
    }
}

/// The status numbered `value`, if any.
fn from_value(value: i32) -> Option<TaskStatus> {
    let index = usize::try_from(value).ok()?;
    let status = *TaskStatus::ALL.get(index)?;
    // The numbers follow the core's lifecycle order (tested).
    (SsTaskStatus::from(status) as i32 == value).then_some(status)
}

/// How many of a task's tables are in each status (`total` is their sum).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SsTableCounts {
    /// Tables in the plan.
    pub total: usize,
    /// Not started yet.
    pub waiting: usize,
    /// Started, not finished.
    pub running: usize,
    /// Changed and verified.
    pub succeeded: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped (in the plan, or not reached).
    pub skipped: usize,
}

impl From<TableCounts> for SsTableCounts {
    fn from(counts: TableCounts) -> Self {
        SsTableCounts {
            total: counts.total,
            waiting: counts.waiting,
            running: counts.running,
            succeeded: counts.succeeded,
            failed: counts.failed,
            skipped: counts.skipped,
        }
    }
}

/// The stable name of task status `status` (e.g. `"succeeded"`), as the
/// JSON views and the command line write it; `"unknown"` for a value that
/// is no `ss_task_status` (the argument is an integer so that any value is
/// safe to pass). A static string: do not free it.
#[no_mangle]
pub extern "C" fn ss_task_status_name(status: i32) -> *const c_char {
    let mut name = c"unknown".as_ptr();
    guard(|| {
        if let Some(status) = from_value(status) {
            name = names()[status.rank()].as_ptr();
        }
        Ok(())
    });
    name
}

/// The core's name of every status, as C strings, in lifecycle order.
fn names() -> &'static [CString] {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    NAMES.get_or_init(|| {
        TaskStatus::ALL
            .iter()
            .map(|s| CString::new(s.as_str()).expect("status names have no NUL"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::ffi::CStr;

    use super::*;

    fn name_of(value: i32) -> &'static str {
        // SAFETY: the names are static NUL-terminated strings.
        unsafe { CStr::from_ptr(ss_task_status_name(value)) }
            .to_str()
            .unwrap()
    }

    #[test]
    fn every_core_status_maps_round_trips_and_has_the_cores_name() {
        let mut values = HashSet::new();
        for (index, status) in TaskStatus::ALL.into_iter().enumerate() {
            let c = SsTaskStatus::from(status);
            assert_eq!(TaskStatus::from(c), status);
            // The numbers are the core's lifecycle order, each once.
            assert_eq!(c as i32, i32::try_from(index).unwrap(), "{status}");
            assert!(values.insert(c as i32));
            assert_eq!(name_of(c as i32), status.as_str());
            assert_eq!(from_value(c as i32), Some(status));
        }
        assert_eq!(values.len(), TaskStatus::ALL.len());
    }

    #[test]
    fn a_value_that_is_no_status_is_unknown() {
        for value in [-1, 12, 99, i32::MIN, i32::MAX] {
            assert_eq!(name_of(value), "unknown");
            assert_eq!(from_value(value), None);
        }
    }

    #[test]
    fn counts_copy_every_field() {
        let counts = TableCounts {
            total: 6,
            waiting: 1,
            running: 2,
            succeeded: 3,
            failed: 4,
            skipped: 5,
        };
        let c = SsTableCounts::from(counts);
        assert_eq!(
            (
                c.total,
                c.waiting,
                c.running,
                c.succeeded,
                c.failed,
                c.skipped
            ),
            (6, 1, 2, 3, 4, 5)
        );
    }
}
