//! Database mode, run as processes on MariaDB and seekdb: shadows in another
//! database than their sources (`--shadow-schema`), under the sources' names
//! or an affix (mixed mode), on the same server or (MariaDB, the second
//! instance of `scripts/engines.sh`) another one (`--shadow-url`); the
//! shadow database created with the source's character set and collation;
//! foreign keys pointing at the shadow parents; the identity guard refusing
//! a shadow database that is the source database itself. Start the servers
//! with `eval "$(scripts/engines.sh start)"`; a missing URL variable fails
//! the tests rather than skipping them.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use shadowsync_core::Executor;
use shadowsync_mysql::MysqlExecutor;

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::{on_both_engines, Engine};

const SOURCES: &[&str] = &[
    "CREATE TABLE customers (id bigint NOT NULL, name varchar(80) NOT NULL, PRIMARY KEY (id))",
    "CREATE TABLE orders (id bigint NOT NULL, customer_id bigint NOT NULL, \
     total decimal(12,2) NOT NULL DEFAULT 0, PRIMARY KEY (id), KEY idx_customer (customer_id), \
     CONSTRAINT fk_order_customer FOREIGN KEY (customer_id) REFERENCES customers (id))",
    "CREATE TABLE notes (id bigint NOT NULL, body text, PRIMARY KEY (id))",
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A source database with [`SOURCES`], a task store, and the shadow
/// databases the test names, all dropped first and after.
struct Case {
    engine: Engine,
    source: String,
    shadows: Vec<(String, String)>,
    store: PathBuf,
    _dir: tempfile::TempDir,
}

impl Case {
    fn new(engine: Engine, name: &str) -> Case {
        let source = format!("ssmap_{}_{name}_{}", engine.name(), std::process::id());
        let mut ex = MysqlExecutor::connect(&engine.url()).unwrap();
        ex.drop_database(&source).unwrap();
        ex.create_database(&source).unwrap();
        ex.use_database(&source).unwrap();
        for sql in SOURCES {
            ex.execute(sql).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        Case {
            engine,
            store: dir.path().join("tasks.db"),
            _dir: dir,
            source,
            shadows: Vec::new(),
        }
    }

    /// A shadow database name on server `base` (dropped now and at the end).
    fn shadow_db(&mut self, base: &str, suffix: &str) -> String {
        let name = format!("{}_{suffix}", self.source);
        drop_database(base, &name);
        self.shadows.push((base.to_string(), name.clone()));
        name
    }

    fn url(&self) -> String {
        db_url(&self.engine.url(), &self.source)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_shadowsync"));
        command
            .args(args)
            .stdin(Stdio::null())
            .env_remove("SHADOWSYNC_URL")
            .env_remove("SHADOWSYNC_STORE")
            .env_remove("SHADOWSYNC_TEST_CRASH_AFTER")
            .env("SHADOWSYNC_LEASE_SECONDS", "1");
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().unwrap()
    }

    /// `sync --yes` with `extra`, JSON out: the task, which must succeed.
    fn sync(&self, extra: &[&str]) -> Value {
        let url = self.url();
        let store = self.store.to_string_lossy().into_owned();
        let mut args = vec![
            "sync", "--url", &url, "--all", "--yes", "--format", "json", "--store", &store,
        ];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let view: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(view["task"]["status"], "succeeded", "{view}");
        view
    }

    /// `plan --all` with `extra`: exit status and the JSON view (if any).
    fn plan(&self, extra: &[&str]) -> (Option<i32>, Value, String) {
        let url = self.url();
        let mut args = vec!["plan", "--url", &url, "--all", "--format", "json"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        let view = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code(), view, text(&out.stderr))
    }

    /// `check --all` with `extra`: the exit status.
    fn check(&self, extra: &[&str]) -> Option<i32> {
        let url = self.url();
        let mut args = vec!["check", "--url", &url, "--all"];
        args.extend_from_slice(extra);
        self.run(&args).status.code()
    }

    fn source_ddl(&self, table: &str) -> String {
        show_create(&self.url(), table).unwrap()
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        for (base, name) in &self.shadows {
            drop_database(base, name);
        }
        drop_database(&self.engine.url(), &self.source);
    }
}

fn db_url(base: &str, db: &str) -> String {
    format!("{}/{db}", base.trim_end_matches('/'))
}

fn drop_database(base: &str, name: &str) {
    MysqlExecutor::connect(base)
        .unwrap()
        .drop_database(name)
        .unwrap();
}

/// `SHOW CREATE TABLE` of `table` in the database `url` names (`None`: absent).
fn show_create(url: &str, table: &str) -> Option<String> {
    MysqlExecutor::connect(url)
        .unwrap()
        .show_create_tables(&[table.to_string()])
        .unwrap()
        .remove(0)
}

fn tables_of(url: &str) -> Vec<String> {
    let mut names: Vec<String> = MysqlExecutor::connect(url)
        .unwrap()
        .list_relations()
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    names.sort();
    names
}

fn database_defaults(base: &str, db: &str) -> (String, String) {
    MysqlExecutor::connect(&db_url(base, db))
        .unwrap()
        .database_defaults()
        .unwrap()
        .map(|d| (d.charset, d.collation))
        .unwrap()
}

/// `shop` → `shop_shadow` on one server, the same names: the shadow database
/// is created like the source's, the shadows' foreign keys reference the
/// shadow parents, a production change is planned and synced, the check is
/// ready, and the sources are never changed.
fn database_mode_on_one_server(engine: Engine) {
    let mut case = Case::new(engine, "one");
    let base = engine.url();
    let shadow = case.shadow_db(&base, "shadow");
    let before: Vec<String> = ["customers", "orders", "notes"]
        .iter()
        .map(|t| case.source_ddl(t))
        .collect();
    let target = ["--shadow-schema", shadow.as_str()];
    let (code, plan, stderr) = case.plan(&target);
    assert_eq!(code, Some(1), "changes to make: {stderr}");
    assert_eq!(plan["counts"]["create"], 3, "{plan}");
    assert_eq!(plan["naming_rule"], "same", "{plan}");
    assert_eq!(plan["shadow_database"], shadow.as_str(), "{plan}");
    assert_eq!(case.check(&target), Some(1), "not ready before the sync");
    case.sync(&target);
    assert_eq!(
        database_defaults(&base, &shadow),
        database_defaults(&base, &case.source),
        "created with the source's character set and collation"
    );
    let shadow_url = db_url(&base, &shadow);
    assert_eq!(tables_of(&shadow_url), ["customers", "notes", "orders"]);
    let orders = show_create(&shadow_url, "orders").unwrap();
    assert!(orders.contains("[shadowsync:shadow]"), "{orders}");
    assert!(
        !orders.contains(&format!("`{}`", case.source)),
        "the FK references the shadow parent: {orders}"
    );
    assert_eq!(case.check(&target), Some(0), "ready after the sync");
    let (code, _, stderr) = case.plan(&target);
    assert_eq!(code, Some(0), "nothing left: {stderr}");
    // A production change reaches the shadow database, not the source.
    MysqlExecutor::connect(&case.url())
        .unwrap()
        .execute("ALTER TABLE notes ADD COLUMN author varchar(40) DEFAULT NULL")
        .unwrap();
    assert_eq!(case.check(&target), Some(1), "drifted");
    case.sync(&target);
    assert!(show_create(&shadow_url, "notes")
        .unwrap()
        .contains("`author`"));
    assert_eq!(case.check(&target), Some(0));
    let after: Vec<String> = ["customers", "orders", "notes"]
        .iter()
        .map(|t| case.source_ddl(t))
        .collect();
    assert_eq!(before[..2], after[..2], "the sources are never changed");
    assert_eq!(tables_of(&case.url()), ["customers", "notes", "orders"]);
}

/// Mixed mode: another database and an affix.
fn mixed_mode(engine: Engine) {
    let mut case = Case::new(engine, "mixed");
    let base = engine.url();
    let shadow = case.shadow_db(&base, "pt");
    let target = ["--shadow-schema", shadow.as_str(), "--prefix", "__"];
    case.sync(&target);
    let shadow_url = db_url(&base, &shadow);
    assert_eq!(
        tables_of(&shadow_url),
        ["__customers", "__notes", "__orders"]
    );
    let orders = show_create(&shadow_url, "__orders").unwrap();
    assert!(orders.contains("`__customers`"), "{orders}");
    assert_eq!(case.check(&target), Some(0));
    assert_eq!(tables_of(&case.url()), ["customers", "notes", "orders"]);
}

/// The identity guard: the source database itself as the shadow database,
/// by its own name or by another address of the same server, is refused
/// (exit 2) and nothing is changed.
fn the_source_database_is_never_its_own_shadow(engine: Engine) {
    let case = Case::new(engine, "self");
    let before = case.source_ddl("orders");
    let (code, _, stderr) = case.plan(&["--shadow-schema", &case.source]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("is the source database itself"), "{stderr}");
    // The same server by another address (localhost for 127.0.0.1).
    let other_address = case.url().replace("127.0.0.1", "localhost");
    assert_ne!(other_address, case.url(), "the engine URL names 127.0.0.1");
    let url = case.url();
    let store = case.store.to_string_lossy().into_owned();
    let out = case.run(&[
        "sync",
        "--url",
        &url,
        "--all",
        "--yes",
        "--store",
        &store,
        "--shadow-url",
        &other_address,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("is the source database itself"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(case.source_ddl("orders"), before);
    assert_eq!(tables_of(&case.url()), ["customers", "notes", "orders"]);
}

/// A worker killed right after the server accepted a statement (before
/// its record) leaves the task executing; `task run-due` with the source
/// URL finishes it in the shadow database, nothing sent twice.
fn a_killed_run_is_recovered_in_the_shadow_database(engine: Engine) {
    let mut case = Case::new(engine, "kill");
    let base = engine.url();
    let shadow = case.shadow_db(&base, "shadow");
    let url = case.url();
    let store = case.store.to_string_lossy().into_owned();
    let out = case.run_with(
        &[
            "sync",
            "--url",
            &url,
            "--all",
            "--yes",
            "--store",
            &store,
            "--shadow-schema",
            &shadow,
        ],
        &[("SHADOWSYNC_TEST_CRASH_AFTER", "2")],
    );
    assert_eq!(out.status.code(), Some(137), "{}", text(&out.stderr));
    let shadow_url = db_url(&base, &shadow);
    assert_eq!(
        tables_of(&shadow_url).len(),
        2,
        "killed after two statements"
    );
    // The dead worker's lease (1 s) runs out; another worker takes over.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let out = case.run(&["task", "run-due", "--url", &url, "--store", &store]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = case.run(&["task", "show", "1", "--format", "json", "--store", &store]);
    let task: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(task["status"], "succeeded", "{task}");
    for table in task["tables"].as_array().unwrap() {
        for statement in table["statements"].as_array().unwrap() {
            assert_eq!(statement["status"], "applied", "{task}");
        }
    }
    let log = text(&case.run(&["task", "logs", "1", "--store", &store]).stdout);
    assert!(
        log.contains("interrupted after taking effect"),
        "the interrupted statement was settled from the schema, not sent again:\n{log}"
    );
    assert_eq!(tables_of(&shadow_url), ["customers", "notes", "orders"]);
    assert_eq!(case.check(&["--shadow-schema", &shadow]), Some(0));
}

/// `--include` / `--exclude` pick the sources from the listing.
fn patterns_select_the_sources(engine: Engine) {
    let case = Case::new(engine, "pat");
    let (code, plan, stderr) = case.plan(&["--exclude", "no*"]);
    assert_eq!(code, Some(1), "{stderr}");
    let sources: Vec<&str> = plan["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["customers", "orders"], "{plan}");
    let url = case.url();
    let out = case.run(&[
        "plan",
        "--url",
        &url,
        "--include",
        "ord*,cust?mers",
        "--format",
        "json",
    ]);
    let view: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["counts"]["total"], 2, "{view}");
    let out = case.run(&[
        "plan",
        "--url",
        &url,
        "--tables",
        "notes",
        "--exclude",
        "n*",
    ]);
    assert_eq!(out.status.code(), Some(2), "tables and patterns conflict");
}

on_both_engines!(
    database_mode_on_one_server,
    mixed_mode,
    the_source_database_is_never_its_own_shadow,
    a_killed_run_is_recovered_in_the_shadow_database,
    patterns_select_the_sources,
);

/// The second MariaDB of `scripts/engines.sh`.
fn second_mariadb() -> String {
    std::env::var("SHADOWSYNC_MARIADB2_URL").expect(
        "SHADOWSYNC_MARIADB2_URL is not set: start the engines with `eval \"$(scripts/engines.sh start)\"`",
    )
}

/// Database mode across servers (MariaDB to the second MariaDB): the same
/// database name on the other server is another database (the servers say
/// so), created there; nothing appears on the source server.
#[test]
fn mariadb_database_mode_across_two_servers() {
    let mut case = Case::new(Engine::Mariadb, "two");
    let other = second_mariadb();
    let name = case.source.clone();
    drop_database(&other, &name);
    case.shadows.push((other.clone(), name.clone()));
    let shadow_url = db_url(&other, &name);
    let target = ["--shadow-url", shadow_url.as_str()];
    let (code, plan, stderr) = case.plan(&target);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(plan["counts"]["create"], 3, "{plan}");
    let view = case.sync(&target);
    assert_eq!(view["task"]["status"], "succeeded");
    assert_eq!(tables_of(&shadow_url), ["customers", "notes", "orders"]);
    assert!(show_create(&shadow_url, "orders")
        .unwrap()
        .contains("[shadowsync:shadow]"));
    assert!(
        !show_create(&case.url(), "orders")
            .unwrap()
            .contains("[shadowsync:shadow]"),
        "the source is untouched"
    );
    assert_eq!(case.check(&target), Some(0));
}
