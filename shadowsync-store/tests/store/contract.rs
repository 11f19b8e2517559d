//! The store contract, written once, generic over the store. `open` returns
//! a new handle on the same storage each time it is called: a clone of the
//! in-memory store, or a fresh connection to the same SQLite file or server
//! database (which is what another process or a restarted one gets). The
//! MySQL driver's tests (`shadowsync-mysql/tests/store.rs`) run it too.

use std::sync::Barrier;
use std::thread;

use shadowsync_core::task::flow::{
    ApprovalFlow, ApprovalNode, Approvers, MatchRule, DEFAULT_EXPIRY_MS,
};
use shadowsync_core::task::list::{ListWindow, SortKey, TaskQuery};
use shadowsync_core::task::{
    Actor, ErrorStrategy, ExecutionMode, FleetMembership, LogEntry, LogFilter, LogLevel, NewTask,
    StatementStatus, Store, SubmitRequest, TableProgress, TableStatus, TaskCenter, TaskSpec,
    TaskState, TaskStatus, TimelineAction, TimelineEvent,
};
use shadowsync_core::{Error, Millis};

use crate::fakes::{plan, table, CrashingStore, FakeClock, FakeServer, START};

const HOUR: Millis = 3_600_000;

/// A task as the store receives it, created at `created_at`.
fn new_task(creator: &str, database: &str, status: TaskStatus, created_at: Millis) -> NewTask {
    let mut plan = plan(vec![table("a", &["A1", "A2"]), table("s", &[])]);
    plan.database = database.into();
    NewTask {
        tables: plan.tables.iter().map(TableProgress::initial).collect(),
        spec: TaskSpec {
            plan,
            creator: creator.into(),
            mode: ExecutionMode::Immediate,
            on_error: ErrorStrategy::Abort,
            parallel: 2,
            fleet: Some(FleetMembership {
                id: "fleet-1".into(),
                member: format!("db1:3306/{database}"),
                index: 3,
                of: 8,
            }),
            remarks: format!("by {creator}"),
            created_at,
            flow: ApprovalFlow::built_in(),
            initiated_from: None,
        },
        state: TaskState {
            status,
            approval_node: 0,
            due_at: None,
            worker: None,
            started_at: None,
            finished_at: None,
            lease_until: None,
        },
        events: vec![TimelineEvent::new(
            created_at,
            creator,
            TimelineAction::Submitted { flow: "f".into() },
        )],
    }
}

fn executing(state: &TaskState) -> TaskState {
    TaskState {
        status: TaskStatus::Executing,
        worker: Some("w1".into()),
        // Kept like every state column (the tests compare what they read back).
        lease_until: Some(START + 30_000),
        ..state.clone()
    }
}

fn submit<S: Store>(
    open: &impl Fn() -> S,
    tables: Vec<shadowsync_core::task::PlannedTable>,
) -> u64 {
    let center = TaskCenter::new(open(), FakeClock::at(START));
    center
        .submit(SubmitRequest::new(plan(tables), "carol"))
        .unwrap()
        .id
}

pub fn ids_are_monotonic_and_missing_tasks_are_not_found<S: Store>(open: impl Fn() -> S) {
    let store = open();
    let first = store
        .create_task(&new_task("ann", "shop", TaskStatus::PendingApproval, START))
        .unwrap();
    let second = open()
        .create_task(&new_task("ann", "shop", TaskStatus::PendingApproval, START))
        .unwrap();
    assert!(second > first);
    let missing = second + 100;
    let not_found = |r: Result<(), Error>| assert!(matches!(r, Err(Error::NotFound(_))), "{r:?}");
    not_found(store.task(missing).map(drop));
    not_found(store.timeline(missing).map(drop));
    not_found(store.logs(missing).map(drop));
    not_found(store.abort_requested(missing).map(drop));
    not_found(store.request_abort(missing).map(drop));
    not_found(store.append_events(missing, &[]));
    not_found(
        store
            .compare_and_set(
                missing,
                0,
                &new_task("x", "y", TaskStatus::Executing, 0).state,
                &[],
            )
            .map(drop),
    );
    not_found(store.set_table_status(missing, 0, TableStatus::Running, None));
    not_found(store.set_table_status(first, 9, TableStatus::Running, None));
    not_found(store.set_statement_status(first, 0, 9, StatementStatus::Running, None));
    not_found(store.append_log(&LogEntry {
        task: missing,
        at: 0,
        level: LogLevel::Info,
        message: String::new(),
    }));
}

pub fn compare_and_set_applies_only_on_the_expected_revision<S: Store>(open: impl Fn() -> S) {
    let store = open();
    let id = store
        .create_task(&new_task(
            "ann",
            "shop",
            TaskStatus::WaitingForExecution,
            START,
        ))
        .unwrap();
    let task = store.task(id).unwrap();
    assert_eq!(task.revision, 0);
    let started = TimelineEvent::new(START + 1, "w1", TimelineAction::Started);
    assert!(store
        .compare_and_set(
            id,
            0,
            &executing(&task.state),
            std::slice::from_ref(&started)
        )
        .unwrap());
    // A second writer that read revision 0 loses, and leaves no trace.
    let other = TaskState {
        worker: Some("w2".into()),
        ..executing(&task.state)
    };
    assert!(!open()
        .compare_and_set(id, 0, &other, std::slice::from_ref(&started))
        .unwrap());
    let task = store.task(id).unwrap();
    assert_eq!(
        (task.revision, task.state.worker.as_deref()),
        (1, Some("w1"))
    );
    assert_eq!(store.timeline(id).unwrap().len(), 2);
    assert_eq!(store.tasks_in(&[TaskStatus::Executing]).unwrap().len(), 1);
    assert!(store
        .tasks_in(&[TaskStatus::WaitingForExecution])
        .unwrap()
        .is_empty());
}

pub fn abort_flag_is_raised_only_while_executing<S: Store>(open: impl Fn() -> S) {
    let store = open();
    let id = store
        .create_task(&new_task(
            "ann",
            "shop",
            TaskStatus::WaitingForExecution,
            START,
        ))
        .unwrap();
    assert!(!store.request_abort(id).unwrap());
    assert!(!store.abort_requested(id).unwrap());
    let state = executing(&store.task(id).unwrap().state);
    assert!(store.compare_and_set(id, 0, &state, &[]).unwrap());
    assert!(open().request_abort(id).unwrap());
    assert!(store.abort_requested(id).unwrap());
    // The flag leaves the revision alone: the worker's next CAS still works.
    assert_eq!(store.task(id).unwrap().revision, 1);
}

pub fn progress_timeline_logs_and_flows_round_trip<S: Store>(open: impl Fn() -> S) {
    let store = open();
    let new = new_task("ann", "shop", TaskStatus::WaitingForExecution, START);
    let id = store.create_task(&new).unwrap();
    let task = store.task(id).unwrap();
    assert_eq!(
        (task.spec.clone(), task.state.clone(), task.tables.clone()),
        (new.spec, new.state, new.tables)
    );
    store
        .set_table_status(id, 0, TableStatus::Failed, Some("boom"))
        .unwrap();
    store
        .set_statement_status(id, 0, 1, StatementStatus::Failed, Some("no such column"))
        .unwrap();
    store
        .set_statement_status(id, 0, 0, StatementStatus::Applied, None)
        .unwrap();
    let tables = open().task(id).unwrap().tables;
    assert_eq!(
        (tables[0].status, tables[0].error.as_deref()),
        (TableStatus::Failed, Some("boom"))
    );
    assert_eq!(tables[0].statements[0].status, StatementStatus::Applied);
    assert_eq!(
        tables[0].statements[1].error.as_deref(),
        Some("no such column")
    );
    assert_eq!(tables[1].status, TableStatus::Skipped);

    let events: Vec<_> = (0..3)
        .map(|n| {
            TimelineEvent::new(
                START + n,
                "w1",
                TimelineAction::TableStarted {
                    table: format!("t{n}"),
                },
            )
            .with_comment("c")
        })
        .collect();
    store.append_events(id, &events).unwrap();
    assert_eq!(open().timeline(id).unwrap()[1..], events[..]);

    for (n, level) in [LogLevel::Info, LogLevel::Warn, LogLevel::Error]
        .into_iter()
        .enumerate()
    {
        store
            .append_log(&LogEntry {
                task: id,
                at: START + n as i64,
                level,
                message: format!("line {n}\nmore"),
            })
            .unwrap();
    }
    let logs = open().logs(id).unwrap();
    assert_eq!(
        logs.iter().map(|e| e.level).collect::<Vec<_>>(),
        [LogLevel::Info, LogLevel::Warn, LogLevel::Error]
    );
    assert_eq!(logs[2].message, "line 2\nmore");

    assert!(store.flows().unwrap().is_empty());
    let flows = vec![
        ApprovalFlow {
            name: "prod".into(),
            nodes: vec![ApprovalNode {
                name: "dba".into(),
                approvers: Approvers::Role("dba".into()),
            }],
            rules: vec![MatchRule::new("prod*", "*")],
            approval_expiry_ms: HOUR,
            execution_expiry_ms: 2 * HOUR,
            // Off and on, unlike the defaults, so the store must keep them.
            forbid_self_approval: false,
            allow_delegated_identity: true,
            auto_approve: Default::default(),
        },
        ApprovalFlow::built_in(),
    ];
    store.replace_flows(&flows).unwrap();
    assert_eq!(open().flows().unwrap(), flows);
    store.replace_flows(&flows[1..]).unwrap();
    assert_eq!(open().flows().unwrap(), flows[1..]);
}

pub fn list_follows_the_reference_semantics<S: Store>(open: impl Fn() -> S) {
    let store = open();
    let now = START + 100 * HOUR;
    let shapes = [
        ("ann", "shop", TaskStatus::PendingApproval, now - 60 * HOUR),
        ("ben", "crm", TaskStatus::Succeeded, now - 47 * HOUR),
        ("ann", "crm", TaskStatus::Failed, now - 10 * HOUR),
        ("cid", "shop", TaskStatus::Executing, now - 10 * HOUR),
        ("ben", "shop", TaskStatus::PendingApproval, now - 2 * HOUR),
        ("ann", "shop", TaskStatus::Rejected, now - HOUR),
        ("cid", "crm", TaskStatus::Succeeded, now),
    ];
    for (creator, database, status, at) in shapes {
        store
            .create_task(&new_task(creator, database, status, at))
            .unwrap();
    }
    let all: Vec<_> = store
        .tasks_in(&TaskStatus::ALL)
        .unwrap()
        .iter()
        .map(|t| t.summary())
        .collect();
    assert_eq!(all.len(), shapes.len());
    let base = TaskQuery::default();
    let mut queries = vec![
        base.clone(),
        TaskQuery {
            window: ListWindow::All,
            ..base.clone()
        },
        TaskQuery {
            window: ListWindow::Since {
                at: now - 10 * HOUR,
            },
            ..base.clone()
        },
        TaskQuery {
            creator: Some("ann".into()),
            ..base.clone()
        },
        TaskQuery {
            database: Some("crm".into()),
            window: ListWindow::All,
            ..base.clone()
        },
        TaskQuery {
            connection: Some("mysql://app:pw@db1/shop".into()),
            ..base.clone()
        },
        TaskQuery {
            connection: Some("other".into()),
            ..base.clone()
        },
        TaskQuery {
            statuses: vec![TaskStatus::PendingApproval, TaskStatus::Succeeded],
            ..base.clone()
        },
    ];
    for sort in [SortKey::CreatedAt, SortKey::Status] {
        for descending in [false, true] {
            for (page, page_size) in [(0, 20), (0, 2), (1, 2), (3, 2), (9, 2)] {
                queries.push(TaskQuery {
                    window: ListWindow::All,
                    sort,
                    descending,
                    page,
                    page_size,
                    ..base.clone()
                });
            }
        }
    }
    for query in &queries {
        let expected = query.select(all.clone(), now);
        assert_eq!(
            open().list_tasks(query, now).unwrap(),
            expected,
            "{query:?}"
        );
    }
    // The default window really is 48 hours.
    assert_eq!(store.list_tasks(&base, now).unwrap().total, 6);
}

pub fn full_lifecycle_through_the_center<S: Store>(open: impl Fn() -> S) {
    let clock = FakeClock::at(START);
    let center = TaskCenter::new(open(), clock);
    center
        .set_flows(&[ApprovalFlow {
            name: "two".into(),
            nodes: vec![
                ApprovalNode {
                    name: "dba".into(),
                    approvers: Approvers::Role("dba".into()),
                },
                ApprovalNode {
                    name: "owner".into(),
                    approvers: Approvers::Users(vec!["bob".into()]),
                },
            ],
            rules: vec![MatchRule::new("*", "shop")],
            approval_expiry_ms: HOUR,
            execution_expiry_ms: HOUR,
            forbid_self_approval: true,
            allow_delegated_identity: false,
            auto_approve: Default::default(),
        }])
        .unwrap();
    let mut request = SubmitRequest::new(
        plan(vec![table("a", &["A1", "A2"]), table("b", &["B1"])]),
        "carol",
    );
    request.on_error = ErrorStrategy::Continue;
    request.remarks = "nightly".into();
    let id = center.submit(request).unwrap().id;
    center
        .approve(id, &Actor::new("alice", &["dba"]), "ok")
        .unwrap();
    // Another handle sees the progress and continues the flow.
    let other = TaskCenter::new(open(), FakeClock::at(START + 10));
    assert_eq!(other.task(id).unwrap().state.approval_node, 1);
    other.approve(id, &Actor::new("bob", &[]), "").unwrap();
    let server = FakeServer::default();
    let done = other
        .execute(id, "w1", &mut server.clone(), &mut server.inspector())
        .unwrap();
    assert_eq!(done.state.status, TaskStatus::Succeeded);
    assert_eq!(done, center.task(id).unwrap());
    assert_eq!(server.executed(), ["A1", "A2", "B1"]);
    assert_eq!(done.spec.plan.connection, "mysql://app:***@db1/shop");
    let export = center.export_logs(id, &LogFilter::all()).unwrap();
    assert!(!export.contains(":pw@"), "{export}");
    assert!(export.lines().count() >= 8);
    let actors: Vec<String> = center
        .timeline(id)
        .unwrap()
        .into_iter()
        .map(|e| e.actor)
        .collect();
    assert_eq!(actors[..4], ["carol", "alice", "bob", "w1"]);
}

/// Crash the worker at every write of an execution in turn; a restarted
/// worker (a new handle, as after a process restart) must finish the task
/// with every statement sent exactly once.
pub fn crash_at_any_write_resumes_without_repeating_statements<S: Store>(open: impl Fn() -> S) {
    let clock = FakeClock::at(START);
    let mut crash_after = 0;
    loop {
        let server = FakeServer::default();
        let id = submit(
            &open,
            vec![
                table("a", &["A1", "A2", "A3"]),
                table("s", &[]),
                table("b", &["B1"]),
            ],
        );
        let doomed = TaskCenter::new(CrashingStore::new(open(), crash_after), clock.clone());
        let first = doomed.run_due("w1", &mut server.connector(), &mut server.inspector());
        drop(doomed);
        let restarted = TaskCenter::new(open(), clock.clone());
        match first {
            Ok(report) => {
                // The budget outlasted the whole run: every crash point is covered.
                assert_eq!(report.finished, [(id, TaskStatus::Succeeded)]);
                assert!(crash_after > 20, "only {crash_after} writes?");
                break;
            }
            Err(error) => assert_eq!(error, Error::Store("simulated crash".into())),
        }
        // A crash after the final compare-and-set leaves nothing to resume.
        let already_done = restarted.task(id).unwrap().state.status.is_terminal();
        let report = restarted
            .run_due("w1", &mut server.connector(), &mut server.inspector())
            .unwrap();
        let resumed = if already_done {
            vec![]
        } else {
            vec![(id, TaskStatus::Succeeded)]
        };
        assert_eq!(report.finished, resumed, "crash after {crash_after} writes");
        let task = restarted.task(id).unwrap();
        assert_eq!(
            task.state.status,
            TaskStatus::Succeeded,
            "crash after {crash_after} writes"
        );
        assert_eq!(
            server.executed(),
            ["A1", "A2", "A3", "B1"],
            "crash after {crash_after} writes"
        );
        assert!(task.tables[0]
            .statements
            .iter()
            .all(|s| s.status == StatementStatus::Applied));
        crash_after += 1;
    }
}

/// Two workers with their own handles race to start one task.
pub fn exactly_one_of_two_racing_workers_wins<S: Store>(open: impl Fn() -> S + Sync) {
    for _ in 0..8 {
        let server = FakeServer::default();
        let id = submit(&open, vec![table("a", &["A1", "A2"])]);
        let barrier = Barrier::new(2);
        let results: Vec<_> = thread::scope(|scope| {
            let racers: Vec<_> = ["w1", "w2"]
                .into_iter()
                .map(|worker| {
                    let (open, barrier, server) = (&open, &barrier, &server);
                    scope.spawn(move || {
                        let center = TaskCenter::new(open(), FakeClock::at(START));
                        barrier.wait();
                        center.execute(id, worker, &mut server.clone(), &mut server.inspector())
                    })
                })
                .collect();
            racers.into_iter().map(|r| r.join().unwrap()).collect()
        });
        let winners: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(winners.len(), 1, "{results:?}");
        assert_eq!(winners[0].state.status, TaskStatus::Succeeded);
        let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
        assert!(
            matches!(loser, Error::InvalidTransition { to, .. } if to == "executing"),
            "{loser:?}"
        );
        assert_eq!(server.executed(), ["A1", "A2"]);
        let starts = open()
            .timeline(id)
            .unwrap()
            .iter()
            .filter(|e| e.action == TimelineAction::Started)
            .count();
        assert_eq!(starts, 1);
    }
}

/// An abort requested through another handle (another thread or process)
/// stops the running worker before its next statement.
pub fn abort_from_another_handle_stops_the_run<S: Store>(open: impl Fn() -> S + Sync) {
    let server = FakeServer::default();
    let id = submit(
        &open,
        vec![table("a", &["A1", "A2", "A3"]), table("b", &["B1"])],
    );
    let (reached, go) = server.gate("A2");
    let done = thread::scope(|scope| {
        let (open, server) = (&open, &server);
        let runner = scope.spawn(move || {
            let center = TaskCenter::new(open(), FakeClock::at(START));
            center.execute(id, "w1", &mut server.clone(), &mut server.inspector())
        });
        reached.recv().unwrap();
        let ops = TaskCenter::new(open(), FakeClock::at(START));
        ops.abort(id, &Actor::new("ops", &[]), "maintenance window over")
            .unwrap();
        go.send(()).unwrap();
        runner.join().unwrap().unwrap()
    });
    assert_eq!(done.state.status, TaskStatus::Aborted);
    assert_eq!(server.executed(), ["A1", "A2"]);
    assert_eq!(done.tables[0].status, TableStatus::Failed);
    assert_eq!(done.tables[1].status, TableStatus::Skipped);
    let alerts = TaskCenter::new(open(), FakeClock::at(START))
        .logs(id, &LogFilter::alerts())
        .unwrap();
    assert!(
        alerts.iter().any(|e| e.message == "abort requested by ops"),
        "{alerts:?}"
    );
}

/// What one handle wrote, a handle opened later (another process or host, or
/// the same one restarted) reads back whole; ids keep growing.
pub fn everything_survives_reopening<S: Store>(open: impl Fn() -> S) {
    let server = FakeServer::default();
    let (task, timeline, logs, flows) = {
        let center = TaskCenter::new(open(), FakeClock::at(START));
        center.set_flows(&[ApprovalFlow::built_in()]).unwrap();
        let mut request =
            SubmitRequest::new(plan(vec![table("a", &["A1"]), table("s", &[])]), "carol");
        request.on_error = ErrorStrategy::Continue;
        let id = center.submit(request).unwrap().id;
        center
            .execute(id, "w1", &mut server.clone(), &mut server.inspector())
            .unwrap();
        let pending = center
            .submit(SubmitRequest::new(plan(vec![table("b", &["B1"])]), "dave"))
            .unwrap();
        center
            .cancel(pending.id, &Actor::new("dave", &[]), "later")
            .unwrap();
        (
            center.task(id).unwrap(),
            center.timeline(id).unwrap(),
            center.logs(id, &LogFilter::all()).unwrap(),
            center.flows().unwrap(),
        )
    };
    let reopened = TaskCenter::new(open(), FakeClock::at(START));
    assert_eq!(reopened.task(task.id).unwrap(), task);
    assert_eq!(reopened.timeline(task.id).unwrap(), timeline);
    assert_eq!(reopened.logs(task.id, &LogFilter::all()).unwrap(), logs);
    assert_eq!(reopened.flows().unwrap(), flows);
    assert_eq!(
        reopened.task(task.id + 1).unwrap().state.status,
        TaskStatus::Cancelled
    );
    let next = reopened
        .submit(SubmitRequest::new(plan(vec![table("c", &["C1"])]), "erin"))
        .unwrap();
    assert_eq!(next.id, task.id + 2);
}

/// The snapshot cache: entries read back as written, per server and schema,
/// replaced by table, forgotten on request, kept across reopening; names
/// compared exactly (`T` is not `t`).
pub fn snapshot_cache_round_trips<S: Store, F: Fn() -> S>(open: F) {
    use shadowsync_core::analysis::cache::CachedTable;
    use shadowsync_core::CatalogFacts;
    let entry = |table: &str, token: &str| CachedTable {
        table: table.into(),
        token: token.into(),
        version: "10.11".into(),
        text: format!("CREATE TABLE `{table}` (`a` enum('x'',''y'))"),
        facts: Some(CatalogFacts {
            members: vec![("a".into(), vec!["x','y".into()])],
            list_values: Vec::new(),
        }),
        parents: vec![("p".into(), "1:2".into())],
    };
    let store = open();
    assert!(store.cached_tables("srv", "shop").unwrap().is_empty());
    let many: Vec<CachedTable> = (0..250).map(|i| entry(&format!("t{i}"), "1")).collect();
    store.cache_tables("srv", "shop", &many, &[]).unwrap();
    store
        .cache_tables(
            "srv",
            "shop",
            &[entry("T", "1"), entry("t1", "2")],
            &["t2".into()],
        )
        .unwrap();
    store
        .cache_tables("srv2", "shop", &[entry("t1", "9")], &[])
        .unwrap();
    store
        .cache_tables("srv", "other", &[entry("t1", "8")], &[])
        .unwrap();
    let reopened = open();
    let mut got = reopened.cached_tables("srv", "shop").unwrap();
    got.sort_by(|a, b| a.table.cmp(&b.table));
    assert_eq!(got.len(), 250, "250 - t2 + T");
    let t1 = got.iter().find(|e| e.table == "t1").unwrap();
    assert_eq!(t1, &entry("t1", "2"));
    assert!(got.iter().any(|e| e.table == "T"));
    assert!(!got.iter().any(|e| e.table == "t2"));
    assert_eq!(
        reopened.cached_tables("srv2", "shop").unwrap(),
        [entry("t1", "9")]
    );
    assert_eq!(
        reopened.cached_tables("srv", "other").unwrap(),
        [entry("t1", "8")]
    );
}

/// Watchers racing on one drift, each with its own handle (as hosts
/// would): exactly one creates the task, every other is named that task.
/// The drift stays held while its task waits or was cancelled, from any
/// handle, and is free again once its task succeeded.
pub fn a_drift_is_submitted_once<S: Store + Send + Sync>(open: impl Fn() -> S + Sync) {
    let request = || SubmitRequest::new(plan(vec![table("a", &["A1"])]), "carol");
    for round in 0..4 {
        let drift = format!("drift:{round:016x}");
        // Four hosts open the store at once (on the first round, a fresh
        // one), then race; a failed open fails the test, never hangs it.
        let centers: Vec<_> = thread::scope(|scope| {
            let opening: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| TaskCenter::new(open(), FakeClock::at(START))))
                .collect();
            opening.into_iter().map(|o| o.join().unwrap()).collect()
        });
        let barrier = Barrier::new(4);
        let results: Vec<(u64, bool)> = thread::scope(|scope| {
            let racers: Vec<_> = centers
                .iter()
                .map(|center| {
                    let (barrier, drift) = (&barrier, &drift);
                    scope.spawn(move || {
                        barrier.wait();
                        let (task, created) = center.submit_drift(request(), drift).unwrap();
                        (task.id, created)
                    })
                })
                .collect();
            racers.into_iter().map(|r| r.join().unwrap()).collect()
        });
        let created: Vec<_> = results.iter().filter(|(_, created)| *created).collect();
        assert_eq!(created.len(), 1, "round {round}: {results:?}");
        assert!(
            results.iter().all(|(id, _)| *id == created[0].0),
            "{results:?}"
        );
    }

    let center = TaskCenter::new(open(), FakeClock::at(START));
    let (first, created) = center.submit_drift(request(), "drift:a").unwrap();
    assert!(created);
    let (cancelled, created) = center.submit_drift(request(), "drift:b").unwrap();
    assert!(created);
    center
        .cancel(cancelled.id, &Actor::new("carol", &[]), "not this one")
        .unwrap();
    let reopened = TaskCenter::new(open(), FakeClock::at(START));
    for (drift, holder) in [("drift:a", first.id), ("drift:b", cancelled.id)] {
        let (task, created) = reopened.submit_drift(request(), drift).unwrap();
        assert_eq!((task.id, created), (holder, false), "{drift} is held");
    }

    let server = FakeServer::default();
    let ran = center
        .execute(first.id, "w1", &mut server.clone(), &mut server.inspector())
        .unwrap();
    assert_eq!(ran.state.status, TaskStatus::Succeeded);
    let (next, created) = reopened.submit_drift(request(), "drift:a").unwrap();
    assert!(
        created && next.id != first.id,
        "free again once its task succeeded"
    );
    let (held, created) = center.submit_drift(request(), "drift:a").unwrap();
    assert_eq!((held.id, created), (next.id, false));

    // A task that expired unseen frees its drift too.
    let later = TaskCenter::new(open(), FakeClock::at(START + DEFAULT_EXPIRY_MS + 1));
    let expired = later.expire_overdue().unwrap();
    assert!(
        expired.contains(&(next.id, TaskStatus::ExecutionExpired)),
        "{expired:?}"
    );
    let (fresh, created) = later.submit_drift(request(), "drift:a").unwrap();
    assert!(
        created && fresh.id != next.id,
        "free again once its task expired"
    );
    let (_, created) = later.submit_drift(request(), "drift:b").unwrap();
    assert!(!created, "a cancelled task keeps holding its drift");
}
