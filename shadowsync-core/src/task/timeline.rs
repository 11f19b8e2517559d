//! The timeline of a task: who did what, when.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::executor::Millis;

use super::log::format_utc;
use super::status::TaskStatus;

/// Actor name recorded for what the task center does by itself (automatic
/// approval, expiry).
pub const SYSTEM_ACTOR: &str = "system";

/// One entry of a task's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// When.
    pub at: Millis,
    /// Who: a user, a worker id, or [`SYSTEM_ACTOR`].
    pub actor: String,
    /// What.
    pub action: TimelineAction,
    /// The actor's comment, if any.
    pub comment: Option<String>,
}

/// What happened to a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineAction {
    /// Created, under this approval flow.
    Submitted {
        /// Name of the flow the task follows.
        flow: String,
    },
    /// An approver approved a node.
    Approved {
        /// Index of the node, from 0.
        node: usize,
        /// Name of the node.
        name: String,
    },
    /// An automatic node passed.
    AutoApproved {
        /// Index of the node, from 0.
        node: usize,
    },
    /// An approver rejected the task at a node.
    Rejected {
        /// Index of the node, from 0.
        node: usize,
    },
    /// Nobody decided in time.
    ApprovalExpired,
    /// Withdrawn.
    Cancelled,
    /// Nobody executed it in time.
    ExecutionExpired,
    /// A worker claimed it and started.
    Started,
    /// A worker took over an interrupted execution.
    Resumed,
    /// The server still matches the frozen analysis.
    PrecheckPassed,
    /// The server drifted from the frozen analysis.
    PrecheckFailed,
    /// A table started.
    TableStarted {
        /// Source table.
        table: String,
    },
    /// A table reached its target.
    TableSucceeded {
        /// Source table.
        table: String,
    },
    /// A table failed.
    TableFailed {
        /// Source table.
        table: String,
    },
    /// Someone asked a running task to stop.
    AbortRequested,
    /// Execution ended with this status.
    Finished {
        /// Final status.
        status: TaskStatus,
    },
}

impl TimelineEvent {
    /// An event without comment.
    pub fn new(at: Millis, actor: impl Into<String>, action: TimelineAction) -> TimelineEvent {
        TimelineEvent {
            at,
            actor: actor.into(),
            action,
            comment: None,
        }
    }

    /// The same event with a comment (an empty one counts as none).
    pub fn with_comment(mut self, comment: &str) -> TimelineEvent {
        self.comment = (!comment.trim().is_empty()).then(|| comment.to_string());
        self
    }
}

impl fmt::Display for TimelineAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimelineAction::Submitted { flow } => write!(f, "submitted (flow `{flow}`)"),
            TimelineAction::Approved { node, name } => write!(f, "approved node {node} ({name})"),
            TimelineAction::AutoApproved { node } => write!(f, "auto-approved node {node}"),
            TimelineAction::Rejected { node } => write!(f, "rejected at node {node}"),
            TimelineAction::ApprovalExpired => f.write_str("approval expired"),
            TimelineAction::Cancelled => f.write_str("cancelled"),
            TimelineAction::ExecutionExpired => f.write_str("execution expired"),
            TimelineAction::Started => f.write_str("started"),
            TimelineAction::Resumed => f.write_str("resumed after interruption"),
            TimelineAction::PrecheckPassed => f.write_str("precheck passed"),
            TimelineAction::PrecheckFailed => f.write_str("precheck failed"),
            TimelineAction::TableStarted { table } => write!(f, "table `{table}` started"),
            TimelineAction::TableSucceeded { table } => write!(f, "table `{table}` succeeded"),
            TimelineAction::TableFailed { table } => write!(f, "table `{table}` failed"),
            TimelineAction::AbortRequested => f.write_str("abort requested"),
            TimelineAction::Finished { status } => write!(f, "finished: {status}"),
        }
    }
}

/// `time actor action[: comment]`, time in ISO-8601 UTC.
impl fmt::Display for TimelineEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", format_utc(self.at), self.actor, self.action)?;
        if let Some(comment) = &self.comment {
            write!(f, ": {comment}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_render_as_one_line() {
        let e = TimelineEvent::new(
            0,
            "alice",
            TimelineAction::Approved {
                node: 1,
                name: "dba".into(),
            },
        )
        .with_comment("looks fine");
        assert_eq!(
            e.to_string(),
            "1970-01-01T00:00:00.000Z alice approved node 1 (dba): looks fine"
        );
        assert_eq!(
            TimelineEvent::new(0, "x", TimelineAction::Started)
                .with_comment(" ")
                .comment,
            None
        );
    }

    #[test]
    fn actions_serialize_with_a_kind_tag() {
        let json = serde_json::to_string(&TimelineAction::Finished {
            status: TaskStatus::Aborted,
        })
        .unwrap();
        assert_eq!(json, r#"{"kind":"finished","status":"aborted"}"#);
    }
}
