//! The executor against real servers: MariaDB and seekdb (OceanBase, MySQL
//! mode). Start them with `eval "$(scripts/engines.sh start)"`; a missing URL
//! variable fails the tests rather than skipping them.

use shadowsync_core::{Error, Executor, Flavor, Relation, RelationKind};
use shadowsync_mysql::MysqlExecutor;

/// A server the tests run against.
#[derive(Clone, Copy)]
enum Engine {
    Mariadb,
    Seekdb,
}

impl Engine {
    fn env_var(self) -> &'static str {
        match self {
            Engine::Mariadb => "SHADOWSYNC_MARIADB_URL",
            Engine::Seekdb => "SHADOWSYNC_SEEKDB_URL",
        }
    }

    fn url(self) -> String {
        let var = self.env_var();
        std::env::var(var).unwrap_or_else(|_| {
            panic!(
                "{var} is not set: start the engines with `eval \"$(scripts/engines.sh start)\"`"
            )
        })
    }

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
    let mut ex = engine.scratch("ssm_show");
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

macro_rules! on_both_engines {
    ($($case:ident),* $(,)?) => {
        mod mariadb {
            $( #[test] fn $case() { super::$case(super::Engine::Mariadb) } )*
        }
        mod seekdb {
            $( #[test] fn $case() { super::$case(super::Engine::Seekdb) } )*
        }
    };
}

on_both_engines!(
    server_info,
    list_relations_with_a_view,
    show_create_tables_in_order,
    execute_errors_are_mapped,
    password_is_never_shown,
);

/// MariaDB lists system-versioned tables as `SYSTEM VERSIONED`: they are
/// tables, listed, and the analysis refuses them by name (seekdb has no
/// system versioning).
#[test]
fn mariadb_system_versioned_tables_are_listed_and_refused() {
    use shadowsync_core::analysis::{self, naming::NamingRule, AnalysisRequest, Selection};
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
    };
    let result = analysis::analyze(&mut ex, &request).unwrap();
    let reason = result.tables[0].reason.clone().unwrap_or_default();
    assert!(
        reason.starts_with("refused") && reason.contains("WITH"),
        "{reason}"
    );
    ex.drop_database("ssm_versioned").unwrap();
}
