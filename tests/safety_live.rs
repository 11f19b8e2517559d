//! Production safety against real servers (MariaDB and seekdb): nothing
//! outside the shadow set is touched, whatever the server's `sql_mode`,
//! whatever the plan says, whoever else runs. Start the servers with
//! `eval "$(scripts/engines.sh start)"`; a missing URL variable fails the
//! tests rather than skipping them.
//!
//! The tests of this file change the servers' global `sql_mode` and so run
//! one at a time (a lock shared by the file).

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;
use shadowsync::core::analysis::{analyze, AnalysisRequest, Selection, ShadowInspector};
use shadowsync::core::shadow::NamingRule;
use shadowsync::core::task::{
    FrozenPlan, MemoryStore, SkipReason, SubmitRequest, Task, TaskCenter, TaskStatus,
};
use shadowsync::core::{Clock, Executor};
use shadowsync::mysql::{MysqlExecutor, OrphanPolicy, SessionSettings};

#[path = "support/engine.rs"]
mod engine;
use engine::Engine;

#[path = "support/live.rs"]
mod live;
use live::{raw, StillClock};

/// Held by every test of this file (see the module documentation).
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Restores the server's global `sql_mode` when dropped.
struct GlobalMode {
    engine: Engine,
    before: String,
}

impl GlobalMode {
    /// Adds `NO_BACKSLASH_ESCAPES` to the global `sql_mode` of `engine`.
    fn no_backslash_escapes(engine: Engine) -> GlobalMode {
        let mut conn = raw(engine, None);
        let before: String = conn
            .query_first("SELECT @@GLOBAL.sql_mode")
            .unwrap()
            .unwrap();
        let with = if before.is_empty() {
            "NO_BACKSLASH_ESCAPES".to_string()
        } else {
            format!("{before},NO_BACKSLASH_ESCAPES")
        };
        conn.exec_drop("SET GLOBAL sql_mode = ?", (with,)).unwrap();
        GlobalMode { engine, before }
    }
}

impl Drop for GlobalMode {
    fn drop(&mut self) {
        let mut conn = raw(self.engine, None);
        let _ = conn.exec_drop("SET GLOBAL sql_mode = ?", (&self.before,));
    }
}

fn database_exists(engine: Engine, db: &str) -> bool {
    let mut conn = raw(engine, None);
    let found: Option<String> = conn
        .exec_first(
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
            (db,),
        )
        .unwrap();
    found.is_some()
}

/// A fresh database `ssf_<test>_<engine>` where `sql` ran on a raw
/// connection (so with whatever session the server gives).
fn scratch(engine: Engine, test: &str, sql: &[&str]) -> String {
    let db = format!("ssf_{test}_{}", engine.name());
    let mut conn = raw(engine, None);
    conn.query_drop(format!("DROP DATABASE IF EXISTS `{db}`"))
        .unwrap();
    conn.query_drop(format!("CREATE DATABASE `{db}`")).unwrap();
    conn.query_drop(format!("USE `{db}`")).unwrap();
    for statement in sql {
        conn.query_drop(statement)
            .unwrap_or_else(|e| panic!("{engine:?}: {statement}: {e}"));
    }
    db
}

fn executor(engine: Engine, db: &str) -> MysqlExecutor {
    MysqlExecutor::connect(&engine.url())
        .expect("connect")
        .with_database(db)
        .expect("use database")
}

fn prefix_all() -> AnalysisRequest {
    AnalysisRequest {
        rule: NamingRule::prefix("__").unwrap(),
        selection: Selection::All,
        skip: vec![],
        policy: Default::default(),
        adopt: Vec::new(),
    }
}

/// The frozen plan of every table of `ex`'s database, prefix `__`.
fn plan_all(ex: &mut MysqlExecutor) -> FrozenPlan {
    let plan = analyze(ex, &prefix_all()).expect("analyze");
    plan.freeze(ex.redacted_url())
}

/// The messages of task `id`'s log.
fn messages(center: &TaskCenter<MemoryStore, StillClock>, id: u64) -> Vec<String> {
    center
        .logs(id, &Default::default())
        .unwrap()
        .into_iter()
        .map(|e| e.message)
        .collect()
}

/// Submits `plan` and executes it at once on `ex`.
fn run(ex: &mut MysqlExecutor, plan: FrozenPlan) -> (Task, Vec<String>) {
    let center = TaskCenter::new(MemoryStore::default(), StillClock);
    let mut inspector = ShadowInspector::for_plan(&plan).unwrap();
    let task = center
        .submit(SubmitRequest::new(plan, "tester"))
        .expect("submit");
    let done = center
        .execute(task.id, "w1", ex, &mut inspector)
        .expect("execute");
    let logs = messages(&center, task.id);
    (done, logs)
}

fn show_create(engine: Engine, db: &str, table: &str) -> String {
    let mut conn = raw(engine, Some(db));
    let row: Option<(String, String)> = conn
        .query_first(format!("SHOW CREATE TABLE `{table}`"))
        .unwrap();
    row.unwrap().1
}

/// The reproduction of the injection: a CHECK literal that, read under
/// `NO_BACKSLASH_ESCAPES`, would end early and run `DROP DATABASE`; and
/// backslashes in a comment and a default, which the same mode used to
/// double in the shadow on every sync.
fn no_injection_under_no_backslash_escapes(engine: Engine) {
    let _serial = serial();
    let victim = scratch(engine, "victim", &["CREATE TABLE keep (id int)"]);
    let set_mode = format!(
        "SET SESSION sql_mode = '{}'",
        match engine {
            Engine::Mariadb => "STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES",
            Engine::Seekdb => "STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES",
        }
    );
    let create = format!(
        "CREATE TABLE t (id int NOT NULL PRIMARY KEY, \
         c varchar(100) DEFAULT 'a\\b' COMMENT 'x\\y', \
         CONSTRAINT ck CHECK (c <> 'x'')) ; DROP DATABASE {victim}; -- ')) COMMENT 'p\\q'"
    );
    let db = scratch(engine, "inject", &[set_mode.as_str(), create.as_str()]);
    let _mode = GlobalMode::no_backslash_escapes(engine);

    let mut ex = executor(engine, &db);
    let analysis = analyze(&mut ex, &prefix_all()).expect("analyze");
    let plan = analysis.freeze(ex.redacted_url());
    let (done, logs) = run(&mut ex, plan);
    assert_eq!(
        done.state.status,
        TaskStatus::Succeeded,
        "{engine:?}: {logs:#?}"
    );
    assert!(
        database_exists(engine, &victim),
        "{engine:?}: the victim database was dropped"
    );

    // The shadow is its source's twin, backslashes and quote included ...
    let source = show_create(engine, &db, "t");
    let shadow = show_create(engine, &db, "__t");
    let unnamed = shadow
        .replace("`__t`", "`t`")
        .replace("`__ck`", "`ck`")
        .replace(" [shadowsync:shadow]'", "'");
    assert_eq!(unnamed, source, "{engine:?}");
    assert!(
        source.contains("'a\\\\b'") && source.contains("'x\\\\y'"),
        "{source}"
    );
    // ... and a second analysis finds nothing to do: it converged.
    let again = analyze(&mut ex, &prefix_all()).expect("analyze again");
    let reasons: Vec<_> = again.tables.iter().map(|t| t.reason.clone()).collect();
    assert_eq!(reasons, [Some(SkipReason::Identical)], "{engine:?}");
}

/// Even a text with two statements that got past every other check runs
/// nothing: the executor sends DDL as prepared statements, one per text.
fn multi_statement_text_runs_nothing(engine: Engine) {
    let _serial = serial();
    let victim = scratch(engine, "victim2", &["CREATE TABLE keep (id int)"]);
    let db = scratch(engine, "multi", &[]);
    let mut ex = executor(engine, &db);
    let two = format!("CREATE TABLE a (x int); DROP DATABASE {victim}");
    let err = ex.execute(&two).unwrap_err().to_string();
    assert!(err.contains("cannot execute"), "{engine:?}: {err}");
    assert!(database_exists(engine, &victim), "{engine:?}");
    assert_eq!(
        ex.show_create_tables(&["a".into()]).unwrap(),
        [None],
        "{engine:?}: the first statement ran"
    );
    // One statement still runs, and the session's own settings hold.
    ex.execute("CREATE TABLE a (x int)").expect("one statement");
}

/// A plan altered after the analysis to touch a production table is
/// refused before anything reaches the server, and the task fails.
fn the_guard_stops_a_tampered_plan(engine: Engine) {
    let _serial = serial();
    let db = scratch(
        engine,
        "tamper",
        &[
            "CREATE TABLE a (id int NOT NULL PRIMARY KEY, note varchar(9))",
            "CREATE TABLE b (id int NOT NULL PRIMARY KEY)",
        ],
    );
    let mut ex = executor(engine, &db);
    let mut plan = plan_all(&mut ex);
    let b = plan.tables.iter().position(|t| t.source == "b").unwrap();
    plan.tables[b].statements = vec!["ALTER TABLE `a` DROP COLUMN `note`".into()];
    let (done, logs) = run(&mut ex, plan);
    assert_eq!(done.state.status, TaskStatus::Failed, "{engine:?}");
    assert!(
        logs.iter()
            .any(|l| l.contains("refused by the statement guard")
                && l.contains("ALTER TABLE `a` DROP COLUMN `note`")),
        "{engine:?}: {logs:#?}"
    );
    assert!(
        show_create(engine, &db, "a").contains("`note`"),
        "{engine:?}"
    );
}

/// A second run on the same database is kept out by the server-side lock:
/// its precheck fails, naming the lock, and nothing runs; once the lock is
/// free the same plan runs.
fn one_runner_per_database(engine: Engine) {
    let _serial = serial();
    let db = scratch(
        engine,
        "runlock",
        &["CREATE TABLE a (id int NOT NULL PRIMARY KEY)"],
    );
    let mut holder = executor(engine, &db);
    assert_eq!(holder.lock_database().unwrap(), None, "{engine:?}");

    let mut ex = executor(engine, &db);
    let plan = plan_all(&mut ex);
    let (done, logs) = run(&mut ex, plan.clone());
    assert_eq!(done.state.status, TaskStatus::PrecheckFailed, "{engine:?}");
    // The holder is named (on seekdb, read from its lock catalog).
    let named = format!("(connection {}, lock", holder.connection_id());
    assert!(
        logs.iter().any(|l| {
            l.contains("another shadowsync run holds the lock on database") && l.contains(&named)
        }),
        "{engine:?}: {logs:#?}"
    );
    assert_eq!(ex.show_create_tables(&["__a".into()]).unwrap(), [None]);

    // A waiting second run gets the lock when the first lets go.
    let mut waiter = executor(engine, &db).with_run_lock_wait(Duration::from_secs(20));
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(700));
        holder.unlock_database().unwrap();
    });
    let (done, logs) = run(&mut waiter, plan);
    release.join().unwrap();
    assert_eq!(
        done.state.status,
        TaskStatus::Succeeded,
        "{engine:?}: {logs:#?}"
    );
}

/// On a server that folds names (seekdb: `lower_case_table_names = 1`), a
/// database reached under two spellings is one database with one run lock,
/// also when its name is long enough for the lock's name to be hashed.
/// (MariaDB here keeps names' case: two spellings are two databases.)
fn one_run_lock_however_the_database_is_spelled(engine: Engine) {
    let _serial = serial();
    let db = scratch(
        engine,
        "runlock_spelled_with_a_name_long_enough_to_be_hashed",
        &[],
    );
    assert!(db.len() + "shadowsync:".len() > 64, "{db}");
    let mut holder = MysqlExecutor::connect(&engine.url())
        .expect("connect")
        .with_database(&db.to_uppercase())
        .expect("use the database, spelled in capitals");
    assert_eq!(holder.lock_database().unwrap(), None, "{engine:?}");
    let mut other = executor(engine, &db).with_run_lock_wait(Duration::ZERO);
    let refused = other.lock_database().unwrap();
    assert!(
        refused
            .as_deref()
            .is_some_and(|r| r.contains("another shadowsync run holds the lock")),
        "{engine:?}: {refused:?}"
    );
    holder.unlock_database().unwrap();
    assert_eq!(
        other.lock_database().unwrap(),
        None,
        "{engine:?}: free again"
    );
    other.unlock_database().unwrap();
    raw(engine, None)
        .query_drop(format!("DROP DATABASE IF EXISTS `{db}`"))
        .unwrap();
}

/// An open transaction on a shadow makes a statement wait on its metadata
/// lock for at most the session's lock wait, a bounded number of times;
/// then the statement fails with a message that says why.
fn lock_waits_are_bounded(engine: Engine) {
    let _serial = serial();
    let db = scratch(
        engine,
        "mdl",
        &[
            "CREATE TABLE __a (id int NOT NULL PRIMARY KEY)",
            "INSERT INTO __a VALUES (1)",
        ],
    );
    let mut holder = raw(engine, Some(&db));
    holder.query_drop("START TRANSACTION").unwrap();
    holder.query_drop("SELECT * FROM __a FOR UPDATE").unwrap();

    let settings = SessionSettings {
        lock_wait: Duration::from_secs(1),
    };
    let mut ex = MysqlExecutor::connect_with(&engine.url(), settings)
        .unwrap()
        .with_database(&db)
        .unwrap();
    let started = Instant::now();
    let outcome = ex.execute("ALTER TABLE `__a` ADD COLUMN `n` int");
    let waited = started.elapsed();
    holder.query_drop("ROLLBACK").unwrap();
    assert!(
        waited < Duration::from_secs(30),
        "{engine:?}: waited {waited:?}"
    );
    match engine {
        Engine::Mariadb => {
            let err = outcome.unwrap_err().to_string();
            assert!(
                err.contains("waited for a metadata lock 3 times") && err.contains("1205"),
                "{engine:?}: {err}"
            );
        }
        // OceanBase's DDL does not wait for row locks of open transactions:
        // it runs, and the bound is that it returns.
        Engine::Seekdb => {
            if let Err(err) = outcome {
                assert!(
                    err.to_string().contains("metadata lock"),
                    "{engine:?}: {err}"
                );
            }
        }
    }
}

/// A table planned `identical` whose source changes before execution fails
/// the precheck: the task never reports a stale shadow in step.
fn precheck_covers_identical_tables(engine: Engine) {
    let _serial = serial();
    let db = scratch(
        engine,
        "precheck",
        &[
            "CREATE TABLE a (id int NOT NULL PRIMARY KEY)",
            "CREATE TABLE __a (id int NOT NULL PRIMARY KEY) COMMENT '[shadowsync:shadow]'",
            "CREATE TABLE b (id int NOT NULL PRIMARY KEY)",
        ],
    );
    let mut ex = executor(engine, &db);
    let plan = plan_all(&mut ex);
    let a = plan.tables.iter().find(|t| t.source == "a").unwrap();
    assert_eq!(a.reason.as_deref(), Some("identical"), "{engine:?}");
    raw(engine, Some(&db))
        .query_drop("ALTER TABLE a ADD COLUMN n int")
        .unwrap();
    let (done, logs) = run(&mut ex, plan);
    assert_eq!(
        done.state.status,
        TaskStatus::PrecheckFailed,
        "{engine:?}: {logs:#?}"
    );
    assert!(
        logs.iter()
            .any(|l| l.contains("source `a` changed since the analysis")),
        "{engine:?}: {logs:#?}"
    );
    assert_eq!(ex.show_create_tables(&["__b".into()]).unwrap(), [None]);
}

/// A table whose name holds a newline is created like any other, and the
/// tables beside it are not held up.
fn names_with_newlines_sync(engine: Engine) {
    let _serial = serial();
    let db = scratch(
        engine,
        "newline",
        &[
            "CREATE TABLE `a\nb` (id int NOT NULL PRIMARY KEY)",
            "CREATE TABLE c (id int NOT NULL PRIMARY KEY, a_id int, \
             CONSTRAINT fk FOREIGN KEY (a_id) REFERENCES `a\nb` (id))",
        ],
    );
    let mut ex = executor(engine, &db);
    let plan = plan_all(&mut ex);
    let (done, logs) = run(&mut ex, plan);
    assert_eq!(
        done.state.status,
        TaskStatus::Succeeded,
        "{engine:?}: {logs:#?}"
    );
    let again = analyze(&mut ex, &prefix_all()).expect("analyze again");
    for table in &again.tables {
        assert_eq!(
            table.reason,
            Some(SkipReason::Identical),
            "{engine:?}: {:?}",
            table.source
        );
    }
    assert!(
        show_create(engine, &db, "__c").contains("`__a\nb`"),
        "{engine:?}"
    );
}

/// Kills its own connection (from another session, as a server restart or
/// a DBA would) just before sending statement `kill_before`.
struct LosesItsConnection {
    inner: MysqlExecutor,
    engine: Engine,
    sent: usize,
    kill_before: usize,
}

impl Executor for LosesItsConnection {
    fn server_info(&mut self) -> shadowsync::core::Result<shadowsync::core::ServerInfo> {
        self.inner.server_info()
    }
    fn list_relations(&mut self) -> shadowsync::core::Result<Vec<shadowsync::core::Relation>> {
        self.inner.list_relations()
    }
    fn show_create_tables(
        &mut self,
        names: &[String],
    ) -> shadowsync::core::Result<Vec<Option<String>>> {
        self.inner.show_create_tables(names)
    }
    fn execute(&mut self, sql: &str) -> shadowsync::core::Result<()> {
        self.sent += 1;
        if self.sent == self.kill_before {
            let id = self.inner.connection_id();
            raw(self.engine, None)
                .query_drop(format!("KILL {id}"))
                .unwrap();
            std::thread::sleep(Duration::from_millis(300));
        }
        self.inner.execute(sql)
    }
    fn lock_database(&mut self) -> shadowsync::core::Result<Option<String>> {
        self.inner.lock_database()
    }
    fn unlock_database(&mut self) -> shadowsync::core::Result<()> {
        self.inner.unlock_database()
    }
    fn await_orphan(&mut self, sql: &str) -> shadowsync::core::Result<Option<String>> {
        self.inner.await_orphan(sql)
    }
    fn catalog_facts(
        &mut self,
        names: &[String],
    ) -> shadowsync::core::Result<Vec<Option<shadowsync::core::CatalogFacts>>> {
        self.inner.catalog_facts(names)
    }
}

/// A connection lost mid-run leaves the task executing and resumable, the
/// statement in flight `running` (outcome unknown); the next worker settles
/// it from the schema and finishes, every table created once.
fn a_lost_connection_leaves_the_task_resumable(engine: Engine) {
    let _serial = serial();
    let db = scratch(
        engine,
        "lost",
        &[
            "CREATE TABLE a (id int NOT NULL PRIMARY KEY)",
            "CREATE TABLE b (id int NOT NULL PRIMARY KEY)",
            "CREATE TABLE c (id int NOT NULL PRIMARY KEY)",
        ],
    );
    let mut ex = executor(engine, &db);
    let plan = plan_all(&mut ex);
    let center = TaskCenter::new(MemoryStore::default(), StillClock);
    let mut inspector = ShadowInspector::for_plan(&plan).unwrap();
    let task = center.submit(SubmitRequest::new(plan, "tester")).unwrap();
    let mut dying = LosesItsConnection {
        inner: ex,
        engine,
        sent: 0,
        kill_before: 2,
    };
    let err = center
        .execute(task.id, "w1", &mut dying, &mut inspector)
        .unwrap_err();
    assert!(
        matches!(err, shadowsync::core::Error::ConnectionLost(_)),
        "{engine:?}: {err:?}"
    );
    let left = center.task(task.id).unwrap();
    assert_eq!(left.state.status, TaskStatus::Executing, "{engine:?}");
    let statuses: Vec<_> = left.tables.iter().map(|t| t.statements[0].status).collect();
    use shadowsync::core::task::StatementStatus::{Applied, Pending, Running};
    assert_eq!(statuses, [Applied, Running, Pending], "{engine:?}");

    // The same worker, reconnected, goes on at once: the lease is its own
    // (another worker would wait for it to expire).
    let mut fresh = executor(engine, &db);
    let done = center
        .resume(task.id, "w1", &mut fresh, &mut inspector)
        .expect("resume");
    let logs = messages(&center, task.id);
    assert_eq!(
        done.state.status,
        TaskStatus::Succeeded,
        "{engine:?}: {logs:#?}"
    );
    assert!(
        logs.iter().any(|l| l.contains("its outcome is unknown"))
            && logs
                .iter()
                .any(|l| l.contains("interrupted before taking effect")),
        "{engine:?}: {logs:#?}"
    );
    let again = analyze(&mut fresh, &prefix_all()).expect("analyze again");
    for table in &again.tables {
        assert_eq!(table.reason, Some(SkipReason::Identical), "{engine:?}");
    }
}

/// With `--suffix s` and tables `order` and `orders`, the production table
/// `orders` fits the rule as the shadow of `order`: it is a collision,
/// refused, and nothing touches it. A shadow made by hand is altered only
/// when adopted on purpose, and then marked.
fn only_proven_shadows_are_altered(engine: Engine) {
    let _serial = serial();
    let db = scratch(
        engine,
        "identity",
        &[
            "CREATE TABLE `order` (id int NOT NULL PRIMARY KEY)",
            "CREATE TABLE orders (id int NOT NULL PRIMARY KEY, note varchar(20), amount int)",
            "CREATE TABLE x (id int NOT NULL PRIMARY KEY, n int)",
            "CREATE TABLE xs (id int NOT NULL PRIMARY KEY)",
        ],
    );
    let orders_before = show_create(engine, &db, "orders");
    let mut ex = executor(engine, &db);
    let mut request = prefix_all();
    request.rule = NamingRule::suffix("s").unwrap();
    request.selection = Selection::Tables(vec!["order".into(), "x".into()]);
    let analysis = analyze(&mut ex, &request).expect("analyze");
    for table in &analysis.tables {
        assert!(
            matches!(table.reason, Some(SkipReason::Collision { .. })),
            "{engine:?}: {:?}",
            table.reason
        );
        let reason = table
            .reason
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(
            reason.starts_with("refused: collision") && table.statements.is_empty(),
            "{engine:?}: {}: {reason}",
            table.source
        );
    }
    let plan = analysis.freeze(ex.redacted_url());
    let (done, _) = run(&mut ex, plan);
    assert_eq!(
        done.state.status,
        TaskStatus::Succeeded,
        "{engine:?}: nothing to run"
    );
    assert_eq!(
        show_create(engine, &db, "orders"),
        orders_before,
        "{engine:?}"
    );

    request.adopt = vec!["x".into()];
    let analysis = analyze(&mut ex, &request).expect("analyze with adopt");
    let x = analysis.tables.iter().find(|t| t.source == "x").unwrap();
    assert!(
        x.warnings.iter().any(|w| w.starts_with("adopting `xs`")),
        "{engine:?}"
    );
    let plan = analysis.freeze(ex.redacted_url());
    let (done, logs) = run(&mut ex, plan);
    assert_eq!(
        done.state.status,
        TaskStatus::Succeeded,
        "{engine:?}: {logs:#?}"
    );
    assert!(
        show_create(engine, &db, "xs").contains("[shadowsync:shadow]"),
        "{engine:?}"
    );
    assert_eq!(
        show_create(engine, &db, "orders"),
        orders_before,
        "{engine:?}"
    );
    request.adopt.clear();
    let again = analyze(&mut ex, &request).expect("analyze again");
    let x = again.tables.iter().find(|t| t.source == "x").unwrap();
    assert_eq!(
        x.reason,
        Some(SkipReason::Identical),
        "{engine:?}: adopted once, proven since"
    );
}

/// kill -9 during a long ALTER: the server goes on running the dead
/// worker's statement. The worker that takes the task over waits for it
/// (seen in `PROCESSLIST`) before settling it from the schema, so it is
/// not sent again. On MariaDB the orphan is made long by an open
/// transaction holding the shadow's metadata lock; seekdb's DDL does not
/// wait for one, so there the orphan has ended before the takeover, which
/// must then settle it from the schema alone.
fn an_orphaned_statement_is_awaited_not_repeated(engine: Engine) {
    an_orphaned_statement_is_settled(engine, OrphanPolicy::Wait);
}

/// As [`an_orphaned_statement_is_awaited_not_repeated`], under the orphan
/// policy `kill`: on MariaDB the dead worker's ALTER, still waiting, is
/// interrupted, so it never takes effect and the new worker sends it once;
/// on seekdb it has ended before, and is settled from the schema.
fn an_orphaned_statement_is_killed_by_policy(engine: Engine) {
    an_orphaned_statement_is_settled(engine, OrphanPolicy::Kill);
}

fn an_orphaned_statement_is_settled(engine: Engine, policy: OrphanPolicy) {
    use shadowsync::core::task::{StatementStatus, Store, TableStatus};
    let _serial = serial();
    let db = scratch(
        engine,
        "orphan",
        &[
            "CREATE TABLE a (id int NOT NULL PRIMARY KEY, n int)",
            "CREATE TABLE __a (id int NOT NULL PRIMARY KEY) COMMENT '[shadowsync:shadow]'",
        ],
    );
    let mut ex = executor(engine, &db);
    let plan = plan_all(&mut ex);
    let statement = plan.tables[0].statements[0].clone();
    assert!(
        statement.starts_with("ALTER TABLE `__a` ADD COLUMN `n`"),
        "{statement}"
    );

    // The dead worker's task: executing, its lease run out, the ALTER sent.
    let center = TaskCenter::new(MemoryStore::default(), StillClock);
    let task = center
        .submit(SubmitRequest::new(plan.clone(), "tester"))
        .unwrap();
    let store = center.store();
    let mut state = task.state.clone();
    state.status = TaskStatus::Executing;
    state.worker = Some("dead-worker".into());
    state.lease_until = Some(StillClock.now() - 1);
    assert!(store
        .compare_and_set(task.id, task.revision, &state, &[])
        .unwrap());
    store
        .set_table_status(task.id, 0, TableStatus::Running, None)
        .unwrap();
    store
        .set_statement_status(task.id, 0, 0, StatementStatus::Running, None)
        .unwrap();

    // Its statement, still on the server: waiting behind an open transaction.
    let mut holder = raw(engine, Some(&db));
    holder.query_drop("START TRANSACTION").unwrap();
    holder.query_drop("SELECT * FROM __a FOR UPDATE").unwrap();
    let orphan_sql = statement.clone();
    let orphan_db = db.clone();
    let orphan = std::thread::spawn(move || {
        let mut conn = raw(engine, Some(&orphan_db));
        conn.query_drop("SET SESSION lock_wait_timeout = 60")
            .unwrap();
        conn.query_drop(&orphan_sql)
    });
    std::thread::sleep(Duration::from_millis(500));
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        holder.query_drop("ROLLBACK").unwrap();
    });

    let mut fresh = executor(engine, &db).with_orphan_policy(policy);
    let mut inspector = ShadowInspector::for_plan(&plan).unwrap();
    let done = center
        .resume(task.id, "w2", &mut fresh, &mut inspector)
        .expect("resume");
    release.join().unwrap();
    let orphan_outcome = orphan.join().unwrap();
    let logs = messages(&center, task.id);
    assert_eq!(
        done.state.status,
        TaskStatus::Succeeded,
        "{engine:?}: {logs:#?}"
    );
    let killed = policy == OrphanPolicy::Kill && engine == Engine::Mariadb;
    if killed {
        assert!(
            orphan_outcome.is_err(),
            "the orphaned ALTER was interrupted"
        );
        assert!(
            logs.iter()
                .any(|l| l.contains("interrupted it (KILL QUERY")),
            "{engine:?}: {logs:#?}"
        );
        assert!(
            logs.iter()
                .any(|l| l.contains("interrupted before taking effect")),
            "{engine:?}: settled from the schema, then sent once: {logs:#?}"
        );
    } else {
        orphan_outcome.expect("the orphaned ALTER itself succeeds");
        assert!(
            logs.iter()
                .any(|l| l.contains("the table already matches, so it took effect")),
            "{engine:?}: settled from the schema, not sent again: {logs:#?}"
        );
    }
    if engine == Engine::Mariadb {
        assert!(
            logs.iter()
                .any(|l| l.contains("was still running on the server")),
            "{engine:?}: {logs:#?}"
        );
    }
    let shadow = show_create(engine, &db, "__a");
    assert_eq!(shadow.matches("`n`").count(), 1, "{engine:?}: {shadow}");
}

/// The same statement text running in another database is no orphan of
/// this task: a worker settling an interrupted statement under the policy
/// `kill` neither waits for it nor interrupts it. (A `SELECT SLEEP(3)`
/// stands for the statement: seekdb's DDL cannot be kept waiting.) The
/// same text in the worker's own database is found and interrupted, so
/// the test can tell the two apart. On MariaDB a database whose name
/// differs only in case counts as another one.
fn an_identical_statement_elsewhere_is_not_an_orphan(engine: Engine) {
    let _serial = serial();
    let mine = scratch(engine, "orphan_mine", &[]);
    let theirs = scratch(engine, "orphan_theirs", &[]);
    let sleep = "SELECT SLEEP(3)";
    let running_in = |db: String| {
        std::thread::spawn(move || {
            let mut conn = raw(engine, Some(&db));
            let started = Instant::now();
            let slept: Option<i64> = conn.query_first(sleep).unwrap_or(None);
            (slept, started.elapsed())
        })
    };
    let mut ex = executor(engine, &mine).with_orphan_policy(OrphanPolicy::Kill);

    let elsewhere = running_in(theirs.clone());
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let settled = ex.await_orphan(sleep).expect("await");
    assert_eq!(settled, None, "{engine:?}: another database's statement");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{engine:?}: not awaited"
    );
    let (slept, took) = elsewhere.join().unwrap();
    assert_eq!(slept, Some(0), "{engine:?}: not interrupted");
    assert!(took >= Duration::from_millis(2_900), "{engine:?}: {took:?}");

    // Where names keep their case (MariaDB on Linux), a database whose name
    // differs only in case is another database.
    if engine == Engine::Mariadb {
        let other_case = scratch(engine, "ORPHAN_mine", &[]);
        let elsewhere = running_in(other_case.clone());
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(ex.await_orphan(sleep).expect("await"), None, "{other_case}");
        let (slept, _) = elsewhere.join().unwrap();
        assert_eq!(slept, Some(0), "{other_case}: not interrupted");
        raw(engine, None)
            .query_drop(format!("DROP DATABASE `{other_case}`"))
            .unwrap();
    }

    let here = running_in(mine.clone());
    std::thread::sleep(Duration::from_millis(500));
    let settled = ex.await_orphan(sleep).expect("await");
    assert!(
        settled
            .as_deref()
            .is_some_and(|s| s.contains("interrupted it (KILL QUERY")),
        "{engine:?}: the orphan in its own database is interrupted: {settled:?}"
    );
    let (_, took) = here.join().unwrap();
    assert!(took < Duration::from_millis(2_900), "{engine:?}: {took:?}");
    let mut admin = raw(engine, None);
    for db in [&mine, &theirs] {
        admin
            .query_drop(format!("DROP DATABASE IF EXISTS `{db}`"))
            .unwrap();
    }
}

/// The interrupter (what `task abort` and Ctrl-C use) kills a statement
/// only after finding its session, of the executor's account, in the
/// executor's database on the server its new connection reached: an id
/// that names another session there (here: the session moved to another
/// database since) is not interrupted.
fn the_interrupter_kills_only_its_own_session(engine: Engine) {
    let _serial = serial();
    let first = scratch(engine, "interrupt_a", &[]);
    let second = scratch(engine, "interrupt_b", &[]);
    let mut ex = executor(engine, &first);
    let stale = ex.interrupter().expect("an interrupter");
    ex.use_database(&second).unwrap();
    let current = ex.interrupter().expect("an interrupter");
    let sleeping = |mut ex: MysqlExecutor| {
        std::thread::spawn(move || {
            let started = Instant::now();
            let outcome = ex.execute("DO SLEEP(2)");
            (ex, outcome, started.elapsed())
        })
    };

    let run = sleeping(ex);
    std::thread::sleep(Duration::from_millis(400));
    let refused = stale.interrupt().expect_err("another database's session");
    assert!(
        refused.to_string().contains("not interrupted"),
        "{engine:?}: {refused}"
    );
    let (ex, outcome, took) = run.join().unwrap();
    outcome.expect("the statement ran to its end");
    assert!(took >= Duration::from_millis(1_900), "{engine:?}: {took:?}");

    let run = sleeping(ex);
    std::thread::sleep(Duration::from_millis(400));
    current.interrupt().expect("its own session");
    let (_, _, took) = run.join().unwrap();
    assert!(
        took < Duration::from_millis(1_900),
        "{engine:?}: interrupted after {took:?}"
    );
    let mut admin = raw(engine, None);
    for db in [&first, &second] {
        admin
            .query_drop(format!("DROP DATABASE IF EXISTS `{db}`"))
            .unwrap();
    }
}

/// A plan edited to claim another naming rule, under which a production
/// table passes for a shadow: the guard accepts the statement's shape, but
/// the live check before the first statement finds no shadow marker on the
/// target, and nothing runs.
fn a_production_table_passed_off_as_a_shadow_is_not_altered(engine: Engine) {
    let _serial = serial();
    let db = scratch(
        engine,
        "passed_off",
        &[
            "CREATE TABLE orders (id int NOT NULL PRIMARY KEY, x int)",
            "CREATE TABLE orders_archive (id int NOT NULL PRIMARY KEY, x int)",
        ],
    );
    let before = show_create(engine, &db, "orders_archive");
    let mut ex = executor(engine, &db);
    let mut request = prefix_all();
    request.selection = Selection::Tables(vec!["orders".into()]);
    let mut plan = analyze(&mut ex, &request)
        .expect("analyze")
        .freeze(ex.redacted_url());
    plan.naming_rule = "suffix:_archive".into();
    plan.tables[0].shadow = "orders_archive".into();
    plan.tables[0].action = shadowsync::core::task::PlannedAction::Alter;
    plan.tables[0].statements = vec!["ALTER TABLE `orders_archive` DROP COLUMN `x`".into()];
    let (done, logs) = run(&mut ex, plan);
    assert_eq!(
        done.state.status,
        TaskStatus::PrecheckFailed,
        "{engine:?}: {logs:#?}"
    );
    assert!(
        logs.iter()
            .any(|l| l.contains("`orders_archive` carries no shadow marker")),
        "{engine:?}: {logs:#?}"
    );
    assert_eq!(
        show_create(engine, &db, "orders_archive"),
        before,
        "{engine:?}"
    );
}

mod mariadb {
    use super::*;

    #[test]
    fn a_production_table_passed_off_as_a_shadow_is_not_altered() {
        super::a_production_table_passed_off_as_a_shadow_is_not_altered(Engine::Mariadb);
    }

    #[test]
    fn an_orphaned_statement_is_awaited_not_repeated() {
        super::an_orphaned_statement_is_awaited_not_repeated(Engine::Mariadb);
    }

    #[test]
    fn an_orphaned_statement_is_killed_by_policy() {
        super::an_orphaned_statement_is_killed_by_policy(Engine::Mariadb);
    }

    #[test]
    fn an_identical_statement_elsewhere_is_not_an_orphan() {
        super::an_identical_statement_elsewhere_is_not_an_orphan(Engine::Mariadb);
    }

    #[test]
    fn the_interrupter_kills_only_its_own_session() {
        super::the_interrupter_kills_only_its_own_session(Engine::Mariadb);
    }

    #[test]
    fn only_proven_shadows_are_altered() {
        super::only_proven_shadows_are_altered(Engine::Mariadb);
    }

    #[test]
    fn a_lost_connection_leaves_the_task_resumable() {
        super::a_lost_connection_leaves_the_task_resumable(Engine::Mariadb);
    }

    #[test]
    fn names_with_newlines_sync() {
        super::names_with_newlines_sync(Engine::Mariadb);
    }

    #[test]
    fn no_injection_under_no_backslash_escapes() {
        super::no_injection_under_no_backslash_escapes(Engine::Mariadb);
    }

    #[test]
    fn multi_statement_text_runs_nothing() {
        super::multi_statement_text_runs_nothing(Engine::Mariadb);
    }

    #[test]
    fn the_guard_stops_a_tampered_plan() {
        super::the_guard_stops_a_tampered_plan(Engine::Mariadb);
    }

    #[test]
    fn one_runner_per_database() {
        super::one_runner_per_database(Engine::Mariadb);
    }

    #[test]
    fn lock_waits_are_bounded() {
        super::lock_waits_are_bounded(Engine::Mariadb);
    }

    #[test]
    fn precheck_covers_identical_tables() {
        super::precheck_covers_identical_tables(Engine::Mariadb);
    }
}

mod seekdb {
    use super::*;

    #[test]
    fn one_run_lock_however_the_database_is_spelled() {
        super::one_run_lock_however_the_database_is_spelled(Engine::Seekdb);
    }

    #[test]
    fn a_production_table_passed_off_as_a_shadow_is_not_altered() {
        super::a_production_table_passed_off_as_a_shadow_is_not_altered(Engine::Seekdb);
    }

    #[test]
    fn an_orphaned_statement_is_awaited_not_repeated() {
        super::an_orphaned_statement_is_awaited_not_repeated(Engine::Seekdb);
    }

    #[test]
    fn an_orphaned_statement_is_killed_by_policy() {
        super::an_orphaned_statement_is_killed_by_policy(Engine::Seekdb);
    }

    #[test]
    fn an_identical_statement_elsewhere_is_not_an_orphan() {
        super::an_identical_statement_elsewhere_is_not_an_orphan(Engine::Seekdb);
    }

    #[test]
    fn the_interrupter_kills_only_its_own_session() {
        super::the_interrupter_kills_only_its_own_session(Engine::Seekdb);
    }

    #[test]
    fn only_proven_shadows_are_altered() {
        super::only_proven_shadows_are_altered(Engine::Seekdb);
    }

    #[test]
    fn a_lost_connection_leaves_the_task_resumable() {
        super::a_lost_connection_leaves_the_task_resumable(Engine::Seekdb);
    }

    #[test]
    fn names_with_newlines_sync() {
        super::names_with_newlines_sync(Engine::Seekdb);
    }

    #[test]
    fn no_injection_under_no_backslash_escapes() {
        super::no_injection_under_no_backslash_escapes(Engine::Seekdb);
    }

    #[test]
    fn multi_statement_text_runs_nothing() {
        super::multi_statement_text_runs_nothing(Engine::Seekdb);
    }

    #[test]
    fn the_guard_stops_a_tampered_plan() {
        super::the_guard_stops_a_tampered_plan(Engine::Seekdb);
    }

    #[test]
    fn one_runner_per_database() {
        super::one_runner_per_database(Engine::Seekdb);
    }

    #[test]
    fn lock_waits_are_bounded() {
        super::lock_waits_are_bounded(Engine::Seekdb);
    }

    #[test]
    fn precheck_covers_identical_tables() {
        super::precheck_covers_identical_tables(Engine::Seekdb);
    }
}
