//! Starting executions: claiming a due task (exactly one worker wins),
//! taking over an interrupted one, and the scheduling pass hosts call
//! periodically. The execution itself is in [`super::execution`].

use super::progress::{Observer, Unobserved};
use crate::error::{Error, Result};
use crate::executor::{Clock, Executor, Millis};

use super::center::{Change, TaskCenter};
use super::execution::Execution;
use super::inspect::SchemaInspector;
use super::log::{format_utc, redact_text, LogLevel};
use super::status::TaskStatus;
use super::store::Store;
use super::timeline::{TimelineAction, TimelineEvent};
use super::{Task, TaskId};

/// Opens an executor on the connection and database of a task. The task
/// only holds the redacted connection: the host maps it to credentials.
pub trait Connector {
    /// An executor for `task`.
    fn connect(&mut self, task: &Task) -> Result<Box<dyn Executor + '_>>;
}

impl<F: FnMut(&Task) -> Result<Box<dyn Executor>>> Connector for F {
    fn connect(&mut self, task: &Task) -> Result<Box<dyn Executor + '_>> {
        // Widen the closure's `'static` box to the trait's lifetime.
        self(task).map(|exec| exec as Box<dyn Executor + '_>)
    }
}

/// A [`Connector`] that lends one executor to every task of a pass; a task
/// whose plan is on another database than the executor's is not started
/// (reported in [`DueReport::not_started`]) rather than run on the wrong one.
pub struct SingleExecutor<'a>(pub &'a mut dyn Executor);

impl Connector for SingleExecutor<'_> {
    fn connect(&mut self, task: &Task) -> Result<Box<dyn Executor + '_>> {
        let database = self.0.server_info()?.database;
        if database != task.spec.plan.database {
            return Err(Error::InvalidRequest(format!(
                "task {} is on database `{}`, the executor on `{database}`",
                task.id, task.spec.plan.database
            )));
        }
        Ok(Box::new(&mut *self.0))
    }
}

/// Gives [`TaskCenter::run_due`] the inspector of each task it runs: tasks
/// differ in naming rule and shadow policy (for the analysis layer's
/// inspector, [`crate::analysis::PlanInspectors`]).
pub trait InspectorSource {
    /// The inspector for `task`.
    fn inspector(&mut self, task: &Task) -> Result<Box<dyn SchemaInspector>>;
}

impl<F: FnMut(&Task) -> Result<Box<dyn SchemaInspector>>> InspectorSource for F {
    fn inspector(&mut self, task: &Task) -> Result<Box<dyn SchemaInspector>> {
        self(task)
    }
}

/// What one [`TaskCenter::run_due`] pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DueReport {
    /// Tasks moved to approval expired or execution expired.
    pub expired: Vec<(TaskId, TaskStatus)>,
    /// Tasks this worker ran (or resumed) to their final status.
    pub finished: Vec<(TaskId, TaskStatus)>,
    /// Due tasks that were no longer waiting when this worker tried to claim
    /// them (another worker won, or they were cancelled meanwhile).
    pub not_claimed: Vec<TaskId>,
    /// Tasks left as they were (due ones waiting, this worker's interrupted
    /// ones executing) because no executor could be opened, with the
    /// reason; the next pass tries again (due ones until they expire).
    pub not_started: Vec<(TaskId, String)>,
    /// Tasks whose connection was lost while they ran, with the reason:
    /// left executing by this worker, to be resumed (the statement in
    /// flight is settled from the schema then).
    pub interrupted: Vec<(TaskId, String)>,
}

impl<S: Store, C: Clock> TaskCenter<S, C> {
    /// Claim waiting task `id` for `worker` and run it to its end. Exactly
    /// one of several workers calling this for the same task wins; the
    /// others get [`Error::InvalidTransition`]. A scheduled task is refused
    /// before its time.
    pub fn execute(
        &self,
        id: TaskId,
        worker: &str,
        exec: &mut dyn Executor,
        inspector: &mut dyn SchemaInspector,
    ) -> Result<Task> {
        self.execute_observed(id, worker, exec, inspector, &Unobserved)
    }

    /// [`TaskCenter::execute`], its [`Progress`](super::Progress) told to
    /// `observer`.
    pub fn execute_observed(
        &self,
        id: TaskId,
        worker: &str,
        exec: &mut dyn Executor,
        inspector: &mut dyn SchemaInspector,
        observer: &dyn Observer,
    ) -> Result<Task> {
        let task = self.claim(id, worker)?;
        Execution::new(self, task, worker, exec, inspector, observer).run()
    }

    /// Take over executing task `id` and finish it: a task this worker held
    /// itself (a restart), or one whose holder's lease has expired (the
    /// holder died or lost the store). A live lease of another worker is
    /// refused, naming the holder and until when it holds the task. Of
    /// several workers resuming at once, one wins.
    pub fn resume(
        &self,
        id: TaskId,
        worker: &str,
        exec: &mut dyn Executor,
        inspector: &mut dyn SchemaInspector,
    ) -> Result<Task> {
        self.resume_observed(id, worker, exec, inspector, &Unobserved)
    }

    /// [`TaskCenter::resume`], its [`Progress`](super::Progress) told to
    /// `observer`.
    pub fn resume_observed(
        &self,
        id: TaskId,
        worker: &str,
        exec: &mut dyn Executor,
        inspector: &mut dyn SchemaInspector,
        observer: &dyn Observer,
    ) -> Result<Task> {
        let previous = self.store.task(id)?.state.worker;
        let task = self.update(id, |task, now| {
            if task.state.status != TaskStatus::Executing {
                return Err(Error::InvalidTransition {
                    task: id.to_string(),
                    from: task.state.status.to_string(),
                    to: TaskStatus::Executing.to_string(),
                });
            }
            if task.state.worker != previous {
                return Err(Error::InvalidRequest(format!(
                    "task {id} was resumed by {} meanwhile",
                    task.state.worker.as_deref().unwrap_or("another worker")
                )));
            }
            if let Some(holder) = live_holder(task, worker, now) {
                return Err(Error::InvalidRequest(format!(
                    "task {id} is held by {holder} until {} (its lease is live: the worker may still be running); \
                     it can be taken over once the lease has expired",
                    format_utc(task.state.lease_until.unwrap_or(now))
                )));
            }
            let mut state = task.state.clone();
            state.worker = Some(worker.to_string());
            state.lease_until = Some(now + self.lease);
            let event = TimelineEvent::new(now, worker, TimelineAction::Resumed).with_comment(
                &format!("previous worker: {}", previous.as_deref().unwrap_or("none")),
            );
            Ok(Change {
                state,
                events: vec![event],
            })
        })?;
        self.log(
            id,
            LogLevel::Warn,
            &format!("resumed by {worker} after interruption"),
        )?;
        Execution::new(self, task, worker, exec, inspector, observer).run()
    }

    /// One scheduling pass for `worker`: expire overdue tasks, take over the
    /// executing tasks `worker` itself left (a crash of this worker) or whose
    /// lease has expired (any worker, any host), then claim and run every
    /// due task. Worker ids must be unique among the workers alive at a
    /// time; a restarted worker keeps its id.
    pub fn run_due(
        &self,
        worker: &str,
        connector: &mut dyn Connector,
        inspectors: &mut dyn InspectorSource,
    ) -> Result<DueReport> {
        self.run_due_observed(worker, connector, inspectors, &Unobserved)
    }

    /// [`TaskCenter::run_due`], the [`Progress`](super::Progress) of every
    /// task it runs told to `observer`.
    pub fn run_due_observed(
        &self,
        worker: &str,
        connector: &mut dyn Connector,
        inspectors: &mut dyn InspectorSource,
        observer: &dyn Observer,
    ) -> Result<DueReport> {
        let mut report = DueReport {
            expired: self.expire_overdue()?,
            ..DueReport::default()
        };
        for task in self.store.tasks_in(&[TaskStatus::Executing])? {
            if live_holder(&task, worker, self.clock.now()).is_some() {
                continue;
            }
            let Some(mut exec) = self.connect(&task, connector, &mut report)? else {
                continue;
            };
            let mut inspector = inspectors.inspector(&task)?;
            match self.resume_observed(task.id, worker, exec.as_mut(), inspector.as_mut(), observer)
            {
                Ok(done) => report.finished.push((done.id, done.state.status)),
                Err(lost @ Error::ConnectionLost(_)) => report
                    .interrupted
                    .push((task.id, redact_text(&lost.to_string()))),
                Err(other) => return Err(other),
            }
        }
        let now = self.clock.now();
        for task in self.store.tasks_in(&[TaskStatus::WaitingForExecution])? {
            if !task.is_due(now) {
                continue;
            }
            let Some(mut exec) = self.connect(&task, connector, &mut report)? else {
                continue;
            };
            let mut inspector = inspectors.inspector(&task)?;
            match self.claim(task.id, worker) {
                Ok(claimed) => {
                    let run = Execution::new(
                        self,
                        claimed,
                        worker,
                        exec.as_mut(),
                        inspector.as_mut(),
                        observer,
                    );
                    match run.run() {
                        Ok(done) => report.finished.push((done.id, done.state.status)),
                        Err(lost @ Error::ConnectionLost(_)) => report
                            .interrupted
                            .push((task.id, redact_text(&lost.to_string()))),
                        Err(other) => return Err(other),
                    }
                }
                Err(Error::InvalidTransition { .. }) => report.not_claimed.push(task.id),
                Err(other) => return Err(other),
            }
        }
        Ok(report)
    }

    /// An executor for `task`, or `None` (logged and reported) when the
    /// connection cannot be opened.
    fn connect<'c>(
        &self,
        task: &Task,
        connector: &'c mut dyn Connector,
        report: &mut DueReport,
    ) -> Result<Option<Box<dyn Executor + 'c>>> {
        match connector.connect(task) {
            Ok(exec) => Ok(Some(exec)),
            Err(error) => {
                let reason = redact_text(&error.to_string());
                self.log(
                    task.id,
                    LogLevel::Warn,
                    &format!("could not connect: {reason}"),
                )?;
                report.not_started.push((task.id, reason));
                Ok(None)
            }
        }
    }

    /// Move waiting task `id` to executing under `worker`, if it is due.
    fn claim(&self, id: TaskId, worker: &str) -> Result<Task> {
        let snapshot = self.store.task(id)?;
        self.expire(&snapshot, self.clock.now())?;
        let task = self.update(id, |task, now| {
            if task.state.status == TaskStatus::WaitingForExecution && !task.is_due(now) {
                return Err(Error::InvalidRequest(format!(
                    "task {id} is not due before {}",
                    format_utc(task.state.due_at.unwrap_or(now))
                )));
            }
            let mut change = Change::transition(task, TaskStatus::Executing, now)?
                .with_event(TimelineEvent::new(now, worker, TimelineAction::Started));
            change.state.worker = Some(worker.to_string());
            change.state.started_at = Some(now);
            change.state.lease_until = Some(now + self.lease);
            Ok(change)
        })?;
        self.log(id, LogLevel::Info, &format!("started by {worker}"))?;
        Ok(task)
    }
}

/// The other worker whose live lease holds executing `task` at `now`, if any.
/// A task without a lease (stored before leases existed) is held by nobody.
fn live_holder<'t>(task: &'t Task, worker: &str, now: Millis) -> Option<&'t str> {
    let holder = task.state.worker.as_deref()?;
    let live = task.state.lease_until.is_some_and(|until| until > now);
    (holder != worker && live).then_some(holder)
}
