//! The task store on real servers: the store contract of `shadowsync-store`
//! (the same functions the in-memory and SQLite stores pass) against
//! [`MysqlStore`] on MariaDB and on seekdb (OceanBase, MySQL mode), and what
//! only a shared server store promises. Start the servers with
//! `eval "$(scripts/engines.sh start)"`; a missing URL variable fails the
//! tests rather than skipping them.

#[path = "../../shadowsync-store/tests/store/contract.rs"]
mod contract;
#[allow(dead_code)] // `TempDb` and a few helpers serve only the SQLite tests
#[path = "../../shadowsync-store/tests/store/fakes.rs"]
mod fakes;

use std::sync::Barrier;

use shadowsync_core::task::{Store, SubmitRequest, TaskCenter, TaskStatus};
use shadowsync_core::Error;
use shadowsync_mysql::{MysqlExecutor, MysqlStore};

use fakes::{plan, table, FakeClock, START};

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::Engine;

/// A freshly created database, dropped at the end of the test.
struct Scratch {
    server: String,
    name: String,
}

impl Scratch {
    fn new(engine: Engine, test: &str) -> Scratch {
        let server = engine.url();
        let name = format!("sss_{test}");
        let mut ex = MysqlExecutor::connect(&server).expect("connect");
        ex.drop_database(&name).expect("drop database");
        ex.create_database(&name).expect("create database");
        Scratch { server, name }
    }

    /// The URL naming the scratch database.
    fn url(&self) -> String {
        format!("{}/{}", self.server.trim_end_matches('/'), self.name)
    }

    /// A new store handle (its own connection pool) on the scratch database.
    fn open(&self) -> MysqlStore {
        MysqlStore::open(self.url()).expect("open store")
    }

    /// An executor on the scratch database, to tamper with the tables.
    fn executor(&self) -> MysqlExecutor {
        MysqlExecutor::connect(&self.url()).expect("connect")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Best effort: a leftover scratch database is dropped by the next run.
        if let Ok(mut ex) = MysqlExecutor::connect(&self.server) {
            let _ = ex.drop_database(&self.name);
        }
    }
}

/// One test per contract function and engine.
macro_rules! contract_tests {
    ($($name:ident),* $(,)?) => {
        mod mariadb_contract {
            $(
                #[test]
                fn $name() {
                    let db = super::Scratch::new(super::Engine::Mariadb, stringify!($name));
                    super::contract::$name(|| db.open());
                }
            )*
        }
        mod seekdb_contract {
            $(
                #[test]
                fn $name() {
                    let db = super::Scratch::new(super::Engine::Seekdb, stringify!($name));
                    super::contract::$name(|| db.open());
                }
            )*
        }
    };
}

contract_tests!(
    ids_are_monotonic_and_missing_tasks_are_not_found,
    compare_and_set_applies_only_on_the_expected_revision,
    abort_flag_is_raised_only_while_executing,
    progress_timeline_logs_and_flows_round_trip,
    list_follows_the_reference_semantics,
    full_lifecycle_through_the_center,
    crash_at_any_write_resumes_without_repeating_statements,
    exactly_one_of_two_racing_workers_wins,
    abort_from_another_handle_stops_the_run,
    everything_survives_reopening,
    snapshot_cache_round_trips,
    a_drift_is_submitted_once,
);

/// Each handle has its own pool, as two hosts would: of many threads racing
/// to claim one task from the same revision, exactly one succeeds.
fn exactly_one_of_many_handles_starts_a_task(engine: Engine) {
    let db = Scratch::new(engine, &format!("race_{}", engine as u8));
    let center = TaskCenter::new(db.open(), FakeClock::at(START));
    let id = center
        .submit(SubmitRequest::new(plan(vec![table("a", &["A1"])]), "carol"))
        .unwrap()
        .id;
    let task = center.task(id).unwrap();
    let racers = 4;
    let barrier = Barrier::new(racers);
    let wins: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..racers)
            .map(|n| {
                let (db, barrier, task) = (&db, &barrier, &task);
                scope.spawn(move || {
                    let store = db.open();
                    let mut state = task.state.clone();
                    state.status = TaskStatus::Executing;
                    state.worker = Some(format!("w{n}"));
                    barrier.wait();
                    store
                        .compare_and_set(task.id, task.revision, &state, &[])
                        .unwrap()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| usize::from(h.join().unwrap()))
            .sum()
    });
    assert_eq!(wins, 1);
    let after = db.open().task(id).unwrap();
    assert_eq!(after.revision, task.revision + 1);
    assert_eq!(after.state.status, TaskStatus::Executing);
}

/// A layout newer than this build is refused, naming its version.
fn a_newer_layout_is_refused(engine: Engine) {
    let db = Scratch::new(engine, &format!("newer_{}", engine as u8));
    drop(db.open());
    // Opening again is idempotent.
    drop(db.open());
    use shadowsync_core::Executor;
    db.executor()
        .execute("UPDATE shadowsync_meta SET value = 99 WHERE name = 'layout_version'")
        .unwrap();
    let err = MysqlStore::open(db.url()).unwrap_err();
    assert!(
        matches!(&err, Error::Store(m) if m.contains("version 99")),
        "{err}"
    );
}

/// A version 1 store (no lease column) is brought to version 2 on open,
/// its tasks kept.
fn a_version_1_store_gains_leases(engine: Engine) {
    use shadowsync_core::Executor;
    let db = Scratch::new(engine, &format!("v1_{}", engine as u8));
    let center = TaskCenter::new(db.open(), FakeClock::at(START));
    let id = center
        .submit(SubmitRequest::new(plan(vec![table("a", &["A1"])]), "carol"))
        .unwrap()
        .id;
    drop(center);
    let mut ex = db.executor();
    ex.execute("ALTER TABLE shadowsync_tasks DROP COLUMN lease_until")
        .unwrap();
    ex.execute("UPDATE shadowsync_meta SET value = 1 WHERE name = 'layout_version'")
        .unwrap();
    let store = db.open();
    assert_eq!(store.task(id).unwrap().state.lease_until, None);
    // The column is back: a lease is kept.
    let task = store.task(id).unwrap();
    let mut state = task.state.clone();
    state.lease_until = Some(START + 5);
    assert!(store
        .compare_and_set(id, task.revision, &state, &[])
        .unwrap());
    assert_eq!(store.task(id).unwrap().state.lease_until, Some(START + 5));
    drop(store);
    drop(db.open());
}

#[test]
fn mariadb_a_version_1_store_gains_leases() {
    a_version_1_store_gains_leases(Engine::Mariadb);
}

#[test]
fn seekdb_a_version_1_store_gains_leases() {
    a_version_1_store_gains_leases(Engine::Seekdb);
}

/// Bad URLs and unreachable servers are store errors without the password.
#[test]
fn open_failures_are_store_errors_without_the_password() {
    let err = MysqlStore::open("mysql://u:hunter22@127.0.0.1:1/db").unwrap_err();
    assert!(
        matches!(&err, Error::Store(m) if !m.contains("hunter22")),
        "{err}"
    );
    let err = MysqlStore::open("mysql://u:hunter22@127.0.0.1:1/").unwrap_err();
    assert!(
        matches!(&err, Error::Store(m) if m.contains("names no database")),
        "{err}"
    );
}

#[test]
fn store_handles_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<MysqlStore>();
}

#[test]
fn mariadb_exactly_one_of_many_handles_starts_a_task() {
    exactly_one_of_many_handles_starts_a_task(Engine::Mariadb);
}

#[test]
fn seekdb_exactly_one_of_many_handles_starts_a_task() {
    exactly_one_of_many_handles_starts_a_task(Engine::Seekdb);
}

#[test]
fn mariadb_a_newer_layout_is_refused() {
    a_newer_layout_is_refused(Engine::Mariadb);
}

#[test]
fn seekdb_a_newer_layout_is_refused() {
    a_newer_layout_is_refused(Engine::Seekdb);
}
