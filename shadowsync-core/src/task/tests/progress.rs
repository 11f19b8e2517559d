//! Progress events: what an observer hears while a task runs.

use std::sync::Mutex;

use super::*;
use crate::task::{Observer, Progress};

/// Keeps every event it hears.
#[derive(Default)]
struct Recorder(Mutex<Vec<Progress>>);

impl Observer for Recorder {
    fn observe(&self, event: &Progress) {
        self.0.lock().unwrap().push(event.clone());
    }
}

impl Recorder {
    fn events(&self) -> Vec<Progress> {
        self.0.lock().unwrap().clone()
    }
}

/// Run task `id` as the fixture does, its progress told to a new recorder.
fn execute_heard(f: &Fixture, id: TaskId) -> Recorder {
    let recorder = Recorder::default();
    let mut exec = f.server.clone();
    let mut inspector = FakeInspector(f.server.clone());
    f.center
        .execute_observed(id, "w1", &mut exec, &mut inspector, &recorder)
        .unwrap();
    recorder
}

#[test]
fn a_run_is_heard_statement_by_statement() {
    let f = Fixture::new();
    let task = f.submit(
        vec![
            table("a", &["A1", "A2"]),
            table("s", &[]),
            table("b", &["B1"]),
        ],
        ErrorStrategy::Abort,
    );
    let recorder = execute_heard(&f, task.id);
    let id = task.id;
    let sent = |table: &str, statement, of, comment: &str| Progress::StatementSent {
        task: id,
        table: table.into(),
        statement,
        of,
        sql: format!("ALTER TABLE `__{table}` COMMENT '{comment}'"),
    };
    let applied = |table: &str, statement, of| Progress::StatementFinished {
        task: id,
        table: table.into(),
        statement,
        of,
        status: StatementStatus::Applied,
        error: None,
    };
    let started = |table: &str, statements| Progress::TableStarted {
        task: id,
        table: table.into(),
        shadow: format!("__{table}"),
        statements,
    };
    let succeeded = |table: &str| Progress::TableFinished {
        task: id,
        table: table.into(),
        status: TableStatus::Succeeded,
        error: None,
    };
    assert_eq!(
        recorder.events(),
        [
            Progress::TaskStarted {
                task: id,
                tables: 2,
                statements: 3,
                resumed: false
            },
            // The user-skipped table is neither changed nor vouched for.
            Progress::PrecheckStarted {
                task: id,
                tables: 2
            },
            Progress::PrecheckFinished {
                task: id,
                drifted: 0
            },
            started("a", 2),
            sent("a", 1, 2, "A1"),
            applied("a", 1, 2),
            sent("a", 2, 2, "A2"),
            applied("a", 2, 2),
            started("b", 1),
            sent("b", 1, 1, "B1"),
            applied("b", 1, 1),
            Progress::Verifying {
                task: id,
                tables: 2
            },
            succeeded("a"),
            succeeded("b"),
            Progress::TaskFinished {
                task: id,
                status: TaskStatus::Succeeded
            },
        ]
    );
}

#[test]
fn a_failure_is_heard_with_its_reason_and_a_run_not_observed_tells_nobody() {
    let f = Fixture::new();
    f.server.refuse("A2", "Duplicate column name 'x'");
    let task = f.submit(vec![table("a", &["A1", "A2"])], ErrorStrategy::Abort);
    let recorder = execute_heard(&f, task.id);
    let events = recorder.events();
    let failed = events
        .iter()
        .find_map(|e| match e {
            Progress::StatementFinished {
                statement: 2,
                status: StatementStatus::Failed,
                error,
                ..
            } => error.clone(),
            _ => None,
        })
        .expect("the failed statement is heard");
    assert!(failed.contains("Duplicate column name"), "{failed}");
    assert!(events.contains(&Progress::TaskFinished {
        task: task.id,
        status: TaskStatus::Failed
    }));
    assert!(events.iter().any(|e| matches!(
        e,
        Progress::TableFinished {
            status: TableStatus::Failed,
            ..
        }
    )));

    let again = f.submit(vec![table("c", &["C1"])], ErrorStrategy::Abort);
    f.execute(again.id).unwrap();
    assert_eq!(recorder.events().len(), events.len());
}

#[test]
fn progress_serializes_as_tagged_json() {
    let event = Progress::StatementSent {
        task: 7,
        table: "orders".into(),
        statement: 1,
        of: 2,
        sql: "ALTER TABLE `__orders` ADD COLUMN `x` int".into(),
    };
    assert_eq!(
        serde_json::to_string(&event).unwrap(),
        r#"{"event":"statement_sent","task":7,"table":"orders","statement":1,"of":2,"sql":"ALTER TABLE `__orders` ADD COLUMN `x` int"}"#
    );
}
