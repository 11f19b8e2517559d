//! The `rebuild` shadow policy on the real servers (issue 11): a shadow
//! whose change the engine cannot make in place is created anew under a
//! temporary name, its rows copied, swapped in and the old one dropped;
//! rows are kept, the shadow ends equal to its source, and a crash at any
//! step resumes without sending a statement twice.
//!
//! seekdb cannot turn a `text` column into `json` in place, so there the
//! analysis itself plans the rebuild. MariaDB can make every change in
//! place, so no analysis there plans one; its tests run the same planned
//! statements (`rebuild_statements`) in a plan marked as a rebuild, to
//! prove the sequence, the guard and the crash recovery on that engine too.
//!
//! Start the servers with `eval "$(scripts/engines.sh start)"`; a missing
//! URL variable fails the tests rather than skipping them.

use std::sync::Arc;

use mysql::prelude::Queryable;
use shadowsync::core::analysis::rebuild::rebuild_statements;
use shadowsync::core::analysis::rewrite::{shadow_table, Placement};
use shadowsync::core::analysis::{analyze, Action, AnalysisRequest, Selection, ShadowInspector};
use shadowsync::core::parse::parse_table;
use shadowsync::core::shadow::naming::rebuild_names;
use shadowsync::core::shadow::NamingRule;
use shadowsync::core::shadow::ShadowPolicy;
use shadowsync::core::statement::sql_of;
use shadowsync::core::task::{
    FrozenPlan, MemoryStore, PlannedAction, SkipReason, SubmitRequest, TaskCenter, TaskStatus,
};
use shadowsync::core::{CatalogFacts, Error, Executor, Interrupt, Relation, Result, ServerInfo};
use shadowsync::mysql::MysqlExecutor;

#[path = "support/engine.rs"]
mod engine;
use engine::Engine;

#[path = "support/live.rs"]
mod live;
use live::{raw, StillClock};

/// The source holds `doc` as JSON; its shadow, left from an older source,
/// as text, with three rows of load-test data.
fn scratch(engine: Engine, test: &str) -> String {
    let db = format!("ssr_{test}_{}", engine.name());
    let mut conn = raw(engine, None);
    conn.query_drop(format!("DROP DATABASE IF EXISTS `{db}`"))
        .unwrap();
    conn.query_drop(format!("CREATE DATABASE `{db}`")).unwrap();
    let mut conn = raw(engine, Some(&db));
    for sql in [
        "CREATE TABLE t (id int NOT NULL, doc json, n int NOT NULL DEFAULT 0, PRIMARY KEY (id), \
         KEY k_n (n))",
        "CREATE TABLE __t (id int NOT NULL, doc text, n int NOT NULL DEFAULT 0, PRIMARY KEY (id), \
         KEY k_n (n)) COMMENT '[shadowsync:shadow]'",
        r#"INSERT INTO __t VALUES (1, '{"a": 1}', 10), (2, '[1, 2]', 20), (3, NULL, 30)"#,
    ] {
        conn.query_drop(sql)
            .unwrap_or_else(|e| panic!("{engine:?}: {sql}: {e}"));
    }
    if engine == Engine::Mariadb {
        // MariaDB names CHECK constraints per table: the new table carries
        // the shadow's own (shadowsync gives shadows' constraints the prefix).
        conn.query_drop("ALTER TABLE t ADD CONSTRAINT ck_n CHECK (n >= 0)")
            .unwrap();
        conn.query_drop("ALTER TABLE __t ADD CONSTRAINT __ck_n CHECK (n >= 0)")
            .unwrap();
    }
    db
}

fn executor(engine: Engine, db: &str) -> MysqlExecutor {
    MysqlExecutor::connect(&engine.url())
        .expect("connect")
        .with_database(db)
        .expect("use database")
}

fn request(rebuild: bool) -> AnalysisRequest {
    AnalysisRequest {
        rule: NamingRule::prefix("__").unwrap(),
        selection: Selection::All,
        skip: vec![],
        policy: ShadowPolicy {
            rebuild,
            ..ShadowPolicy::default()
        },
        adopt: Vec::new(),
    }
}

fn show_create(engine: Engine, db: &str, table: &str) -> Option<String> {
    let mut conn = raw(engine, Some(db));
    conn.query_first::<(String, String), _>(format!("SHOW CREATE TABLE `{table}`"))
        .ok()
        .flatten()
        .map(|row| row.1)
}

/// The rows of the shadow: id, whether doc is set, n.
fn rows(engine: Engine, db: &str) -> Vec<(i32, bool, i32)> {
    let mut conn = raw(engine, Some(db));
    conn.query_map(
        "SELECT id, doc IS NOT NULL, n FROM __t ORDER BY id",
        |(id, doc, n): (i32, i32, i32)| (id, doc != 0, n),
    )
    .unwrap()
}

/// A plan of `db` whose one table rebuilds `__t` into the shadow of `t`,
/// with the statements the analysis plans for a rebuild.
fn rebuild_plan(engine: Engine, db: &str) -> FrozenPlan {
    let mut ex = executor(engine, db);
    let analysis = analyze(&mut ex, &request(false)).expect("analyze");
    let mut plan = analysis.freeze(ex.redacted_url());
    let source = parse_table(&show_create(engine, db, "t").unwrap()).unwrap();
    let rule = NamingRule::prefix("__").unwrap();
    let (desired, _) = shadow_table(
        &source,
        &rule,
        &ShadowPolicy::default(),
        &Placement::beside(64),
        &|_| false,
    );
    let current = parse_table(&show_create(engine, db, "__t").unwrap()).unwrap();
    let table = plan.tables.iter_mut().find(|t| t.source == "t").unwrap();
    table.action = PlannedAction::Alter;
    table.reason = None;
    table.skip_reason = None;
    table.rebuild = true;
    let statements = rebuild_statements(&current, &desired, &rebuild_names("__t", 64));
    table.statements = sql_of(&statements);
    table.kinds = statements.into_iter().map(|s| s.kind).collect();
    plan
}

/// How [`Faulty`] fails.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Statement `n` is never sent: the connection dies first.
    Before(usize),
    /// Statement `n` runs, then the connection dies before its answer is
    /// recorded: its outcome is unknown to the worker.
    After(usize),
}

/// Loses its connection around one statement, as a killed server would.
struct Faulty {
    inner: MysqlExecutor,
    fault: Fault,
    sent: usize,
}

impl Executor for Faulty {
    fn server_info(&mut self) -> Result<ServerInfo> {
        self.inner.server_info()
    }
    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        self.inner.list_relations()
    }
    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        self.inner.show_create_tables(names)
    }
    fn execute(&mut self, sql: &str) -> Result<()> {
        self.sent += 1;
        match self.fault {
            Fault::Before(n) if n == self.sent => {
                Err(Error::ConnectionLost(format!("lost before `{sql}`")))
            }
            Fault::After(n) if n == self.sent => {
                self.inner.execute(sql)?;
                Err(Error::ConnectionLost(format!("lost after `{sql}`")))
            }
            _ => self.inner.execute(sql),
        }
    }
    fn lock_database(&mut self) -> Result<Option<String>> {
        self.inner.lock_database()
    }
    fn unlock_database(&mut self) -> Result<()> {
        self.inner.unlock_database()
    }
    fn await_orphan(&mut self, sql: &str) -> Result<Option<String>> {
        self.inner.await_orphan(sql)
    }
    fn catalog_facts(&mut self, names: &[String]) -> Result<Vec<Option<CatalogFacts>>> {
        self.inner.catalog_facts(names)
    }
    fn row_count(&mut self, name: &str) -> Result<Option<u64>> {
        self.inner.row_count(name)
    }
    fn interrupter(&self) -> Option<Arc<dyn Interrupt>> {
        self.inner.interrupter()
    }
}

/// Fails the test unless `__t` equals `t`, holds its three rows and no
/// temporary table is left.
fn rebuilt(engine: Engine, db: &str, context: &str) {
    let strip = |text: String| {
        text.replace(" COMMENT='[shadowsync:shadow]'", "")
            .replace(" COMMENT = '[shadowsync:shadow]'", "")
    };
    let source = show_create(engine, db, "t").unwrap();
    // Shadows' constraints carry the prefix (`__ck_n` for `ck_n`).
    let shadow = strip(show_create(engine, db, "__t").unwrap())
        .replacen("`__t`", "`t`", 1)
        .replace("`__ck_n`", "`ck_n`");
    assert_eq!(source, shadow, "{engine:?} {context}");
    assert_eq!(
        rows(engine, db),
        [(1, true, 10), (2, true, 20), (3, false, 30)],
        "{engine:?} {context}: rows kept"
    );
    let (new, old) = rebuild_names("__t", 64);
    assert_eq!(show_create(engine, db, &new), None, "{engine:?} {context}");
    assert_eq!(show_create(engine, db, &old), None, "{engine:?} {context}");
    let again = analyze(&mut executor(engine, db), &request(false)).unwrap();
    assert!(
        again
            .tables
            .iter()
            .all(|t| t.reason == Some(SkipReason::Identical)),
        "{engine:?} {context}: {:#?}",
        again.tables
    );
}

/// On seekdb the analysis refuses the change without the policy and plans
/// the rebuild with it; the task keeps every row.
fn seekdb_plans_and_runs_a_rebuild() {
    let engine = Engine::Seekdb;
    let db = scratch(engine, "plans");
    let mut ex = executor(engine, &db);
    let refused = analyze(&mut ex, &request(false)).unwrap();
    let t = refused.tables.iter().find(|t| t.source == "t").unwrap();
    assert_eq!(t.planned, Action::Skip);
    assert!(
        t.reason
            .as_ref()
            .is_some_and(|r| r.to_string().contains("OceanBase cannot")),
        "{:?}",
        t.reason
    );

    let analysis = analyze(&mut ex, &request(true)).unwrap();
    let t = analysis.tables.iter().find(|t| t.source == "t").unwrap();
    assert_eq!(t.planned, Action::Alter, "{:?}", t.reason);
    assert!(t.rebuild);
    assert_eq!(t.statements.len(), 5, "{:#?}", t.statements);
    assert!(
        t.warnings
            .iter()
            .any(|w| w.starts_with("rebuilt (OceanBase cannot")),
        "{:?}",
        t.warnings
    );
    let plan = analysis.freeze(ex.redacted_url());
    let center = TaskCenter::new(MemoryStore::default(), StillClock);
    let mut inspector = ShadowInspector::for_plan(&plan).unwrap();
    let task = center.submit(SubmitRequest::new(plan, "tester")).unwrap();
    let done = center
        .execute(task.id, "w1", &mut ex, &mut inspector)
        .unwrap();
    assert_eq!(
        done.state.status,
        TaskStatus::Succeeded,
        "{:#?}",
        center.logs(task.id, &Default::default()).unwrap()
    );
    rebuilt(engine, &db, "after the planned rebuild");
}

/// A rebuild whose connection is lost around each of its five statements,
/// before it is sent or after it ran, resumes to the same end: every
/// statement applied once, every row kept.
fn a_crash_at_any_step_resumes_once(engine: Engine) {
    for step in 1..=5 {
        for fault in [Fault::Before(step), Fault::After(step)] {
            let context = format!("{fault:?}");
            let db = scratch(engine, "crash");
            let plan = rebuild_plan(engine, &db);
            let center = TaskCenter::new(MemoryStore::default(), StillClock);
            let mut inspector = ShadowInspector::for_plan(&plan).unwrap();
            let task = center.submit(SubmitRequest::new(plan, "tester")).unwrap();
            let mut faulty = Faulty {
                inner: executor(engine, &db),
                fault,
                sent: 0,
            };
            let err = center
                .execute(task.id, "w1", &mut faulty, &mut inspector)
                .unwrap_err();
            assert!(
                matches!(err, Error::ConnectionLost(_)),
                "{engine:?} {context}: {err:?}"
            );
            drop(faulty);
            let done = center
                .resume(task.id, "w1", &mut executor(engine, &db), &mut inspector)
                .unwrap_or_else(|e| panic!("{engine:?} {context}: resume: {e}"));
            let logs: Vec<String> = center
                .logs(task.id, &Default::default())
                .unwrap()
                .into_iter()
                .map(|e| e.message)
                .collect();
            assert_eq!(
                done.state.status,
                TaskStatus::Succeeded,
                "{engine:?} {context}: {logs:#?}"
            );
            let applied = logs.iter().filter(|l| l.contains(" applied")).count();
            let settled = logs
                .iter()
                .filter(|l| l.contains("after taking effect"))
                .count();
            assert_eq!(
                applied + settled,
                5,
                "{engine:?} {context}: each statement once: {logs:#?}"
            );
            rebuilt(engine, &db, &context);
        }
    }
}

/// Where CHECK names are unique per database (seekdb), a table with one
/// is refused a rebuild, saying why, before approval.
fn seekdb_refuses_to_rebuild_a_table_with_checks() {
    let engine = Engine::Seekdb;
    let db = scratch(engine, "checks");
    let mut conn = raw(engine, Some(&db));
    conn.query_drop("ALTER TABLE t ADD CONSTRAINT ck_n CHECK (n >= 0)")
        .unwrap();
    conn.query_drop("ALTER TABLE __t ADD CONSTRAINT __ck_n CHECK (n >= 0)")
        .unwrap();
    let analysis = analyze(&mut executor(engine, &db), &request(true)).unwrap();
    let t = analysis.tables.iter().find(|t| t.source == "t").unwrap();
    assert_eq!(t.planned, Action::Skip);
    assert!(matches!(t.reason, Some(SkipReason::NotRebuilt { .. })));
    let reason = t
        .reason
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        reason.contains("OceanBase cannot")
            && reason.contains("not rebuilt")
            && reason.contains("CHECK"),
        "{reason}"
    );
}

mod mariadb {
    #[test]
    fn a_crash_at_any_step_resumes_once() {
        super::a_crash_at_any_step_resumes_once(super::Engine::Mariadb);
    }
}

mod seekdb {
    #[test]
    fn plans_and_runs_a_rebuild() {
        super::seekdb_plans_and_runs_a_rebuild();
    }

    #[test]
    fn refuses_to_rebuild_a_table_with_checks() {
        super::seekdb_refuses_to_rebuild_a_table_with_checks();
    }

    #[test]
    fn a_crash_at_any_step_resumes_once() {
        super::a_crash_at_any_step_resumes_once(super::Engine::Seekdb);
    }
}
