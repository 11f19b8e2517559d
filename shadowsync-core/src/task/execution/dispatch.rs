//! Sending a task's statements: first settling those an earlier run left
//! without outcome (one by one, on the task's own executor), then running
//! the rest, one at a time or several at once on the executor's
//! [`StatementPool`], as the [`schedule`](super::schedule) allows. Every
//! record is written here, on the run's one thread, before a statement is
//! started and after it ended; abort requests and the lease are looked at
//! before each statement is started.

use std::collections::{HashMap, VecDeque};

use crate::error::{Error, Result};
use crate::executor::{Clock, Executor, StatementPool};
use crate::plan::{PlannedAction, PlannedTable};

use super::super::log::{redact_text, LogLevel};
use super::super::progress::Progress;
use super::super::status::{StatementStatus, TableStatus};
use super::super::store::Store;
use super::super::ErrorStrategy;
use super::schedule::Dependencies;
use super::settle::Settled;
use super::Execution;

/// What sending the statements came to.
pub(super) struct Sent {
    /// Tables whose statements all applied, in the plan's order: verified next.
    pub(super) applied: Vec<usize>,
    /// Stopped by an abort request.
    pub(super) aborted: bool,
    /// The statement guard refused a statement: the task fails.
    pub(super) refused: bool,
}

/// Where a table stands before its statements are sent.
enum Start {
    /// Nothing left to send: its statements all applied.
    Applied,
    /// Send from this statement on.
    From(usize),
    /// It failed (now or before an interruption).
    Failed,
}

/// Where statements run: on the task's executor, one at a time (each
/// finished as soon as it is started), or on a pool of sessions.
enum Slots {
    Inline(VecDeque<(usize, Result<()>)>),
    Pool(Box<dyn StatementPool>),
}

impl Slots {
    fn width(&self) -> usize {
        match self {
            Slots::Inline(_) => 1,
            Slots::Pool(pool) => pool.width().max(1),
        }
    }

    fn start(&mut self, exec: &mut dyn Executor, ticket: usize, sql: &str) -> Result<()> {
        match self {
            Slots::Inline(done) => {
                done.push_back((ticket, exec.execute(sql)));
                Ok(())
            }
            Slots::Pool(pool) => pool.start(ticket, sql),
        }
    }

    fn next_finished(&mut self) -> Result<(usize, Result<()>)> {
        match self {
            Slots::Inline(done) => done.pop_front().ok_or_else(|| {
                Error::InvalidRequest("no statement is running on the task's connection".into())
            }),
            Slots::Pool(pool) => pool.next_finished(),
        }
    }
}

/// What the loop knows of one table while statements run.
struct Lane {
    /// Its next statement, while it has one to send.
    next: Option<usize>,
    /// No statement of it will be sent any more (applied, failed, never to
    /// run): tables waiting for it may start.
    settled: bool,
}

impl<S: Store, C: Clock> Execution<'_, S, C> {
    /// Settle, then send, every statement not applied yet.
    pub(super) fn send_statements(&mut self) -> Result<Sent> {
        let mut sent = Sent {
            applied: Vec::new(),
            aborted: false,
            refused: false,
        };
        // Under `abort` strategy a failed table stops the task: no table
        // starts after it, the ones under way finish what they began.
        let mut no_new_tables = false;
        let mut lanes = Vec::with_capacity(self.task.tables.len());
        for index in 0..self.task.tables.len() {
            let start = match self.task.tables[index].status {
                TableStatus::Succeeded | TableStatus::Skipped => None,
                TableStatus::Failed => Some(Start::Failed),
                TableStatus::Waiting | TableStatus::Running => Some(self.settle_table(index)?),
            };
            let next = match start {
                None => None,
                Some(Start::Applied) => {
                    sent.applied.push(index);
                    None
                }
                Some(Start::Failed) => {
                    no_new_tables |= self.task.spec.on_error == ErrorStrategy::Abort;
                    None
                }
                Some(Start::From(k)) => Some(k),
            };
            lanes.push(Lane {
                next,
                settled: next.is_none(),
            });
        }
        let runnable = lanes.iter().filter(|lane| lane.next.is_some()).count();
        let (mut slots, deps) = self.open_slots(runnable)?;
        let mut running: HashMap<usize, usize> = HashMap::new();
        let mut lost = None;
        let mut halted = false;
        loop {
            while !halted && running.len() < slots.width() {
                let Some(index) = next_ready(&lanes, &deps, &running, |i| {
                    !no_new_tables || self.task.tables[i].status == TableStatus::Running
                }) else {
                    break;
                };
                if self.center.store.abort_requested(self.id())? {
                    sent.aborted = true;
                    halted = true;
                    break;
                }
                self.keep_lease()?;
                let k = lanes[index].next.unwrap_or_default();
                let planned = self.task.spec.plan.tables[index].clone();
                self.start_table(index, &planned)?;
                if self.send(&mut slots, index, k, &planned)? {
                    running.insert(index, k);
                } else {
                    sent.refused = true;
                    halted = true;
                    lanes[index] = Lane {
                        next: None,
                        settled: true,
                    };
                }
            }
            if running.is_empty() {
                break;
            }
            let (index, outcome) = slots.next_finished()?;
            let Some(k) = running.remove(&index) else {
                return Err(Error::InvalidRequest(format!(
                    "the statement pool finished a statement of table {index} it was not given"
                )));
            };
            let planned = self.task.spec.plan.tables[index].clone();
            let count = planned.statements.len();
            match self.record(index, k, &planned, outcome)? {
                Recorded::Applied if k + 1 < count => lanes[index].next = Some(k + 1),
                Recorded::Applied => {
                    sent.applied.push(index);
                    lanes[index] = Lane {
                        next: None,
                        settled: true,
                    };
                }
                Recorded::Lost(error) => {
                    // The statement stays `running`; the others in flight
                    // are still recorded as they end.
                    lost.get_or_insert(error);
                    halted = true;
                    lanes[index].next = None;
                }
                Recorded::Failed(_) if self.center.store.abort_requested(self.id())? => {
                    // The abort may have killed it on the server (the
                    // heartbeat interrupts the running statements).
                    self.log(
                        LogLevel::Warn,
                        &format!(
                            "`{}`: statement {} of {count} was interrupted by the abort request",
                            planned.source,
                            k + 1
                        ),
                    )?;
                    sent.aborted = true;
                    halted = true;
                    lanes[index].next = None;
                }
                Recorded::Failed(error) => {
                    self.fail_table(
                        index,
                        &format!("statement {} of {count} failed: {error}", k + 1),
                    )?;
                    no_new_tables |= self.task.spec.on_error == ErrorStrategy::Abort;
                    lanes[index] = Lane {
                        next: None,
                        settled: true,
                    };
                }
            }
        }
        if let Some(lost) = lost {
            return Err(lost);
        }
        if sent.aborted {
            self.log(LogLevel::Warn, "stopping: abort requested")?;
            for index in 0..self.task.tables.len() {
                if self.task.tables[index].status == TableStatus::Running
                    && !sent.applied.contains(&index)
                {
                    // Some statements of this table ran: it is left half-changed.
                    let statements = &self.task.tables[index].statements;
                    let done = statements
                        .iter()
                        .filter(|s| s.status == StatementStatus::Applied)
                        .count();
                    let reason = format!("aborted after {done} of {} statements", statements.len());
                    self.fail_table(index, &reason)?;
                }
            }
        }
        sent.applied.sort_unstable();
        Ok(sent)
    }

    /// Where table `index` stands: its statements looked at in order, one
    /// an earlier run left `running` settled from the schema.
    fn settle_table(&mut self, index: usize) -> Result<Start> {
        let planned = self.task.spec.plan.tables[index].clone();
        for k in 0..planned.statements.len() {
            match self.task.tables[index].statements[k].status {
                StatementStatus::Applied | StatementStatus::Skipped => continue,
                StatementStatus::Failed => {
                    let error = self.task.tables[index].statements[k]
                        .error
                        .clone()
                        .unwrap_or_default();
                    self.fail_table(index, &format!("statement {} failed: {error}", k + 1))?;
                    return Ok(Start::Failed);
                }
                StatementStatus::Running => match self.settle_interrupted(index, k, &planned)? {
                    Settled::Applied => continue,
                    Settled::TableComplete => return Ok(Start::Applied),
                    Settled::NotApplied => return Ok(Start::From(k)),
                    Settled::Unknown(reason) => {
                        self.fail_table(index, &reason)?;
                        return Ok(Start::Failed);
                    }
                },
                StatementStatus::Pending => return Ok(Start::From(k)),
            }
        }
        Ok(Start::Applied)
    }

    /// Where this run's statements go: a pool of the task's width when it
    /// runs several at once and more than one table has statements left
    /// (with the ties between tables to keep), else the task's executor.
    fn open_slots(&mut self, runnable: usize) -> Result<(Slots, Dependencies)> {
        let tables = self.task.tables.len();
        let width = usize::try_from(self.task.spec.parallel)
            .unwrap_or(1)
            .min(runnable);
        if width <= 1 {
            return Ok((Slots::Inline(VecDeque::new()), Dependencies::none(tables)));
        }
        let pool = match self.exec.statement_pool(width) {
            Ok(Some(pool)) => pool,
            Ok(None) => {
                self.log(
                    LogLevel::Warn,
                    "this connection cannot open sessions of its own: statements run one at a time",
                )?;
                return Ok((Slots::Inline(VecDeque::new()), Dependencies::none(tables)));
            }
            Err(error) => {
                self.log(
                    LogLevel::Warn,
                    &format!(
                        "could not open {width} sessions ({}): statements run one at a time",
                        redact_text(&error.to_string())
                    ),
                )?;
                return Ok((Slots::Inline(VecDeque::new()), Dependencies::none(tables)));
            }
        };
        let deps = self.dependencies()?;
        self.log(
            LogLevel::Info,
            &format!("running up to {} statements at once", pool.width()),
        )?;
        Ok((Slots::Pool(pool), deps))
    }

    /// The ties between the plan's tables (see [`super::schedule`]), from
    /// their statements and their shadows as they are now.
    fn dependencies(&mut self) -> Result<Dependencies> {
        let plan = &self.task.spec.plan;
        let names: Vec<String> = plan
            .tables
            .iter()
            .map(|t| match t.action {
                PlannedAction::Alter => t.shadow.clone(),
                // Absent (a create) or not changed: no key of it matters.
                _ => String::new(),
            })
            .collect();
        let wanted: Vec<String> = names.iter().filter(|n| !n.is_empty()).cloned().collect();
        let mut texts = self.exec.show_create_tables(&wanted)?.into_iter();
        let current: Vec<Option<String>> = names
            .iter()
            .map(|n| {
                if n.is_empty() {
                    None
                } else {
                    texts.next().flatten()
                }
            })
            .collect();
        let max_length = self.exec.server_info()?.max_identifier_length;
        let Some(guard) = self.guard.as_ref() else {
            return Err(Error::InvalidRequest(
                "the statement guard is built before statements are sent".into(),
            ));
        };
        Ok(Dependencies::of_plan(
            &self.task.spec.plan,
            guard,
            &current,
            max_length,
        ))
    }

    /// Start statement `k` of table `index`, recorded as running first;
    /// `false` when the statement guard refused it (recorded failed, never
    /// sent).
    fn send(
        &mut self,
        slots: &mut Slots,
        index: usize,
        k: usize,
        planned: &PlannedTable,
    ) -> Result<bool> {
        let sql = &planned.statements[k];
        let count = planned.statements.len();
        if let Some(Err(refusal)) = self.guard.as_ref().map(|g| g.check(sql)) {
            let error = redact_text(&format!(
                "refused by the statement guard: {refusal}: `{sql}`"
            ));
            self.set_statement(index, k, StatementStatus::Failed, Some(&error))?;
            self.fail_table(index, &format!("statement {} of {count}: {error}", k + 1))?;
            return Ok(false);
        }
        self.set_statement(index, k, StatementStatus::Running, None)?;
        self.emit(Progress::StatementSent {
            task: self.id(),
            table: planned.source.clone(),
            statement: k + 1,
            of: count,
            sql: sql.clone(),
        });
        slots.start(self.exec, index, sql)?;
        Ok(true)
    }

    /// Record how statement `k` of table `index` ended.
    fn record(
        &mut self,
        index: usize,
        k: usize,
        planned: &PlannedTable,
        outcome: Result<()>,
    ) -> Result<Recorded> {
        let count = planned.statements.len();
        match outcome {
            Ok(()) => {
                self.set_statement(index, k, StatementStatus::Applied, None)?;
                self.log(
                    LogLevel::Info,
                    &format!(
                        "`{}`: statement {} of {count} applied",
                        planned.source,
                        k + 1
                    ),
                )?;
                Ok(Recorded::Applied)
            }
            Err(lost @ Error::ConnectionLost(_)) => {
                // Sent or not, run or not: unknown. The statement stays
                // `running`, the task stays executing, and the next worker
                // settles it from the schema.
                self.log(
                    LogLevel::Warn,
                    &format!(
                        "`{}`: statement {} of {count}: {}; its outcome is unknown: the task stops here, resumable",
                        planned.source,
                        k + 1,
                        redact_text(&lost.to_string())
                    ),
                )?;
                Ok(Recorded::Lost(lost))
            }
            Err(error) => {
                let error = redact_text(&error.to_string());
                self.set_statement(index, k, StatementStatus::Failed, Some(&error))?;
                Ok(Recorded::Failed(error))
            }
        }
    }
}

/// How a statement ended, once recorded.
enum Recorded {
    Applied,
    /// The connection was lost: the outcome is unknown.
    Lost(Error),
    /// The server refused it, with this (redacted) error.
    Failed(String),
}

/// The first table, in the plan's order, that has a statement to send, none
/// running, every table it waits for settled, and `may_start` (a table not
/// started yet may be refused).
fn next_ready(
    lanes: &[Lane],
    deps: &Dependencies,
    running: &HashMap<usize, usize>,
    may_start: impl Fn(usize) -> bool,
) -> Option<usize> {
    (0..lanes.len()).find(|&i| {
        lanes[i].next.is_some()
            && !running.contains_key(&i)
            && deps.of(i).iter().all(|&d| lanes[d].settled)
            && may_start(i)
    })
}
