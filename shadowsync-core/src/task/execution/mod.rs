//! One worker running one claimed task: precheck, each table's statements
//! with progress recorded before and after every statement, verification,
//! abort requests between statements, and settling statements a crash left
//! with an unknown outcome.
//!
//! Recovery rests on the statement records: `applied` statements are never
//! sent again; a statement found `running` (sent, outcome unknown) is settled
//! by asking the [`SchemaInspector`] what the table still needs, never by
//! sending it again blindly.

use crate::error::{Error, Result};
use crate::executor::{Clock, Executor};
use crate::guard::StatementGuard;
use crate::parse::parse_table;
use crate::plan::{PlannedAction, PlannedTable, SkipReason};
use crate::shadow::is_marked_shadow;

use super::center::TaskCenter;
use super::inspect::SchemaInspector;
use super::log::{redact_text, LogLevel};
use super::progress::{Observer, Progress};
use super::status::{TableStatus, TaskStatus};
use super::store::Store;
use super::timeline::TimelineAction;
use super::{Task, TaskId};

mod dispatch;
mod records;
mod schedule;
mod settle;

/// One worker running one claimed task.
pub(super) struct Execution<'a, S, C> {
    center: &'a TaskCenter<S, C>,
    /// The task as this worker knows it; progress is updated here and in
    /// the store together.
    task: Task,
    worker: &'a str,
    exec: &'a mut dyn Executor,
    inspector: &'a mut dyn SchemaInspector,
    /// Checks every statement before it is sent; built when the run starts.
    guard: Option<StatementGuard>,
    /// Hears the run's progress.
    observer: &'a dyn Observer,
}

impl<'a, S: Store, C: Clock> Execution<'a, S, C> {
    pub(super) fn new(
        center: &'a TaskCenter<S, C>,
        task: Task,
        worker: &'a str,
        exec: &'a mut dyn Executor,
        inspector: &'a mut dyn SchemaInspector,
        observer: &'a dyn Observer,
    ) -> Self {
        Execution {
            center,
            task,
            worker,
            exec,
            inspector,
            guard: None,
            observer,
        }
    }

    fn id(&self) -> TaskId {
        self.task.id
    }

    /// Tell the run's observer about `event`.
    fn emit(&self, event: Progress) {
        self.observer.observe(&event);
    }

    /// Run the task to a terminal status, or until the store fails (which
    /// leaves the records as a crash would).
    pub(super) fn run(mut self) -> Result<Task> {
        let fresh = self.is_fresh();
        let changed = self.task.spec.plan.tables.iter();
        let changed: Vec<usize> = changed
            .filter(|t| t.action != PlannedAction::Skip)
            .map(|t| t.statements.len())
            .collect();
        self.emit(Progress::TaskStarted {
            task: self.id(),
            tables: changed.len(),
            statements: changed.iter().sum(),
            resumed: !fresh,
        });
        if let Some(why) = self.start_guard()? {
            self.log(LogLevel::Error, &format!("statement guard: {why}"))?;
            return self.finish(if fresh {
                TaskStatus::PrecheckFailed
            } else {
                TaskStatus::Failed
            });
        }
        if let Some(why) = self.exec.lock_database()? {
            if !fresh {
                // Leave the task executing, to be resumed once the other run ends.
                return Err(Error::Executor(why));
            }
            self.log(LogLevel::Error, &format!("precheck: {why}"))?;
            self.event(TimelineAction::PrecheckFailed, None)?;
            return self.finish(TaskStatus::PrecheckFailed);
        }
        let outcome = self.run_locked(fresh);
        let unlocked = self.exec.unlock_database();
        let task = outcome?;
        if let Err(e) = unlocked {
            // The lock also ends with the connection; the task's outcome stands.
            self.log(
                LogLevel::Warn,
                &format!("could not release the run lock: {e}"),
            )?;
        }
        Ok(task)
    }

    /// Builds the statement guard from the plan and the connection's own
    /// facts; `Some(why)` when the plan itself is refused.
    fn start_guard(&mut self) -> Result<Option<String>> {
        let server = self.exec.server_info()?;
        // Only database mode needs to know which server this is.
        let identity = match self.task.spec.plan.shadows {
            Some(_) => self.exec.server_identity()?,
            None => None,
        };
        match StatementGuard::for_plan(&self.task.spec.plan, &server, identity.as_deref()) {
            Ok(guard) => {
                self.guard = Some(guard);
                Ok(None)
            }
            Err(refusal) => Ok(Some(refusal.0)),
        }
    }

    /// The planned tables for which `keep(planned, status now)` holds.
    fn planned_where(
        &self,
        keep: impl Fn(&PlannedTable, TableStatus) -> bool,
    ) -> Vec<PlannedTable> {
        self.task
            .spec
            .plan
            .tables
            .iter()
            .zip(&self.task.tables)
            .filter(|(planned, state)| keep(planned, state.status))
            .map(|(planned, _)| planned.clone())
            .collect()
    }

    /// What the guard cannot tell from the plan alone, read off the live
    /// schema for every table not started yet: a shadow the plan alters
    /// carries the shadow marker (unless the user adopted it), and a shadow
    /// it creates does not exist. So a plan that names a production table
    /// as a shadow, whatever naming rule it claims, changes nothing.
    fn unproven_targets(&mut self) -> Result<Vec<String>> {
        let waiting = self.planned_where(|p, status| {
            p.action != PlannedAction::Skip && status == TableStatus::Waiting
        });
        let names: Vec<String> = waiting.iter().map(|t| t.shadow.clone()).collect();
        let texts = self.exec.show_create_tables(&names)?;
        let mut problems = Vec::new();
        for (table, text) in waiting.iter().zip(texts) {
            let shadow = &table.shadow;
            match (table.action, text) {
                (PlannedAction::Create, Some(_)) => problems.push(format!(
                    "`{shadow}` exists already: the plan would create it, so it is not this task's to change"
                )),
                (PlannedAction::Alter, None) => {
                    problems.push(format!("`{shadow}` does not exist: the plan would alter it"))
                }
                (PlannedAction::Alter, Some(ddl)) if !table.adopted => {
                    let marked = parse_table(&ddl).is_ok_and(|t| is_marked_shadow(&t));
                    if !marked {
                        problems.push(format!(
                            "`{shadow}` carries no shadow marker: it is not known to be a shadow and is never altered"
                        ));
                    }
                }
                _ => {}
            }
        }
        Ok(problems)
    }

    /// The run under the database's run lock.
    fn run_locked(&mut self, fresh: bool) -> Result<Task> {
        let unproven = self.unproven_targets()?;
        if !unproven.is_empty() {
            for problem in &unproven {
                self.log(LogLevel::Error, &format!("statement guard: {problem}"))?;
            }
            return self.finish(if fresh {
                TaskStatus::PrecheckFailed
            } else {
                TaskStatus::Failed
            });
        }
        if fresh {
            let drift = self.precheck(false)?;
            if !drift.is_empty() {
                for line in &drift {
                    self.log(LogLevel::Error, &format!("precheck: {line}"))?;
                }
                self.event(TimelineAction::PrecheckFailed, None)?;
                return self.finish(TaskStatus::PrecheckFailed);
            }
            self.event(TimelineAction::PrecheckPassed, None)?;
            self.log(LogLevel::Info, "precheck passed")?;
        } else {
            // A resumed run goes on with statements planned before the
            // interruption: the tables not started yet must still be as the
            // analysis saw them, or their statements are stale.
            let drift = self.precheck(true)?;
            if !drift.is_empty() {
                for line in &drift {
                    self.log(LogLevel::Error, &format!("precheck on resume: {line}"))?;
                }
                return self.finish(TaskStatus::Failed);
            }
        }
        let sent = self.send_statements()?;
        let (applied, aborted, refused) = (sent.applied, sent.aborted, sent.refused);
        // Verified only once every statement ran: a later table's statements
        // may complete an earlier shadow (the foreign keys closing a cycle,
        // or those into a shadow this task alters).
        let planned: Vec<PlannedTable> = applied
            .iter()
            .map(|&index| self.task.spec.plan.tables[index].clone())
            .collect();
        if !planned.is_empty() {
            self.emit(Progress::Verifying {
                task: self.id(),
                tables: planned.len(),
            });
        }
        let remaining = self.inspector.remaining_changes_of_all(self.exec, &planned);
        for ((index, planned), remaining) in applied.into_iter().zip(&planned).zip(remaining) {
            self.verify(index, planned, remaining)?;
        }
        let status = if refused {
            TaskStatus::Failed
        } else {
            self.final_status(aborted)
        };
        self.finish(status)
    }

    /// Whether no table has started: precheck then still describes what
    /// this run will change. After a crash, tables already touched would
    /// fail a precheck against the frozen fingerprints, so it is not repeated.
    fn is_fresh(&self) -> bool {
        self.task
            .tables
            .iter()
            .all(|t| matches!(t.status, TableStatus::Waiting | TableStatus::Skipped))
    }

    /// Every difference between the live schema and the frozen one, planned
    /// skips included (a skip decided on a stale schema is stale too).
    /// A lost connection is an error, not drift: nothing was compared.
    /// Drift since the analysis: of every table the task changes or
    /// reports in step, or (`waiting_only`, on resume) of those not started.
    fn precheck(&mut self, waiting_only: bool) -> Result<Vec<String>> {
        let drift = self.compare_with_analysis(waiting_only)?;
        self.emit(Progress::PrecheckFinished {
            task: self.id(),
            drifted: drift.len(),
        });
        Ok(drift)
    }

    /// [`Self::precheck`]'s comparison.
    fn compare_with_analysis(&mut self, waiting_only: bool) -> Result<Vec<String>> {
        let mut drift = Vec::new();
        // Every table the task changes or reports in step is prechecked: a
        // shadow judged identical on a source that has changed since is
        // stale, and the task must not report it in step. Refused, missing
        // and user-skipped tables are neither changed nor vouched for.
        let runs = self.planned_where(|t, status| {
            (t.action != PlannedAction::Skip || t.typed_reason() == Some(SkipReason::Identical))
                && (!waiting_only || status == TableStatus::Waiting)
        });
        self.emit(Progress::PrecheckStarted {
            task: self.id(),
            tables: runs.len(),
        });
        let live = self.inspector.fingerprints_of_all(self.exec, &runs);
        for (table, fingerprints) in runs.iter().zip(live) {
            match fingerprints {
                Ok((source, shadow)) => {
                    if source != table.source_fingerprint {
                        drift.push(format!(
                            "source `{}` changed since the analysis (fingerprint {} -> {source})",
                            table.source, table.source_fingerprint
                        ));
                    }
                    if shadow != table.shadow_fingerprint {
                        drift.push(format!(
                            "shadow `{}` changed since the analysis (fingerprint {} -> {})",
                            table.shadow,
                            table.shadow_fingerprint.as_deref().unwrap_or("absent"),
                            shadow.as_deref().unwrap_or("absent")
                        ));
                    }
                }
                Err(lost @ Error::ConnectionLost(_)) => return Err(lost),
                Err(error) => drift.push(format!("`{}` could not be read: {error}", table.source)),
            }
        }
        Ok(drift)
    }

    /// Before each statement: renew the lease once half of it has passed,
    /// and stop if it was lost (another worker took the task over after it
    /// expired): this worker then sends nothing more.
    fn keep_lease(&mut self) -> Result<()> {
        let now = self.center.clock.now();
        let half = self.center.lease / 2;
        if self
            .task
            .state
            .lease_until
            .is_some_and(|until| until - now > half)
        {
            return Ok(());
        }
        if !self.center.renew_lease(self.id(), self.worker)? {
            let holder = self.center.store.task(self.id())?.state.worker;
            self.emit(Progress::LeaseLost {
                task: self.id(),
                worker: self.worker.to_string(),
            });
            return Err(Error::InvalidRequest(format!(
                "task {}: {} lost its lease (now held by {}); it stops before its next statement",
                self.id(),
                self.worker,
                holder.as_deref().unwrap_or("nobody")
            )));
        }
        self.task.state.lease_until = Some(now + self.center.lease);
        Ok(())
    }

    fn start_table(&mut self, index: usize, planned: &PlannedTable) -> Result<()> {
        if self.task.tables[index].status != TableStatus::Waiting {
            return Ok(());
        }
        self.set_table(index, TableStatus::Running, None)?;
        self.emit(Progress::TableStarted {
            task: self.id(),
            table: planned.source.clone(),
            shadow: planned.shadow.clone(),
            statements: planned.statements.len(),
        });
        self.event(
            TimelineAction::TableStarted {
                table: planned.source.clone(),
            },
            None,
        )?;
        self.log(
            LogLevel::Info,
            &format!("table `{}` started", planned.source),
        )
    }

    /// Records the verification of `planned` (table `index`) from what its
    /// shadow still needs.
    fn verify(
        &mut self,
        index: usize,
        planned: &PlannedTable,
        remaining: Result<Vec<String>>,
    ) -> Result<()> {
        match remaining {
            Ok(remaining) if remaining.is_empty() => {
                self.set_table(index, TableStatus::Succeeded, None)?;
                self.event(
                    TimelineAction::TableSucceeded {
                        table: planned.source.clone(),
                    },
                    None,
                )?;
                self.log(
                    LogLevel::Info,
                    &format!("table `{}` succeeded", planned.source),
                )?;
                Ok(())
            }
            Ok(remaining) => self.fail_table(
                index,
                &format!("verify: the shadow still needs: {}", remaining.join("; ")),
            ),
            Err(lost @ Error::ConnectionLost(_)) => Err(lost),
            Err(error) => self.fail_table(index, &format!("verify: {error}")),
        }
    }

    fn fail_table(&mut self, index: usize, reason: &str) -> Result<()> {
        let table = self.task.spec.plan.tables[index].source.clone();
        let reason = redact_text(reason);
        self.set_table(index, TableStatus::Failed, Some(&reason))?;
        self.event(
            TimelineAction::TableFailed {
                table: table.clone(),
            },
            Some(&reason),
        )?;
        self.log(
            LogLevel::Error,
            &format!("table `{table}` failed: {reason}"),
        )
    }
}
