//! Test doubles: a clock, a server that records what it ran, an inspector
//! that knows that server, a store wrapper that "crashes", temp databases.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use shadowsync_core::task::flow::ApprovalFlow;
use shadowsync_core::task::list::{TaskPage, TaskQuery};
use shadowsync_core::task::{
    FrozenPlan, LogEntry, NewTask, PlannedAction, PlannedTable, SchemaInspector, StatementStatus,
    Store, TableStatus, Task, TaskId, TaskState, TaskStatus, TimelineEvent,
};
use shadowsync_core::{Clock, Error, Executor, Millis, Relation, Result, ServerInfo};

/// 2023-11-14T22:13:20Z.
pub const START: Millis = 1_700_000_000_000;

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct FakeClock(Arc<AtomicI64>);

impl FakeClock {
    pub fn at(now: Millis) -> FakeClock {
        FakeClock(Arc::new(AtomicI64::new(now)))
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Millis {
        self.0.load(Ordering::SeqCst)
    }
}

/// Where the server stops and waits for the test.
struct Gate {
    statement: String,
    reached: Sender<()>,
    go: Receiver<()>,
}

/// A server that records every statement it ran; clones share it.
#[derive(Clone, Default)]
pub struct FakeServer {
    executed: Arc<Mutex<Vec<String>>>,
    gate: Arc<Mutex<Option<Gate>>>,
}

impl FakeServer {
    pub fn executed(&self) -> Vec<String> {
        self.executed.lock().unwrap().clone()
    }

    /// Make the server stop before running `statement`: it signals the
    /// returned receiver, then waits for the returned sender.
    pub fn gate(&self, statement: &str) -> (Receiver<()>, Sender<()>) {
        let (reached, reached_rx) = channel();
        let (go_tx, go) = channel();
        *self.gate.lock().unwrap() = Some(Gate {
            statement: statement.into(),
            reached,
            go,
        });
        (reached_rx, go_tx)
    }

    pub fn inspector(&self) -> FakeInspector {
        FakeInspector(self.clone())
    }

    /// A connector handing out executors on this server.
    pub fn connector(&self) -> impl FnMut(&Task) -> Result<Box<dyn Executor>> {
        let server = self.clone();
        move |_| Ok(Box::new(server.clone()))
    }
}

impl Executor for FakeServer {
    fn server_info(&mut self) -> Result<ServerInfo> {
        Ok(ServerInfo {
            flavor: shadowsync_core::Flavor::Mariadb,
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
    /// Records (and gates on) the statement's label (see [`labelled`]).
    fn execute(&mut self, sql: &str) -> Result<()> {
        let sql = label_of(sql);
        let gate = {
            let mut gate = self.gate.lock().unwrap();
            match gate.as_ref() {
                Some(g) if g.statement == sql => gate.take(),
                _ => None,
            }
        };
        if let Some(gate) = gate {
            gate.reached.send(()).unwrap();
            gate.go.recv().unwrap();
        }
        self.executed.lock().unwrap().push(sql.to_string());
        Ok(())
    }
}

/// Reports the frozen fingerprints, and as remaining changes the planned
/// statements the server has not run.
#[derive(Clone)]
pub struct FakeInspector(FakeServer);

/// `run_due` asks for an inspector per task: every task gets this one.
impl shadowsync_core::task::InspectorSource for FakeInspector {
    fn inspector(&mut self, _: &shadowsync_core::task::Task) -> Result<Box<dyn SchemaInspector>> {
        Ok(Box::new(self.clone()))
    }
}

impl SchemaInspector for FakeInspector {
    fn fingerprints(
        &mut self,
        _: &mut dyn Executor,
        table: &PlannedTable,
    ) -> Result<(String, Option<String>)> {
        Ok((
            table.source_fingerprint.clone(),
            table.shadow_fingerprint.clone(),
        ))
    }
    fn remaining_changes(
        &mut self,
        _: &mut dyn Executor,
        table: &PlannedTable,
    ) -> Result<Vec<String>> {
        let executed = self.0.executed();
        let done: BTreeSet<&String> = executed.iter().collect();
        Ok(table
            .statements
            .iter()
            .filter(|s| !done.contains(&label_of(s).to_string()))
            .cloned()
            .collect())
    }
}

/// The statement labelled `label` on the shadow of `source`: a real
/// `ALTER TABLE`, as the statement guard requires, whose label the fake
/// server records.
pub fn labelled(source: &str, label: &str) -> String {
    format!("ALTER TABLE `__{source}` COMMENT '{label}'")
}

/// The label of a statement made by [`labelled`]; other text as it is.
pub fn label_of(sql: &str) -> &str {
    sql.strip_prefix("ALTER TABLE `")
        .and_then(|rest| rest.split_once("` COMMENT '"))
        .and_then(|(_, label)| label.strip_suffix('\''))
        .unwrap_or(sql)
}

/// A planned table whose statements are [`labelled`]; a skip when it has none.
pub fn table(source: &str, statements: &[&str]) -> PlannedTable {
    PlannedTable {
        source: source.into(),
        shadow: format!("__{source}"),
        action: if statements.is_empty() {
            PlannedAction::Skip
        } else {
            PlannedAction::Alter
        },
        reason: None,
        skip_reason: None,
        statements: statements.iter().map(|s| labelled(source, s)).collect(),
        kinds: Vec::new(),
        source_fingerprint: format!("src-{source}"),
        shadow_fingerprint: Some(format!("shd-{source}")),
        adopted: false,
        rebuild: false,
    }
}

/// A plan on `mysql://app:pw@db1/shop`, database `shop`.
pub fn plan(tables: Vec<PlannedTable>) -> FrozenPlan {
    FrozenPlan {
        connection: "mysql://app:pw@db1/shop".into(),
        database: "shop".into(),
        naming_rule: "prefix:__".into(),
        policy: Default::default(),
        tables,
        read_only_parents: Vec::new(),
        shadows: None,
    }
}

/// Wraps a store and fails every call once `writes` writes went through,
/// leaving the wrapped store exactly as a crash at that point would.
pub struct CrashingStore<S> {
    inner: S,
    writes_left: AtomicUsize,
    crashed: AtomicBool,
}

impl<S: Store> CrashingStore<S> {
    pub fn new(inner: S, writes: usize) -> CrashingStore<S> {
        CrashingStore {
            inner,
            writes_left: AtomicUsize::new(writes),
            crashed: AtomicBool::new(false),
        }
    }

    fn alive(&self) -> Result<()> {
        if self.crashed.load(Ordering::SeqCst) {
            Err(Error::Store("simulated crash".into()))
        } else {
            Ok(())
        }
    }

    fn write(&self) -> Result<()> {
        self.alive()?;
        if self.writes_left.load(Ordering::SeqCst) == 0 {
            self.crashed.store(true, Ordering::SeqCst);
            return self.alive();
        }
        self.writes_left.fetch_sub(1, Ordering::SeqCst);
        Ok(())
    }
}

impl<S: Store> Store for CrashingStore<S> {
    fn create_task(&self, task: &NewTask) -> Result<TaskId> {
        self.write()?;
        self.inner.create_task(task)
    }
    fn task(&self, id: TaskId) -> Result<Task> {
        self.alive()?;
        self.inner.task(id)
    }
    fn tasks_in(&self, statuses: &[TaskStatus]) -> Result<Vec<Task>> {
        self.alive()?;
        self.inner.tasks_in(statuses)
    }
    fn list_tasks(&self, query: &TaskQuery, now: Millis) -> Result<TaskPage> {
        self.alive()?;
        self.inner.list_tasks(query, now)
    }
    fn compare_and_set(
        &self,
        id: TaskId,
        expected_revision: u64,
        state: &TaskState,
        events: &[TimelineEvent],
    ) -> Result<bool> {
        self.write()?;
        self.inner
            .compare_and_set(id, expected_revision, state, events)
    }
    fn request_abort(&self, id: TaskId) -> Result<bool> {
        self.write()?;
        self.inner.request_abort(id)
    }
    fn abort_requested(&self, id: TaskId) -> Result<bool> {
        self.alive()?;
        self.inner.abort_requested(id)
    }
    fn set_table_status(
        &self,
        id: TaskId,
        table: usize,
        status: TableStatus,
        error: Option<&str>,
    ) -> Result<()> {
        self.write()?;
        self.inner.set_table_status(id, table, status, error)
    }
    fn set_statement_status(
        &self,
        id: TaskId,
        table: usize,
        statement: usize,
        status: StatementStatus,
        error: Option<&str>,
    ) -> Result<()> {
        self.write()?;
        self.inner
            .set_statement_status(id, table, statement, status, error)
    }
    fn append_events(&self, id: TaskId, events: &[TimelineEvent]) -> Result<()> {
        self.write()?;
        self.inner.append_events(id, events)
    }
    fn timeline(&self, id: TaskId) -> Result<Vec<TimelineEvent>> {
        self.alive()?;
        self.inner.timeline(id)
    }
    fn append_log(&self, entry: &LogEntry) -> Result<()> {
        self.write()?;
        self.inner.append_log(entry)
    }
    fn logs(&self, id: TaskId) -> Result<Vec<LogEntry>> {
        self.alive()?;
        self.inner.logs(id)
    }
    fn flows(&self) -> Result<Vec<ApprovalFlow>> {
        self.alive()?;
        self.inner.flows()
    }
    fn replace_flows(&self, flows: &[ApprovalFlow]) -> Result<()> {
        self.write()?;
        self.inner.replace_flows(flows)
    }
}

/// A database file in the temp directory, removed (with its WAL files) on drop.
pub struct TempDb(PathBuf);

impl TempDb {
    pub fn new(name: &str) -> TempDb {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let file = format!("shadowsync-{name}-{}-{nanos}.db", std::process::id());
        TempDb(std::env::temp_dir().join(file))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            // Best effort: a leftover temp file is harmless.
            let _ = std::fs::remove_file(path);
        }
    }
}
