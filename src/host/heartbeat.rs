//! The heartbeat a worker runs beside a task: it renews the worker's leases
//! (so that a statement running longer than the lease, a long ALTER, does
//! not let another worker take the task over) and interrupts the running
//! statement once an abort was requested (so that `task abort` or Ctrl-C
//! stops a long ALTER instead of waiting for it).
//!
//! Ctrl-C reaches it through [`request_stop`]: a host's signal handler asks
//! every heartbeat of the process to abort its worker's tasks, by the same
//! path as `task abort`, so the task ends `aborted` truthfully.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use shadowsync_core::task::{Actor, Store, TaskCenter, TaskId, TaskStatus};
use shadowsync_core::{Clock, Interrupt};

/// How many heartbeats run in this process now.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

/// Who asked the process to stop its tasks ([`request_stop`]), if anyone.
static STOP: Mutex<Option<Actor>> = Mutex::new(None);

/// Ask every heartbeat of this process to abort its worker's executing
/// tasks on behalf of `by` (within about a second: the running statement is
/// interrupted and the task ends `aborted`). Meant for a host's Ctrl-C
/// handler; `false` when no task runs in this process now (the host may
/// then just exit).
pub fn request_stop(by: Actor) -> bool {
    *STOP.lock().unwrap_or_else(PoisonError::into_inner) = Some(by);
    ACTIVE.load(Ordering::Acquire) > 0
}

/// Whether [`request_stop`] was called in this process: a host starts no
/// further task then.
pub fn stop_requested() -> bool {
    stop_requested_by().is_some()
}

fn stop_requested_by() -> Option<Actor> {
    STOP.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

/// The interrupter of the executor a worker runs its current task on, and
/// that task, set by whoever opens the executor and read by the heartbeat.
/// An abort request interrupts the executor only when it is running that
/// very task: a worker that left another task executing (a resume refused
/// at its run lock) must not stop the statement of the one it runs now.
#[derive(Default)]
pub struct Running(Mutex<Option<(TaskId, Arc<dyn Interrupt>)>>);

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let current = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Running")
            .field("task", &current.as_ref().map(|(id, _)| *id))
            .finish()
    }
}

impl Running {
    /// From now on, `interrupter` stops the running statement of task
    /// `task` (`None`: the executor cannot be interrupted; an abort waits
    /// for its statement).
    pub fn set(&self, task: TaskId, interrupter: Option<Arc<dyn Interrupt>>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) =
            interrupter.map(|interrupter| (task, interrupter));
    }

    /// The interrupter of the executor running task `task`, if it is the
    /// one running.
    fn of(&self, task: TaskId) -> Option<Arc<dyn Interrupt>> {
        match &*self.0.lock().unwrap_or_else(PoisonError::into_inner) {
            Some((running, interrupter)) if *running == task => Some(interrupter.clone()),
            _ => None,
        }
    }
}

/// How often the heartbeat thread looks whether its work is done.
const TICK: Duration = Duration::from_millis(100);

/// How often the heartbeat thread looks for abort requests.
const ABORT_POLL: Duration = Duration::from_secs(1);

/// Runs `work` while a second thread renews `worker`'s leases every third
/// of the center's lease and looks every second whether an abort was
/// requested for one of `worker`'s executing tasks: then it interrupts the
/// statement running on `running`'s executor, once per task. The heartbeat
/// stops when `work` returns. A failed renewal is reported (`tracing`) and
/// tried again; the worker itself stops before its next statement if its
/// lease is lost meanwhile.
pub fn with_heartbeat<S, C, T>(
    center: &TaskCenter<S, C>,
    worker: &str,
    running: &Running,
    work: impl FnOnce() -> T,
) -> T
where
    S: Store + Sync,
    C: Clock + Sync,
{
    let done = AtomicBool::new(false);
    let period = Duration::from_millis(u64::try_from(center.lease() / 3).unwrap_or(1_000));
    ACTIVE.fetch_add(1, Ordering::AcqRel);
    let _active = Active;
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let (mut renewed, mut polled) = (Instant::now(), Instant::now());
            let mut interrupted: Vec<TaskId> = Vec::new();
            while !done.load(Ordering::Acquire) {
                std::thread::sleep(TICK);
                if renewed.elapsed() >= period {
                    renewed = Instant::now();
                    if let Err(e) = center.renew_leases(worker) {
                        tracing::warn!("could not renew the leases of {worker}: {e}");
                    }
                }
                let stop = stop_requested_by();
                if stop.is_some() || polled.elapsed() >= ABORT_POLL {
                    polled = Instant::now();
                    if let Some(by) = stop {
                        abort_own_tasks(center, worker, &by);
                    }
                    interrupt_aborted(center, worker, running, &mut interrupted);
                }
            }
        });
        let value = work();
        done.store(true, Ordering::Release);
        value
    })
}

/// Counts a heartbeat out of [`ACTIVE`] when it ends, even by a panic.
struct Active;

impl Drop for Active {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Requests the abort of each of `worker`'s executing tasks not yet asked
/// to stop, on behalf of `by`.
fn abort_own_tasks<S: Store, C: Clock>(center: &TaskCenter<S, C>, worker: &str, by: &Actor) {
    let Ok(tasks) = center.store().tasks_in(&[TaskStatus::Executing]) else {
        return;
    };
    for task in tasks {
        if task.state.worker.as_deref() == Some(worker) && !task.abort_requested {
            if let Err(e) = center.abort(task.id, by, "stopped on the worker (Ctrl-C)") {
                tracing::warn!("task {}: cannot ask it to abort: {e}", task.id);
            }
        }
    }
}

/// Interrupts the running statement once for each of `worker`'s executing
/// tasks with an abort request not yet acted on.
fn interrupt_aborted<S: Store, C: Clock>(
    center: &TaskCenter<S, C>,
    worker: &str,
    running: &Running,
    interrupted: &mut Vec<TaskId>,
) {
    let Ok(tasks) = center.store().tasks_in(&[TaskStatus::Executing]) else {
        return;
    };
    for task in tasks {
        if task.state.worker.as_deref() != Some(worker)
            || !task.abort_requested
            || interrupted.contains(&task.id)
        {
            continue;
        }
        let Some(interrupter) = running.of(task.id) else {
            // Not the task running now: it stops before its next
            // statement, once a worker runs it again.
            continue;
        };
        interrupted.push(task.id);
        if let Err(e) = interrupter.interrupt() {
            tracing::warn!("task {}: {e}", task.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use shadowsync_core::task::{
        FrozenPlan, MemoryStore, PlannedAction, PlannedTable, SubmitRequest,
    };
    use shadowsync_core::Millis;

    use super::*;

    struct Still;

    impl Clock for Still {
        fn now(&self) -> Millis {
            1_700_000_000_000
        }
    }

    /// Counts the interrupts it was asked for.
    #[derive(Default)]
    struct Counting(AtomicUsize);

    impl Interrupt for Counting {
        fn interrupt(&self) -> shadowsync_core::Result<()> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    fn executing(center: &TaskCenter<MemoryStore, Still>, worker: &str) -> TaskId {
        let plan = FrozenPlan {
            connection: "mysql://u@h/db".into(),
            database: "db".into(),
            naming_rule: "prefix:__".into(),
            policy: Default::default(),
            tables: vec![PlannedTable {
                source: "t".into(),
                shadow: "__t".into(),
                action: PlannedAction::Create,
                reason: None,
                skip_reason: None,
                statements: vec!["CREATE TABLE `__t` (id int)".into()],
                kinds: vec![],
                source_fingerprint: "s".into(),
                shadow_fingerprint: None,
                adopted: false,
                rebuild: false,
            }],
            read_only_parents: vec![],
            shadows: None,
        };
        let task = center.submit(SubmitRequest::new(plan, "carol")).unwrap();
        let mut state = task.state.clone();
        state.status = TaskStatus::Executing;
        state.worker = Some(worker.into());
        assert!(center
            .store()
            .compare_and_set(task.id, task.revision, &state, &[])
            .unwrap());
        task.id
    }

    #[test]
    fn an_abort_interrupts_only_the_task_it_names() {
        let center = TaskCenter::new(MemoryStore::default(), Still);
        let left = executing(&center, "w");
        let now = executing(&center, "w");
        let counting = Arc::new(Counting::default());
        let running = Running::default();
        running.set(now, Some(counting.clone()));
        let mut interrupted = Vec::new();
        let dba = Actor::new("dba", &[]);

        // The task this worker left executing is aborted: the statement of
        // the one it runs now goes on.
        center.abort(left, &dba, "").unwrap();
        interrupt_aborted(&center, "w", &running, &mut interrupted);
        assert_eq!(counting.0.load(Ordering::SeqCst), 0);

        center.abort(now, &dba, "").unwrap();
        interrupt_aborted(&center, "w", &running, &mut interrupted);
        interrupt_aborted(&center, "w", &running, &mut interrupted);
        assert_eq!(
            counting.0.load(Ordering::SeqCst),
            1,
            "once, for its own task"
        );
    }
}
