//! The task center: submission, approval, cancellation, abort requests,
//! expiry, queries and logging. Execution is in [`super::runner`].

use crate::error::{Error, Result};
use crate::executor::{Clock, Millis};

use super::flow::{select_flow, validate_flows, Actor, ApprovalFlow, AutoApprove};
use super::list::{TaskPage, TaskQuery};
use super::log::{export_text, format_utc, redact_text, redact_url, LogEntry, LogFilter, LogLevel};
use super::status::{check_transition, TaskStatus};
use super::store::{DriftSubmission, Store};
use super::timeline::{TimelineAction, TimelineEvent, SYSTEM_ACTOR};
use super::{
    ErrorStrategy, ExecutionMode, FleetMembership, NewTask, TableProgress, Task, TaskId, TaskSpec,
    TaskState, MAX_PARALLEL,
};
use crate::plan::{FrozenPlan, PlannedAction};

/// How often a read-decide-write cycle is retried when other writers keep
/// winning the compare-and-set; each loss means someone else made progress,
/// so hitting this bound means something is wrong.
const MAX_UPDATE_ATTEMPTS: usize = 16;

/// What a creator submits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitRequest {
    /// The analysis to freeze (its connection is redacted on submission).
    pub plan: FrozenPlan,
    /// Who submits.
    pub creator: String,
    /// When it runs once approved.
    pub mode: ExecutionMode,
    /// What a failing table does.
    pub on_error: ErrorStrategy,
    /// How many statements may run at once ([`TaskSpec::parallel`]).
    pub parallel: u32,
    /// The fleet it is submitted with ([`TaskSpec::fleet`]).
    pub fleet: Option<FleetMembership>,
    /// Free text.
    pub remarks: String,
}

impl SubmitRequest {
    /// Run immediately, abort on error, no remarks.
    pub fn new(plan: FrozenPlan, creator: impl Into<String>) -> SubmitRequest {
        SubmitRequest {
            plan,
            creator: creator.into(),
            mode: ExecutionMode::Immediate,
            on_error: ErrorStrategy::Abort,
            parallel: 1,
            fleet: None,
            remarks: String::new(),
        }
    }
}

mod approval;

/// The task center over a store and a clock. All methods take `&self`, so
/// one center can be shared by the threads of a host.
#[derive(Debug)]
pub struct TaskCenter<S, C> {
    pub(super) store: S,
    pub(super) clock: C,
    /// How long a worker's lease on a task lasts (see [`TaskState::lease_until`]).
    pub(super) lease: Millis,
}

/// Default for [`TaskCenter::with_lease`]: 10 minutes, long enough for most
/// statements of a host that renews only between statements; a host with
/// a heartbeat thread ([`TaskCenter::renew_leases`]) can use far less (the
/// CLI uses 30 s).
pub const DEFAULT_LEASE_MS: Millis = 600_000;

/// The marker error of a renewal that found the task held by someone else.
const LEASE_LOST: &str = "lease lost";

/// A decided change of a task's state, to be compare-and-set.
pub(super) struct Change {
    pub(super) state: TaskState,
    pub(super) events: Vec<TimelineEvent>,
}

impl Change {
    /// Move `task` to `to` at `now`, refusing what the state machine forbids.
    pub(super) fn transition(task: &Task, to: TaskStatus, now: Millis) -> Result<Change> {
        check_transition(task.id, task.state.status, to)?;
        let mut state = task.state.clone();
        state.status = to;
        if to.is_terminal() {
            state.finished_at = Some(now);
        }
        Ok(Change {
            state,
            events: Vec::new(),
        })
    }

    /// The same change, recording `event` in the timeline.
    pub(super) fn with_event(mut self, event: TimelineEvent) -> Change {
        self.events.push(event);
        self
    }
}

impl<S: Store, C: Clock> TaskCenter<S, C> {
    /// A center working on `store`, reading time from `clock`.
    pub fn new(store: S, clock: C) -> TaskCenter<S, C> {
        TaskCenter {
            store,
            clock,
            lease: DEFAULT_LEASE_MS,
        }
    }

    /// The time on this center's clock.
    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// Workers hold the tasks they run for `lease` milliseconds at a time
    /// (at least one second), renewed as they go. Every center sharing a
    /// store should use the same lease, and a host whose statements may run
    /// longer than it renews from a second thread ([`TaskCenter::renew_leases`]).
    pub fn with_lease(mut self, lease: Millis) -> TaskCenter<S, C> {
        self.lease = lease.max(1_000);
        self
    }

    /// The lease of [`TaskCenter::with_lease`].
    pub fn lease(&self) -> Millis {
        self.lease
    }

    /// Renew the lease of every task `worker` is executing; the number
    /// renewed. A host calls this from a heartbeat thread (every third of
    /// the lease, say) so a statement that runs longer than the lease does
    /// not let another worker take its task over.
    pub fn renew_leases(&self, worker: &str) -> Result<usize> {
        let mut renewed = 0;
        for task in self.store.tasks_in(&[TaskStatus::Executing])? {
            if task.state.worker.as_deref() == Some(worker) && self.renew_lease(task.id, worker)? {
                renewed += 1;
            }
        }
        Ok(renewed)
    }

    /// Extend `worker`'s lease on executing task `id`; `false` when the task
    /// is no longer executing under `worker` (its lease was lost).
    pub fn renew_lease(&self, id: TaskId, worker: &str) -> Result<bool> {
        let outcome = self.update(id, |task, now| {
            if task.state.status != TaskStatus::Executing
                || task.state.worker.as_deref() != Some(worker)
            {
                return Err(Error::InvalidRequest(LEASE_LOST.into()));
            }
            let mut state = task.state.clone();
            state.lease_until = Some(now + self.lease);
            Ok(Change {
                state,
                events: Vec::new(),
            })
        });
        match outcome {
            Ok(_) => Ok(true),
            Err(Error::InvalidRequest(why)) if why == LEASE_LOST => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// The store, for hosts that need direct reads.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Replace the approval flows; their order is their priority.
    pub fn set_flows(&self, flows: &[ApprovalFlow]) -> Result<()> {
        validate_flows(flows)?;
        self.store.replace_flows(flows)
    }

    /// The approval flows, highest priority first.
    pub fn flows(&self) -> Result<Vec<ApprovalFlow>> {
        self.store.flows()
    }

    /// Freeze `request` into a new task under the first matching flow.
    /// Automatic nodes pass at once; a flow of automatic nodes only leaves
    /// the task waiting for execution.
    pub fn submit(&self, request: SubmitRequest) -> Result<Task> {
        self.create(request, None)
    }

    /// A new task from `old`: same connection, database, table selection and
    /// naming rule, with `plan` freshly analysed now, and the old task's
    /// error strategy and remarks.
    pub fn initiate_again(
        &self,
        old: TaskId,
        creator: &str,
        plan: FrozenPlan,
        mode: ExecutionMode,
    ) -> Result<Task> {
        let old_task = self.store.task(old)?;
        let before = &old_task.spec.plan;
        let differs = |what: &str| {
            Err(Error::InvalidRequest(format!(
                "initiating task {old} again needs the same {what}"
            )))
        };
        if redact_url(&plan.connection) != before.connection {
            return differs("connection");
        }
        if plan.database != before.database {
            return differs("database");
        }
        if plan.naming_rule != before.naming_rule {
            return differs("naming rule");
        }
        if plan.selection() != before.selection() {
            return differs("table selection");
        }
        let request = SubmitRequest {
            plan,
            creator: creator.to_string(),
            mode,
            on_error: old_task.spec.on_error,
            parallel: old_task.spec.parallel,
            // A shard initiated again is still one of its fleet.
            fleet: old_task.spec.fleet.clone(),
            remarks: old_task.spec.remarks.clone(),
        };
        self.create(request, Some(old))
    }

    /// Submit `request` as the one task of drift `drift` (its plan's
    /// [`FrozenPlan::drift_identity`]) unless a task holds that drift
    /// already: then that task comes back, `false`, and nothing is created,
    /// whichever host asks, at the same moment or later. A drift is free
    /// again once its task succeeded (the drift came back since) or expired
    /// unseen; while its task waits, runs, was rejected, cancelled or
    /// failed, the drift stays held, so approvers are not asked twice and
    /// a failed fix is not buried under new tasks.
    pub fn submit_drift(&self, request: SubmitRequest, drift: &str) -> Result<(Task, bool)> {
        let new = self.prepare(request, None)?;
        let may_resubmit = |status: TaskStatus| {
            matches!(
                status,
                TaskStatus::Succeeded | TaskStatus::ApprovalExpired | TaskStatus::ExecutionExpired
            )
        };
        match self.store.submit_for_drift(drift, &new, &may_resubmit)? {
            DriftSubmission::Created(id) => Ok((self.created(id)?, true)),
            DriftSubmission::Held(id) => Ok((self.store.task(id)?, false)),
        }
    }

    fn create(&self, request: SubmitRequest, initiated_from: Option<TaskId>) -> Result<Task> {
        let new = self.prepare(request, initiated_from)?;
        let id = self.store.create_task(&new)?;
        self.created(id)
    }

    /// The new task of `request`, not stored yet.
    fn prepare(&self, request: SubmitRequest, initiated_from: Option<TaskId>) -> Result<NewTask> {
        let now = self.clock.now();
        let SubmitRequest {
            mut plan,
            creator,
            mode,
            on_error,
            parallel,
            fleet,
            remarks,
        } = request;
        if creator.trim().is_empty() {
            return Err(Error::InvalidRequest("a task needs a creator".into()));
        }
        if !(1..=MAX_PARALLEL).contains(&parallel) {
            return Err(Error::InvalidRequest(format!(
                "a task runs 1 to {MAX_PARALLEL} statements at once, not {parallel}"
            )));
        }
        plan.validate()?;
        if let ExecutionMode::Scheduled { at } = mode {
            if at < now {
                return Err(Error::InvalidRequest(format!(
                    "scheduled time {} is in the past",
                    format_utc(at)
                )));
            }
        }
        plan.connection = redact_url(&plan.connection);
        let flow = select_flow(&self.store.flows()?, &plan.connection, &plan.database);
        let tables = plan.tables.iter().map(TableProgress::initial).collect();
        let spec = TaskSpec {
            plan,
            creator,
            mode,
            on_error,
            parallel,
            fleet,
            remarks,
            created_at: now,
            flow,
            initiated_from,
        };
        let mut state = TaskState {
            status: TaskStatus::PendingApproval,
            approval_node: 0,
            due_at: None,
            worker: None,
            started_at: None,
            finished_at: None,
            lease_until: None,
        };
        let submitted = TimelineEvent::new(
            now,
            spec.creator.clone(),
            TimelineAction::Submitted {
                flow: spec.flow.name.clone(),
            },
        );
        let mut events = vec![match initiated_from {
            Some(old) => submitted.with_comment(&format!("initiated again from task {old}")),
            None => submitted,
        }];
        match auto_approval(&spec) {
            Some(why) => pass_every_node(&spec, &mut state, now, why, &mut events),
            None => pass_automatic_nodes(&spec, &mut state, 0, now, &mut events),
        }
        Ok(NewTask {
            spec,
            state,
            tables,
            events,
        })
    }

    /// Task `id`, just stored, with its submission logged.
    fn created(&self, id: TaskId) -> Result<Task> {
        let task = self.store.task(id)?;
        self.log(id, LogLevel::Info, &describe_submission(&task))?;
        if task.state.status == TaskStatus::WaitingForExecution {
            self.log_approved(&task)?;
        }
        Ok(task)
    }

    /// Ask executing task `id` to stop. The worker stops before its next
    /// statement (the one in flight completes) and the task ends aborted.
    /// Safe to call from any thread or process sharing the store. As for
    /// [`TaskCenter::cancel`], the host decides who may; the actor must be
    /// named.
    pub fn abort(&self, id: TaskId, actor: &Actor, comment: &str) -> Result<()> {
        actor.check_named(&format!("abort task {id}"))?;
        if !self.store.request_abort(id)? {
            let status = self.store.task(id)?.state.status;
            return Err(Error::InvalidTransition {
                task: id.to_string(),
                from: status.to_string(),
                to: TaskStatus::Aborted.to_string(),
            });
        }
        let event = TimelineEvent::new(
            self.clock.now(),
            actor.name.clone(),
            TimelineAction::AbortRequested,
        )
        .with_comment(comment);
        self.store.append_events(id, &[event])?;
        self.log(
            id,
            LogLevel::Warn,
            &format!("abort requested by {}", actor.name),
        )
    }

    /// Move every overdue task to approval expired or execution expired;
    /// returns those moved. [`TaskCenter::run_due`] calls it first.
    pub fn expire_overdue(&self) -> Result<Vec<(TaskId, TaskStatus)>> {
        let now = self.clock.now();
        let mut expired = Vec::new();
        let candidates = self
            .store
            .tasks_in(&[TaskStatus::PendingApproval, TaskStatus::WaitingForExecution])?;
        for task in candidates {
            if let Some(status) = self.expire(&task, now)? {
                expired.push((task.id, status));
            }
        }
        Ok(expired)
    }

    /// Task `id`.
    pub fn task(&self, id: TaskId) -> Result<Task> {
        self.store.task(id)
    }

    /// One page of tasks (last 48 hours unless the query widens it).
    pub fn list(&self, query: &TaskQuery) -> Result<TaskPage> {
        query.validate()?;
        self.store.list_tasks(query, self.clock.now())
    }

    /// Who did what when on task `id`, oldest first.
    pub fn timeline(&self, id: TaskId) -> Result<Vec<TimelineEvent>> {
        self.store.timeline(id)
    }

    /// The log entries of task `id` that pass `filter`, oldest first.
    pub fn logs(&self, id: TaskId, filter: &LogFilter) -> Result<Vec<LogEntry>> {
        Ok(filter.apply(self.store.logs(id)?))
    }

    /// The log entries of task `id` that pass `filter`, as text, one line
    /// per entry.
    pub fn export_logs(&self, id: TaskId, filter: &LogFilter) -> Result<String> {
        Ok(export_text(&self.logs(id, filter)?))
    }

    /// Log `message` (redacted) for task `id`, in the store and through
    /// `tracing`.
    pub(super) fn log(&self, id: TaskId, level: LogLevel, message: &str) -> Result<()> {
        let message = redact_text(message);
        match level {
            LogLevel::Info => tracing::info!(task = id, "{message}"),
            LogLevel::Warn => tracing::warn!(task = id, "{message}"),
            LogLevel::Error => tracing::error!(task = id, "{message}"),
        }
        self.store.append_log(&LogEntry {
            task: id,
            at: self.clock.now(),
            level,
            message,
        })
    }

    /// Read task `id`, let `decide` compute its new state, and
    /// compare-and-set it; when another writer got there first, read again
    /// and decide again, so the decision always rests on the current state.
    pub(super) fn update(
        &self,
        id: TaskId,
        mut decide: impl FnMut(&Task, Millis) -> Result<Change>,
    ) -> Result<Task> {
        for _ in 0..MAX_UPDATE_ATTEMPTS {
            let task = self.store.task(id)?;
            let change = decide(&task, self.clock.now())?;
            if self
                .store
                .compare_and_set(id, task.revision, &change.state, &change.events)?
            {
                return Ok(Task {
                    revision: task.revision + 1,
                    state: change.state,
                    ..task
                });
            }
        }
        Err(Error::Store(format!(
            "task {id} kept changing under {MAX_UPDATE_ATTEMPTS} concurrent updates"
        )))
    }

    /// Expire `task` if it is overdue at `now`. A lost compare-and-set means
    /// someone else changed the task since it was read; the next pass
    /// decides again.
    pub(super) fn expire(&self, task: &Task, now: Millis) -> Result<Option<TaskStatus>> {
        let Some(status) = task.overdue_status(now) else {
            return Ok(None);
        };
        let action = match status {
            TaskStatus::ApprovalExpired => TimelineAction::ApprovalExpired,
            _ => TimelineAction::ExecutionExpired,
        };
        let change = Change::transition(task, status, now)?.with_event(TimelineEvent::new(
            now,
            SYSTEM_ACTOR,
            action,
        ));
        if !self
            .store
            .compare_and_set(task.id, task.revision, &change.state, &change.events)?
        {
            return Ok(None);
        }
        let deadline = match status {
            TaskStatus::ApprovalExpired => task.approval_deadline(),
            _ => task.execution_deadline().unwrap_or(now),
        };
        self.log(
            task.id,
            LogLevel::Warn,
            &format!("{status}: deadline was {}", format_utc(deadline)),
        )?;
        Ok(Some(status))
    }
}

/// Why the flow of `spec` approves it by itself at submission (its
/// [`AutoApprove`] rule holds), or `None`.
fn auto_approval(spec: &TaskSpec) -> Option<&'static str> {
    match spec.flow.auto_approve {
        AutoApprove::Never => None,
        AutoApprove::Additive => spec
            .plan
            .not_additive()
            .is_none()
            .then_some("every statement is additive (flow auto_approve = additive)"),
    }
}

/// Pass every node as the system's decision, saying `why` on each, and
/// make the task due.
fn pass_every_node(
    spec: &TaskSpec,
    state: &mut TaskState,
    now: Millis,
    why: &str,
    events: &mut Vec<TimelineEvent>,
) {
    events.extend((0..spec.flow.nodes.len()).map(|node| {
        TimelineEvent::new(now, SYSTEM_ACTOR, TimelineAction::AutoApproved { node })
            .with_comment(why)
    }));
    state.approval_node = spec.flow.nodes.len();
    make_due(spec, state, now);
}

/// Pass the automatic nodes from node `from` on, recording each; after the
/// last node the task becomes due (now, or at its scheduled time if later).
pub(super) fn pass_automatic_nodes(
    spec: &TaskSpec,
    state: &mut TaskState,
    from: usize,
    now: Millis,
    events: &mut Vec<TimelineEvent>,
) {
    let next = spec.flow.next_manual_node(from);
    let stop = next.unwrap_or(spec.flow.nodes.len());
    events.extend(
        (from..stop).map(|node| {
            TimelineEvent::new(now, SYSTEM_ACTOR, TimelineAction::AutoApproved { node })
        }),
    );
    state.approval_node = stop;
    if next.is_none() {
        make_due(spec, state, now);
    }
}

/// Every node decided: the task waits for execution, due now or at its
/// scheduled time if later.
fn make_due(spec: &TaskSpec, state: &mut TaskState, now: Millis) {
    state.status = TaskStatus::WaitingForExecution;
    state.due_at = Some(match spec.mode {
        ExecutionMode::Immediate => now,
        ExecutionMode::Scheduled { at } => at.max(now),
    });
}

fn describe_submission(task: &Task) -> String {
    let plan = &task.spec.plan;
    let count = |action| plan.tables.iter().filter(|t| t.action == action).count();
    format!(
        "submitted by {} on {} / {}: {} create, {} alter, {} skip; flow `{}`",
        task.spec.creator,
        plan.connection,
        plan.database,
        count(PlannedAction::Create),
        count(PlannedAction::Alter),
        count(PlannedAction::Skip),
        task.spec.flow.name
    )
}
