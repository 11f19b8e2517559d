//! Submission, approval flows, rejection and expiry.

use super::*;
use crate::statement::{AlterClause, StatementKind};

#[test]
fn submission_without_flows_is_auto_approved_and_redacted() {
    let f = Fixture::new();
    let task = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    assert_eq!(task.id, 1);
    assert_eq!(task.state.status, TaskStatus::WaitingForExecution);
    assert_eq!(task.state.due_at, Some(START));
    assert_eq!(task.spec.flow.name, flow::BUILT_IN_FLOW);
    assert_eq!(task.spec.plan.connection, "mysql://app:***@db1/shop");
    assert_eq!(
        f.actions(1),
        [
            TimelineAction::Submitted {
                flow: flow::BUILT_IN_FLOW.into()
            },
            TimelineAction::AutoApproved { node: 0 }
        ]
    );
    let text = f.center.export_logs(1, &LogFilter::all()).unwrap();
    assert!(
        text.contains("submitted by carol on mysql://app:***@db1/shop"),
        "{text}"
    );
    assert!(!text.contains("hunter2"));
    assert_eq!(
        f.center
            .submit(SubmitRequest::new(plan("c", vec![]), "x"))
            .map(|_| ()),
        Err(Error::InvalidRequest("the plan has no table".into()))
    );
}

#[test]
fn multi_node_flow_advances_node_by_node() {
    let f = Fixture::new();
    f.center.set_flows(&[dba_flow()]).unwrap();
    let task = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    assert_eq!(task.state.status, TaskStatus::PendingApproval);
    assert_eq!(task.spec.flow.name, "prod");

    let dev = Actor::new("dave", &["dev"]);
    let dba = Actor::new("alice", &["dba"]);
    let bob = Actor::new("bob", &[]);
    assert!(matches!(
        f.center.approve(1, &dev, ""),
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        f.center.approve(1, &bob, ""),
        Err(Error::InvalidRequest(_))
    ));

    f.clock.advance(1000);
    let task = f.center.approve(1, &dba, "schema ok").unwrap();
    assert_eq!(
        (task.state.status, task.state.approval_node),
        (TaskStatus::PendingApproval, 1)
    );
    // Node 1 is bob's alone, dba role or not.
    assert!(matches!(
        f.center.approve(1, &dba, ""),
        Err(Error::InvalidRequest(_))
    ));

    f.clock.advance(1000);
    let task = f.center.approve(1, &bob, "").unwrap();
    assert_eq!(task.state.status, TaskStatus::WaitingForExecution);
    assert_eq!(task.state.approval_node, 3);
    assert_eq!(task.state.due_at, Some(START + 2000));

    let timeline = f.center.timeline(1).unwrap();
    let who: Vec<(String, String)> = timeline
        .iter()
        .map(|e| (e.actor.clone(), e.action.to_string()))
        .collect();
    assert_eq!(
        who,
        [
            ("carol".to_string(), "submitted (flow `prod`)".to_string()),
            ("alice".into(), "approved node 0 (node0)".into()),
            ("bob".into(), "approved node 1 (node1)".into()),
            ("system".into(), "auto-approved node 2".into()),
        ]
    );
    assert_eq!(timeline[1].comment.as_deref(), Some("schema ok"));
    assert_eq!(timeline[1].at, START + 1000);
    // Approving an approved task is an illegal transition.
    assert!(matches!(
        f.center.approve(1, &bob, ""),
        Err(Error::InvalidTransition { .. })
    ));
}

#[test]
fn rejection_ends_the_task() {
    let f = Fixture::new();
    f.center.set_flows(&[dba_flow()]).unwrap();
    f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    let dba = Actor::new("alice", &["dba"]);
    assert!(matches!(
        f.center.reject(1, &Actor::new("eve", &[]), "no"),
        Err(Error::InvalidRequest(_))
    ));
    let task = f.center.reject(1, &dba, "not now").unwrap();
    assert_eq!(task.state.status, TaskStatus::Rejected);
    assert_eq!(task.state.finished_at, Some(START));
    assert_eq!(
        f.actions(1).last(),
        Some(&TimelineAction::Rejected { node: 0 })
    );
    assert_eq!(
        f.center.approve(1, &dba, ""),
        Err(Error::InvalidTransition {
            task: "1".into(),
            from: "rejected".into(),
            to: "waiting_for_execution".into()
        })
    );
    assert!(matches!(f.execute(1), Err(Error::InvalidTransition { .. })));
}

#[test]
fn approval_expires_after_the_flow_expiry() {
    let f = Fixture::new();
    f.center.set_flows(&[dba_flow()]).unwrap();
    f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    f.clock.advance(DEFAULT_EXPIRY_MS);
    assert_eq!(f.center.expire_overdue().unwrap(), []);
    f.clock.advance(1);
    // Deciding after the deadline first expires the task.
    let dba = Actor::new("alice", &["dba"]);
    assert!(matches!(
        f.center.approve(1, &dba, ""),
        Err(Error::InvalidTransition { ref from, .. }) if from == "approval_expired"
    ));
    assert_eq!(
        f.center.task(1).unwrap().state.status,
        TaskStatus::ApprovalExpired
    );
    assert_eq!(f.actions(1).last(), Some(&TimelineAction::ApprovalExpired));
    let alerts = f.center.logs(1, &LogFilter::alerts()).unwrap();
    assert_eq!(alerts.len(), 1);
    assert!(alerts[0].message.starts_with("approval_expired"));
}

#[test]
fn expiries_are_configurable_per_flow_and_applied_by_run_due() {
    let f = Fixture::new();
    let mut hourly = flow(
        "hourly",
        vec![Approvers::Role("dba".into())],
        &[("any", "any")],
    );
    hourly.approval_expiry_ms = HOUR;
    hourly.execution_expiry_ms = 2 * HOUR;
    f.center.set_flows(&[hourly]).unwrap();
    f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    f.submit(vec![table("b", &["B1"])], ErrorStrategy::Abort);
    f.center
        .approve(2, &Actor::new("alice", &["dba"]), "")
        .unwrap();
    f.clock.advance(HOUR + 1);
    assert_eq!(
        f.center.expire_overdue().unwrap(),
        [(1, TaskStatus::ApprovalExpired)]
    );
    f.clock.advance(HOUR);
    assert_eq!(
        f.center.expire_overdue().unwrap(),
        [(2, TaskStatus::ExecutionExpired)]
    );
    assert!(f.server.executed().is_empty());
}

#[test]
fn scheduled_tasks_run_at_their_time_and_expire_after_the_wait_expiry() {
    let f = Fixture::new();
    let mut request = SubmitRequest::new(plan("c", vec![table("a", &["A1"])]), "carol");
    request.mode = ExecutionMode::Scheduled { at: START - 1 };
    assert!(matches!(
        f.center.submit(request.clone()),
        Err(Error::InvalidRequest(_))
    ));

    request.mode = ExecutionMode::Scheduled { at: START + HOUR };
    let early = f.center.submit(request.clone()).unwrap();
    assert_eq!(early.state.due_at, Some(START + HOUR));
    let late = f.center.submit(request).unwrap();

    assert_eq!(f.run_due("w1"), DueReport::default());
    assert!(matches!(f.execute(early.id), Err(Error::InvalidRequest(_))));

    f.clock.advance(HOUR);
    // Run one by hand; run_due picks up the other.
    assert_eq!(
        f.execute(early.id).unwrap().state.status,
        TaskStatus::Succeeded
    );
    let mut request = SubmitRequest::new(plan("c", vec![table("z", &["Z1"])]), "carol");
    request.mode = ExecutionMode::Scheduled { at: START + HOUR };
    let on_time = f.center.submit(request).unwrap();
    let report = f.run_due("w1");
    assert_eq!(
        report.finished,
        [
            (late.id, TaskStatus::Succeeded),
            (on_time.id, TaskStatus::Succeeded)
        ]
    );

    let mut request = SubmitRequest::new(plan("c", vec![table("y", &["Y1"])]), "carol");
    request.mode = ExecutionMode::Scheduled {
        at: START + 2 * HOUR,
    };
    let missed = f.center.submit(request).unwrap();
    f.clock.advance(HOUR + DEFAULT_EXPIRY_MS + 1);
    let report = f.run_due("w1");
    assert_eq!(report.expired, [(missed.id, TaskStatus::ExecutionExpired)]);
    assert_eq!(f.server.executed(), ["A1", "A1", "Z1"]);
}

/// A one-node flow for the role `dba` on every task.
fn dba_gate() -> ApprovalFlow {
    flow(
        "gate",
        vec![Approvers::Role("dba".into())],
        &[("any", "any")],
    )
}

#[test]
fn the_creator_may_not_approve_its_own_task_by_default() {
    let f = Fixture::new();
    f.center.set_flows(&[dba_gate()]).unwrap();
    let task = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    assert!(task.spec.flow.forbid_self_approval, "on by default");
    // The creator holds the role, under any ASCII case and padding.
    for name in ["carol", "Carol", " CAROL "] {
        assert_eq!(
            f.center
                .approve(task.id, &Actor::new(name, &["dba"]), "mine"),
            Err(Error::InvalidRequest(
                "task 1 was created by `carol`, who may not approve it: \
                 flow `gate` forbids self-approval"
                    .into()
            )),
            "{name}"
        );
    }
    let unchanged = f.center.task(task.id).unwrap();
    assert_eq!(
        (
            unchanged.state.status,
            unchanged.state.approval_node,
            unchanged.revision
        ),
        (TaskStatus::PendingApproval, 0, task.revision)
    );
    assert_eq!(f.actions(1).len(), 1, "nothing but the submission recorded");

    // Anyone else holding the role approves.
    let approved = f
        .center
        .approve(task.id, &Actor::new("alice", &["dba"]), "ok")
        .unwrap();
    assert_eq!(approved.state.status, TaskStatus::WaitingForExecution);
    let timeline = f.center.timeline(1).unwrap();
    assert_eq!(timeline.last().map(|e| e.actor.as_str()), Some("alice"));
}

#[test]
fn a_flow_may_allow_self_approval() {
    let f = Fixture::new();
    let mut lenient = dba_gate();
    lenient.forbid_self_approval = false;
    f.center.set_flows(&[lenient]).unwrap();
    let task = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    // The role is still needed.
    assert!(matches!(
        f.center.approve(task.id, &Actor::new("carol", &[]), ""),
        Err(Error::InvalidRequest(ref why)) if why.contains("may not decide node 0")
    ));
    let approved = f
        .center
        .approve(task.id, &Actor::new("carol", &["dba"]), "solo team")
        .unwrap();
    assert_eq!(approved.state.status, TaskStatus::WaitingForExecution);
    assert_eq!(
        f.actions(1).last(),
        Some(&TimelineAction::Approved {
            node: 0,
            name: "node0".into()
        })
    );
}

#[test]
fn the_creator_may_still_reject_or_cancel_its_own_task() {
    let f = Fixture::new();
    f.center.set_flows(&[dba_gate()]).unwrap();
    let first = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    let second = f.submit(vec![table("b", &["B1"])], ErrorStrategy::Abort);
    let carol = Actor::new("carol", &["dba"]);
    let rejected = f.center.reject(first.id, &carol, "wrong tables").unwrap();
    assert_eq!(rejected.state.status, TaskStatus::Rejected);
    let cancelled = f.center.cancel(second.id, &carol, "not needed").unwrap();
    assert_eq!(cancelled.state.status, TaskStatus::Cancelled);
    let last = f.center.timeline(second.id).unwrap().pop().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.action, last.comment.as_deref()),
        ("carol", TimelineAction::Cancelled, Some("not needed"))
    );
}

#[test]
fn cancel_ends_waiting_tasks_and_refuses_finished_ones() {
    let f = Fixture::new();
    let mut request = SubmitRequest::new(plan("c", vec![table("a", &["A1"])]), "carol");
    request.mode = ExecutionMode::Scheduled { at: START + HOUR };
    let scheduled = f.center.submit(request).unwrap();
    assert_eq!(scheduled.state.status, TaskStatus::WaitingForExecution);
    let ops = Actor::new("ops", &[]);
    let cancelled = f.center.cancel(scheduled.id, &ops, "freeze").unwrap();
    assert_eq!(cancelled.state.status, TaskStatus::Cancelled);
    assert_eq!(cancelled.state.finished_at, Some(START));
    f.clock.advance(HOUR);
    assert_eq!(f.run_due("w1"), DueReport::default(), "nothing runs");
    assert!(f.server.executed().is_empty());

    let done = f.submit(vec![table("b", &["B1"])], ErrorStrategy::Abort);
    f.execute(done.id).unwrap();
    for id in [scheduled.id, done.id] {
        assert!(
            matches!(
                f.center.cancel(id, &ops, "too late"),
                Err(Error::InvalidTransition { ref to, .. }) if to == "cancelled"
            ),
            "task {id}"
        );
    }
}

#[test]
fn empty_actor_names_are_refused_everywhere() {
    let f = Fixture::new();
    f.center.set_flows(&[dba_gate()]).unwrap();
    let task = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    for name in ["", "   "] {
        let nobody = Actor::new(name, &["dba"]);
        let empty = |what: &str| {
            Err(Error::InvalidRequest(format!(
                "{what} task 1: the actor's name is empty"
            )))
        };
        assert_eq!(f.center.approve(1, &nobody, "").map(drop), empty("approve"));
        assert_eq!(f.center.reject(1, &nobody, "").map(drop), empty("reject"));
        assert_eq!(f.center.cancel(1, &nobody, "").map(drop), empty("cancel"));
        assert_eq!(f.center.abort(1, &nobody, ""), empty("abort"));
    }
    assert_eq!(f.center.task(1).unwrap().revision, task.revision);
    assert_eq!(f.actions(1).len(), 1, "nothing recorded");
}

#[test]
fn additive_plans_pass_a_gated_flow_by_themselves_under_auto_approve() {
    let f = Fixture::new();
    let mut gate = dba_flow();
    gate.auto_approve = flow::AutoApprove::Additive;
    f.center.set_flows(&[gate]).unwrap();
    // The fixture's statements set a table option: not additive, so the
    // task waits for the dba as without the rule.
    let waits = f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    assert_eq!(waits.state.status, TaskStatus::PendingApproval);
    let mut additive = table("b", &["B1"]);
    additive.kinds = vec![StatementKind::alter(
        "__b",
        AlterClause::AddColumn {
            column: "n".into(),
            at_end: true,
        },
    )];
    let passes = f.submit(vec![additive], ErrorStrategy::Abort);
    assert_eq!(passes.state.status, TaskStatus::WaitingForExecution);
    assert_eq!(passes.state.approval_node, 3);
    let timeline = f.center.timeline(passes.id).unwrap();
    let auto: Vec<_> = timeline.iter().skip(1).collect();
    assert_eq!(auto.len(), 3);
    for (node, event) in auto.iter().enumerate() {
        assert_eq!(event.action, TimelineAction::AutoApproved { node });
        assert_eq!(event.actor, crate::task::timeline::SYSTEM_ACTOR);
        assert!(event
            .comment
            .as_deref()
            .is_some_and(|c| c.contains("additive")));
    }
}
