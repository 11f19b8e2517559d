//! What only a file-backed store promises.

use rusqlite::Connection;
use shadowsync_core::task::{Store, SubmitRequest, TaskCenter, TaskStatus};
use shadowsync_core::Error;
use shadowsync_store::SqliteStore;

use crate::fakes::{plan, table, FakeClock, TempDb, START};

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
fn a_version_1_file_gains_leases_and_keeps_its_tasks() {
    let db = TempDb::new("v1");
    let center = TaskCenter::new(SqliteStore::open(db.path()).unwrap(), FakeClock::at(START));
    let id = center
        .submit(SubmitRequest::new(plan(vec![table("a", &["A1"])]), "carol"))
        .unwrap()
        .id;
    drop(center);
    // What a version 1 file looks like: no lease column.
    let conn = Connection::open(db.path()).unwrap();
    conn.execute_batch("ALTER TABLE tasks DROP COLUMN lease_until; PRAGMA user_version = 1;")
        .unwrap();
    drop(conn);
    let store = SqliteStore::open(db.path()).unwrap();
    let task = store.task(id).unwrap();
    assert_eq!(task.state.status, TaskStatus::WaitingForExecution);
    assert_eq!(task.state.lease_until, None);
    let version: i64 = Connection::open(db.path())
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
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
