//! Correct DDL on what the real servers print (issue 11): each known bug of
//! the renderer and the diff, replayed as a user meets it. A source table
//! gets its shadow (first sync), then the source changes, then a second
//! sync must leave a shadow whose `SHOW CREATE TABLE`, read by the server
//! and compared as text, equals the source's; or, for a change the engine
//! cannot make, the plan must refuse the table before approval, naming the
//! engine and the change.
//!
//! Start the servers with `eval "$(scripts/engines.sh start)"`; a missing
//! URL variable fails the tests rather than skipping them.

use mysql::prelude::Queryable;
use shadowsync::core::analysis::{analyze, Action, AnalysisRequest, Selection, ShadowInspector};
use shadowsync::core::shadow::NamingRule;
use shadowsync::core::task::{MemoryStore, SkipReason, SubmitRequest, TaskCenter, TaskStatus};
use shadowsync::mysql::MysqlExecutor;

#[path = "support/engine.rs"]
mod engine;
use engine::Engine;

#[path = "support/live.rs"]
mod live;
use live::{raw, StillClock};

/// A fresh database `ssd_<test>_<engine>` where `sql` ran.
fn scratch(engine: Engine, test: &str, sql: &[&str]) -> String {
    let db = format!("ssd_{test}_{}", engine.name());
    let mut conn = raw(engine, None);
    conn.query_drop(format!("DROP DATABASE IF EXISTS `{db}`"))
        .unwrap();
    conn.query_drop(format!("CREATE DATABASE `{db}`")).unwrap();
    run(engine, &db, sql);
    db
}

fn run(engine: Engine, db: &str, sql: &[&str]) {
    let mut conn = raw(engine, Some(db));
    for statement in sql {
        conn.query_drop(statement)
            .unwrap_or_else(|e| panic!("{engine:?}: {statement}: {e}"));
    }
}

fn show_create(engine: Engine, db: &str, table: &str) -> String {
    let mut conn = raw(engine, Some(db));
    let row: (String, String) = conn
        .query_first(format!("SHOW CREATE TABLE `{table}`"))
        .unwrap()
        .unwrap();
    row.1
}

fn request() -> AnalysisRequest {
    AnalysisRequest {
        rule: NamingRule::prefix("__").unwrap(),
        selection: Selection::All,
        skip: vec![],
        policy: Default::default(),
        adopt: Vec::new(),
    }
}

/// One sync of every table of `db` (prefix `__`): analysis, frozen plan,
/// execution; returns the statements that ran, and fails the test unless
/// the task succeeded.
fn sync(engine: Engine, db: &str) -> Vec<String> {
    let mut ex = MysqlExecutor::connect(&engine.url())
        .expect("connect")
        .with_database(db)
        .expect("use database");
    let analysis = analyze(&mut ex, &request()).expect("analyze");
    for t in &analysis.tables {
        assert!(
            t.planned != Action::Skip || t.reason == Some(SkipReason::Identical),
            "{engine:?}: `{}` not synced: {:?}",
            t.source,
            t.reason
        );
    }
    let statements: Vec<String> = analysis
        .tables
        .iter()
        .flat_map(|t| t.statements.clone())
        .collect();
    let plan = analysis.freeze(ex.redacted_url());
    let center = TaskCenter::new(MemoryStore::default(), StillClock);
    let mut inspector = ShadowInspector::for_plan(&plan).unwrap();
    let task = center.submit(SubmitRequest::new(plan, "tester")).unwrap();
    let done = center
        .execute(task.id, "w1", &mut ex, &mut inspector)
        .unwrap_or_else(|e| panic!("{engine:?}: {statements:#?}: {e}"));
    assert_eq!(
        done.state.status,
        TaskStatus::Succeeded,
        "{engine:?}: {statements:#?}: {:#?}",
        center.logs(task.id, &Default::default()).unwrap()
    );
    statements
}

/// The source's `SHOW CREATE TABLE` and its shadow's, with the shadow's
/// name and marker taken out: the server's own texts, not our parser's.
fn server_texts(engine: Engine, db: &str, table: &str) -> (String, String) {
    let source = show_create(engine, db, table);
    let shadow = show_create(engine, db, &format!("__{table}"))
        .replacen(&format!("`__{table}`"), &format!("`{table}`"), 1)
        .replace(" COMMENT='[shadowsync:shadow]'", "")
        .replace(" COMMENT = '[shadowsync:shadow]'", "")
        .replace(" [shadowsync:shadow]'", "'");
    (source, shadow)
}

/// A fresh analysis of every table of `db`.
fn plan(engine: Engine, db: &str) -> shadowsync::core::analysis::Analysis {
    let mut ex = MysqlExecutor::connect(&engine.url())
        .unwrap()
        .with_database(db)
        .unwrap();
    analyze(&mut ex, &request()).unwrap()
}

/// Fails the test unless a further sync of `db` would run nothing.
fn nothing_left(engine: Engine, db: &str) {
    let again = plan(engine, db);
    assert!(
        again
            .tables
            .iter()
            .all(|t| t.reason == Some(SkipReason::Identical)),
        "{engine:?}: a further sync would still run {:#?}",
        again.tables
    );
}

/// The first sync makes `__t` from `before`; `change` then runs on the
/// source; the second sync must make `__t` equal `t` again, and a third
/// analysis must find nothing to do. Returns the second sync's statements.
fn converges(engine: Engine, test: &str, before: &str, change: &[&str]) -> Vec<String> {
    let db = scratch(engine, test, &[before]);
    sync(engine, &db);
    run(engine, &db, change);
    let statements = sync(engine, &db);
    let (source, shadow) = server_texts(engine, &db, "t");
    assert_eq!(source, shadow, "{engine:?}: after {statements:#?}");
    nothing_left(engine, &db);
    statements
}

/// The first sync makes `__t` from `before` (none when `change` is empty);
/// after `change` the plan must refuse `t` with a reason containing every
/// one of `words`.
fn refused(engine: Engine, test: &str, before: &str, change: &[&str], words: &[&str]) {
    let db = scratch(engine, test, &[before]);
    if !change.is_empty() {
        sync(engine, &db);
        run(engine, &db, change);
    }
    let analysis = plan(engine, &db);
    let t = analysis.tables.iter().find(|t| t.source == "t").unwrap();
    let reason = t
        .reason
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        t.planned == Action::Skip && words.iter().all(|w| reason.contains(w)),
        "{engine:?}: expected a refusal naming {words:?}; got {:?} {reason:?} {:#?}",
        t.planned,
        t.statements
    );
}

fn lowercase(statements: &[String]) -> String {
    statements.join("\n").to_lowercase()
}

// ---------------------------------------------------------------- defaults

fn expression_default_starting_with_now(engine: Engine) {
    let statements = converges(
        engine,
        "now_expr",
        "CREATE TABLE t (id int PRIMARY KEY, at datetime DEFAULT current_timestamp())",
        &["ALTER TABLE t MODIFY at datetime DEFAULT (current_timestamp() + interval 30 minute)"],
    );
    assert!(
        lowercase(&statements).contains("interval 30 minute"),
        "{engine:?}: {statements:?}"
    );
}

// -------------------------------------------------------------- visibility

fn index_visibility(engine: Engine, hidden: &str) {
    converges(
        engine,
        "ix_hide",
        "CREATE TABLE t (id int PRIMARY KEY, a int, KEY ka (a))",
        &[&format!("ALTER TABLE t ALTER INDEX ka {hidden}")],
    );
    let db_before = "CREATE TABLE t (id int PRIMARY KEY, a int, KEY ka (a))";
    let shown = if hidden == "IGNORED" {
        "NOT IGNORED"
    } else {
        "VISIBLE"
    };
    let db = scratch(engine, "ix_show", &[db_before]);
    run(
        engine,
        &db,
        &[&format!("ALTER TABLE t ALTER INDEX ka {hidden}")],
    );
    sync(engine, &db);
    run(
        engine,
        &db,
        &[&format!("ALTER TABLE t ALTER INDEX ka {shown}")],
    );
    let statements = sync(engine, &db);
    let (source, shadow) = server_texts(engine, &db, "t");
    assert_eq!(source, shadow, "{engine:?}: {statements:?}");
}

/// A new hidden index, added on the source after the shadow exists.
fn hidden_index_added(engine: Engine, hidden: &str) {
    let statements = converges(
        engine,
        "ix_new_hidden",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int)",
        &[
            "ALTER TABLE t ADD KEY kb (b)",
            &format!("ALTER TABLE t ALTER INDEX kb {hidden}"),
        ],
    );
    assert!(
        lowercase(&statements).contains(&hidden.to_lowercase()),
        "{engine:?}: {statements:?}"
    );
}

fn column_visibility(engine: Engine) {
    converges(
        engine,
        "col_hide",
        "CREATE TABLE t (id int PRIMARY KEY, a int)",
        &["ALTER TABLE t MODIFY a int INVISIBLE"],
    );
    let shown = if engine == Engine::Mariadb {
        "ALTER TABLE t MODIFY a int"
    } else {
        "ALTER TABLE t MODIFY a int VISIBLE"
    };
    converges(
        engine,
        "col_show",
        "CREATE TABLE t (id int PRIMARY KEY, a int INVISIBLE)",
        &[shown],
    );
}

// -------------------------------------------------------------- names

fn column_name_letter_case(engine: Engine) {
    let statements = converges(
        engine,
        "col_case",
        "CREATE TABLE t (id int NOT NULL, v int, PRIMARY KEY (id))",
        &["ALTER TABLE t CHANGE COLUMN id Id int NOT NULL"],
    );
    assert!(
        statements
            .iter()
            .any(|s| s.contains("CHANGE COLUMN `id` `Id`")),
        "{statements:?}"
    );
}

fn index_name_letter_case(engine: Engine) {
    let statements = converges(
        engine,
        "ix_case",
        "CREATE TABLE t (id int PRIMARY KEY, a int, KEY k1 (a))",
        // (MariaDB keeps the old name through DROP + ADD in one statement;
        // seekdb takes neither RENAME to a case variant nor both at once.)
        &match engine {
            Engine::Mariadb => vec!["ALTER TABLE t RENAME INDEX k1 TO K1"],
            Engine::Seekdb => vec![
                "ALTER TABLE t DROP INDEX k1",
                "ALTER TABLE t ADD KEY K1 (a)",
            ],
        },
    );
    let shadow = show_create(engine, &format!("ssd_ix_case_{}", engine.name()), "__t");
    assert!(
        shadow.contains("KEY `K1`"),
        "{engine:?}: {statements:?}: {shadow}"
    );
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod mariadb {
            $(#[test] fn $name() { super::$name(super::Engine::Mariadb); })*
        }
        mod seekdb {
            $(#[test] fn $name() { super::$name(super::Engine::Seekdb); })*
        }
    };
}

on_both!(
    index_name_letter_case,
    partitions_appended,
    json_column_change,
    partitioning_removed,
    index_of_a_foreign_key_dropped,
    expression_default_starting_with_now,
    column_visibility,
    column_name_letter_case,
);

/// MariaDB unsets each of these with `=0` or `=DEFAULT`: the shadow follows
/// a source that dropped one (refused before issue 11).
fn table_options_removed(engine: Engine) {
    for (i, (option, reset)) in [
        ("CHECKSUM=1", "CHECKSUM=0"),
        ("MAX_ROWS=100", "MAX_ROWS=0"),
        ("MIN_ROWS=5", "MIN_ROWS=0"),
        ("AVG_ROW_LENGTH=50", "AVG_ROW_LENGTH=0"),
        ("DELAY_KEY_WRITE=1", "DELAY_KEY_WRITE=0"),
        ("STATS_PERSISTENT=1", "STATS_PERSISTENT=DEFAULT"),
        ("PAGE_COMPRESSED=1", "PAGE_COMPRESSED=DEFAULT"),
        ("ENCRYPTION_KEY_ID=1", "ENCRYPTION_KEY_ID=DEFAULT"),
    ]
    .into_iter()
    .enumerate()
    {
        let statements = converges(
            engine,
            &format!("opt{i}"),
            &format!("CREATE TABLE t (id int PRIMARY KEY) ENGINE=InnoDB {option}"),
            &[&format!("ALTER TABLE t {reset}")],
        );
        assert_eq!(statements.len(), 1, "{option}: {statements:?}");
    }
}

/// seekdb prints ENUM/SET members unescaped: they are read from its
/// catalog, so a member with a backslash or a quote-comma-quote inside is
/// copied exactly (and read back alike, so the sync converges).
fn enum_members_read_exactly(engine: Engine) {
    let db = scratch(
        engine,
        "enum_exact",
        &[r"CREATE TABLE t (id int PRIMARY KEY, c set('a\\b','q'), e enum('x'',''y','z'))"],
    );
    sync(engine, &db);
    let mut conn = raw(engine, Some(&db));
    let mut members = |table: &str, column: &str| -> String {
        conn.exec_first(
            "SELECT HEX(extended_type_info) FROM oceanbase.__all_column WHERE column_name = ? \
             AND table_id = (SELECT table_id FROM oceanbase.__all_table WHERE table_name = ? \
             AND database_id = (SELECT database_id FROM oceanbase.__all_database WHERE database_name = ?))",
            (column, table, &db),
        )
        .unwrap()
        .unwrap()
    };
    for column in ["c", "e"] {
        assert_eq!(members("t", column), members("__t", column), "{column}");
    }
    nothing_left(engine, &db);
}

/// seekdb prints LIST partition values unescaped: a value holding a quote
/// is refused before approval, naming the partition; a clean one syncs.
fn partition_values_read_exactly_or_refused(engine: Engine) {
    refused(
        engine,
        "part_quote",
        "CREATE TABLE t (a varchar(10) NOT NULL) PARTITION BY LIST COLUMNS(a) \
         (PARTITION p0 VALUES IN ('x'',''y'), PARTITION p1 VALUES IN ('z'))",
        &[],
        &["`p0`", "quote"],
    );
    refused(
        engine,
        "part_slash",
        r"CREATE TABLE t (a varchar(10) NOT NULL) PARTITION BY LIST COLUMNS(a) (PARTITION p0 VALUES IN ('a\\b'), PARTITION p1 VALUES IN ('z'))",
        &[],
        &["`p0`", "backslash"],
    );
    let db = scratch(
        engine,
        "part_clean",
        &[
            "CREATE TABLE t (a varchar(10) NOT NULL) PARTITION BY LIST COLUMNS(a) \
           (PARTITION p0 VALUES IN ('x','y'), PARTITION p1 VALUES IN ('z'))",
        ],
    );
    sync(engine, &db);
    let (source, shadow) = server_texts(engine, &db, "t");
    assert_eq!(source, shadow);
}

// ------------------------------------------------------- engine capability

/// A change the engine cannot make in place is refused before approval on
/// seekdb, naming the engine and the change; MariaDB makes it.
fn json_column_change(engine: Engine) {
    let before = "CREATE TABLE t (id int PRIMARY KEY, c text)";
    // seekdb cannot change the source in place either: its users recreate it.
    let change = [
        "DROP TABLE t",
        "CREATE TABLE t (id int PRIMARY KEY, c json)",
    ];
    if engine == Engine::Seekdb {
        refused(
            engine,
            "to_json",
            before,
            &change,
            &["OceanBase cannot", "`c`", "json"],
        );
    } else {
        converges(engine, "to_json", before, &change);
    }
}

fn partitioning_removed(engine: Engine) {
    let before = "CREATE TABLE t (id int PRIMARY KEY) PARTITION BY HASH(id) PARTITIONS 4";
    // seekdb has no REMOVE PARTITIONING either: its users recreate the table.
    let change = ["DROP TABLE t", "CREATE TABLE t (id int PRIMARY KEY)"];
    if engine == Engine::Seekdb {
        refused(
            engine,
            "unpart",
            before,
            &change,
            &["OceanBase cannot", "partitioning"],
        );
    } else {
        converges(engine, "unpart", before, &change);
    }
}

/// Dropping an index a foreign key could use: seekdb refuses it while the
/// key exists, so the key is dropped first and added again after.
fn index_of_a_foreign_key_dropped(engine: Engine) {
    let db = scratch(
        engine,
        "fk_index",
        &[
            "CREATE TABLE p (id int PRIMARY KEY)",
            "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY k1 (a), KEY k2 (a, b), \
             CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id))",
        ],
    );
    sync(engine, &db);
    run(
        engine,
        &db,
        &[
            "ALTER TABLE t DROP FOREIGN KEY fk",
            "ALTER TABLE t DROP INDEX k1",
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id)",
        ],
    );
    let statements = sync(engine, &db);
    assert!(
        lowercase(&statements).contains("drop index `k1`"),
        "{statements:?}"
    );
    let shadow = show_create(engine, &db, "__t");
    assert!(
        !shadow.contains("`k1`") && shadow.contains("FOREIGN KEY"),
        "{shadow}"
    );
    nothing_left(engine, &db);
}

/// New partitions after the existing ones are added alone: the shadow's
/// rows (its test traffic) stay where they are.
fn partitions_appended(engine: Engine) {
    let db = scratch(
        engine,
        "part_add",
        &[
            "CREATE TABLE t (id int NOT NULL PRIMARY KEY) PARTITION BY RANGE (id) \
           (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20))",
        ],
    );
    sync(engine, &db);
    run(
        engine,
        &db,
        &[
            "INSERT INTO __t VALUES (1), (15)",
            "ALTER TABLE t ADD PARTITION (PARTITION p2 VALUES LESS THAN (30))",
        ],
    );
    let statements = sync(engine, &db);
    // (MariaDB prints each partition's ENGINE, and so the clause keeps it.)
    assert!(
        statements.len() == 1
            && statements[0].starts_with(
                "ALTER TABLE `__t` ADD PARTITION (PARTITION `p2` VALUES LESS THAN (30)"
            ),
        "{engine:?}: {statements:?}"
    );
    let (source, shadow) = server_texts(engine, &db, "t");
    assert_eq!(source, shadow, "{engine:?}");
    let rows: Option<u64> = raw(engine, Some(&db))
        .query_first("SELECT COUNT(*) FROM __t")
        .unwrap();
    assert_eq!(rows, Some(2), "{engine:?}");
    nothing_left(engine, &db);
}

mod seekdb_only {
    use super::Engine;
    #[test]
    fn enum_members_read_exactly() {
        super::enum_members_read_exactly(Engine::Seekdb);
    }
    #[test]
    fn partition_values_read_exactly_or_refused() {
        super::partition_values_read_exactly_or_refused(Engine::Seekdb);
    }
}

mod mariadb_only {
    use super::Engine;
    #[test]
    fn table_options_removed() {
        super::table_options_removed(Engine::Mariadb);
    }
}

mod mariadb_visibility {
    use super::Engine;
    #[test]
    fn index_ignored() {
        super::index_visibility(Engine::Mariadb, "IGNORED");
        super::hidden_index_added(Engine::Mariadb, "IGNORED");
    }
}

mod seekdb_visibility {
    use super::Engine;
    #[test]
    fn index_invisible() {
        super::index_visibility(Engine::Seekdb, "INVISIBLE");
        super::hidden_index_added(Engine::Seekdb, "INVISIBLE");
    }
}
