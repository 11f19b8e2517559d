//! The snapshot cache never reports `ready` for a drifted table: a drift
//! corpus on real MariaDB and seekdb. Every kind gets its own tables and
//! shadows (one sync), the cache is warmed (a check, all ready, then a
//! second check that reads no text at all, so the cache is really used),
//! every change is made, and a check through the cache must find each
//! kind's tables not ready and give exactly the view an uncached check
//! gives: at once, and on a copy of the warm cache once MariaDB's racy
//! window has passed, where only the tokens can tell what changed. One
//! kind is changed within the same second as the read that filled its
//! entry. Kinds an engine cannot do are listed per engine, with the
//! reason, and counted apart.
//!
//! Start the servers with `eval "$(scripts/engines.sh start)"`; a missing
//! URL variable fails the tests rather than skipping them.

use std::time::Duration;

use mysql::prelude::Queryable;
use shadowsync::core::analysis::cache::CacheReport;
use shadowsync::core::analysis::{
    analyze, analyze_cached, Action, AnalysisRequest, Selection, ShadowInspector,
};
use shadowsync::core::check::Verdict;
use shadowsync::core::shadow::NamingRule;
use shadowsync::core::task::{
    MemoryStore, SkipReason, Store, SubmitRequest, TaskCenter, TaskStatus,
};
use shadowsync::core::{Executor, MappedExecutor};
use shadowsync::host::{self, AnalyzeOptions, CheckOptions, CheckView};
use shadowsync::mysql::MysqlExecutor;

#[path = "support/engine.rs"]
mod engine;
use engine::Engine;

#[path = "support/live.rs"]
mod live;
use live::{raw, StillClock};

const NOW: i64 = 1_700_000_000_000;

/// The table most kinds start from: every attribute the diff models has a
/// column or key to change.
const BASE: &str = "CREATE TABLE {t} (
    id int NOT NULL,
    a int DEFAULT 1,
    b varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT 'x',
    c timestamp NULL DEFAULT NULL,
    d int NOT NULL DEFAULT 0,
    e int,
    f enum('x','y') DEFAULT 'x',
    h varchar(20) DEFAULT NULL,
    PRIMARY KEY (id),
    KEY k_a (a),
    KEY k_hd (h(10), d)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='base'";

const PARTITIONED: &str = "CREATE TABLE {t} (id int NOT NULL, PRIMARY KEY (id))
    PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (100), PARTITION p1 VALUES LESS THAN (200))";

const PARENT: &str = "CREATE TABLE {t}p (id int NOT NULL, z int, PRIMARY KEY (id))";

const CHILD: &str = "CREATE TABLE {t} (id int NOT NULL, pid int, PRIMARY KEY (id), KEY k_pid (pid),
    CONSTRAINT fk_{t} FOREIGN KEY (pid) REFERENCES {t}p (id))";

const CHECKED: &str =
    "CREATE TABLE {t} (id int NOT NULL, a int, PRIMARY KEY (id), CONSTRAINT ck_{t} CHECK (a > 0))";

/// Where a kind runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum On {
    Both,
    /// Only on MariaDB; why seekdb cannot.
    MariadbOnly(&'static str),
    /// Only on seekdb; why MariaDB cannot.
    SeekdbOnly(&'static str),
}

/// One kind of change. `{t}` in the statements is the kind's table.
struct Kind {
    name: &'static str,
    setup: &'static [&'static str],
    change: &'static [&'static str],
    /// Sources whose verdict must not be ready after the change, by
    /// suffix of `{t}` (`""` is `{t}` itself).
    drifted: &'static [&'static str],
    on: On,
}

const fn kind(name: &'static str, change: &'static [&'static str]) -> Kind {
    Kind {
        name,
        setup: &[BASE],
        change,
        drifted: &[""],
        on: On::Both,
    }
}

/// The kind changed within the same second as the read that filled its
/// entry (on MariaDB, the second `CREATE_TIME` resolves), just after
/// [`SAME_SECOND_FIRST`], made just before that read.
const SAME_SECOND: &str = "same_second_as_the_filling_read";

/// A change the diff ignores (the counter) but that moves the table's
/// token, made in the same second just before the filling read.
const SAME_SECOND_FIRST: &str = "ALTER TABLE {t} AUTO_INCREMENT = 5";

/// Undoes the same-second kind's change, for another attempt.
const SAME_SECOND_UNDO: &str = "ALTER TABLE {t} ALTER COLUMN a SET DEFAULT 1";

fn corpus() -> Vec<Kind> {
    vec![
        kind("column_type", &["ALTER TABLE {t} MODIFY a bigint DEFAULT 1"]),
        kind("column_unsigned", &["ALTER TABLE {t} MODIFY a int unsigned DEFAULT 1"]),
        kind("column_length", &["ALTER TABLE {t} MODIFY b varchar(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT 'x'"]),
        kind("column_nullability", &["ALTER TABLE {t} MODIFY e int NOT NULL"]),
        kind("column_set_default", &["ALTER TABLE {t} ALTER COLUMN a SET DEFAULT 2"]),
        kind("column_drop_default", &["ALTER TABLE {t} ALTER COLUMN b DROP DEFAULT"]),
        kind("column_on_update", &["ALTER TABLE {t} MODIFY c timestamp NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP"]),
        kind("column_comment", &["ALTER TABLE {t} MODIFY e int COMMENT 'ec'"]),
        Kind {
            on: On::MariadbOnly("its only character sets are utf8mb4 and binary"),
            ..kind("column_charset", &["ALTER TABLE {t} MODIFY b varchar(20) CHARACTER SET latin1 DEFAULT 'x'"])
        },
        kind("column_collation", &["ALTER TABLE {t} MODIFY b varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT 'x'"]),
        kind("column_enum_members", &["ALTER TABLE {t} MODIFY f enum('x','y','z') DEFAULT 'x'"]),
        kind("column_order", &["ALTER TABLE {t} MODIFY e int AFTER id"]),
        kind("column_add", &["ALTER TABLE {t} ADD COLUMN n int"]),
        Kind {
            on: On::MariadbOnly("no ALGORITHM=INSTANT clause"),
            ..kind("column_add_instant", &["ALTER TABLE {t} ADD COLUMN n int, ALGORITHM=INSTANT"])
        },
        kind("column_drop", &["ALTER TABLE {t} DROP COLUMN c"]),
        kind("column_rename", &["ALTER TABLE {t} RENAME COLUMN e TO e2"]),
        kind("column_generated_add", &["ALTER TABLE {t} ADD COLUMN g int AS (a + 1) VIRTUAL"]),
        kind("column_auto_increment", &["ALTER TABLE {t} MODIFY id int NOT NULL AUTO_INCREMENT"]),
        kind("index_add", &["ALTER TABLE {t} ADD INDEX k_d (d)"]),
        kind("index_drop", &["ALTER TABLE {t} DROP INDEX k_a"]),
        kind("index_unique", &["ALTER TABLE {t} DROP INDEX k_a", "ALTER TABLE {t} ADD UNIQUE KEY k_a (a)"]),
        kind("index_columns", &["ALTER TABLE {t} DROP INDEX k_a", "ALTER TABLE {t} ADD INDEX k_a (a, d)"]),
        kind("index_prefix_length", &["ALTER TABLE {t} DROP INDEX k_hd", "ALTER TABLE {t} ADD INDEX k_hd (h(12), d)"]),
        kind("index_column_order", &["ALTER TABLE {t} DROP INDEX k_hd", "ALTER TABLE {t} ADD INDEX k_hd (d, h(10))"]),
        kind("index_comment", &["ALTER TABLE {t} DROP INDEX k_a", "ALTER TABLE {t} ADD INDEX k_a (a) COMMENT 'ic'"]),
        kind("index_rename", &["ALTER TABLE {t} RENAME INDEX k_a TO k_a2"]),
        Kind {
            on: On::MariadbOnly("indexes are made invisible with INVISIBLE, the kind below"),
            ..kind("index_ignored", &["ALTER TABLE {t} ALTER INDEX k_a IGNORED"])
        },
        Kind {
            on: On::SeekdbOnly("MariaDB spells it IGNORED, the kind above"),
            ..kind("index_invisible", &["ALTER TABLE {t} ALTER INDEX k_a INVISIBLE"])
        },
        kind("primary_key", &["ALTER TABLE {t} DROP PRIMARY KEY, ADD PRIMARY KEY (id, d)"]),
        Kind {
            setup: &[PARENT, BASE],
            ..kind("foreign_key_add", &["ALTER TABLE {t} ADD CONSTRAINT fk_{t} FOREIGN KEY (d) REFERENCES {t}p (id)"])
        },
        Kind {
            setup: &[PARENT, CHILD],
            ..kind("foreign_key_drop", &["ALTER TABLE {t} DROP FOREIGN KEY fk_{t}"])
        },
        Kind {
            // The child's text names the parent: renamed, only the
            // parent's token changes (MariaDB leaves the child's file).
            setup: &[PARENT, CHILD],
            ..kind("foreign_key_parent_renamed", &["RENAME TABLE {t}p TO {t}q"])
        },
        Kind {
            setup: &[PARENT, CHILD],
            drifted: &["", "p"],
            ..kind("foreign_key_parent_column_renamed", &["ALTER TABLE {t}p RENAME COLUMN id TO id2"])
        },
        Kind {
            setup: &[CHECKED],
            ..kind("check_add", &["ALTER TABLE {t} ADD CONSTRAINT ck2_{t} CHECK (id > 0)"])
        },
        Kind {
            setup: &[CHECKED],
            ..kind("check_drop", &["ALTER TABLE {t} DROP CONSTRAINT ck_{t}"])
        },
        Kind {
            on: On::MariadbOnly("one storage engine"),
            ..kind("table_engine", &["ALTER TABLE {t} ENGINE=MyISAM"])
        },
        Kind {
            on: On::MariadbOnly("its only character sets are utf8mb4 and binary"),
            ..kind("table_charset", &["ALTER TABLE {t} DEFAULT CHARSET=latin1"])
        },
        kind("table_collation", &["ALTER TABLE {t} DEFAULT COLLATE=utf8mb4_bin"]),
        kind("table_comment", &["ALTER TABLE {t} COMMENT='changed'"]),
        kind("table_row_format", &["ALTER TABLE {t} ROW_FORMAT=COMPACT"]),
        Kind {
            setup: &[PARTITIONED],
            ..kind("partition_add", &["ALTER TABLE {t} ADD PARTITION (PARTITION p2 VALUES LESS THAN (300))"])
        },
        Kind {
            setup: &[PARTITIONED],
            ..kind("partition_drop", &["ALTER TABLE {t} DROP PARTITION p1"])
        },
        Kind {
            setup: &[PARTITIONED],
            on: On::MariadbOnly("no REORGANIZE PARTITION"),
            ..kind("partition_reorganize", &["ALTER TABLE {t} REORGANIZE PARTITION p1 INTO (PARTITION p1 VALUES LESS THAN (150), PARTITION p1b VALUES LESS THAN (200))"])
        },
        kind("partition_by", &["ALTER TABLE {t} PARTITION BY HASH (id) PARTITIONS 4"]),
        kind("drop_and_recreate", &["DROP TABLE {t}", "CREATE TABLE {t} (id int NOT NULL, a int DEFAULT 1, PRIMARY KEY (id))"]),
        kind("drop_and_recreate_identical_but_a_comment", &["DROP TABLE {t}", BASE, "ALTER TABLE {t} MODIFY e int COMMENT 'again'"]),
        Kind {
            setup: &[BASE, "CREATE TABLE {t}b (id int NOT NULL, PRIMARY KEY (id))"],
            drifted: &["", "b"],
            ..kind("rename_swap", &["RENAME TABLE {t} TO {t}x, {t}b TO {t}, {t}x TO {t}b"])
        },
        kind("shadow_side_change", &["ALTER TABLE __{t} ADD COLUMN z int"]),
        kind("shadow_side_comment", &["ALTER TABLE __{t} MODIFY e int COMMENT 'sc'"]),
        kind("shadow_side_dropped", &["DROP TABLE __{t}"]),
        kind(SAME_SECOND, &["ALTER TABLE {t} ALTER COLUMN a SET DEFAULT 3"]),
    ]
}

fn runs_on(kind: &Kind, engine: Engine) -> bool {
    match kind.on {
        On::Both => true,
        On::MariadbOnly(_) => engine == Engine::Mariadb,
        On::SeekdbOnly(_) => engine == Engine::Seekdb,
    }
}

fn table_of(index: usize) -> String {
    format!("k{index:02}")
}

fn fill(sql: &str, table: &str) -> String {
    sql.replace("{t}", table)
}

fn request() -> AnalysisRequest {
    AnalysisRequest {
        rule: NamingRule::prefix("__").unwrap(),
        selection: Selection::All,
        skip: Vec::new(),
        policy: Default::default(),
        adopt: Vec::new(),
    }
}

fn executor(engine: Engine, db: &str) -> MysqlExecutor {
    MysqlExecutor::connect(&engine.url())
        .expect("connect")
        .with_database(db)
        .expect("use database")
}

/// One sync of every table (prefix `__`), which must succeed.
fn sync(engine: Engine, db: &str) {
    let mut ex = executor(engine, db);
    let analysis = analyze(&mut ex, &request()).expect("analyze");
    for t in &analysis.tables {
        assert!(
            t.planned != Action::Skip || t.reason == Some(SkipReason::Identical),
            "{engine:?}: `{}` not synced: {:?}",
            t.source,
            t.reason
        );
    }
    let connection = ex.redacted_url().to_string();
    run_plan(engine, &mut ex, analysis, &connection);
}

/// `analysis` frozen on `connection` and run through `ex`, which must
/// succeed.
fn run_plan(
    engine: Engine,
    ex: &mut dyn Executor,
    analysis: shadowsync::core::analysis::Analysis,
    connection: &str,
) {
    let plan = analysis.freeze(connection);
    let center = TaskCenter::new(MemoryStore::default(), StillClock);
    let mut inspector = ShadowInspector::for_plan(&plan).unwrap();
    let task = center.submit(SubmitRequest::new(plan, "tester")).unwrap();
    let done = center.execute(task.id, "w1", ex, &mut inspector).unwrap();
    assert_eq!(done.state.status, TaskStatus::Succeeded, "{engine:?}: sync");
}

fn check_options(skip: &[String], tables: Option<Vec<String>>) -> CheckOptions {
    CheckOptions {
        analyze: AnalyzeOptions {
            tables,
            skip: skip.to_vec(),
            ..AnalyzeOptions::default()
        },
        app_user: None,
    }
}

fn check(ex: &mut MysqlExecutor, options: &CheckOptions, cache: Option<&MemoryStore>) -> CheckView {
    let cache = cache.map(|s| s as &dyn Store);
    host::check_with(ex, options, NOW, cache).expect("check")
}

/// The server's clock, in seconds.
fn server_now(engine: Engine) -> f64 {
    let mut conn = raw(engine, None);
    let now: Option<f64> = conn.query_first("SELECT UNIX_TIMESTAMP(NOW(6))").unwrap();
    now.unwrap()
}

/// A store of its own holding the entries `cache` holds for `db`.
fn copy_of(cache: &MemoryStore, ex: &mut MysqlExecutor, db: &str) -> MemoryStore {
    let server = ex.change_tokens().unwrap().expect("change tokens").server;
    let entries = cache.cached_tables(&server, db).unwrap();
    let copy = MemoryStore::new();
    copy.cache_tables(&server, db, &entries, &[]).unwrap();
    copy
}

/// What the cache did on a read of every table.
fn report(ex: &mut MysqlExecutor, cache: &MemoryStore) -> CacheReport {
    analyze_cached(ex, &request(), cache).expect("analyze").1
}

fn no_drift_is_ever_ready(engine: Engine) {
    let db = format!("sscache_corpus_{}", engine.name());
    let mut admin = raw(engine, None);
    admin
        .query_drop(format!("DROP DATABASE IF EXISTS `{db}`"))
        .unwrap();
    admin.query_drop(format!("CREATE DATABASE `{db}`")).unwrap();
    let mut conn = raw(engine, Some(&db));
    let corpus = corpus();
    let mut cannot = Vec::new();
    let mut kinds = Vec::new();
    for (index, kind) in corpus.iter().enumerate() {
        if !runs_on(kind, engine) {
            cannot.push(kind);
            continue;
        }
        let table = table_of(index);
        for sql in kind.setup {
            let sql = fill(sql, &table);
            conn.query_drop(&sql)
                .unwrap_or_else(|e| panic!("{engine:?} {}: {sql}: {e}", kind.name));
        }
        kinds.push((kind, table));
    }
    sync(engine, &db);
    // Older than the racy window (MariaDB), so every entry is stored.
    std::thread::sleep(Duration::from_millis(2_200));

    let cache = MemoryStore::new();
    let mut ex = executor(engine, &db);
    let same = kinds
        .iter()
        .find(|(k, _)| k.name == SAME_SECOND)
        .map(|(_, t)| t.clone())
        .unwrap();
    let all = check_options(std::slice::from_ref(&same), None);
    let warm = check(&mut ex, &all, Some(&cache));
    assert!(
        warm.ready,
        "{engine:?}: not ready before any change: {warm:#?}"
    );
    let again = report(&mut ex, &cache);
    assert_eq!(
        (again.read, again.unused.as_deref()),
        (0, None),
        "{engine:?}: a repeat read used the cache for every table: {again:?}"
    );

    // The same-second kind, within one second by the server's clock: a
    // change the diff ignores (the counter), the read that fills the
    // entry (ready), then the drift. On MariaDB `CREATE_TIME` is the same
    // second for both changes: only the racy-timestamp rule tells them apart.
    // Under load the three steps may spill into the next second: then the
    // drift is undone, the window let pass, and the attempt made again.
    let (same_kind, _) = kinds.iter().find(|(k, _)| k.name == SAME_SECOND).unwrap();
    let only = check_options(&[], Some(vec![same.clone()]));
    let mut attempts = Vec::new();
    loop {
        while server_now(engine).fract() > 0.3 {
            std::thread::sleep(Duration::from_millis(50));
        }
        let before = server_now(engine);
        conn.query_drop(fill(SAME_SECOND_FIRST, &same)).unwrap();
        assert!(
            check(&mut ex, &only, Some(&cache)).ready,
            "{engine:?}: {same}"
        );
        for sql in same_kind.change {
            conn.query_drop(fill(sql, &same)).unwrap();
        }
        let after = server_now(engine);
        if before.floor() == after.floor() {
            break;
        }
        attempts.push(format!("{before} .. {after}"));
        assert!(
            attempts.len() < 5,
            "{engine:?}: never within one second: {attempts:?}"
        );
        conn.query_drop(fill(SAME_SECOND_UNDO, &same)).unwrap();
        std::thread::sleep(Duration::from_millis(2_200));
    }

    for (kind, table) in &kinds {
        if kind.name == SAME_SECOND {
            continue;
        }
        for sql in kind.change {
            let sql = fill(sql, table);
            conn.query_drop(&sql)
                .unwrap_or_else(|e| panic!("{engine:?} {}: {sql}: {e}", kind.name));
        }
    }

    // Checked twice: at once (on MariaDB the changed tables are then
    // within the racy window, so read again whatever their tokens say) and,
    // on a copy of the warm cache, once the window has passed, where only
    // the tokens can tell a changed table from an unchanged one.
    let for_report = copy_of(&cache, &mut ex, &db);
    let settled = copy_of(&cache, &mut ex, &db);
    let everything = check_options(&[], None);
    let at_once = check(&mut ex, &everything, Some(&cache));
    std::thread::sleep(Duration::from_millis(2_200));
    let changed_report = report(&mut ex, &for_report);
    assert_eq!(changed_report.unused, None, "{engine:?}");
    let cached = check(&mut ex, &everything, Some(&settled));
    let uncached = check(&mut ex, &everything, None);
    assert_eq!(
        at_once, uncached,
        "{engine:?}: the cached check at once differs from an uncached one"
    );
    assert_eq!(
        cached, uncached,
        "{engine:?}: the cached check differs from an uncached one"
    );
    let mut detected = 0;
    let mut missed = Vec::new();
    println!("snapshot cache drift corpus on {}:", engine.name());
    for (kind, table) in &kinds {
        let not_ready = kind.drifted.iter().all(|suffix| {
            let source = format!("{table}{suffix}");
            cached
                .tables
                .iter()
                .find(|t| t.source == source)
                .is_some_and(|t| t.verdict != Verdict::Ready)
        });
        let verdicts: Vec<String> = cached
            .tables
            .iter()
            .filter(|t| t.source.starts_with(table.as_str()))
            .map(|t| format!("{} {:?}", t.source, t.verdict))
            .collect();
        println!(
            "  {:<44} {}  ({})",
            kind.name,
            if not_ready { "detected" } else { "MISSED" },
            verdicts.join(", ")
        );
        if not_ready {
            detected += 1;
        } else {
            missed.push(kind.name);
        }
    }
    for kind in &cannot {
        let why = match kind.on {
            On::MariadbOnly(why) | On::SeekdbOnly(why) => why,
            On::Both => unreachable!(),
        };
        println!(
            "  {:<44} not applicable on {}: {why}",
            kind.name,
            engine.name()
        );
    }
    println!(
        "{}: {detected} kinds detected, {} missed, {} not applicable; the repeat read took {} texts from the cache and read {}",
        engine.name(),
        missed.len(),
        cannot.len(),
        changed_report.reused,
        changed_report.read
    );
    assert!(
        missed.is_empty(),
        "{engine:?}: drift reported ready: {missed:?}"
    );
    assert!(detected >= 30, "{engine:?}: only {detected} kinds ran");
    admin
        .query_drop(format!("DROP DATABASE IF EXISTS `{db}`"))
        .unwrap();
}

/// Database mode: each side is cached under its own database. The shadows
/// of `orders`, `items`, `notes` and `plain` live in another database
/// under the sources' names; once the cache is warm a repeat read reads no
/// text on either side. Then a source changes (`orders`), a shadow changes
/// (`items`), a shadow is dropped and made again without the marker
/// (`notes`), and a new source appears (`extra`): the cached check must
/// read just those and give exactly the uncached check's verdicts.
fn database_mode_is_cached_per_side(engine: Engine) {
    let db = format!("sscache_mapped_{}", engine.name());
    let shadow_db = format!("{db}_sh");
    let mut admin = raw(engine, None);
    for name in [&db, &shadow_db] {
        admin
            .query_drop(format!("DROP DATABASE IF EXISTS `{name}`"))
            .unwrap();
        admin
            .query_drop(format!("CREATE DATABASE `{name}`"))
            .unwrap();
    }
    let mut sources = raw(engine, Some(&db));
    for sql in [
        "CREATE TABLE orders (id int NOT NULL, v int, PRIMARY KEY (id))",
        "CREATE TABLE items (id int NOT NULL, order_id int, PRIMARY KEY (id), KEY k_order (order_id), \
         CONSTRAINT fk_items_order FOREIGN KEY (order_id) REFERENCES orders (id))",
        "CREATE TABLE notes (id int NOT NULL, body varchar(40), PRIMARY KEY (id))",
        "CREATE TABLE plain (id int NOT NULL, PRIMARY KEY (id))",
    ] {
        sources.query_drop(sql).unwrap();
    }
    let mapped = || MappedExecutor::new(executor(engine, &db), executor(engine, &shadow_db));
    let options = CheckOptions {
        analyze: AnalyzeOptions::default(),
        app_user: None,
    };
    let mut ex = mapped();
    let analysis = options.analyze.analyze(&mut ex).expect("analyze");
    run_plan(engine, &mut ex, analysis, "mapped");
    // Older than the racy window (MariaDB), so every entry is stored.
    std::thread::sleep(Duration::from_millis(2_200));

    let cache = MemoryStore::new();
    let warm = host::check_with(&mut ex, &options, NOW, Some(&cache)).expect("check");
    assert!(warm.ready, "{engine:?}: {warm:#?}");
    let request = options.analyze.request_in(true).unwrap();
    let again = analyze_cached(&mut ex, &request, &cache).unwrap().1;
    assert_eq!(
        (again.read, again.reused, again.unused.as_deref()),
        (0, 8, None),
        "{engine:?}: both sides from the cache: {again:?}"
    );

    sources
        .query_drop("ALTER TABLE orders MODIFY v bigint")
        .unwrap();
    sources
        .query_drop("CREATE TABLE extra (id int NOT NULL, PRIMARY KEY (id))")
        .unwrap();
    let mut shadows = raw(engine, Some(&shadow_db));
    shadows
        .query_drop("ALTER TABLE items ADD COLUMN stray int")
        .unwrap();
    shadows.query_drop("DROP TABLE notes").unwrap();
    shadows
        .query_drop("CREATE TABLE notes (id int NOT NULL, body varchar(40), PRIMARY KEY (id))")
        .unwrap();
    std::thread::sleep(Duration::from_millis(2_200));

    // Read again: `orders` and `extra`, the shadows of `items` and
    // `notes`, and the source `items`, whose key references `orders` (the
    // parent-token rule; seekdb also raises the shadow `orders`' version
    // when its child `items` changes). Never `plain`, on either side.
    let changed = analyze_cached(&mut ex, &request, &cache).unwrap().1;
    assert!(
        changed.unused.is_none() && (5..=6).contains(&changed.read) && changed.reused >= 3,
        "{engine:?}: only what changed is read: {changed:?}"
    );
    let cached = host::check_with(&mut ex, &options, NOW, Some(&cache)).expect("check");
    let uncached = host::check_with(&mut mapped(), &options, NOW, None).expect("check");
    assert_eq!(cached, uncached, "{engine:?}: cached and uncached differ");
    let mut verdicts: Vec<(&str, Verdict)> = cached
        .tables
        .iter()
        .map(|t| (t.source.as_str(), t.verdict))
        .collect();
    verdicts.sort_by_key(|(source, _)| *source);
    assert_eq!(
        verdicts,
        [
            ("extra", Verdict::Missing),
            ("items", Verdict::Drifted),
            ("notes", Verdict::Refused),
            ("orders", Verdict::Drifted),
            ("plain", Verdict::Ready),
        ],
        "{engine:?}"
    );
    for name in [&db, &shadow_db] {
        admin
            .query_drop(format!("DROP DATABASE IF EXISTS `{name}`"))
            .unwrap();
    }
}

engine::on_both_engines!(no_drift_is_ever_ready, database_mode_is_cached_per_side);
