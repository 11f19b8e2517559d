//! One fleet submission followed as one: every task that carries a fleet
//! id ([`FleetMembership::id`]), with where each stands and a roll-up.

use std::collections::HashSet;

use serde::Serialize;
use shadowsync_core::task::list::{ListWindow, TaskQuery, MAX_PAGE_SIZE};
use shadowsync_core::task::log::format_utc;
use shadowsync_core::task::{Actor, StatementStatus, Store, Task, TaskCenter, TaskId, TaskStatus};
use shadowsync_core::{Clock, Error, Result};

use crate::host::view::SCHEMA_VERSION;

/// The tasks of fleet `fleet` (kind `fleet_tasks`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetTasksView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"fleet_tasks"`.
    pub kind: &'static str,
    /// When the view was made.
    pub at: String,
    /// The fleet id.
    pub fleet: String,
    /// Every database the submission planned has a task, and every task
    /// succeeded.
    pub complete: bool,
    /// How many databases the submission planned tasks for.
    pub of: u32,
    /// The places (from 1) of those that have no task: refused at the
    /// submission (an earlier task not finished there, a refused request).
    pub missing: Vec<u32>,
    /// How many tasks stand where.
    pub counts: FleetTaskCounts,
    /// Each task, in the fleet's order; a task initiated again replaces the
    /// one it was initiated from.
    pub tasks: Vec<FleetTaskView>,
}

/// How many tasks of a fleet stand where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FleetTaskCounts {
    /// Tasks of the fleet.
    pub tasks: usize,
    /// Succeeded.
    pub succeeded: usize,
    /// Waiting for approval or to run.
    pub waiting: usize,
    /// Executing (or left executing by a worker that died: `task run-due`
    /// finishes it once its lease ran out).
    pub executing: usize,
    /// Ended otherwise: failed, partially succeeded, aborted, rejected,
    /// cancelled, expired.
    pub unsuccessful: usize,
}

/// One task of a [`FleetTasksView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetTaskView {
    /// Its id.
    pub id: TaskId,
    /// Its database, as `host:port/schema`.
    pub member: String,
    /// Its place in the fleet, from 1.
    pub index: u32,
    /// Where it stands.
    pub status: TaskStatus,
    /// Its statements that applied.
    pub applied: usize,
    /// Its statements.
    pub statements: usize,
}

/// Every task of fleet `fleet` (by id), or [`Error::NotFound`] when none
/// carries that id. The tasks are looked for among those created since the
/// time the id names (all tasks when it names none).
pub fn fleet_tasks<S: Store, C: Clock>(
    center: &TaskCenter<S, C>,
    fleet: &str,
) -> Result<FleetTasksView> {
    let window = submitted_at(fleet).map_or(ListWindow::All, |at| ListWindow::Since { at });
    let mut tasks: Vec<Task> = Vec::new();
    for page in 0.. {
        let query = TaskQuery {
            window,
            page,
            page_size: MAX_PAGE_SIZE,
            ..TaskQuery::default()
        };
        let listed = center.list(&query)?;
        for summary in &listed.items {
            let task = center.task(summary.id)?;
            if task.spec.fleet.as_ref().is_some_and(|f| f.id == fleet) {
                tasks.push(task);
            }
        }
        if (page + 1) * MAX_PAGE_SIZE >= listed.total {
            break;
        }
    }
    if tasks.is_empty() {
        return Err(Error::NotFound(format!("no task of fleet {fleet}")));
    }
    // A task created while the pages were read shifts the newest-first list:
    // one may come twice. A shard initiated again is its new task.
    let mut seen = HashSet::new();
    tasks.retain(|t| seen.insert(t.id));
    let replaced: HashSet<TaskId> = tasks.iter().filter_map(|t| t.spec.initiated_from).collect();
    tasks.retain(|t| !replaced.contains(&t.id));
    tasks.sort_by_key(|t| (t.spec.fleet.as_ref().map_or(0, |f| f.index), t.id));
    let of = tasks
        .iter()
        .filter_map(|t| t.spec.fleet.as_ref().map(|f| f.of))
        .max()
        .unwrap_or_default();
    let placed: HashSet<u32> = tasks
        .iter()
        .filter_map(|t| t.spec.fleet.as_ref().map(|f| f.index))
        .collect();
    let missing: Vec<u32> = (1..=of).filter(|i| !placed.contains(i)).collect();
    let mut counts = FleetTaskCounts {
        tasks: tasks.len(),
        ..FleetTaskCounts::default()
    };
    let views = tasks
        .iter()
        .map(|task| {
            let status = task.state.status;
            *match status {
                TaskStatus::Succeeded => &mut counts.succeeded,
                TaskStatus::Executing => &mut counts.executing,
                TaskStatus::PendingApproval | TaskStatus::WaitingForExecution => {
                    &mut counts.waiting
                }
                _ => &mut counts.unsuccessful,
            } += 1;
            let statements = task.tables.iter().flat_map(|t| &t.statements);
            FleetTaskView {
                id: task.id,
                member: task
                    .spec
                    .fleet
                    .as_ref()
                    .map(|f| f.member.clone())
                    .unwrap_or_default(),
                index: task.spec.fleet.as_ref().map_or(0, |f| f.index),
                status,
                applied: statements
                    .clone()
                    .filter(|s| s.status == StatementStatus::Applied)
                    .count(),
                statements: statements.count(),
            }
        })
        .collect();
    Ok(FleetTasksView {
        schema_version: SCHEMA_VERSION,
        kind: "fleet_tasks",
        at: format_utc(center.now()),
        fleet: fleet.to_string(),
        complete: counts.succeeded == counts.tasks && missing.is_empty(),
        of,
        missing,
        counts,
        tasks: views,
    })
}

/// A decision on every task of a fleet that waits for approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetDecision {
    /// Approve each at the node it waits at.
    Approve,
    /// Reject each at the node it waits at.
    Reject,
}

/// Decide every task of fleet `fleet` that waits for approval, each at the
/// approval node it waits at, as the actor `actor_of` names for it (a front
/// end checks there whether its flow allows a delegated identity), with
/// `comment`; the fleet's view after. Tasks not waiting for approval are
/// left as they are. The first decision the task center refuses (the
/// actor may not decide that node, the creator may not approve) stops it,
/// naming that task and those already decided, which stay decided.
pub fn decide_fleet<S: Store, C: Clock>(
    center: &TaskCenter<S, C>,
    fleet: &str,
    decision: FleetDecision,
    actor_of: impl Fn(&Task) -> Result<Actor>,
    comment: &str,
) -> Result<FleetTasksView> {
    let waiting: Vec<TaskId> = fleet_tasks(center, fleet)?
        .tasks
        .iter()
        .filter(|t| t.status == TaskStatus::PendingApproval)
        .map(|t| t.id)
        .collect();
    if waiting.is_empty() {
        return Err(Error::InvalidRequest(format!(
            "no task of fleet {fleet} waits for approval"
        )));
    }
    let mut decided: Vec<TaskId> = Vec::new();
    for id in waiting {
        let outcome = center.task(id).and_then(|task| {
            let actor = actor_of(&task)?;
            match decision {
                FleetDecision::Approve => center.approve(id, &actor, comment),
                FleetDecision::Reject => center.reject(id, &actor, comment),
            }
        });
        if let Err(error) = outcome {
            let done = if decided.is_empty() {
                "none decided before it".to_string()
            } else {
                format!(
                    "tasks {} were decided before it",
                    decided
                        .iter()
                        .map(TaskId::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(Error::InvalidRequest(format!(
                "fleet {fleet}: task {id}: {error} ({done})"
            )));
        }
        decided.push(id);
    }
    fleet_tasks(center, fleet)
}

/// The submission time a fleet id names (`fleet-<ms>@…`).
fn submitted_at(fleet: &str) -> Option<shadowsync_core::Millis> {
    fleet
        .strip_prefix("fleet-")?
        .split_once('@')?
        .0
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fleet_ids_name_their_submission_time() {
        assert_eq!(
            submitted_at("fleet-1796303858722@h:1/db_0"),
            Some(1_796_303_858_722)
        );
        assert_eq!(submitted_at("fleet-x@h:1/db"), None);
        assert_eq!(submitted_at("other"), None);
    }
}
