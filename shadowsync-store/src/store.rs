//! [`SqlStore`]: the core's [`Store`] written once over a [`Driver`].
//!
//! Every method is one transaction of the driver: reads in a read
//! transaction (one snapshot), changes in a write transaction. Races are
//! settled by the database:
//!
//! * [`Store::compare_and_set`] is `UPDATE … WHERE id = ? AND revision = ?`
//!   and reports whether the row matched: of two workers racing to claim a
//!   task from the same revision, exactly one sees its update applied;
//! * ids and entry numbers handed out from counters (see
//!   [`TaskIds::Counter`](crate::driver::TaskIds::Counter)) are bumped
//!   under the counter row's lock before they are read, so two writers
//!   never get the same one;
//! * per-statement progress commits when its method returns, which is what
//!   lets a restarted worker resume without sending an applied statement
//!   again.

use std::fmt;

use shadowsync_core::analysis::cache::CachedTable;
use shadowsync_core::task::flow::ApprovalFlow;
use shadowsync_core::task::list::{TaskPage, TaskQuery};
use shadowsync_core::task::{
    DriftSubmission, LogEntry, NewTask, StatementStatus, Store, TableStatus, Task, TaskId,
    TaskState, TaskStatus, TimelineEvent,
};
use shadowsync_core::{Error, Millis, Result};

use crate::columns::{self, from_int, id_value, index, json, to_int};
use crate::driver::{Driver, Transaction, Value};
use crate::read::{self, not_found, require};
use crate::sql::{Counter, EntryCounters, Statements};

/// A [`Store`] in the tables of a database that driver `D` reaches.
pub struct SqlStore<D> {
    driver: D,
    sql: Statements,
}

impl<D: fmt::Debug> fmt::Debug for SqlStore<D> {
    // The statements are the same for every store of a driver: only the driver tells stores apart.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore")
            .field("driver", &self.driver)
            .finish()
    }
}

impl<D: Driver> SqlStore<D> {
    /// The task of `drift` (`None`: no task holds it), its claim's row
    /// locked until `tx` ends where the database locks rows.
    fn drift_task(&self, tx: &mut dyn Transaction, drift: &str) -> Result<Option<TaskId>> {
        let mut rows = tx.query(&self.sql.drift_claim, &[Value::from(drift)])?;
        match rows.pop() {
            Some(mut row) => Ok(Some(from_int(row.get::<i64>(0)?)?)),
            None => Ok(None),
        }
    }

    /// Add `new` in `tx`; its id.
    fn insert_task(&self, tx: &mut dyn Transaction, new: &NewTask) -> Result<TaskId> {
        let spec = &new.spec;
        let mut params = vec![
            json(spec)?,
            spec.creator.as_str().into(),
            spec.plan.connection.as_str().into(),
            spec.plan.database.as_str().into(),
            spec.created_at.into(),
            spec.remarks.as_str().into(),
        ];
        params.extend(state_params(&new.state)?);
        let id = match &self.sql.task_ids {
            Some((counter, key)) => {
                let id = reserve(tx, counter, key.clone(), 1)?
                    .ok_or_else(|| Error::Store("the task store has no task id counter".into()))?;
                params.insert(0, Value::Int(id));
                tx.execute(&self.sql.insert_task, &params)?;
                id
            }
            None => {
                tx.execute(&self.sql.insert_task, &params)?;
                tx.last_insert_id()?
            }
        };
        for (t, table) in new.tables.iter().enumerate() {
            tx.execute(
                &self.sql.insert_table,
                &[
                    Value::Int(id),
                    index(t)?,
                    table.status.as_str().into(),
                    table.error.as_deref().into(),
                ],
            )?;
            for (s, statement) in table.statements.iter().enumerate() {
                tx.execute(
                    &self.sql.insert_statement,
                    &[
                        Value::Int(id),
                        index(t)?,
                        index(s)?,
                        statement.status.as_str().into(),
                        statement.error.as_deref().into(),
                    ],
                )?;
            }
        }
        let id: TaskId = from_int(id)?;
        self.insert_events(tx, id, &new.events)?;
        Ok(id)
    }

    /// Open the store at `location` (see [`Driver::open`]).
    pub fn open(location: impl AsRef<D::Location>) -> Result<SqlStore<D>> {
        Ok(SqlStore {
            driver: D::open(location.as_ref())?,
            sql: Statements::new::<D>(),
        })
    }

    /// The driver the store runs on.
    pub fn driver(&self) -> &D {
        &self.driver
    }

    /// Append `events` to the timeline of task `id`.
    fn insert_events(
        &self,
        tx: &mut dyn Transaction,
        id: TaskId,
        events: &[TimelineEvent],
    ) -> Result<()> {
        let first = self.entry_numbers(tx, id, events.len(), |c| &c.events)?;
        for (n, event) in events.iter().enumerate() {
            let mut params = vec![id_value(id)?, json(event)?];
            if let Some(first) = first {
                params.insert(1, Value::Int(first + to_int(n as u64)?));
            }
            tx.execute(&self.sql.insert_event, &params)?;
        }
        Ok(())
    }

    /// The first of `count` numbers for new timeline or log entries of task
    /// `id` (the counter `which` picks), where entries are numbered per task;
    /// `None` where the database numbers them. Fails with
    /// [`Error::NotFound`] if the task does not exist.
    fn entry_numbers(
        &self,
        tx: &mut dyn Transaction,
        id: TaskId,
        count: usize,
        which: fn(&EntryCounters) -> &Counter,
    ) -> Result<Option<i64>> {
        match &self.sql.entry_counters {
            Some(counters) => reserve(tx, which(counters), id_value(id)?, count)?
                .map(Some)
                .ok_or_else(|| not_found(id)),
            None => require(&self.sql, tx, id).map(|()| None),
        }
    }
}

/// Reserve `count` numbers of `counter` in the row `key`; the first one, or
/// `None` if there is no such row. The bump takes the row's lock before the
/// read, so concurrent reservations never overlap.
fn reserve(
    tx: &mut dyn Transaction,
    counter: &Counter,
    key: Value,
    count: usize,
) -> Result<Option<i64>> {
    let count = to_int(count as u64)?;
    if tx.execute(&counter.bump, &[Value::Int(count), key.clone()])? == 0 {
        return Ok(None);
    }
    match tx.query(&counter.read, &[key])?.into_iter().next() {
        Some(mut row) => Ok(Some(row.get::<i64>(0)? - count + 1)),
        None => Ok(None),
    }
}

/// The state columns of `state`, in the order of the statements.
fn state_params(state: &TaskState) -> Result<[Value; 7]> {
    Ok([
        state.status.as_str().into(),
        index(state.approval_node)?,
        state.due_at.into(),
        state.worker.as_deref().into(),
        state.started_at.into(),
        state.finished_at.into(),
        state.lease_until.into(),
    ])
}

impl<D: Driver> Store for SqlStore<D> {
    fn create_task(&self, new: &NewTask) -> Result<TaskId> {
        self.driver.write(|tx| self.insert_task(tx, new))
    }

    fn submit_for_drift(
        &self,
        drift: &str,
        new: &NewTask,
        may_resubmit: &dyn Fn(TaskStatus) -> bool,
    ) -> Result<DriftSubmission> {
        self.driver.write(|tx| {
            // Claims queue on a server: first on the task id counter's row,
            // which every new task locks anyway, because a locking read of a
            // claim not made yet takes only a gap lock, and InnoDB's gap
            // locks do not exclude each other (two first claims would
            // deadlock on their inserts). Behind the counter the claim's own
            // read sees the claim of whoever went first. SQLite serialises
            // its write transactions already.
            if let Some((counter, key)) = &self.sql.task_ids {
                tx.execute(&counter.bump, &[Value::Int(0), key.clone()])?;
            }
            let held = self.drift_task(tx, drift)?;
            if let Some(id) = held {
                let status = read::task(&self.sql, tx, id)?.state.status;
                if !may_resubmit(status) {
                    return Ok(DriftSubmission::Held(id));
                }
            }
            let id = self.insert_task(tx, new)?;
            match held {
                Some(_) => tx.execute(
                    &self.sql.update_drift_claim,
                    &[id_value(id)?, Value::from(drift)],
                )?,
                None => tx.execute(
                    &self.sql.insert_drift_claim,
                    &[Value::from(drift), id_value(id)?],
                )?,
            };
            Ok(DriftSubmission::Created(id))
        })
    }

    fn task(&self, id: TaskId) -> Result<Task> {
        self.driver.read(|tx| read::task(&self.sql, tx, id))
    }

    fn tasks_in(&self, statuses: &[TaskStatus]) -> Result<Vec<Task>> {
        if statuses.is_empty() {
            return Ok(Vec::new());
        }
        self.driver
            .read(|tx| read::tasks_in(&self.sql, tx, statuses))
    }

    fn list_tasks(&self, query: &TaskQuery, now: Millis) -> Result<TaskPage> {
        self.driver.read(|tx| read::list(&self.sql, tx, query, now))
    }

    fn compare_and_set(
        &self,
        id: TaskId,
        expected_revision: u64,
        state: &TaskState,
        events: &[TimelineEvent],
    ) -> Result<bool> {
        self.driver.write(|tx| {
            let mut params = state_params(state)?.to_vec();
            params.extend([id_value(id)?, Value::Int(to_int(expected_revision)?)]);
            if tx.execute(&self.sql.compare_and_set, &params)? == 0 {
                require(&self.sql, tx, id)?;
                return Ok(false);
            }
            self.insert_events(tx, id, events)?;
            Ok(true)
        })
    }

    fn request_abort(&self, id: TaskId) -> Result<bool> {
        self.driver.write(|tx| {
            let matched = tx.execute(
                &self.sql.request_abort,
                &[id_value(id)?, TaskStatus::Executing.as_str().into()],
            )?;
            if matched == 0 {
                require(&self.sql, tx, id)?;
            }
            Ok(matched > 0)
        })
    }

    fn abort_requested(&self, id: TaskId) -> Result<bool> {
        self.driver.read(|tx| {
            let mut row = tx
                .query(&self.sql.abort_requested, &[id_value(id)?])?
                .into_iter()
                .next()
                .ok_or_else(|| not_found(id))?;
            Ok(row.get::<i64>(0)? != 0)
        })
    }

    fn set_table_status(
        &self,
        id: TaskId,
        table: usize,
        status: TableStatus,
        error: Option<&str>,
    ) -> Result<()> {
        self.driver.write(|tx| {
            let params = [
                status.as_str().into(),
                error.into(),
                id_value(id)?,
                index(table)?,
            ];
            if tx.execute(&self.sql.set_table_status, &params)? == 0 {
                return Err(Error::NotFound(format!("table {table} of task {id}")));
            }
            Ok(())
        })
    }

    fn set_statement_status(
        &self,
        id: TaskId,
        table: usize,
        statement: usize,
        status: StatementStatus,
        error: Option<&str>,
    ) -> Result<()> {
        self.driver.write(|tx| {
            let params = [
                status.as_str().into(),
                error.into(),
                id_value(id)?,
                index(table)?,
                index(statement)?,
            ];
            if tx.execute(&self.sql.set_statement_status, &params)? == 0 {
                return Err(Error::NotFound(format!(
                    "statement {statement} of table {table} of task {id}"
                )));
            }
            Ok(())
        })
    }

    fn append_events(&self, id: TaskId, events: &[TimelineEvent]) -> Result<()> {
        self.driver.write(|tx| self.insert_events(tx, id, events))
    }

    fn timeline(&self, id: TaskId) -> Result<Vec<TimelineEvent>> {
        self.driver.read(|tx| {
            require(&self.sql, tx, id)?;
            tx.query(&self.sql.timeline, &[id_value(id)?])?
                .into_iter()
                .map(|row| columns::event(id, row))
                .collect()
        })
    }

    fn append_log(&self, entry: &LogEntry) -> Result<()> {
        self.driver.write(|tx| {
            let mut params = vec![
                id_value(entry.task)?,
                entry.at.into(),
                entry.level.as_str().into(),
                entry.message.as_str().into(),
            ];
            if let Some(seq) = self.entry_numbers(tx, entry.task, 1, |c| &c.logs)? {
                params.insert(1, Value::Int(seq));
            }
            tx.execute(&self.sql.insert_log, &params)?;
            Ok(())
        })
    }

    fn logs(&self, id: TaskId) -> Result<Vec<LogEntry>> {
        self.driver.read(|tx| {
            require(&self.sql, tx, id)?;
            tx.query(&self.sql.logs, &[id_value(id)?])?
                .into_iter()
                .map(|row| columns::log_entry(id, row))
                .collect()
        })
    }

    fn flows(&self) -> Result<Vec<ApprovalFlow>> {
        self.driver.read(|tx| {
            let found = tx.query(&self.sql.flows, std::slice::from_ref(&self.sql.flows_key))?;
            match found.into_iter().next() {
                Some(mut row) => serde_json::from_str(&row.get::<String>(0)?)
                    .map_err(|e| Error::Store(format!("unreadable approval flows: {e}"))),
                None => Ok(Vec::new()),
            }
        })
    }

    fn replace_flows(&self, flows: &[ApprovalFlow]) -> Result<()> {
        self.driver.write(|tx| {
            tx.execute(
                &self.sql.replace_flows,
                &[self.sql.flows_key.clone(), json(flows)?],
            )?;
            Ok(())
        })
    }

    fn cached_tables(&self, server: &str, schema: &str) -> Result<Vec<CachedTable>> {
        let table = self.sql.snapshot_cache;
        self.driver
            .read(|tx| crate::cache::read(tx, table, server, schema))
    }

    fn cache_tables(
        &self,
        server: &str,
        schema: &str,
        put: &[CachedTable],
        forget: &[String],
    ) -> Result<()> {
        let table = self.sql.snapshot_cache;
        self.driver
            .write(|tx| crate::cache::write(tx, table, server, schema, put, forget))
    }
}
