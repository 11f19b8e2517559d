//! Running tasks as every front end must: with the naming rule and shadow
//! policy the task's frozen plan recorded (never one the caller passes: a
//! plan analysed with one policy and verified with another fails every
//! table it changed), under the lease and abort [`heartbeat`](super::heartbeat).

use shadowsync_core::analysis::{PlanInspectors, ShadowInspector};
use shadowsync_core::task::log::format_utc;
use shadowsync_core::task::{
    Connector, DueReport, Observer, Store, Task, TaskCenter, TaskId, TaskStatus,
};
use shadowsync_core::{Clock, Error, Executor, Result};

use super::heartbeat::{stop_requested, with_heartbeat, Running};

/// The inspector that prechecks and verifies `task`'s tables: its plan's
/// naming rule and shadow policy.
fn inspector_for(task: &Task) -> Result<ShadowInspector> {
    ShadowInspector::for_plan(&task.spec.plan)
}

/// Claim waiting task `id` for `worker` and run it to its end through
/// `exec` (on the task's database), under the heartbeat, its progress told
/// to `observer` ([`Unobserved`](shadowsync_core::task::Unobserved) for
/// nobody).
pub fn execute<S, C>(
    center: &TaskCenter<S, C>,
    id: TaskId,
    worker: &str,
    exec: &mut dyn Executor,
    observer: &dyn Observer,
) -> Result<Task>
where
    S: Store + Sync,
    C: Clock + Sync,
{
    run_one(
        center,
        id,
        worker,
        exec,
        observer,
        TaskCenter::execute_observed,
    )
}

/// Take over executing task `id` (this worker's own, or one whose lease
/// has expired) and finish it through `exec`, under the heartbeat, its
/// progress told to `observer`.
pub fn resume<S, C>(
    center: &TaskCenter<S, C>,
    id: TaskId,
    worker: &str,
    exec: &mut dyn Executor,
    observer: &dyn Observer,
) -> Result<Task>
where
    S: Store + Sync,
    C: Clock + Sync,
{
    run_one(
        center,
        id,
        worker,
        exec,
        observer,
        TaskCenter::resume_observed,
    )
}

/// The core center's `execute` or `resume`, as both take their task.
type CenterRun<S, C> = fn(
    &TaskCenter<S, C>,
    TaskId,
    &str,
    &mut dyn Executor,
    &mut dyn shadowsync_core::task::SchemaInspector,
    &dyn Observer,
) -> Result<Task>;

/// Task `id` through `run` with its plan's inspector, under the heartbeat.
fn run_one<S, C>(
    center: &TaskCenter<S, C>,
    id: TaskId,
    worker: &str,
    exec: &mut dyn Executor,
    observer: &dyn Observer,
    run: CenterRun<S, C>,
) -> Result<Task>
where
    S: Store + Sync,
    C: Clock + Sync,
{
    let mut inspector = inspector_for(&center.task(id)?)?;
    let running = Running::default();
    running.set(id, exec.interrupter());
    with_heartbeat(center, worker, &running, || {
        run(center, id, worker, exec, &mut inspector, observer)
    })
}

/// [`resume`] inside [`run_due`]'s heartbeat: `running` is that
/// heartbeat's, and learns `exec`'s interrupter.
fn resume_under<S: Store, C: Clock>(
    center: &TaskCenter<S, C>,
    id: TaskId,
    worker: &str,
    exec: &mut dyn Executor,
    running: &Running,
    observer: &dyn Observer,
) -> Result<Task> {
    let mut inspector = inspector_for(&center.task(id)?)?;
    running.set(id, exec.interrupter());
    center.resume_observed(id, worker, exec, &mut inspector, observer)
}

/// What one scheduling pass ([`run_due`]) did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DuePass {
    /// Executing tasks of other workers whose lease had expired (they died,
    /// on this host or another), taken over and finished.
    pub resumed: Vec<(TaskId, TaskStatus)>,
    /// Such tasks that could not be taken over, and why.
    pub not_resumed: Vec<(TaskId, String)>,
    /// Executing tasks left alone because another worker's lease on them is
    /// live (it may still be running them): the holder and the expiry.
    pub held: Vec<(TaskId, String)>,
    /// The task center's own pass: expiries, this worker's interrupted
    /// tasks, the due ones.
    pub report: DueReport,
}

/// One scheduling pass for `worker`, under the heartbeat: take over the
/// executing tasks of other workers whose lease has expired, then let the
/// task center ([`TaskCenter::run_due`]) expire overdue tasks, finish this
/// worker's own interrupted ones and run the due ones; each task with its
/// own plan's inspector, on the executor `connector` opens for it, the
/// progress of every task told to `observer`.
pub fn run_due<S, C>(
    center: &TaskCenter<S, C>,
    worker: &str,
    connector: &mut dyn Connector,
    observer: &dyn Observer,
) -> Result<DuePass>
where
    S: Store + Sync,
    C: Clock + Sync,
{
    let running = Running::default();
    with_heartbeat(center, worker, &running, || {
        let mut connector = Interruptible {
            inner: connector,
            running: &running,
        };
        let mut pass = take_over_expired(center, worker, &mut connector, &running, observer)?;
        pass.report =
            center.run_due_observed(worker, &mut connector, &mut PlanInspectors, observer)?;
        Ok(pass)
    })
}

/// [`run_due`]'s first part: the tasks of other workers whose lease expired.
fn take_over_expired<S: Store, C: Clock>(
    center: &TaskCenter<S, C>,
    worker: &str,
    connector: &mut Interruptible<'_>,
    running: &Running,
    observer: &dyn Observer,
) -> Result<DuePass> {
    let mut pass = DuePass::default();
    for task in center.store().tasks_in(&[TaskStatus::Executing])? {
        let Some(holder) = task.state.worker.as_deref().filter(|w| *w != worker) else {
            continue;
        };
        if let Some(until) = task.state.lease_until.filter(|&t| t > center.now()) {
            pass.held.push((
                task.id,
                format!(
                    "held by {holder} until {} (its lease is live)",
                    format_utc(until)
                ),
            ));
            continue;
        }
        let outcome = connector.connect(&task).and_then(|mut exec| {
            resume_under(center, task.id, worker, exec.as_mut(), running, observer)
        });
        match outcome {
            Ok(done) => pass.resumed.push((done.id, done.state.status)),
            // Another process took it over first, or it cannot be reached.
            Err(
                error @ (Error::InvalidRequest(_)
                | Error::InvalidTransition { .. }
                | Error::Executor(_)
                | Error::ConnectionLost(_)),
            ) => pass.not_resumed.push((task.id, error.to_string())),
            Err(other) => return Err(other),
        }
    }
    Ok(pass)
}

/// A [`Connector`] that hands each executor it opens to the heartbeat, to
/// interrupt on abort, and opens none once the process was asked to stop
/// ([`request_stop`](super::request_stop)): the task is then reported not
/// started and left as it was.
struct Interruptible<'a> {
    /// Opens the executors.
    inner: &'a mut dyn Connector,
    /// Where the heartbeat finds the current executor's interrupter.
    running: &'a Running,
}

impl Connector for Interruptible<'_> {
    fn connect(&mut self, task: &Task) -> Result<Box<dyn Executor + '_>> {
        if stop_requested() {
            return Err(Error::InvalidRequest(
                "not started: this worker was asked to stop (Ctrl-C)".into(),
            ));
        }
        let exec = self.inner.connect(task)?;
        self.running.set(task.id, exec.interrupter());
        Ok(exec)
    }
}
