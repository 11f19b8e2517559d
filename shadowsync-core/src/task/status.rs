//! The task state machine, and the statuses of a task's tables and statements.
//!
//! Every status and every allowed transition is written out here; anything not
//! listed is refused with [`Error::InvalidTransition`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

use super::TaskId;

/// Where a task is in its life.
///
/// ```text
/// PendingApproval ──> WaitingForExecution ──> Executing ──> Succeeded
///   │ └> Rejected        │ └> ExecutionExpired    │ ├──> PartiallySucceeded
///   ├──> ApprovalExpired └──> Cancelled           │ ├──> Failed
///   └──> Cancelled                                │ ├──> Aborted
///                                                 │ └──> PrecheckFailed
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Submitted; waiting for the approvers of its flow.
    PendingApproval,
    /// An approver rejected it.
    Rejected,
    /// Nobody decided before the flow's approval expiry.
    ApprovalExpired,
    /// Approved; waiting to be executed (at once, or at its scheduled time).
    WaitingForExecution,
    /// Nobody executed it within the flow's execution expiry after it was due.
    ExecutionExpired,
    /// Withdrawn before execution.
    Cancelled,
    /// A worker is running it.
    Executing,
    /// The server no longer matches the frozen analysis; nothing was run.
    PrecheckFailed,
    /// Every table reached its target.
    Succeeded,
    /// With the continue strategy: some tables failed, others succeeded.
    PartiallySucceeded,
    /// A table failed (abort strategy), or every table that ran failed.
    Failed,
    /// Stopped between statements on request.
    Aborted,
}

impl TaskStatus {
    /// Every status, in lifecycle order (the order used when sorting by status).
    pub const ALL: [TaskStatus; 12] = [
        TaskStatus::PendingApproval,
        TaskStatus::Rejected,
        TaskStatus::ApprovalExpired,
        TaskStatus::WaitingForExecution,
        TaskStatus::ExecutionExpired,
        TaskStatus::Cancelled,
        TaskStatus::Executing,
        TaskStatus::PrecheckFailed,
        TaskStatus::Succeeded,
        TaskStatus::PartiallySucceeded,
        TaskStatus::Failed,
        TaskStatus::Aborted,
    ];

    /// The statuses this one may move to.
    pub fn successors(self) -> &'static [TaskStatus] {
        use TaskStatus::*;
        match self {
            PendingApproval => &[WaitingForExecution, Rejected, ApprovalExpired, Cancelled],
            WaitingForExecution => &[Executing, ExecutionExpired, Cancelled],
            Executing => &[
                PrecheckFailed,
                Succeeded,
                PartiallySucceeded,
                Failed,
                Aborted,
            ],
            Rejected | ApprovalExpired | ExecutionExpired | Cancelled | PrecheckFailed
            | Succeeded | PartiallySucceeded | Failed | Aborted => &[],
        }
    }

    /// Whether the state machine allows `self -> to`.
    pub fn can_become(self, to: TaskStatus) -> bool {
        self.successors().contains(&to)
    }

    /// Whether no transition leaves this status.
    pub fn is_terminal(self) -> bool {
        self.successors().is_empty()
    }

    /// Position in [`TaskStatus::ALL`]; sorting by status uses it.
    pub fn rank(self) -> usize {
        TaskStatus::ALL
            .iter()
            .position(|s| *s == self)
            .expect("ALL lists every status")
    }

    /// Stable snake_case name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        use TaskStatus::*;
        match self {
            PendingApproval => "pending_approval",
            Rejected => "rejected",
            ApprovalExpired => "approval_expired",
            WaitingForExecution => "waiting_for_execution",
            ExecutionExpired => "execution_expired",
            Cancelled => "cancelled",
            Executing => "executing",
            PrecheckFailed => "precheck_failed",
            Succeeded => "succeeded",
            PartiallySucceeded => "partially_succeeded",
            Failed => "failed",
            Aborted => "aborted",
        }
    }

    /// The status called `name` (as written by [`TaskStatus::as_str`]).
    pub fn from_name(name: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Refuse `from -> to` unless the state machine allows it.
pub fn check_transition(task: TaskId, from: TaskStatus, to: TaskStatus) -> Result<()> {
    if from.can_become(to) {
        Ok(())
    } else {
        Err(Error::InvalidTransition {
            task: task.to_string(),
            from: from.to_string(),
            to: to.to_string(),
        })
    }
}

/// Where one table of a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableStatus {
    /// Not started.
    Waiting,
    /// Its statements are being applied.
    Running,
    /// All statements applied and verified.
    Succeeded,
    /// A statement or the verification failed.
    Failed,
    /// Not run: planned as skip, or the task stopped before reaching it.
    Skipped,
}

impl TableStatus {
    /// Every table status.
    pub const ALL: [TableStatus; 5] = [
        TableStatus::Waiting,
        TableStatus::Running,
        TableStatus::Succeeded,
        TableStatus::Failed,
        TableStatus::Skipped,
    ];

    /// Stable snake_case name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            TableStatus::Waiting => "waiting",
            TableStatus::Running => "running",
            TableStatus::Succeeded => "succeeded",
            TableStatus::Failed => "failed",
            TableStatus::Skipped => "skipped",
        }
    }

    /// The status called `name`.
    pub fn from_name(name: &str) -> Option<TableStatus> {
        TableStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for TableStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementStatus {
    /// Never started.
    Pending,
    /// Sent to the server; no outcome recorded yet. Found after a crash, it
    /// means the outcome is unknown.
    Running,
    /// The server accepted it.
    Applied,
    /// The server refused it (or its outcome could not be established).
    Failed,
    /// Not needed: found unnecessary when recovering an interrupted table.
    Skipped,
}

impl StatementStatus {
    /// Every statement status.
    pub const ALL: [StatementStatus; 5] = [
        StatementStatus::Pending,
        StatementStatus::Running,
        StatementStatus::Applied,
        StatementStatus::Failed,
        StatementStatus::Skipped,
    ];

    /// Stable snake_case name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementStatus::Pending => "pending",
            StatementStatus::Running => "running",
            StatementStatus::Applied => "applied",
            StatementStatus::Failed => "failed",
            StatementStatus::Skipped => "skipped",
        }
    }

    /// The status called `name`.
    pub fn from_name(name: &str) -> Option<StatementStatus> {
        StatementStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

impl fmt::Display for StatementStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TaskStatus::*;

    /// The allowed transitions, written independently of `successors` so the
    /// test checks the table rather than restating it.
    const ALLOWED: &[(TaskStatus, TaskStatus)] = &[
        (PendingApproval, WaitingForExecution),
        (PendingApproval, Rejected),
        (PendingApproval, ApprovalExpired),
        (PendingApproval, Cancelled),
        (WaitingForExecution, Executing),
        (WaitingForExecution, ExecutionExpired),
        (WaitingForExecution, Cancelled),
        (Executing, PrecheckFailed),
        (Executing, Succeeded),
        (Executing, PartiallySucceeded),
        (Executing, Failed),
        (Executing, Aborted),
    ];

    #[test]
    fn every_pair_is_allowed_exactly_when_listed() {
        let mut allowed_seen = 0;
        for from in TaskStatus::ALL {
            for to in TaskStatus::ALL {
                let expected = ALLOWED.contains(&(from, to));
                let result = check_transition(7, from, to);
                if expected {
                    allowed_seen += 1;
                    assert_eq!(result, Ok(()), "{from} -> {to} should be allowed");
                } else {
                    assert_eq!(
                        result,
                        Err(Error::InvalidTransition {
                            task: "7".into(),
                            from: from.to_string(),
                            to: to.to_string(),
                        }),
                        "{from} -> {to} should be refused"
                    );
                }
            }
        }
        assert_eq!(allowed_seen, ALLOWED.len());
    }

    #[test]
    fn terminal_statuses_have_no_way_out() {
        let terminal: Vec<_> = TaskStatus::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(
            terminal,
            [
                Rejected,
                ApprovalExpired,
                ExecutionExpired,
                Cancelled,
                PrecheckFailed,
                Succeeded,
                PartiallySucceeded,
                Failed,
                Aborted
            ]
        );
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for status in TaskStatus::ALL {
            assert_eq!(TaskStatus::from_name(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
        for status in TableStatus::ALL {
            assert_eq!(TableStatus::from_name(status.as_str()), Some(status));
        }
        for status in StatementStatus::ALL {
            assert_eq!(StatementStatus::from_name(status.as_str()), Some(status));
        }
        assert_eq!(TaskStatus::from_name("approved"), None);
    }

    #[test]
    fn rank_follows_lifecycle_order() {
        assert_eq!(PendingApproval.rank(), 0);
        assert_eq!(Aborted.rank(), TaskStatus::ALL.len() - 1);
        assert!(WaitingForExecution.rank() < Executing.rank());
    }
}
