//! Running tasks: strategies, abort, precheck, verify, cancel, redaction.

use super::*;

#[test]
fn successful_run_records_everything() {
    let f = Fixture::new();
    let task = f.submit(
        vec![
            table("a", &["A1", "A2"]),
            table("s", &[]),
            table("b", &["B1"]),
        ],
        ErrorStrategy::Abort,
    );
    assert_eq!(
        statuses(&task),
        [
            TableStatus::Waiting,
            TableStatus::Skipped,
            TableStatus::Waiting
        ]
    );
    f.clock.advance(5);
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::Succeeded);
    assert_eq!(done.state.worker.as_deref(), Some("w1"));
    assert_eq!(done.state.started_at, Some(START + 5));
    assert_eq!(done.state.finished_at, Some(START + 5));
    assert_eq!(
        statuses(&done),
        [
            TableStatus::Succeeded,
            TableStatus::Skipped,
            TableStatus::Succeeded
        ]
    );
    assert!(done.tables[0]
        .statements
        .iter()
        .all(|s| s.status == StatementStatus::Applied));
    assert_eq!(f.server.executed(), ["A1", "A2", "B1"]);
    assert_eq!(
        f.actions(task.id)[2..],
        [
            TimelineAction::Started,
            TimelineAction::PrecheckPassed,
            TimelineAction::TableStarted { table: "a".into() },
            TimelineAction::TableStarted { table: "b".into() },
            TimelineAction::TableSucceeded { table: "a".into() },
            TimelineAction::TableSucceeded { table: "b".into() },
            TimelineAction::Finished {
                status: TaskStatus::Succeeded
            },
        ]
    );
    // A second worker cannot run it again.
    assert_eq!(
        f.execute(task.id).map(|_| ()),
        Err(Error::InvalidTransition {
            task: task.id.to_string(),
            from: "succeeded".into(),
            to: "executing".into()
        })
    );
    assert_eq!(f.server.executed().len(), 3);
}

#[test]
fn abort_strategy_stops_at_the_first_failing_statement() {
    let f = Fixture::new();
    f.server.refuse("A2", "Duplicate column name 'x'");
    let task = f.submit(
        vec![table("a", &["A1", "A2", "A3"]), table("b", &["B1"])],
        ErrorStrategy::Abort,
    );
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::Failed);
    assert_eq!(statuses(&done), [TableStatus::Failed, TableStatus::Skipped]);
    let a = &done.tables[0];
    let outcomes: Vec<_> = a.statements.iter().map(|s| s.status).collect();
    assert_eq!(
        outcomes,
        [
            StatementStatus::Applied,
            StatementStatus::Failed,
            StatementStatus::Pending
        ]
    );
    assert_eq!(
        a.statements[1].error.as_deref(),
        Some("executor error: Duplicate column name 'x'")
    );
    assert!(a
        .error
        .as_deref()
        .unwrap()
        .starts_with("statement 2 of 3 failed"));
    assert_eq!(
        done.tables[1].error.as_deref(),
        Some("not run: task failed")
    );
    assert_eq!(f.server.executed(), ["A1"]);
    let errors = f.center.logs(task.id, &LogFilter::alerts()).unwrap();
    assert!(errors
        .iter()
        .any(|e| e.message.contains("Duplicate column")));
}

#[test]
fn continue_strategy_runs_the_rest_and_ends_partially_succeeded() {
    let f = Fixture::new();
    f.server.refuse("A1", "boom");
    let task = f.submit(
        vec![table("a", &["A1", "A2"]), table("b", &["B1"])],
        ErrorStrategy::Continue,
    );
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::PartiallySucceeded);
    assert_eq!(
        statuses(&done),
        [TableStatus::Failed, TableStatus::Succeeded]
    );
    assert_eq!(f.server.executed(), ["B1"]);

    // When every table that ran failed, the task failed.
    f.server.refuse("C1", "boom");
    let task = f.submit(
        vec![table("c", &["C1"]), table("s", &[])],
        ErrorStrategy::Continue,
    );
    assert_eq!(f.execute(task.id).unwrap().state.status, TaskStatus::Failed);
}

#[test]
fn abort_request_stops_between_statements() {
    let f = Fixture::new();
    let task = f.submit(
        vec![table("a", &["A1", "A2", "A3"]), table("b", &["B1"])],
        ErrorStrategy::Continue,
    );
    // Not executing yet: nothing to abort.
    assert!(matches!(
        f.center.abort(task.id, &Actor::new("ops", &[]), ""),
        Err(Error::InvalidTransition { ref from, .. }) if from == "waiting_for_execution"
    ));
    // Another party raises the flag while A2 runs.
    let store = f.center.store().clone();
    let id = task.id;
    f.server.0.borrow_mut().on_execute = Some(Box::new(move |sql| {
        if sql == "A2" {
            assert!(store.request_abort(id).unwrap());
        }
    }));
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::Aborted);
    assert_eq!(f.server.executed(), ["A1", "A2"]);
    assert_eq!(statuses(&done), [TableStatus::Failed, TableStatus::Skipped]);
    assert_eq!(
        done.tables[0].error.as_deref(),
        Some("aborted after 2 of 3 statements")
    );
    assert_eq!(
        done.tables[0].statements[2].status,
        StatementStatus::Pending
    );
    assert!(done.abort_requested);
}

#[test]
fn abort_through_the_center_is_recorded() {
    let f = Fixture::new();
    let task = f.submit(vec![table("a", &["A1", "A2"])], ErrorStrategy::Abort);
    let center = Rc::new(TaskCenter::new(f.center.store().clone(), f.clock.clone()));
    let id = task.id;
    let aborter = Rc::clone(&center);
    f.server.0.borrow_mut().on_execute = Some(Box::new(move |_| {
        aborter
            .abort(id, &Actor::new("ops", &[]), "stop it")
            .unwrap();
    }));
    let done = f.execute(id).unwrap();
    assert_eq!(done.state.status, TaskStatus::Aborted);
    assert_eq!(f.server.executed(), ["A1"]);
    let timeline = center.timeline(id).unwrap();
    let requested = timeline
        .iter()
        .find(|e| e.action == TimelineAction::AbortRequested)
        .unwrap();
    assert_eq!(
        (requested.actor.as_str(), requested.comment.as_deref()),
        ("ops", Some("stop it"))
    );
    assert_eq!(
        timeline.last().unwrap().action,
        TimelineAction::Finished {
            status: TaskStatus::Aborted
        }
    );
}

#[test]
fn precheck_failure_runs_nothing() {
    let f = Fixture::new();
    f.server
        .0
        .borrow_mut()
        .drift
        .insert("b".into(), "src-b-v2".into());
    let task = f.submit(
        vec![table("a", &["A1"]), table("b", &["B1"])],
        ErrorStrategy::Continue,
    );
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::PrecheckFailed);
    assert!(f.server.executed().is_empty());
    assert_eq!(
        statuses(&done),
        [TableStatus::Skipped, TableStatus::Skipped]
    );
    let errors = f
        .center
        .logs(task.id, &LogFilter::search("precheck"))
        .unwrap();
    assert_eq!(errors[0].level, LogLevel::Error);
    assert_eq!(
        errors[0].message,
        "precheck: source `b` changed since the analysis (fingerprint src-b -> src-b-v2)"
    );
    assert!(f.actions(task.id).contains(&TimelineAction::PrecheckFailed));
}

#[test]
fn precheck_covers_skipped_tables_too() {
    // A shadow judged identical on a source that changed since is stale:
    // the task must not end `succeeded` with it.
    let f = Fixture::new();
    f.server
        .0
        .borrow_mut()
        .drift
        .insert("b".into(), "src-b-v2".into());
    let mut identical = table("b", &[]);
    identical.reason = Some("identical".into());
    let task = f.submit(
        vec![table("a", &["A1"]), identical],
        ErrorStrategy::Continue,
    );
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::PrecheckFailed);
    assert!(f.server.executed().is_empty());
}

#[test]
fn precheck_leaves_out_tables_the_task_neither_changes_nor_vouches_for() {
    // A refused or user-skipped table is not touched and not reported in
    // step: what happens to it is not the task's (and a refused one may
    // not even be readable, its shadow name taken by a view).
    let f = Fixture::new();
    for who in ["b", "c"] {
        f.server
            .0
            .borrow_mut()
            .drift
            .insert(who.into(), format!("src-{who}-v2"));
    }
    let mut refused = table("b", &[]);
    refused.reason = Some("refused: shadow name `__b` is taken by a view".into());
    let mut skipped = table("c", &[]);
    skipped.reason = Some("user".into());
    let task = f.submit(
        vec![table("a", &["A1"]), refused, skipped],
        ErrorStrategy::Continue,
    );
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::Succeeded);
    assert_eq!(f.server.executed(), ["A1"]);
}

#[test]
fn verify_failure_fails_the_table() {
    let f = Fixture::new();
    f.server
        .0
        .borrow_mut()
        .leftover
        .insert("a".into(), vec!["ALTER TABLE `__a` ADD KEY k (x)".into()]);
    let task = f.submit(
        vec![table("a", &["A1"]), table("b", &["B1"])],
        ErrorStrategy::Abort,
    );
    let done = f.execute(task.id).unwrap();
    // Verification runs once every statement ran (a later table may complete
    // an earlier shadow), so `b` ran and verified before `a` was found lacking.
    assert_eq!(done.state.status, TaskStatus::Failed);
    assert_eq!(
        statuses(&done),
        [TableStatus::Failed, TableStatus::Succeeded]
    );
    assert_eq!(
        done.tables[0].error.as_deref(),
        Some("verify: the shadow still needs: ALTER TABLE `__a` ADD KEY k (x)")
    );
    assert_eq!(
        done.tables[0].statements[0].status,
        StatementStatus::Applied
    );
}

#[test]
fn errors_and_logs_never_carry_passwords() {
    let f = Fixture::new();
    f.server.refuse(
        "A1",
        "cannot reach mysql://root:topsecret@db1:3306 (password=topsecret)",
    );
    let task = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    let done = f.execute(task.id).unwrap();
    let stored = done.tables[0].statements[0].error.clone().unwrap();
    assert_eq!(
        stored,
        "executor error: cannot reach mysql://root:***@db1:3306 (password=***)"
    );
    let text = f.center.export_logs(task.id, &LogFilter::all()).unwrap();
    assert!(!text.contains("topsecret"), "{text}");
    assert!(text.contains("mysql://root:***@db1:3306"));
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("2023-11-14T22:13:20.000Z INFO submitted by carol"),
        "{}",
        lines[0]
    );
    assert!(lines.iter().any(|l| l.contains(" ERROR table `a` failed")));
}

#[test]
fn cancel_only_before_execution() {
    let f = Fixture::new();
    let ops = Actor::new("ops", &[]);
    f.center.set_flows(&[dba_flow()]).unwrap();
    let pending = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    assert_eq!(
        f.center
            .cancel(pending.id, &ops, "dup")
            .unwrap()
            .state
            .status,
        TaskStatus::Cancelled
    );
    f.center.set_flows(&[]).unwrap();
    let waiting = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    assert_eq!(
        f.center.cancel(waiting.id, &ops, "").unwrap().state.status,
        TaskStatus::Cancelled
    );
    assert!(matches!(
        f.execute(waiting.id),
        Err(Error::InvalidTransition { .. })
    ));
    let done = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    f.execute(done.id).unwrap();
    assert!(matches!(
        f.center.cancel(done.id, &ops, ""),
        Err(Error::InvalidTransition { .. })
    ));
}

#[test]
fn the_guard_refuses_a_statement_outside_the_shadow_set_and_the_task_fails() {
    let f = Fixture::new();
    let mut rogue = table("b", &["B1"]);
    rogue.statements = vec!["ALTER TABLE `b` DROP COLUMN `note`".into()];
    let task = f.submit(
        vec![table("a", &["A1"]), rogue, table("c", &["C1"])],
        ErrorStrategy::Continue,
    );
    let done = f.execute(task.id).unwrap();
    // Even with the continue strategy, a refusal stops the task.
    assert_eq!(done.state.status, TaskStatus::Failed);
    assert_eq!(f.server.executed(), ["A1"]);
    let b = &done.tables[1];
    assert_eq!(b.status, TableStatus::Failed);
    let error = b.statements[0].error.as_deref().unwrap();
    assert!(
        error.contains("refused by the statement guard")
            && error.contains("`b` is not a shadow this task creates or alters")
            && error.contains("ALTER TABLE `b` DROP COLUMN `note`"),
        "{error}"
    );
    assert_eq!(done.tables[2].status, TableStatus::Skipped);
}

#[test]
fn a_plan_on_another_database_runs_nothing() {
    let f = Fixture::new();
    let mut other = plan("mysql://app:pw@db1/crm", vec![table("a", &["A1"])]);
    other.database = "crm".into();
    let task = f.submit_plan(other, ErrorStrategy::Abort);
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::PrecheckFailed);
    assert!(f.server.executed().is_empty());
}

#[test]
fn a_database_locked_by_another_run_fails_the_precheck() {
    let f = Fixture::new();
    f.server.0.borrow_mut().locked_by = Some("another shadowsync run holds the lock".into());
    let task = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    let done = f.execute(task.id).unwrap();
    assert_eq!(done.state.status, TaskStatus::PrecheckFailed);
    assert!(f.server.executed().is_empty());
    let errors = f.center.logs(task.id, &LogFilter::alerts()).unwrap();
    assert!(errors[0]
        .message
        .contains("another shadowsync run holds the lock"));
}

#[test]
fn the_run_lock_is_held_while_statements_run_and_released_after() {
    let f = Fixture::new();
    let server = f.server.clone();
    f.server.0.borrow_mut().on_execute = Some(Box::new(move |_| {
        assert!(server.0.borrow().lock_held);
    }));
    let task = f.submit(vec![table("a", &["A1", "A2"])], ErrorStrategy::Abort);
    f.execute(task.id).unwrap();
    let state = f.server.0.borrow();
    assert_eq!((state.locks_taken, state.lock_held), (1, false));
}
