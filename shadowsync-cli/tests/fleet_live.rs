//! `shadowsync check --fleet`, run as a process on MariaDB and seekdb: a
//! fleet of 8 databases × 16 tables (two logical tables of 8 numbered shards
//! in each database) with drift in some shards and one source shard that
//! differs from the others (a production rollout that reached only one
//! shard); the roll-up per logical table names the odd shards and warns
//! about the differing source; once the odd databases are synced again the
//! whole fleet is ready. Start the servers with
//! `eval "$(scripts/engines.sh start)"`; a missing URL variable fails the
//! tests rather than skipping them.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use shadowsync_core::render::quote_ident;

use serde_json::Value;
use shadowsync_core::Executor;
use shadowsync_mysql::MysqlExecutor;

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::{on_both_engines, Engine};

#[path = "../../tests/support/view_schema.rs"]
mod view_schema;

const DATABASES: usize = 8;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .args(args)
        .stdin(Stdio::null())
        .env_remove("SHADOWSYNC_URL")
        .env_remove("SHADOWSYNC_STORE")
        .output()
        .unwrap()
}

struct Fleet {
    engine: Engine,
    prefix: String,
    dir: tempfile::TempDir,
}

/// `sql` through `ex`, tried again while seekdb answers "Schema try again"
/// (ERROR 5627, a DDL that met another session's DDL and did not run): the
/// fleet tests load many tables while the other fleet test does the same.
fn ddl(ex: &mut MysqlExecutor, sql: &str) {
    for _ in 0..20 {
        match ex.execute(sql) {
            Err(e) if e.to_string().contains("ERROR 5627") => {
                std::thread::sleep(Duration::from_millis(200));
            }
            done => return done.unwrap_or_else(|e| panic!("{sql}: {e}")),
        }
    }
    panic!("{sql}: seekdb kept answering \"Schema try again\"");
}

impl Fleet {
    /// The fleet of test `tag` (each test its own databases).
    fn new(engine: Engine, tag: &str) -> Fleet {
        let fleet = Fleet {
            engine,
            prefix: format!("ssfl_{}_{tag}_{}", engine.name(), std::process::id()),
            dir: tempfile::tempdir().unwrap(),
        };
        let base = engine.url();
        let mut admin = MysqlExecutor::connect(&base).unwrap();
        for d in 0..DATABASES {
            let db = fleet.db(d);
            ddl(
                &mut admin,
                &format!("DROP DATABASE IF EXISTS {}", quote_ident(&db)),
            );
            ddl(&mut admin, &format!("CREATE DATABASE {}", quote_ident(&db)));
        }
        // Four loaders: seekdb's DDL is slow one at a time.
        std::thread::scope(|scope| {
            for part in 0..4 {
                let fleet = &fleet;
                scope.spawn(move || {
                    for d in (part..DATABASES).step_by(4) {
                        let mut ex = fleet.exec(d);
                        for n in 0..8 {
                            ddl(&mut ex, &format!(
                                "CREATE TABLE order_{n:02} (id bigint NOT NULL, user_id bigint NOT NULL, \
                                 total decimal(12,2) NOT NULL DEFAULT 0, PRIMARY KEY (id), \
                                 KEY idx_user (user_id))"
                            ));
                            ddl(&mut ex, &format!(
                                "CREATE TABLE item_{n:02} (id bigint NOT NULL, order_id bigint NOT NULL, \
                                 sku varchar(40) NOT NULL, PRIMARY KEY (id))"
                            ));
                        }
                    }
                });
            }
        });
        fleet
    }

    fn db(&self, d: usize) -> String {
        format!("{}_{d}", self.prefix)
    }

    fn url(&self, d: usize) -> String {
        format!("{}/{}", self.engine.url().trim_end_matches('/'), self.db(d))
    }

    fn exec(&self, d: usize) -> MysqlExecutor {
        MysqlExecutor::connect(&self.url(d)).unwrap()
    }

    /// `sync --all --yes` of database `d`.
    fn sync(&self, d: usize) {
        let url = self.url(d);
        let store = self.dir.path().join("tasks.db");
        let store = store.to_string_lossy();
        let out = run(&["sync", "--url", &url, "--all", "--yes", "--store", &store]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }

    /// The fleet file: the engine's server, every database, `__` shadows
    /// (private: it may hold the engine URL's password).
    fn file(&self) -> String {
        let path = self.dir.path().join("fleet.toml");
        private(&path);
        std::fs::write(
            &path,
            format!(
                "prefix = \"__\"\ninclude = [\"order_*\", \"item_*\"]\n\n[[server]]\nurl = \"{}\"\n\
                 schemas = [\"{}_{{0..{}}}\"]\n",
                self.engine.url(),
                self.prefix,
                DATABASES - 1
            ),
        )
        .unwrap();
        path.to_string_lossy().into_owned()
    }

    /// `check --fleet` as JSON: exit status and view.
    fn check(&self, extra: &[&str]) -> (Option<i32>, Value) {
        let file = self.file();
        let mut args = vec!["check", "--fleet", &file, "--format", "json"];
        args.extend_from_slice(extra);
        let out = run(&args);
        let view: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("not JSON: {}\n{}", text(&out.stdout), text(&out.stderr)));
        // The checked-in schema of the view holds for real output.
        view_schema::assert_valid("fleet_check", &view);
        (out.status.code(), view)
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let mut admin = MysqlExecutor::connect(&self.engine.url()).unwrap();
        for d in 0..DATABASES {
            ddl(
                &mut admin,
                &format!("DROP DATABASE IF EXISTS {}", quote_ident(&self.db(d))),
            );
        }
    }
}

/// Create `path` empty with mode 600.
fn private(path: &std::path::Path) {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .unwrap();
}

fn logical<'a>(view: &'a Value, name: &str) -> &'a Value {
    view["logical_tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no logical table {name}: {view}"))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn a_fleet_rolls_up_per_logical_table(engine: Engine) {
    let fleet = Fleet::new(engine, "roll");
    let (code, view) = fleet.check(&[]);
    assert_eq!(code, Some(1), "no shadows yet: {view}");
    assert_eq!(view["counts"]["missing"], 128, "{view}");
    for d in 0..DATABASES {
        fleet.sync(d);
    }
    let (code, view) = fleet.check(&["--connections", "3", "--servers", "1"]);
    assert_eq!(code, Some(0), "every shard synced: {view}");
    assert_eq!(view["counts"]["tables"], 128);
    assert_eq!(view["counts"]["members"], DATABASES);
    assert!(view["warnings"].as_array().unwrap().is_empty(), "{view}");
    // Drift in two shards, a shadow gone in a third, and one source shard
    // changed alone (its shadow drifted too).
    fleet
        .exec(2)
        .execute("ALTER TABLE __order_03 MODIFY total decimal(14,2) NOT NULL DEFAULT 0")
        .unwrap();
    fleet.exec(5).execute("DROP TABLE __item_05").unwrap();
    fleet
        .exec(7)
        .execute("ALTER TABLE order_01 ADD COLUMN note varchar(20) DEFAULT NULL")
        .unwrap();
    let (code, view) = fleet.check(&[]);
    assert_eq!(code, Some(1), "{view}");
    assert_eq!(view["ready"], false);
    let order = logical(&view, "order");
    assert_eq!(
        (&order["total"], &order["ready"], &order["drifted"]),
        (&64.into(), &62.into(), &2.into()),
        "{order}"
    );
    let server = engine.url();
    let host = server
        .split_once('@')
        .map(|(_, h)| h.trim_end_matches('/'))
        .unwrap()
        .to_string();
    assert_eq!(
        strings(&order["odd"]),
        [
            format!("{host}/{}.order_03 drifted", fleet.db(2)),
            format!("{host}/{}.order_01 drifted", fleet.db(7)),
        ]
    );
    assert_eq!(order["source_variants"], 2);
    assert_eq!(
        strings(&order["odd_sources"]),
        [format!("{host}/{}.order_01", fleet.db(7))]
    );
    let item = logical(&view, "item");
    assert_eq!((&item["missing"], &item["ready"]), (&1.into(), &63.into()));
    assert_eq!(
        strings(&item["odd"]),
        [format!("{host}/{}.item_05 missing", fleet.db(5))]
    );
    let warnings = strings(&view["warnings"]);
    assert!(
        warnings.len() == 1 && warnings[0].contains("sources of `order` differ"),
        "{warnings:?}"
    );
    // The text report says the same in words.
    let file = fleet.file();
    let out = run(&["check", "--fleet", &file]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains("NOT READY") && report.contains("order_03 drifted"),
        "{report}"
    );
    // Synced again, every shadow is ready; the differing source stays
    // reported: only production can fix it.
    for d in [2, 5, 7] {
        fleet.sync(d);
    }
    let (code, view) = fleet.check(&[]);
    assert_eq!(code, Some(0), "{view}");
    assert_eq!(view["counts"]["ready"], 128);
    assert_eq!(strings(&view["warnings"]).len(), 1, "{view}");
}

fn an_unreachable_database_fails_the_fleet_closed(engine: Engine) {
    let fleet = Fleet::new(engine, "down");
    let path = fleet.dir.path().join("broken.toml");
    private(&path);
    std::fs::write(
        &path,
        format!(
            "[[server]]\nurl = \"{}\"\nschemas = [\"{}\", \"{}_nope\"]\n",
            engine.url(),
            fleet.db(0),
            fleet.prefix
        ),
    )
    .unwrap();
    let path = path.to_string_lossy();
    let out = run(&["check", "--fleet", &path, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let view: Value = serde_json::from_slice(&out.stdout).unwrap();
    view_schema::assert_valid("fleet_check", &view);
    assert_eq!(view["counts"]["failed_members"], 1, "{view}");
    let members = view["members"].as_array().unwrap();
    assert!(
        members[1]["error"].as_str().unwrap().contains("_nope"),
        "{view}"
    );
    // A fleet file holding a password that others may read is refused.
    if engine.url().contains(":shadowsync@") {
        let open = fleet.dir.path().join("open.toml");
        std::fs::copy(path.as_ref(), &open).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = run(&["check", "--fleet", &open.to_string_lossy()]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("chmod 600"),
            "{}",
            text(&out.stderr)
        );
    }
    // A bad fleet file is bad input, naming the file.
    std::fs::write(fleet.dir.path().join("bad.toml"), "colour = 1\n").unwrap();
    let bad = fleet.dir.path().join("bad.toml");
    let out = run(&["check", "--fleet", &bad.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("bad.toml"),
        "{}",
        text(&out.stderr)
    );
}

on_both_engines!(
    a_fleet_rolls_up_per_logical_table,
    an_unreachable_database_fails_the_fleet_closed
);
