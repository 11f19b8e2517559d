//! Behaviour of the task center over the in-memory store, with a fake clock,
//! a fake server (executor) and a fake schema inspector.

mod approval;
mod execution;
mod parallel;
mod progress;
mod queries;
mod recovery;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use super::flow::tests::flow;
use super::flow::DEFAULT_EXPIRY_MS;
use super::*;
use crate::error::{Error, Result};
use crate::executor::{Clock, Executor, Millis, Relation, ServerInfo};
use crate::plan::tests::{label_of, labelled, plan, table};

pub(super) const HOUR: Millis = 60 * 60 * 1000;
pub(super) const START: Millis = 1_700_000_000_000;

#[derive(Clone)]
pub(super) struct FakeClock(Arc<AtomicI64>);

impl FakeClock {
    pub(super) fn advance(&self, by: Millis) {
        self.0.fetch_add(by, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Millis {
        self.0.load(Ordering::SeqCst)
    }
}

/// Called with each statement the fake server is about to run.
pub(super) type Hook = Box<dyn FnMut(&str)>;

/// What the fake server did and how it misbehaves.
#[derive(Default)]
pub(super) struct ServerState {
    pub(super) executed: Vec<String>,
    /// Statements the server refuses, with the error text.
    pub(super) refuse: BTreeMap<String, String>,
    /// Source table -> fingerprint it has now (drift).
    pub(super) drift: BTreeMap<String, String>,
    /// Source table -> what verification still finds missing.
    pub(super) leftover: BTreeMap<String, Vec<String>>,
    /// Run when a statement is executed (e.g. to request an abort).
    pub(super) on_execute: Option<Hook>,
    /// Another run holds the database's run lock (the reason it reports).
    pub(super) locked_by: Option<String>,
    /// This run holds the lock now.
    pub(super) lock_held: bool,
    /// How often the lock was taken.
    pub(super) locks_taken: u32,
    /// The sessions [`Executor::statement_pool`] opens, if it opens any.
    pub(super) pool: Option<Arc<Mutex<parallel::PoolState>>>,
}

#[derive(Clone, Default)]
pub(super) struct FakeServer(pub(super) Rc<RefCell<ServerState>>);

impl FakeServer {
    /// What ran, on the executor and then on its pool's sessions.
    pub(super) fn executed(&self) -> Vec<String> {
        let state = self.0.borrow();
        let mut executed = state.executed.clone();
        if let Some(pool) = &state.pool {
            executed.extend(pool.lock().unwrap().executed.iter().cloned());
        }
        executed
    }
    pub(super) fn refuse(&self, sql: &str, error: &str) {
        self.0.borrow_mut().refuse.insert(sql.into(), error.into());
    }
}

impl Executor for FakeServer {
    fn server_info(&mut self) -> Result<ServerInfo> {
        Ok(ServerInfo {
            flavor: crate::executor::Flavor::Mariadb,
            version: "10.11".into(),
            database: "shop".into(),
            lower_case_table_names: 0,
            max_identifier_length: 64,
        })
    }
    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        Err(Error::Executor("not used".into()))
    }
    /// Every shadow the tests' plans alter exists and carries the marker.
    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        Ok(names
            .iter()
            .map(|n| {
                Some(format!(
                    "CREATE TABLE `{n}` (`id` int) COMMENT='[shadowsync:shadow]'"
                ))
            })
            .collect())
    }
    /// Records (and matches refusals by) the statement's label.
    fn execute(&mut self, sql: &str) -> Result<()> {
        let sql = label_of(sql);
        let hook = self.0.borrow_mut().on_execute.take();
        if let Some(mut hook) = hook {
            hook(sql);
            self.0.borrow_mut().on_execute = Some(hook);
        }
        let mut state = self.0.borrow_mut();
        if let Some(error) = state.refuse.get(sql) {
            return Err(Error::Executor(error.clone()));
        }
        state.executed.push(sql.to_string());
        Ok(())
    }
    fn lock_database(&mut self) -> Result<Option<String>> {
        let mut state = self.0.borrow_mut();
        if let Some(why) = &state.locked_by {
            return Ok(Some(why.clone()));
        }
        state.lock_held = true;
        state.locks_taken += 1;
        Ok(None)
    }
    fn unlock_database(&mut self) -> Result<()> {
        self.0.borrow_mut().lock_held = false;
        Ok(())
    }
    fn statement_pool(
        &mut self,
        width: usize,
    ) -> Result<Option<Box<dyn crate::executor::StatementPool>>> {
        Ok(self
            .0
            .borrow()
            .pool
            .as_ref()
            .map(|state| parallel::FakePool::boxed(state.clone(), width)))
    }
}

/// Knows the fake server: a table needs the planned statements not yet
/// executed, plus any configured leftover.
pub(super) struct FakeInspector(pub(super) FakeServer);

impl SchemaInspector for FakeInspector {
    fn fingerprints(
        &mut self,
        _: &mut dyn Executor,
        table: &PlannedTable,
    ) -> Result<(String, Option<String>)> {
        let state = self.0 .0.borrow();
        let source = state
            .drift
            .get(&table.source)
            .cloned()
            .unwrap_or_else(|| table.source_fingerprint.clone());
        Ok((source, table.shadow_fingerprint.clone()))
    }
    fn remaining_changes(
        &mut self,
        _: &mut dyn Executor,
        table: &PlannedTable,
    ) -> Result<Vec<String>> {
        let executed = self.0.executed();
        let state = self.0 .0.borrow();
        let done: BTreeSet<&String> = executed.iter().collect();
        let mut remaining: Vec<String> = table
            .statements
            .iter()
            .filter(|s| !done.contains(&label_of(s).to_string()))
            .cloned()
            .collect();
        remaining.extend(
            state
                .leftover
                .get(&table.source)
                .cloned()
                .unwrap_or_default(),
        );
        Ok(remaining)
    }
}

pub(super) struct Fixture {
    pub(super) center: TaskCenter<MemoryStore, FakeClock>,
    pub(super) clock: FakeClock,
    pub(super) server: FakeServer,
}

impl Fixture {
    pub(super) fn new() -> Fixture {
        let clock = FakeClock(Arc::new(AtomicI64::new(START)));
        Fixture {
            center: TaskCenter::new(MemoryStore::new(), clock.clone()),
            clock,
            server: FakeServer::default(),
        }
    }

    pub(super) fn submit(&self, tables: Vec<PlannedTable>, on_error: ErrorStrategy) -> Task {
        self.submit_plan(plan("mysql://app:hunter2@db1/shop", tables), on_error)
    }

    pub(super) fn submit_plan(&self, plan: FrozenPlan, on_error: ErrorStrategy) -> Task {
        let mut request = SubmitRequest::new(plan, "carol");
        request.on_error = on_error;
        self.center.submit(request).unwrap()
    }

    pub(super) fn execute(&self, id: TaskId) -> Result<Task> {
        let mut exec = self.server.clone();
        let mut inspector = FakeInspector(self.server.clone());
        self.center.execute(id, "w1", &mut exec, &mut inspector)
    }

    pub(super) fn run_due(&self, worker: &str) -> DueReport {
        let server = self.server.clone();
        let mut connector =
            move |_: &Task| -> Result<Box<dyn Executor>> { Ok(Box::new(server.clone())) };
        let inspected = self.server.clone();
        let mut inspectors = move |_: &Task| -> Result<Box<dyn SchemaInspector>> {
            Ok(Box::new(FakeInspector(inspected.clone())))
        };
        self.center
            .run_due(worker, &mut connector, &mut inspectors)
            .unwrap()
    }

    pub(super) fn actions(&self, id: TaskId) -> Vec<TimelineAction> {
        self.center
            .timeline(id)
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    }
}

pub(super) fn statuses(task: &Task) -> Vec<TableStatus> {
    task.tables.iter().map(|t| t.status).collect()
}

pub(super) fn dba_flow() -> ApprovalFlow {
    flow(
        "prod",
        vec![
            Approvers::Role("dba".into()),
            Approvers::Users(vec!["bob".into()]),
            Approvers::Auto,
        ],
        &[("mysql://app:***@db1/*", "shop")],
    )
}
