//! Deciding on a task waiting for approval: approve, reject, cancel, and
//! the checks a decision passes (the node, the approver, self-approval,
//! expiry).

use crate::error::{Error, Result};
use crate::executor::{Clock, Millis};

use super::super::flow::{same_user, Actor, ApprovalNode};
use super::super::log::{format_utc, LogLevel};
use super::super::status::TaskStatus;
use super::super::store::Store;
use super::super::timeline::{TimelineAction, TimelineEvent};
use super::super::{Task, TaskId};
use super::{pass_automatic_nodes, Change, TaskCenter};

impl<S: Store, C: Clock> TaskCenter<S, C> {
    /// `actor` approves the current node of task `id`; the task moves to the
    /// next node needing a person, or, after the last one, to waiting for
    /// execution.
    ///
    /// Refused ([`Error::InvalidRequest`]) when the actor has no name, may
    /// not decide the node, or, under a flow with
    /// [`ApprovalFlow::forbid_self_approval`](super::super::flow::ApprovalFlow::forbid_self_approval), created the task. The center
    /// checks the identity and roles it is given against the flow; it does
    /// not authenticate them: that is the host's part.
    pub fn approve(&self, id: TaskId, actor: &Actor, comment: &str) -> Result<Task> {
        actor.check_named(&format!("approve task {id}"))?;
        self.expire_if_overdue(id)?;
        let task = self.update(id, |task, now| {
            let (index, node) = current_node(task, actor, now, Decision::Approve)?;
            let mut state = task.state.clone();
            let mut events = vec![TimelineEvent::new(
                now,
                actor.name.clone(),
                TimelineAction::Approved {
                    node: index,
                    name: node.name.clone(),
                },
            )
            .with_comment(comment)];
            pass_automatic_nodes(&task.spec, &mut state, index + 1, now, &mut events);
            Ok(Change { state, events })
        })?;
        // The node index awaiting a decision is also the count of decided nodes.
        self.log(
            id,
            LogLevel::Info,
            &format!(
                "{} approved ({} of {} nodes decided)",
                actor.name,
                task.state.approval_node,
                task.spec.flow.nodes.len()
            ),
        )?;
        if task.state.status == TaskStatus::WaitingForExecution {
            self.log_approved(&task)?;
        }
        Ok(task)
    }

    /// `actor` rejects task `id` at its current node. The creator may reject
    /// its own task (when it may decide the node): a rejection lets nothing
    /// through. Refused when the actor has no name.
    pub fn reject(&self, id: TaskId, actor: &Actor, comment: &str) -> Result<Task> {
        actor.check_named(&format!("reject task {id}"))?;
        self.expire_if_overdue(id)?;
        let task = self.update(id, |task, now| {
            let (index, _) = current_node(task, actor, now, Decision::Reject)?;
            let event = TimelineEvent::new(
                now,
                actor.name.clone(),
                TimelineAction::Rejected { node: index },
            )
            .with_comment(comment);
            Ok(Change::transition(task, TaskStatus::Rejected, now)?.with_event(event))
        })?;
        self.log(
            id,
            LogLevel::Warn,
            &format!("rejected by {}: {comment}", actor.name),
        )?;
        Ok(task)
    }

    /// Withdraw task `id` while it waits for approval or execution; any
    /// other status is an [`Error::InvalidTransition`]. The center records
    /// who cancelled (a named actor is required) but checks no role: the
    /// host decides who may, e.g. the creator or an admin.
    pub fn cancel(&self, id: TaskId, actor: &Actor, comment: &str) -> Result<Task> {
        actor.check_named(&format!("cancel task {id}"))?;
        let task = self.update(id, |task, now| {
            let event = TimelineEvent::new(now, actor.name.clone(), TimelineAction::Cancelled)
                .with_comment(comment);
            Ok(Change::transition(task, TaskStatus::Cancelled, now)?.with_event(event))
        })?;
        self.log(id, LogLevel::Warn, &format!("cancelled by {}", actor.name))?;
        Ok(task)
    }

    pub(super) fn expire_if_overdue(&self, id: TaskId) -> Result<()> {
        let task = self.store.task(id)?;
        self.expire(&task, self.clock.now()).map(drop)
    }

    pub(super) fn log_approved(&self, task: &Task) -> Result<()> {
        let due = task.state.due_at.map_or_else(String::new, format_utc);
        self.log(task.id, LogLevel::Info, &format!("approved; due at {due}"))
    }
}

/// What an approver decides at a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Approve,
    Reject,
}

impl Decision {
    /// The status the decision aims at, named in the error when the task is
    /// not pending (approving aims at the next step, waiting for execution).
    fn target(self) -> TaskStatus {
        match self {
            Decision::Approve => TaskStatus::WaitingForExecution,
            Decision::Reject => TaskStatus::Rejected,
        }
    }
}

/// The node of pending task `task` awaiting a decision, if `actor` may
/// make `decision` there at `now`.
fn current_node<'t>(
    task: &'t Task,
    actor: &Actor,
    now: Millis,
    decision: Decision,
) -> Result<(usize, &'t ApprovalNode)> {
    if task.state.status != TaskStatus::PendingApproval {
        return Err(Error::InvalidTransition {
            task: task.id.to_string(),
            from: task.state.status.to_string(),
            to: decision.target().to_string(),
        });
    }
    if task.overdue_status(now).is_some() {
        return Err(Error::InvalidRequest(format!(
            "approval of task {} expired at {}",
            task.id,
            format_utc(task.approval_deadline())
        )));
    }
    // Before the approver check, so a creator who holds the node's role
    // learns the real reason. Checked on the task's own copy of the flow:
    // editing the templates later does not reopen a task under way.
    if decision == Decision::Approve
        && task.spec.flow.forbid_self_approval
        && same_user(&actor.name, &task.spec.creator)
    {
        return Err(Error::InvalidRequest(format!(
            "task {} was created by `{}`, who may not approve it: flow `{}` forbids self-approval",
            task.id, task.spec.creator, task.spec.flow.name
        )));
    }
    let index = task.state.approval_node;
    let node =
        task.spec.flow.nodes.get(index).ok_or_else(|| {
            Error::Store(format!("task {} waits on missing node {index}", task.id))
        })?;
    if !node.approvers.allow(actor) {
        return Err(Error::InvalidRequest(format!(
            "{} may not decide node {index} (`{}`) of task {}",
            actor.name, node.name, task.id
        )));
    }
    Ok((index, node))
}
