//! The executor against real servers: MariaDB and seekdb (OceanBase, MySQL
//! mode). Start them with `eval "$(scripts/engines.sh start)"`; a missing URL
//! variable fails the tests rather than skipping them.

use shadowsync_core::{Error, Executor, Flavor, Relation, RelationKind};
use shadowsync_mysql::{Introspection, MysqlExecutor, AUTO_CATALOG_MIN_TABLES};

#[path = "../../tests/schema/script.rs"]
mod script;

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::Engine;

impl Engine {
    fn flavor(self) -> Flavor {
        match self {
            Engine::Mariadb => Flavor::Mariadb,
            Engine::Seekdb => Flavor::Oceanbase,
        }
    }

    /// An executor on a freshly created database `name`.
    fn scratch(self, name: &str) -> MysqlExecutor {
        let mut ex = MysqlExecutor::connect(&self.url()).expect("connect");
        ex.drop_database(name).expect("drop database");
        ex.create_database(name).expect("create database");
        ex.use_database(name).expect("use database");
        ex
    }

    /// The demo schema of `tests/shadow_live.rs` for this engine.
    fn demo_schema(self) -> &'static str {
        match self {
            Engine::Mariadb => include_str!("../../tests/schema/shadow_demo_mariadb.sql"),
            Engine::Seekdb => include_str!("../../tests/schema/shadow_demo_seekdb.sql"),
        }
    }

    /// An executor on database `name` of this engine's server, reading
    /// texts as `introspection` says.
    fn open(self, name: &str, introspection: Introspection) -> MysqlExecutor {
        MysqlExecutor::connect(&self.url())
            .and_then(|ex| ex.with_database(name))
            .expect("connect")
            .with_introspection(introspection)
    }
}

/// The names of the base tables of `ex`'s database.
fn table_names(ex: &mut MysqlExecutor) -> Vec<String> {
    ex.list_relations()
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == RelationKind::Table)
        .map(|r| r.name)
        .collect()
}

/// The URL with `password` put in the user part (any previous one replaced).
fn with_password(url: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("URL has a scheme");
    let (user, host) = rest.split_once('@').expect("URL has a user");
    let user = user.split(':').next().unwrap();
    format!("{scheme}://{user}:{password}@{host}")
}

fn server_info(engine: Engine) {
    let mut ex = engine.scratch("ssm_info");
    let info = ex.server_info().unwrap();
    assert_eq!(info.flavor, engine.flavor(), "{info:?}");
    assert_eq!(info.database, "ssm_info");
    assert_eq!(info.max_identifier_length, 64);
    assert!(info.lower_case_table_names <= 2);
    assert!(!info.version.is_empty());
    ex.drop_database("ssm_info").unwrap();
}

fn list_relations_with_a_view(engine: Engine) {
    let mut ex = engine.scratch("ssm_relations");
    for sql in [
        "CREATE TABLE b_table (id int PRIMARY KEY)",
        "CREATE TABLE a_table (id int PRIMARY KEY)",
        "CREATE VIEW c_view AS SELECT id FROM a_table",
    ] {
        ex.execute(sql).unwrap();
    }
    let before = ex.round_trips();
    let relations = ex.list_relations().unwrap();
    assert_eq!(
        ex.round_trips() - before,
        1,
        "one query lists every relation"
    );
    let rel = |name: &str, kind| Relation {
        name: name.into(),
        kind,
    };
    assert_eq!(
        relations,
        vec![
            rel("a_table", RelationKind::Table),
            rel("b_table", RelationKind::Table),
            rel("c_view", RelationKind::View),
        ]
    );
    // A view is not a table: asking for its CREATE TABLE is an error, not a silent None.
    let err = ex.show_create_tables(&["c_view".into()]).unwrap_err();
    assert!(err.to_string().contains("is a view"), "{err}");
    ex.drop_database("ssm_relations").unwrap();
}

fn show_create_tables_in_order(engine: Engine) {
    let mut ex = engine
        .scratch("ssm_show")
        .with_introspection(Introspection::ShowCreate);
    // Enough tables to use several connections, with missing ones in between,
    // and a name that needs quoting.
    let mut names = Vec::new();
    let mut columns = Vec::new();
    for i in 0..20 {
        let name = format!("t{i:02}");
        ex.execute(&format!("CREATE TABLE {name} (c{i} int)"))
            .unwrap();
        names.push(name);
        columns.push(Some(format!("`c{i}`")));
        if i % 7 == 3 {
            names.push(format!("missing_{i}"));
            columns.push(None);
        }
    }
    ex.execute("CREATE TABLE `we``ird` (x int)").unwrap();
    names.insert(5, "we`ird".into());
    columns.insert(5, Some("`x`".into()));

    let before = ex.round_trips();
    let texts = ex.show_create_tables(&names).unwrap();
    let used = ex.round_trips() - before;
    assert_eq!(texts.len(), names.len());
    for ((name, column), text) in names.iter().zip(&columns).zip(&texts) {
        match (column, text) {
            (None, None) => {}
            (Some(column), Some(text)) => {
                let quoted = shadowsync_core::render::quote_ident(name);
                assert!(
                    text.contains(&format!("CREATE TABLE {quoted}")),
                    "{name}: {text}"
                );
                assert!(text.contains(column.as_str()), "{name}: {text}");
            }
            _ => panic!("{name}: expected column {column:?}, got {text:?}"),
        }
    }
    // One statement per table, plus the connections opened for the pool.
    assert!(
        used >= names.len() as u64 && used <= names.len() as u64 + 8,
        "{used} round trips"
    );
    // The pool is kept: a second call opens no connection.
    let before = ex.round_trips();
    assert_eq!(ex.show_create_tables(&names).unwrap(), texts);
    assert_eq!(ex.round_trips() - before, names.len() as u64);
    assert_eq!(
        ex.show_create_tables(&[]).unwrap(),
        Vec::<Option<String>>::new()
    );
    ex.drop_database("ssm_show").unwrap();
}

fn execute_errors_are_mapped(engine: Engine) {
    let mut ex = engine.scratch("ssm_errors");
    let err = ex.execute("CREATE TABLE broken (").unwrap_err();
    let Error::Executor(msg) = &err else {
        panic!("expected an executor error, got {err:?}");
    };
    assert!(
        msg.contains("CREATE TABLE broken ("),
        "names the statement: {msg}"
    );
    assert!(msg.contains("1064"), "carries the server error: {msg}");
    let err = ex.execute("DROP TABLE no_such_table").unwrap_err();
    assert!(err.to_string().contains("1051"), "{err}");
    // The connection is still usable after errors.
    ex.execute("CREATE TABLE ok (a int)").unwrap();
    let err = ex.use_database("ssm_no_such_database").unwrap_err();
    assert!(err.to_string().contains("ssm_no_such_database"), "{err}");
    ex.drop_database("ssm_errors").unwrap();
}

fn password_is_never_shown(engine: Engine) {
    let secret = "wr0ng-S3cret-pw";
    let url = with_password(&engine.url(), secret);
    let err = MysqlExecutor::connect(&url).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Executor(_)), "{err:?}");
    assert!(!msg.contains(secret), "password leaked: {msg}");
    assert!(msg.contains(":***@"), "names the redacted URL: {msg}");
    // Nothing listens on port 1: a driver (not server) error, still redacted.
    let url = format!("mysql://u:{secret}@127.0.0.1:1/db");
    let msg = MysqlExecutor::connect(&url).unwrap_err().to_string();
    assert!(!msg.contains(secret), "password leaked: {msg}");
}

/// Every way of reading texts gives the server's own `SHOW CREATE TABLE`
/// text, in order, with `None` for missing tables, on the demo schema
/// (unicode, reserved and quoted names, partitions, generated columns, FKs,
/// checks) plus names near the length limit.
fn introspection_modes_agree(engine: Engine) {
    let db = "ssm_modes";
    let mut ex = engine.scratch(db);
    for statement in script::statements(engine.demo_schema()) {
        ex.execute(&statement).unwrap();
    }
    let long = format!("t{}", "x".repeat(63));
    ex.execute(&format!("CREATE TABLE `{long}` (id int PRIMARY KEY)"))
        .unwrap();
    let mut names = table_names(&mut ex);
    assert!(names.len() >= 25, "{names:?}");
    names.insert(3, "no_such_table".into());

    let reference = engine
        .open(db, Introspection::ShowCreate)
        .show_create_tables(&names)
        .unwrap();
    assert_eq!(reference.iter().filter(|t| t.is_none()).count(), 1);

    let mut auto = engine.open(db, Introspection::Auto);
    auto.server_info().unwrap();
    let before = auto.round_trips();
    assert_eq!(auto.show_create_tables(&names).unwrap(), reference);
    let used = auto.round_trips() - before;
    assert_eq!(auto.catalog_unavailable(), None);
    match engine {
        // One statement per table, on up to 8 connections (7 opened).
        Engine::Mariadb => assert!(used >= names.len() as u64 && used <= names.len() as u64 + 7),
        // The catalog listing, one statement for all tables, one SHOW
        // CREATE TABLE for the missing one.
        Engine::Seekdb => assert_eq!(used, 3),
    }

    // A few tables (a task's precheck reads two) are cheaper one by one.
    let few = &names[..2];
    let before = auto.round_trips();
    assert_eq!(auto.show_create_tables(few).unwrap(), reference[..2]);
    assert_eq!(auto.round_trips() - before, 2);

    let catalog = engine
        .open(db, Introspection::Catalog)
        .show_create_tables(&names);
    match engine {
        Engine::Mariadb => {
            let err = catalog.unwrap_err().to_string();
            assert!(err.contains("not OceanBase"), "{err}");
        }
        Engine::Seekdb => assert_eq!(catalog.unwrap(), reference),
    }
    ex.drop_database(db).unwrap();
}

/// A user who may not read the `oceanbase` schema still gets every text:
/// automatic introspection falls back to `SHOW CREATE TABLE` and says why;
/// insisting on the catalog is an error.
fn catalog_denied_falls_back(engine: Engine) {
    let db = "ssm_denied";
    let mut ex = engine.scratch(db);
    let mut names = Vec::new();
    for i in 0..AUTO_CATALOG_MIN_TABLES {
        let name = format!("t{i:02}");
        ex.execute(&format!("CREATE TABLE {name} (id int PRIMARY KEY)"))
            .unwrap();
        names.push(name);
    }
    // A user of this run's own. seekdb sometimes fails CREATE USER (error
    // 1396) while other sessions run DDL, so it is tried a few times.
    let user = format!("ssm_limited_{}", std::process::id());
    let create = format!("CREATE USER IF NOT EXISTS '{user}'@'%' IDENTIFIED BY 'limited-pw'");
    let mut attempt = 1;
    while let Err(e) = ex.execute(&create) {
        assert!(attempt < 10 && e.to_string().contains("1396"), "{e}");
        attempt += 1;
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    ex.execute(&format!("GRANT ALL ON {db}.* TO '{user}'@'%'"))
        .unwrap();
    let url = engine.url();
    let (_, host) = url.split_once('@').unwrap();
    let limited_url = format!("mysql://{user}:limited-pw@{host}");
    let open = |introspection| {
        MysqlExecutor::connect(&limited_url)
            .and_then(|ex| ex.with_database(db))
            .unwrap()
            .with_introspection(introspection)
    };
    let reference = engine
        .open(db, Introspection::ShowCreate)
        .show_create_tables(&names)
        .unwrap();

    let mut auto = open(Introspection::Auto);
    assert_eq!(auto.show_create_tables(&names).unwrap(), reference);
    let mut catalog = open(Introspection::Catalog);
    let err = catalog.show_create_tables(&names).unwrap_err().to_string();
    match engine {
        Engine::Mariadb => {
            assert_eq!(auto.catalog_unavailable(), None, "not tried on MariaDB");
            assert!(err.contains("not OceanBase"), "{err}");
        }
        Engine::Seekdb => {
            let why = auto.catalog_unavailable().expect("fell back");
            assert!(why.contains("1142"), "{why}");
            assert!(err.contains("1142"), "{err}");
        }
    }
    assert!(!err.contains("limited-pw"), "{err}");
    // Found out once: the next read goes straight to SHOW CREATE TABLE.
    let before = auto.round_trips();
    assert_eq!(auto.show_create_tables(&names).unwrap(), reference);
    assert_eq!(auto.round_trips() - before, names.len() as u64);
    drop((auto, catalog));
    // Clean-up only: a failure here says nothing about the executor.
    if let Err(e) = ex.execute(&format!("DROP USER '{user}'@'%'")) {
        eprintln!("could not drop the test user {user}: {e}");
    }
    ex.drop_database(db).unwrap();
}

engine::on_both_engines!(
    server_info,
    list_relations_with_a_view,
    show_create_tables_in_order,
    introspection_modes_agree,
    catalog_denied_falls_back,
    execute_errors_are_mapped,
    password_is_never_shown,
);

/// More tables than one connection takes: the catalog reads them over
/// several connections, one statement each, with the same texts.
#[test]
fn seekdb_catalog_reads_many_tables_over_several_connections() {
    let db = "ssm_many";
    let mut ex = Engine::Seekdb.scratch(db);
    let mut names = Vec::new();
    for i in 0..250 {
        let name = format!("m{i:03}");
        ex.execute(&format!(
            "CREATE TABLE {name} (id int PRIMARY KEY, v{i} varchar(10) DEFAULT 'x{i}')"
        ))
        .unwrap();
        names.push(name);
    }
    names.reverse();
    let reference = Engine::Seekdb
        .open(db, Introspection::ShowCreate)
        .show_create_tables(&names)
        .unwrap();
    let mut catalog = Engine::Seekdb.open(db, Introspection::Catalog);
    catalog.server_info().unwrap();
    let before = catalog.round_trips();
    assert_eq!(catalog.show_create_tables(&names).unwrap(), reference);
    // The listing, then three connections (two opened) with one statement each.
    assert_eq!(catalog.round_trips() - before, 1 + 2 + 3);
    ex.drop_database(db).unwrap();
}

/// MariaDB lists system-versioned tables as `SYSTEM VERSIONED`: they are
/// tables, listed, and the analysis refuses them by name (seekdb has no
/// system versioning).
#[test]
fn mariadb_system_versioned_tables_are_listed_and_refused() {
    use shadowsync_core::analysis::{self, AnalysisRequest, Selection};
    use shadowsync_core::shadow::NamingRule;
    let mut ex = Engine::Mariadb.scratch("ssm_versioned");
    ex.execute("CREATE TABLE hist (id int PRIMARY KEY) WITH SYSTEM VERSIONING")
        .unwrap();
    let relations = ex.list_relations().unwrap();
    assert_eq!(relations.len(), 1);
    assert_eq!(relations[0].kind, RelationKind::Table);
    let request = AnalysisRequest {
        rule: NamingRule::prefix("__").unwrap(),
        selection: Selection::All,
        skip: vec![],
        policy: Default::default(),
        adopt: Vec::new(),
    };
    let result = analysis::analyze(&mut ex, &request).unwrap();
    let reason = result.tables[0]
        .reason
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        reason.starts_with("refused") && reason.contains("WITH"),
        "{reason}"
    );
    ex.drop_database("ssm_versioned").unwrap();
}
