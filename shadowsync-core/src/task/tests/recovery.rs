//! Resuming interrupted executions, and run_due's retries.

use super::*;

/// Put task `id` in the state a crash of worker `w1` would leave: executing,
/// with the given statement statuses on table 0.
fn crash_state(f: &Fixture, id: TaskId, statements: &[StatementStatus]) {
    let store = f.center.store();
    let task = store.task(id).unwrap();
    let mut state = task.state.clone();
    state.status = TaskStatus::Executing;
    state.worker = Some("w1".into());
    state.lease_until = Some(f.clock.now() + f.center.lease());
    assert!(store
        .compare_and_set(id, task.revision, &state, &[])
        .unwrap());
    store
        .set_table_status(id, 0, TableStatus::Running, None)
        .unwrap();
    for (k, status) in statements.iter().enumerate() {
        store.set_statement_status(id, 0, k, *status, None).unwrap();
    }
}

#[test]
fn resume_settles_an_interrupted_statement_from_the_schema() {
    use StatementStatus::*;
    // A2 was sent and took effect before the crash; A3 is left.
    let f = Fixture::new();
    let task = f.submit(vec![table("a", &["A1", "A2", "A3"])], ErrorStrategy::Abort);
    crash_state(&f, task.id, &[Applied, Running, Pending]);
    f.server.0.borrow_mut().executed = vec!["A1".into(), "A2".into()];
    let done = f.run_due("w1");
    assert_eq!(done.finished, [(task.id, TaskStatus::Succeeded)]);
    assert_eq!(f.server.executed(), ["A1", "A2", "A3"]);

    // A2 was sent but never took effect: it is sent again.
    let f = Fixture::new();
    let task = f.submit(vec![table("a", &["A1", "A2", "A3"])], ErrorStrategy::Abort);
    crash_state(&f, task.id, &[Applied, Running, Pending]);
    f.server.0.borrow_mut().executed = vec!["A1".into()];
    // w1 is dead: its lease runs out.
    f.clock.advance(f.center.lease() + 1);
    let mut exec = f.server.clone();
    let done = f
        .center
        .resume(
            task.id,
            "w2",
            &mut exec,
            &mut FakeInspector(f.server.clone()),
        )
        .unwrap();
    assert_eq!(done.state.status, TaskStatus::Succeeded);
    assert_eq!(done.state.worker.as_deref(), Some("w2"));
    assert_eq!(f.server.executed(), ["A1", "A2", "A3"]);
    assert!(f.actions(task.id).contains(&TimelineAction::Resumed));

    // The table already matches: later statements are not needed.
    let f = Fixture::new();
    let task = f.submit(vec![table("a", &["A1", "A2"])], ErrorStrategy::Abort);
    crash_state(&f, task.id, &[Running, Pending]);
    f.server.0.borrow_mut().executed = vec!["A1".into(), "A2".into()];
    let done = f.run_due("w1");
    assert_eq!(done.finished, [(task.id, TaskStatus::Succeeded)]);
    let statements = &f.center.task(task.id).unwrap().tables[0].statements;
    assert_eq!(statements[1].status, Skipped);
    assert_eq!(f.server.executed().len(), 2);
}

#[test]
fn resume_refuses_to_guess_an_unknown_outcome() {
    use StatementStatus::*;
    let f = Fixture::new();
    let task = f.submit(vec![table("a", &["A1", "A2"])], ErrorStrategy::Abort);
    crash_state(&f, task.id, &[Applied, Running]);
    f.server
        .0
        .borrow_mut()
        .leftover
        .insert("a".into(), vec!["something else".into()]);
    f.server.0.borrow_mut().executed = vec!["A1".into()];
    // Another worker's tasks are not resumed by run_due while its lease lives.
    assert_eq!(f.run_due("w2"), DueReport::default());
    let done = f.run_due("w1");
    assert_eq!(done.finished, [(task.id, TaskStatus::Failed)]);
    let table = &f.center.task(task.id).unwrap().tables[0];
    assert_eq!(table.statements[1].status, Failed);
    assert!(table
        .error
        .as_deref()
        .unwrap()
        .contains("outcome is unknown"));
    assert_eq!(
        f.server.executed(),
        ["A1"],
        "A2 must not be re-sent blindly"
    );
}

#[test]
fn resume_only_takes_executing_tasks() {
    let f = Fixture::new();
    let task = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    let mut exec = f.server.clone();
    assert!(matches!(
        f.center.resume(
            task.id,
            "w2",
            &mut exec,
            &mut FakeInspector(f.server.clone())
        ),
        Err(Error::InvalidTransition { .. })
    ));
}

#[test]
fn run_due_reports_connection_failures_and_retries_later() {
    let f = Fixture::new();
    let task = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    let mut failing = |_: &Task| -> Result<Box<dyn Executor>> {
        Err(Error::Executor("mysql://u:pw@h refused".into()))
    };
    let report = f
        .center
        .run_due("w1", &mut failing, &mut |_: &Task| -> Result<
            Box<dyn SchemaInspector>,
        > {
            Ok(Box::new(FakeInspector(f.server.clone())))
        })
        .unwrap();
    assert_eq!(
        report.not_started,
        [(
            task.id,
            "executor error: mysql://u:***@h refused".to_string()
        )]
    );
    assert_eq!(
        f.center.task(task.id).unwrap().state.status,
        TaskStatus::WaitingForExecution
    );
    assert_eq!(f.run_due("w1").finished, [(task.id, TaskStatus::Succeeded)]);
}

#[test]
fn an_expired_lease_is_taken_over_by_any_worker_and_a_live_one_by_none() {
    use StatementStatus::*;
    let f = Fixture::new();
    let task = f.submit(vec![table("a", &["A1", "A2"])], ErrorStrategy::Abort);
    crash_state(&f, task.id, &[Applied, Pending]);
    f.server.0.borrow_mut().executed = vec!["A1".into()];

    // Live: neither run_due nor resume takes it, and resume says who holds it.
    assert_eq!(f.run_due("w2"), DueReport::default());
    let mut exec = f.server.clone();
    let err = f
        .center
        .resume(
            task.id,
            "w2",
            &mut exec,
            &mut FakeInspector(f.server.clone()),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("is held by w1 until")
            && err.to_string().contains("lease is live"),
        "{err}"
    );
    assert_eq!(f.server.executed(), ["A1"]);

    // Expired: the first worker to look takes it over and finishes it.
    f.clock.advance(f.center.lease() + 1);
    let done = f.run_due("w2");
    assert_eq!(done.finished, [(task.id, TaskStatus::Succeeded)]);
    let task = f.center.task(task.id).unwrap();
    assert_eq!(task.state.worker.as_deref(), Some("w2"));
    assert_eq!(
        task.state.lease_until, None,
        "a finished task holds no lease"
    );
    assert_eq!(f.server.executed(), ["A1", "A2"]);
}

#[test]
fn a_worker_that_lost_its_lease_stops_before_its_next_statement() {
    let f = Fixture::new();
    let task = f.submit(vec![table("a", &["A1", "A2", "A3"])], ErrorStrategy::Abort);
    // While A1 runs, w1 stalls past its lease and w2 takes the task over.
    let (store, clock, lease, id) = (
        f.center.store().clone(),
        f.clock.clone(),
        f.center.lease(),
        task.id,
    );
    f.server.0.borrow_mut().on_execute = Some(Box::new(move |sql| {
        if sql != "A1" {
            return;
        }
        clock.advance(lease + 1);
        let now = clock.now();
        let current = store.task(id).unwrap();
        let mut state = current.state.clone();
        state.worker = Some("w2".into());
        state.lease_until = Some(now + lease);
        assert!(store
            .compare_and_set(id, current.revision, &state, &[])
            .unwrap());
    }));
    let err = f.execute(task.id).unwrap_err();
    assert!(
        err.to_string()
            .contains("w1 lost its lease (now held by w2)"),
        "{err}"
    );
    assert_eq!(
        f.server.executed(),
        ["A1"],
        "nothing is sent after the lease is lost"
    );
}

/// A resumed run prechecks the tables not started yet: one whose source
/// changed while the task was interrupted is not run on a stale plan.
#[test]
fn resume_prechecks_the_tables_not_started() {
    use StatementStatus::*;
    let f = Fixture::new();
    let task = f.submit(
        vec![table("a", &["A1", "A2"]), table("b", &["B1"])],
        ErrorStrategy::Abort,
    );
    crash_state(&f, task.id, &[Applied, Pending]);
    f.server.0.borrow_mut().executed = vec!["A1".into()];
    f.server
        .0
        .borrow_mut()
        .drift
        .insert("b".into(), "changed".into());
    let done = f.run_due("w1");
    assert_eq!(done.finished, [(task.id, TaskStatus::Failed)]);
    assert_eq!(f.server.executed(), ["A1"], "nothing more ran");
    let logs: Vec<String> = f
        .center
        .logs(task.id, &Default::default())
        .unwrap()
        .into_iter()
        .map(|e| e.message)
        .collect();
    assert!(
        logs.iter()
            .any(|l| l.contains("precheck on resume") && l.contains("`b`")),
        "{logs:#?}"
    );
    // A drifted table that already ran is the verify's business, not the precheck's.
    let f = Fixture::new();
    let task = f.submit(vec![table("a", &["A1", "A2"])], ErrorStrategy::Abort);
    crash_state(&f, task.id, &[Applied, Pending]);
    f.server.0.borrow_mut().executed = vec!["A1".into()];
    f.server
        .0
        .borrow_mut()
        .drift
        .insert("a".into(), "changed".into());
    assert_eq!(f.run_due("w1").finished, [(task.id, TaskStatus::Succeeded)]);
}
