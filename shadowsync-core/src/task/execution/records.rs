//! What a run records as it goes: table and statement statuses (and the
//! progress events they mean), timeline events, log lines, and the task's
//! final status.

use crate::error::{Error, Result};
use crate::executor::Clock;

use super::super::center::Change;
use super::super::log::LogLevel;
use super::super::progress::Progress;
use super::super::status::{StatementStatus, TableStatus, TaskStatus};
use super::super::store::Store;
use super::super::timeline::{TimelineAction, TimelineEvent};
use super::super::{ErrorStrategy, Task};
use super::Execution;

impl<S: Store, C: Clock> Execution<'_, S, C> {
    pub(super) fn final_status(&self, aborted: bool) -> TaskStatus {
        let any = |status| self.task.tables.iter().any(|t| t.status == status);
        if aborted {
            TaskStatus::Aborted
        } else if !any(TableStatus::Failed) {
            TaskStatus::Succeeded
        } else if self.task.spec.on_error == ErrorStrategy::Continue && any(TableStatus::Succeeded)
        {
            TaskStatus::PartiallySucceeded
        } else {
            TaskStatus::Failed
        }
    }

    /// Skip the tables never reached, and move the task to `status` if this
    /// worker still owns it.
    pub(super) fn finish(&mut self, status: TaskStatus) -> Result<Task> {
        let reason = format!("not run: task {status}");
        for index in 0..self.task.tables.len() {
            if self.task.tables[index].status == TableStatus::Waiting {
                self.set_table(index, TableStatus::Skipped, Some(&reason))?;
            }
        }
        let (id, worker) = (self.id(), self.worker);
        let finished =
            self.center.update(id, |task, now| {
                if task.state.worker.as_deref() != Some(worker) {
                    return Err(Error::InvalidRequest(format!(
                        "task {id} was taken over by {}",
                        task.state.worker.as_deref().unwrap_or("another worker")
                    )));
                }
                let mut change = Change::transition(task, status, now)?.with_event(
                    TimelineEvent::new(now, worker, TimelineAction::Finished { status }),
                );
                change.state.lease_until = None;
                Ok(change)
            })?;
        let level = match status {
            TaskStatus::Succeeded => LogLevel::Info,
            TaskStatus::PartiallySucceeded | TaskStatus::Aborted => LogLevel::Warn,
            _ => LogLevel::Error,
        };
        self.log(level, &format!("finished: {status}"))?;
        self.emit(Progress::TaskFinished { task: id, status });
        Ok(finished)
    }

    pub(super) fn set_table(
        &mut self,
        index: usize,
        status: TableStatus,
        error: Option<&str>,
    ) -> Result<()> {
        self.center
            .store
            .set_table_status(self.id(), index, status, error)?;
        let table = &mut self.task.tables[index];
        let was = table.status;
        table.status = status;
        table.error = error.map(str::to_string);
        // A table ends when it succeeds or fails; one never reached is
        // skipped quietly with the task.
        if matches!(status, TableStatus::Succeeded | TableStatus::Failed)
            || (was == TableStatus::Running && status == TableStatus::Skipped)
        {
            self.emit(Progress::TableFinished {
                task: self.id(),
                table: self.task.spec.plan.tables[index].source.clone(),
                status,
                error: error.map(str::to_string),
            });
        }
        Ok(())
    }

    pub(super) fn set_statement(
        &mut self,
        index: usize,
        k: usize,
        status: StatementStatus,
        error: Option<&str>,
    ) -> Result<()> {
        self.center
            .store
            .set_statement_status(self.id(), index, k, status, error)?;
        let statement = &mut self.task.tables[index].statements[k];
        statement.status = status;
        statement.error = error.map(str::to_string);
        if status != StatementStatus::Running {
            let planned = &self.task.spec.plan.tables[index];
            self.emit(Progress::StatementFinished {
                task: self.id(),
                table: planned.source.clone(),
                statement: k + 1,
                of: planned.statements.len(),
                status,
                error: error.map(str::to_string),
            });
        }
        Ok(())
    }

    pub(super) fn event(&self, action: TimelineAction, comment: Option<&str>) -> Result<()> {
        let event = TimelineEvent::new(self.center.clock.now(), self.worker, action)
            .with_comment(comment.unwrap_or_default());
        self.center.store.append_events(self.id(), &[event])
    }

    pub(super) fn log(&self, level: LogLevel, message: &str) -> Result<()> {
        self.center.log(self.id(), level, message)
    }
}
