//! Running several statements at once (`TaskSpec::parallel`) on a fake
//! pool that ends the statement started last first: ties between tables
//! kept, error strategies, aborts and lost connections as one at a time.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::executor::StatementPool;

/// What the fake pool's sessions did, shared with the test.
#[derive(Default)]
pub(in crate::task) struct PoolState {
    /// Labels of the statements that took effect.
    pub(in crate::task) executed: Vec<String>,
    /// `+label` when started, `-label` when ended.
    pub(in crate::task) events: Vec<String>,
    /// The most statements running at once.
    pub(in crate::task) most_at_once: usize,
    /// Statements the server refuses, with the error text.
    pub(in crate::task) refuse: BTreeMap<String, String>,
    /// Statements that take effect and then lose their connection.
    pub(in crate::task) lose: BTreeSet<String>,
    /// Called with each statement's label as it starts.
    pub(in crate::task) on_start: Option<StartHook>,
}

/// What [`PoolState::on_start`] calls.
pub(in crate::task) type StartHook = Box<dyn FnMut(&str) + Send>;

/// The fake pool: statements end last started, first ended.
pub(in crate::task) struct FakePool {
    state: Arc<Mutex<PoolState>>,
    width: usize,
    running: Vec<(usize, String)>,
}

impl FakePool {
    pub(in crate::task) fn boxed(
        state: Arc<Mutex<PoolState>>,
        width: usize,
    ) -> Box<dyn StatementPool> {
        Box::new(FakePool {
            state,
            width,
            running: Vec::new(),
        })
    }
}

impl StatementPool for FakePool {
    fn width(&self) -> usize {
        self.width
    }

    fn start(&mut self, ticket: usize, sql: &str) -> Result<()> {
        assert!(self.running.len() < self.width, "started beyond the width");
        let label = label_of(sql).to_string();
        let mut state = self.state.lock().unwrap();
        if let Some(mut hook) = state.on_start.take() {
            hook(&label);
            state.on_start = Some(hook);
        }
        state.events.push(format!("+{label}"));
        self.running.push((ticket, label));
        state.most_at_once = state.most_at_once.max(self.running.len());
        Ok(())
    }

    fn next_finished(&mut self) -> Result<(usize, Result<()>)> {
        let (ticket, label) = self.running.pop().expect("a statement is running");
        let mut state = self.state.lock().unwrap();
        state.events.push(format!("-{label}"));
        if let Some(error) = state.refuse.get(&label) {
            return Ok((ticket, Err(Error::Executor(error.clone()))));
        }
        state.executed.push(label.clone());
        if state.lose.contains(&label) {
            return Ok((
                ticket,
                Err(Error::ConnectionLost("the server went away".into())),
            ));
        }
        Ok((ticket, Ok(())))
    }
}

/// The fixture's server with a pool of its own.
fn with_pool(f: &Fixture) -> Arc<Mutex<PoolState>> {
    let state = Arc::new(Mutex::new(PoolState::default()));
    f.server.0.borrow_mut().pool = Some(state.clone());
    state
}

/// [`with_pool`], its server refusing statement `label` with `error`.
fn pool_refusing(f: &Fixture, label: &str, error: &str) -> Arc<Mutex<PoolState>> {
    let pool = with_pool(f);
    pool.lock()
        .unwrap()
        .refuse
        .insert(label.into(), error.into());
    pool
}

fn submit_parallel(
    f: &Fixture,
    tables: Vec<PlannedTable>,
    on_error: ErrorStrategy,
    parallel: u32,
) -> Task {
    let mut request = SubmitRequest::new(plan("mysql://app:hunter2@db1/shop", tables), "carol");
    request.on_error = on_error;
    request.parallel = parallel;
    f.center.submit(request).unwrap()
}

/// `__c`'s key into `__a`: `c` and `a` are tied.
const C_REFERENCES_A: &str =
    "ALTER TABLE `__c` ADD CONSTRAINT `f` FOREIGN KEY (`a_id`) REFERENCES `__a` (`id`)";

fn position(events: &[String], event: &str) -> usize {
    events
        .iter()
        .position(|e| e == event)
        .unwrap_or_else(|| panic!("no {event} in {events:?}"))
}

#[test]
fn independent_tables_run_at_once_and_tied_ones_in_order() {
    let f = Fixture::new();
    let pool = with_pool(&f);
    let tables = vec![
        table("a", &["A1", "A2"]),
        table("b", &["B1"]),
        PlannedTable {
            statements: vec![C_REFERENCES_A.to_string()],
            ..table("c", &["C1"])
        },
        table("d", &["D1"]),
    ];
    let task = submit_parallel(&f, tables, ErrorStrategy::Abort, 3);
    assert_eq!(task.spec.parallel, 3);
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::Succeeded);
    assert!(statuses(&done).iter().all(|s| *s == TableStatus::Succeeded));
    let state = pool.lock().unwrap();
    assert_eq!(state.most_at_once, 3, "{:?}", state.events);
    // Each statement once; a table's statements in order; `c` only once
    // `a` has ended.
    let mut executed = state.executed.clone();
    executed.sort();
    assert_eq!(executed, ["A1", "A2", C_REFERENCES_A, "B1", "D1"]);
    assert!(position(&state.events, "+A2") > position(&state.events, "-A1"));
    assert!(
        position(&state.events, &format!("+{C_REFERENCES_A}")) > position(&state.events, "-A2"),
        "{:?}",
        state.events
    );
    assert!(f.server.0.borrow().executed.is_empty(), "all on the pool");
    assert!(f
        .center
        .logs(task.id, &Default::default())
        .unwrap()
        .iter()
        .any(|l| l.message == "running up to 3 statements at once"));
}

#[test]
fn a_failure_under_abort_starts_no_new_table_but_finishes_those_under_way() {
    let f = Fixture::new();
    let pool = pool_refusing(&f, "B1", "Duplicate column");
    let tables = vec![
        table("a", &["A1", "A2"]),
        table("b", &["B1"]),
        table("c", &["C1"]),
    ];
    let task = submit_parallel(&f, tables, ErrorStrategy::Abort, 2);
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::Failed);
    assert_eq!(
        statuses(&done),
        [
            TableStatus::Succeeded,
            TableStatus::Failed,
            TableStatus::Skipped
        ]
    );
    assert_eq!(pool.lock().unwrap().executed, ["A1", "A2"]);
}

#[test]
fn under_continue_the_other_tables_go_on() {
    let f = Fixture::new();
    pool_refusing(&f, "B1", "Duplicate column");
    let tables = vec![
        table("a", &["A1"]),
        table("b", &["B1", "B2"]),
        table("c", &["C1"]),
    ];
    let task = submit_parallel(&f, tables, ErrorStrategy::Continue, 2);
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::PartiallySucceeded);
    assert_eq!(
        statuses(&done),
        [
            TableStatus::Succeeded,
            TableStatus::Failed,
            TableStatus::Succeeded
        ]
    );
    assert_eq!(
        done.tables[1].statements[1].status,
        StatementStatus::Pending,
        "a failed table sends nothing more"
    );
}

#[test]
fn an_abort_stops_every_table_under_way() {
    let f = Fixture::new();
    let pool = with_pool(&f);
    let tables = vec![
        table("a", &["A1", "A2"]),
        table("b", &["B1", "B2"]),
        table("c", &["C1"]),
    ];
    let task = submit_parallel(&f, tables, ErrorStrategy::Abort, 2);
    let requester = TaskCenter::new(f.center.store().clone(), f.clock.clone());
    let id = task.id;
    pool.lock().unwrap().on_start = Some(Box::new(move |label| {
        if label == "B1" {
            requester
                .abort(id, &Actor::new("ops", &[]), "stop")
                .expect("abort");
        }
    }));
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::Aborted);
    assert_eq!(
        statuses(&done),
        [
            TableStatus::Failed,
            TableStatus::Failed,
            TableStatus::Skipped
        ]
    );
    assert_eq!(
        done.tables[0].error.as_deref(),
        Some("aborted after 1 of 2 statements")
    );
    let mut executed = pool.lock().unwrap().executed.clone();
    executed.sort();
    assert_eq!(
        executed,
        ["A1", "B1"],
        "what was under way ended; nothing new started"
    );
}

#[test]
fn a_lost_connection_records_the_others_and_a_resume_settles_it_once() {
    let f = Fixture::new();
    let pool = with_pool(&f);
    pool.lock().unwrap().lose.insert("B1".into());
    let tables = vec![
        table("a", &["A1", "A2"]),
        table("b", &["B1"]),
        table("c", &["C1"]),
    ];
    let task = submit_parallel(&f, tables, ErrorStrategy::Abort, 3);
    let lost = f.execute(task.id);
    assert!(matches!(lost, Err(Error::ConnectionLost(_))), "{lost:?}");
    let stored = f.center.task(task.id).unwrap();
    assert_eq!(stored.state.status, TaskStatus::Executing);
    let statement = |t: usize, k: usize| stored.tables[t].statements[k].status;
    assert_eq!(
        statement(0, 0),
        StatementStatus::Applied,
        "recorded as it ended"
    );
    assert_eq!(statement(0, 1), StatementStatus::Pending);
    assert_eq!(statement(1, 0), StatementStatus::Running, "outcome unknown");
    assert_eq!(statement(2, 0), StatementStatus::Applied);

    pool.lock().unwrap().lose.clear();
    let mut exec = f.server.clone();
    let mut inspector = FakeInspector(f.server.clone());
    let done = f
        .center
        .resume(task.id, "w1", &mut exec, &mut inspector)
        .unwrap();
    assert_eq!(done.state.status, TaskStatus::Succeeded);
    let mut executed = f.server.executed();
    executed.sort();
    assert_eq!(executed, ["A1", "A2", "B1", "C1"], "nothing sent twice");
}

#[test]
fn an_executor_without_a_pool_runs_one_at_a_time() {
    let f = Fixture::new();
    let task = submit_parallel(
        &f,
        vec![table("a", &["A1"]), table("b", &["B1"])],
        ErrorStrategy::Abort,
        4,
    );
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::Succeeded);
    assert_eq!(f.server.executed(), ["A1", "B1"]);
    assert!(f
        .center
        .logs(task.id, &Default::default())
        .unwrap()
        .iter()
        .any(|l| l.message.contains("statements run one at a time")));
}

#[test]
fn a_width_out_of_bounds_is_refused_at_submission() {
    let f = Fixture::new();
    for parallel in [0, MAX_PARALLEL + 1] {
        let mut request = SubmitRequest::new(
            plan("mysql://app@db1/shop", vec![table("a", &["A1"])]),
            "carol",
        );
        request.parallel = parallel;
        let refused = f.center.submit(request).unwrap_err().to_string();
        assert!(refused.contains("1 to 32 statements at once"), "{refused}");
    }
}
