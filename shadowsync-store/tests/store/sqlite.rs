//! What only a file-backed store promises.

use rusqlite::Connection;
use shadowsync_core::task::{
    Actor, ErrorStrategy, LogFilter, Store, SubmitRequest, TaskCenter, TaskStatus,
};
use shadowsync_core::Error;
use shadowsync_store::SqliteStore;

use crate::fakes::{plan, table, FakeClock, FakeServer, TempDb, START};

#[test]
fn everything_survives_closing_and_reopening_the_file() {
    let db = TempDb::new("reopen");
    let server = FakeServer::default();
    let (task, timeline, logs, flows) = {
        let center = TaskCenter::new(SqliteStore::open(db.path()).unwrap(), FakeClock::at(START));
        center
            .set_flows(&[shadowsync_core::task::ApprovalFlow::built_in()])
            .unwrap();
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
    let reopened = TaskCenter::new(SqliteStore::open(db.path()).unwrap(), FakeClock::at(START));
    assert_eq!(reopened.task(task.id).unwrap(), task);
    assert_eq!(reopened.timeline(task.id).unwrap(), timeline);
    assert_eq!(reopened.logs(task.id, &LogFilter::all()).unwrap(), logs);
    assert_eq!(reopened.flows().unwrap(), flows);
    assert_eq!(
        reopened.task(task.id + 1).unwrap().state.status,
        TaskStatus::Cancelled
    );
    // Ids keep growing after a reopen.
    let next = reopened
        .submit(SubmitRequest::new(plan(vec![table("c", &["C1"])]), "erin"))
        .unwrap();
    assert_eq!(next.id, task.id + 2);
}

#[test]
fn the_file_runs_in_wal_mode() {
    let db = TempDb::new("wal");
    drop(SqliteStore::open(db.path()).unwrap());
    let conn = Connection::open(db.path()).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_newer_layout_is_refused() {
    let db = TempDb::new("newer");
    drop(SqliteStore::open(db.path()).unwrap());
    Connection::open(db.path())
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    assert!(
        matches!(SqliteStore::open(db.path()), Err(Error::Store(m)) if m.contains("version 99"))
    );
}

#[test]
fn a_non_database_file_is_a_store_error() {
    let db = TempDb::new("garbage");
    std::fs::write(
        db.path(),
        b"this is not a database, just some bytes to refuse",
    )
    .unwrap();
    assert!(matches!(SqliteStore::open(db.path()), Err(Error::Store(_))));
}

#[test]
fn store_handles_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<SqliteStore>();
    shareable::<TaskCenter<SqliteStore, FakeClock>>();
    let db = TempDb::new("shared");
    let center = TaskCenter::new(SqliteStore::open(db.path()).unwrap(), FakeClock::at(START));
    std::thread::scope(|scope| {
        for n in 0..4 {
            let center = &center;
            scope.spawn(move || {
                let tables = vec![table(&format!("t{n}"), &["X"])];
                center
                    .submit(SubmitRequest::new(plan(tables), "carol"))
                    .unwrap();
            });
        }
    });
    let ids: Vec<_> = center
        .store()
        .tasks_in(&TaskStatus::ALL)
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, [1, 2, 3, 4]);
}
