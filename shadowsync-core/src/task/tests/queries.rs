//! Initiate again, and task lists.

use super::*;

#[test]
fn initiate_again_keeps_the_selection_with_a_fresh_plan() {
    let f = Fixture::new();
    let old = f.submit(
        vec![table("a", &["A1"]), table("b", &[])],
        ErrorStrategy::Continue,
    );
    let mut fresh = plan(
        "mysql://app:other@db1/shop",
        vec![table("b", &["B1"]), table("a", &[])],
    );
    let again = f
        .center
        .initiate_again(old.id, "dave", fresh.clone(), ExecutionMode::Immediate)
        .unwrap();
    assert_eq!(again.spec.initiated_from, Some(old.id));
    assert_eq!(again.spec.creator, "dave");
    assert_eq!(again.spec.on_error, ErrorStrategy::Continue);
    assert_eq!(again.spec.plan.tables[0].statements, [labelled("b", "B1")]);
    assert_eq!(
        f.center.timeline(again.id).unwrap()[0].comment.as_deref(),
        Some("initiated again from task 1")
    );
    fresh.tables.pop();
    assert!(matches!(
        f.center.initiate_again(old.id, "dave", fresh.clone(), ExecutionMode::Immediate),
        Err(Error::InvalidRequest(m)) if m.contains("table selection")
    ));
    fresh.tables.push(table("a", &[]));
    fresh.naming_rule = "suffix:_shadow".into();
    assert!(f
        .center
        .initiate_again(old.id, "dave", fresh, ExecutionMode::Immediate)
        .is_err());
}

#[test]
fn list_defaults_to_the_last_48_hours_and_filters_sorts_pages() {
    let f = Fixture::new();
    f.center.set_flows(&[dba_flow()]).unwrap();
    // Task 1: old. Tasks 2..=6 recent, with different creators and statuses.
    f.submit(vec![table("a", &["A1"])], ErrorStrategy::Abort);
    f.clock.advance(49 * HOUR);
    for creator in ["ann", "ben", "ann", "ben", "ann"] {
        f.clock.advance(1000);
        let mut request = SubmitRequest::new(
            plan("mysql://app:x@db1/shop", vec![table("a", &["A1"])]),
            creator,
        );
        if creator == "ben" {
            request.plan.database = "crm".into();
        }
        f.center.submit(request).unwrap();
    }
    // Ann's tasks (2, 4, 6) wait for approval; Ben's (3, 5, on crm) match
    // no flow and are approved at once. Task 4 gets rejected.
    f.center
        .reject(4, &Actor::new("alice", &["dba"]), "")
        .unwrap();

    let ids = |query: &TaskQuery| -> Vec<TaskId> {
        f.center
            .list(query)
            .unwrap()
            .items
            .iter()
            .map(|t| t.id)
            .collect()
    };
    let default = TaskQuery::default();
    assert_eq!(ids(&default), [6, 5, 4, 3, 2]);
    assert_eq!(f.center.list(&default).unwrap().total, 5);
    assert_eq!(
        ids(&TaskQuery {
            window: ListWindow::All,
            ..TaskQuery::default()
        }),
        [6, 5, 4, 3, 2, 1]
    );
    assert_eq!(
        ids(&TaskQuery {
            window: ListWindow::Since {
                at: START + 49 * HOUR + 3000
            },
            ..TaskQuery::default()
        }),
        [6, 5, 4]
    );
    assert_eq!(
        ids(&TaskQuery {
            creator: Some("ann".into()),
            ..TaskQuery::default()
        }),
        [6, 4, 2]
    );
    assert_eq!(
        ids(&TaskQuery {
            database: Some("crm".into()),
            ..TaskQuery::default()
        }),
        [5, 3]
    );
    assert_eq!(
        ids(&TaskQuery {
            connection: Some("mysql://app:***@db1/shop".into()),
            ..TaskQuery::default()
        }),
        [6, 5, 4, 3, 2]
    );
    assert!(ids(&TaskQuery {
        connection: Some("mysql://app:x@db1/shop".into()),
        ..TaskQuery::default()
    })
    .is_empty());
    assert_eq!(
        ids(&TaskQuery {
            statuses: vec![TaskStatus::Rejected],
            ..TaskQuery::default()
        }),
        [4]
    );
    assert_eq!(
        ids(&TaskQuery {
            descending: false,
            ..TaskQuery::default()
        }),
        [2, 3, 4, 5, 6]
    );
    // By status in lifecycle order, newest first within a status.
    let by_status = TaskQuery {
        sort: SortKey::Status,
        descending: false,
        ..TaskQuery::default()
    };
    assert_eq!(ids(&by_status), [6, 2, 4, 5, 3]);
    assert_eq!(
        ids(&TaskQuery {
            descending: true,
            ..by_status.clone()
        }),
        [5, 3, 4, 6, 2]
    );
    // Pages of two.
    let page = |n| TaskQuery {
        page: n,
        page_size: 2,
        ..TaskQuery::default()
    };
    assert_eq!(ids(&page(0)), [6, 5]);
    assert_eq!(ids(&page(2)), [2]);
    assert!(ids(&page(3)).is_empty());
    assert_eq!(f.center.list(&page(2)).unwrap().total, 5);
    assert!(f
        .center
        .list(&TaskQuery {
            page_size: 0,
            ..TaskQuery::default()
        })
        .is_err());
}
