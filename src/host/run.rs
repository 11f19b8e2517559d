//! Running tasks as every front end must: with the naming rule and shadow
//! policy the task's frozen plan recorded (never one the caller passes: a
//! plan analysed with one policy and verified with another fails every
//! table it changed), under the lease and abort [`heartbeat`](super::heartbeat).

use shadowsync_core::analysis::{PlanInspectors, ShadowInspector};
use shadowsync_core::task::{Connector, DueReport, Store, Task, TaskCenter, TaskId};
use shadowsync_core::{Clock, Error, Executor, Result};

use super::heartbeat::{stop_requested, with_heartbeat, Running};

/// The inspector that prechecks and verifies `task`'s tables: its plan's
/// naming rule and shadow policy.
pub fn inspector_for(task: &Task) -> Result<ShadowInspector> {
    ShadowInspector::for_plan(&task.spec.plan)
}

/// Claim waiting task `id` for `worker` and run it to its end through
/// `exec` (on the task's database), under the heartbeat.
pub fn execute<S, C>(
    center: &TaskCenter<S, C>,
    id: TaskId,
    worker: &str,
    exec: &mut dyn Executor,
) -> Result<Task>
where
    S: Store + Sync,
    C: Clock + Sync,
{
    run_one(center, id, worker, exec, TaskCenter::execute)
}

/// Take over executing task `id` (this worker's own, or one whose lease
/// has expired) and finish it through `exec`, under the heartbeat.
pub fn resume<S, C>(
    center: &TaskCenter<S, C>,
    id: TaskId,
    worker: &str,
    exec: &mut dyn Executor,
) -> Result<Task>
where
    S: Store + Sync,
    C: Clock + Sync,
{
    run_one(center, id, worker, exec, TaskCenter::resume)
}

/// The core center's `execute` or `resume`, as both take their task.
type CenterRun<S, C> = fn(
    &TaskCenter<S, C>,
    TaskId,
    &str,
    &mut dyn Executor,
    &mut dyn shadowsync_core::task::SchemaInspector,
) -> Result<Task>;

/// Task `id` through `run` with its plan's inspector, under the heartbeat.
fn run_one<S, C>(
    center: &TaskCenter<S, C>,
    id: TaskId,
    worker: &str,
    exec: &mut dyn Executor,
    run: CenterRun<S, C>,
) -> Result<Task>
where
    S: Store + Sync,
    C: Clock + Sync,
{
    let mut inspector = inspector_for(&center.task(id)?)?;
    let running = Running::default();
    running.set(exec.interrupter());
    with_heartbeat(center, worker, &running, || {
        run(center, id, worker, exec, &mut inspector)
    })
}

/// [`resume`] inside a heartbeat the caller already runs (a host's own
/// pass over several tasks): `running` is that heartbeat's, and learns
/// `exec`'s interrupter.
pub fn resume_under<S: Store, C: Clock>(
    center: &TaskCenter<S, C>,
    id: TaskId,
    worker: &str,
    exec: &mut dyn Executor,
    running: &Running,
) -> Result<Task> {
    let mut inspector = inspector_for(&center.task(id)?)?;
    running.set(exec.interrupter());
    center.resume(id, worker, exec, &mut inspector)
}

/// One scheduling pass of the task center for `worker`
/// ([`TaskCenter::run_due`]), each task with its own plan's inspector, on
/// the executor `connector` opens for it, under the heartbeat.
pub fn run_due<S, C>(
    center: &TaskCenter<S, C>,
    worker: &str,
    connector: &mut dyn Connector,
) -> Result<DueReport>
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
        center.run_due(worker, &mut connector, &mut PlanInspectors)
    })
}

/// A [`Connector`] that hands each executor it opens to the heartbeat, to
/// interrupt on abort, and opens none once the process was asked to stop
/// ([`request_stop`](super::request_stop)): the task is then reported not
/// started and left as it was.
pub struct Interruptible<'a> {
    /// Opens the executors.
    pub inner: &'a mut dyn Connector,
    /// Where the heartbeat finds the current executor's interrupter.
    pub running: &'a Running,
}

impl Connector for Interruptible<'_> {
    fn connect(&mut self, task: &Task) -> Result<Box<dyn Executor + '_>> {
        if stop_requested() {
            return Err(Error::InvalidRequest(
                "not started: this worker was asked to stop (Ctrl-C)".into(),
            ));
        }
        let exec = self.inner.connect(task)?;
        self.running.set(exec.interrupter());
        Ok(exec)
    }
}
