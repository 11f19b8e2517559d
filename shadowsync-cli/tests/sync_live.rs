//! `shadowsync sync` and `shadowsync task`, run as processes against MariaDB
//! and seekdb (OceanBase, MySQL mode): end to end with about twenty tables,
//! `--on-error abort` and `continue` on a statement the server refuses,
//! initiate again, approval, scheduling with `--at` and `task run-due`, and
//! recovery from a process killed between a statement and its record.
//!
//! Start the servers with `eval "$(scripts/engines.sh start)"`; a missing URL
//! variable fails the tests rather than skipping them. Each test works in
//! its own scratch database and its own task database.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use shadowsync_core::task::flow::DEFAULT_EXPIRY_MS;
use shadowsync_core::task::log::format_utc;
use shadowsync_core::task::{
    ApprovalFlow, ApprovalNode, Approvers, MatchRule, Store, TaskCenter, TaskStatus,
};
use shadowsync_core::Executor;
use shadowsync_mysql::{MysqlExecutor, MysqlStore};
use shadowsync_store::{SqliteStore, SystemClock};

#[path = "../../tests/schema/script.rs"]
mod script;
use script::statements;

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::Engine;

/// The demo shop (ten tables, a view, an outdated `__products`).
const SHOP: &str = include_str!("../../examples/shop.sql");

/// Ten more tables beside the shop: FKs into it and among themselves, a
/// CHECK, an up-to-date shadow (`__settings`) and an outdated one with an
/// index too many (`__suppliers`).
const MORE: &[&str] = &[
    "CREATE TABLE warehouses (id int NOT NULL, name varchar(50) NOT NULL, PRIMARY KEY (id))",
    "CREATE TABLE stock_levels (product_id bigint NOT NULL, warehouse_id int NOT NULL, \
     qty int NOT NULL DEFAULT 0, PRIMARY KEY (product_id, warehouse_id), \
     KEY idx_stock_wh (warehouse_id), \
     CONSTRAINT fk_stock_product FOREIGN KEY (product_id) REFERENCES products (id), \
     CONSTRAINT fk_stock_wh FOREIGN KEY (warehouse_id) REFERENCES warehouses (id))",
    "CREATE TABLE suppliers (id int NOT NULL, name varchar(80) NOT NULL, \
     country char(2) DEFAULT NULL, PRIMARY KEY (id))",
    "CREATE TABLE __suppliers (id int NOT NULL, name varchar(80) NOT NULL, \
     country char(2) DEFAULT NULL, PRIMARY KEY (id), KEY idx_old_name (name)) \
     COMMENT='[shadowsync:shadow]'",
    "CREATE TABLE shipments (id bigint NOT NULL, order_id bigint NOT NULL, \
     carrier varchar(30) NOT NULL, shipped_at datetime DEFAULT NULL, PRIMARY KEY (id), \
     KEY idx_ship_order (order_id), \
     CONSTRAINT fk_ship_order FOREIGN KEY (order_id) REFERENCES orders (id))",
    "CREATE TABLE refunds (id bigint NOT NULL, payment_id bigint NOT NULL, \
     amount decimal(12,2) NOT NULL, PRIMARY KEY (id), KEY idx_refund_payment (payment_id), \
     CONSTRAINT fk_refund_payment FOREIGN KEY (payment_id) REFERENCES payments (id))",
    "CREATE TABLE reviews (id bigint NOT NULL, product_id bigint NOT NULL, \
     customer_id bigint NOT NULL, rating tinyint NOT NULL, body text, PRIMARY KEY (id), \
     KEY idx_review_product (product_id), KEY idx_review_customer (customer_id), \
     CONSTRAINT fk_review_product FOREIGN KEY (product_id) REFERENCES products (id), \
     CONSTRAINT fk_review_customer FOREIGN KEY (customer_id) REFERENCES customers (id), \
     CONSTRAINT chk_review_rating CHECK (rating BETWEEN 1 AND 5))",
    "CREATE TABLE carts (id bigint NOT NULL, customer_id bigint DEFAULT NULL, \
     updated_at datetime DEFAULT NULL, PRIMARY KEY (id), KEY idx_cart_customer (customer_id), \
     CONSTRAINT fk_cart_customer FOREIGN KEY (customer_id) REFERENCES customers (id))",
    "CREATE TABLE cart_items (cart_id bigint NOT NULL, product_id bigint NOT NULL, \
     qty int NOT NULL DEFAULT 1, PRIMARY KEY (cart_id, product_id), \
     KEY idx_ci_product (product_id), \
     CONSTRAINT fk_ci_cart FOREIGN KEY (cart_id) REFERENCES carts (id) ON DELETE CASCADE, \
     CONSTRAINT fk_ci_product FOREIGN KEY (product_id) REFERENCES products (id))",
    "CREATE TABLE audit_log (id bigint NOT NULL, at datetime NOT NULL, \
     message varchar(500) NOT NULL, PRIMARY KEY (id))",
    "CREATE TABLE settings (name varchar(64) NOT NULL, value varchar(255) DEFAULT NULL, \
     PRIMARY KEY (name))",
    "CREATE TABLE __settings (name varchar(64) NOT NULL, value varchar(255) DEFAULT NULL, \
     PRIMARY KEY (name)) COMMENT='[shadowsync:shadow]'",
];

/// Three tables whose shadows each miss a column or a key: `a_bad` comes
/// first and cannot be altered, because its shadow holds data that the
/// unique key the source has would reject.
const ON_ERROR: &[&str] = &[
    "CREATE TABLE a_bad (id int NOT NULL, code varchar(10) NOT NULL, PRIMARY KEY (id), \
     UNIQUE KEY uk_code (code))",
    "CREATE TABLE __a_bad (id int NOT NULL, code varchar(10) NOT NULL, PRIMARY KEY (id)) COMMENT='[shadowsync:shadow]'",
    "INSERT INTO __a_bad (id, code) VALUES (1, 'dup'), (2, 'dup')",
    "CREATE TABLE b_good (id int NOT NULL, v int DEFAULT NULL, PRIMARY KEY (id))",
    "CREATE TABLE __b_good (id int NOT NULL, PRIMARY KEY (id)) COMMENT='[shadowsync:shadow]'",
    "CREATE TABLE c_good (id int NOT NULL, w varchar(10) DEFAULT NULL, PRIMARY KEY (id))",
    "CREATE TABLE __c_good (id int NOT NULL, PRIMARY KEY (id)) COMMENT='[shadowsync:shadow]'",
];

/// Two tables to create.
const SMALL: &[&str] = &[
    "CREATE TABLE parent (id int NOT NULL, name varchar(20) NOT NULL DEFAULT '', PRIMARY KEY (id))",
    "CREATE TABLE child (id int NOT NULL, parent_id int NOT NULL, PRIMARY KEY (id), \
     KEY idx_parent (parent_id), \
     CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id))",
];

/// The shop and the ten more tables: 20 sources.
fn twenty_tables() -> Vec<String> {
    let mut all = statements(SHOP);
    all.extend(MORE.iter().map(|s| s.to_string()));
    all
}

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// One test on one engine: a scratch database and a task store (a SQLite
/// file, or a database on the same server).
struct Case {
    engine: Engine,
    db: String,
    store: String,
}

/// The lease every CLI process of these tests holds tasks for.
const LEASE_SECONDS: u64 = 2;

/// Waits until the lease of a worker that died now has surely expired.
fn outlive_the_lease() {
    std::thread::sleep(Duration::from_millis(LEASE_SECONDS * 1_000 + 300));
}

impl Case {
    /// A fresh database `ssync_<test>_<engine>` holding `schema`, and an
    /// empty task database.
    fn new(engine: Engine, test: &str, schema: &[String]) -> Case {
        let db = format!("ssync_{test}_{}", engine.name());
        let mut ex = MysqlExecutor::connect(&engine.url()).expect("connect");
        ex.drop_database(&db).expect("drop database");
        ex.create_database(&db).expect("create database");
        ex.use_database(&db).expect("use database");
        for sql in schema {
            ex.execute(sql).unwrap_or_else(|e| {
                panic!("{}: schema statement failed: {e}\n{sql}", engine.name())
            });
        }
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sync_live");
        std::fs::create_dir_all(&dir).unwrap();
        let store = dir.join(format!("{db}.db")).to_string_lossy().into_owned();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{store}{suffix}"));
        }
        Case { engine, db, store }
    }

    /// The same case with its task store in a fresh database `<db>_tasks`
    /// of the server instead of a file.
    fn with_server_store(mut self) -> Case {
        let store_db = format!("{}_tasks", self.db);
        let mut ex = MysqlExecutor::connect(&self.engine.url()).expect("connect");
        ex.drop_database(&store_db).expect("drop store database");
        ex.create_database(&store_db)
            .expect("create store database");
        self.store = format!("{}/{store_db}", self.engine.url().trim_end_matches('/'));
        self
    }

    /// The URL of the scratch database.
    fn url(&self) -> String {
        format!("{}/{}", self.engine.url().trim_end_matches('/'), self.db)
    }

    /// `:password@` of the engine's URL, which must never show; `None` when
    /// the URL has no password.
    fn secret(&self) -> Option<String> {
        let url = self.engine.url();
        let userinfo = url.split_once("://")?.1.split_once('@')?.0.to_string();
        let password = userinfo.split_once(':')?.1;
        (!password.is_empty()).then(|| format!(":{password}@"))
    }

    fn exec(&self) -> MysqlExecutor {
        MysqlExecutor::connect(&self.url()).expect("connect")
    }

    /// Run the CLI with `args`, the task database and `env`, stdin empty (so
    /// never a terminal); checks that no password is printed.
    fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_shadowsync"));
        command
            .args(args)
            .arg("--store")
            .arg(&self.store)
            .stdin(Stdio::null())
            .env_remove("SHADOWSYNC_URL")
            .env_remove("SHADOWSYNC_STORE")
            .env_remove("SHADOWSYNC_TEST_CRASH_AFTER")
            .env_remove("SHADOWSYNC_HOST_ID")
            // A short lease, so that a crashed worker's task is free soon.
            .env("SHADOWSYNC_LEASE_SECONDS", LEASE_SECONDS.to_string());
        for (name, value) in env {
            command.env(name, value);
        }
        let out = command.output().unwrap();
        if let Some(secret) = self.secret() {
            for stream in [&out.stdout, &out.stderr] {
                assert!(
                    !text(stream).contains(&secret),
                    "a password was printed by {args:?}:\n{}",
                    text(stream)
                );
            }
        }
        out
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    /// `sync` on the scratch database with the `__` prefix, JSON output.
    fn sync(&self, extra: &[&str]) -> Output {
        self.sync_with(extra, &[])
    }

    fn sync_with(&self, extra: &[&str], env: &[(&str, &str)]) -> Output {
        let url = self.url();
        let mut args = vec!["sync", "--url", &url, "--prefix", "__", "--format", "json"];
        args.extend_from_slice(extra);
        self.run_with(&args, env)
    }

    /// `task show ID --format json`: the task.
    fn show(&self, id: u64) -> Value {
        let out = self.run(&["task", "show", &id.to_string(), "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let value: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (&value["schema_version"], &value["kind"]),
            (&1.into(), &"task".into())
        );
        value
    }

    fn logs(&self, id: u64, extra: &[&str]) -> String {
        let mut args = vec!["task", "logs"];
        let id = id.to_string();
        args.push(&id);
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    }

    /// `task run-due` with the server URL.
    fn run_due(&self) -> Output {
        let server = self.engine.url();
        self.run(&["task", "run-due", "--url", &server])
    }

    /// The plan as JSON, by source table.
    fn plan(&self, extra: &[&str]) -> HashMap<String, Value> {
        let url = self.url();
        let mut args = vec![
            "plan", "--url", &url, "--prefix", "__", "--all", "--format", "json",
        ];
        args.extend_from_slice(extra);
        let out = Command::new(env!("CARGO_BIN_EXE_shadowsync"))
            .args(&args)
            .output()
            .unwrap();
        let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(plan["kind"], "plan", "{plan}");
        // 2 when a table is refused, else 1 when there are changes, else 0.
        let count = |what: &str| plan["counts"][what].as_u64().unwrap();
        let status = if count("refused") > 0 {
            2
        } else {
            i32::from(count("create") + count("alter") > 0)
        };
        assert_eq!(out.status.code(), Some(status), "{}", text(&out.stderr));
        plan["tables"]
            .as_array()
            .unwrap()
            .iter()
            .cloned()
            .map(|t| (t["source"].as_str().unwrap().to_string(), t))
            .collect()
    }

    /// Every table of a fresh plan is in step, apart from `except`.
    fn assert_converged(&self, extra: &[&str], except: &[&str]) {
        for (source, t) in self.plan(extra) {
            if except.contains(&source.as_str()) {
                continue;
            }
            assert_eq!(
                (t["action"].as_str(), t["reason"].as_str()),
                (Some("skip"), Some("identical")),
                "{}: `{source}` is not in step: {t}",
                self.engine.name()
            );
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The JSON document of a `sync --format json` run.
fn sync_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

/// The id of the task a `sync --format json` run submitted.
fn task_id(out: &Output) -> u64 {
    sync_json(out)["task"]["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("no task in {}{}", text(&out.stdout), text(&out.stderr)))
}

fn status(task: &Value) -> &str {
    task["status"].as_str().unwrap()
}

/// `(source, planned action, table status, statement statuses)` of each table.
fn tables(task: &Value) -> Vec<(String, String, String, Vec<String>)> {
    task["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["source"].as_str().unwrap().to_string(),
                t["action"].as_str().unwrap().to_string(),
                t["status"].as_str().unwrap().to_string(),
                t["statements"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["status"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

/// The table of `task` whose source is `source` (its plan and its result
/// are one object in the task view).
fn table<'a>(task: &'a Value, source: &str) -> &'a Value {
    let table = task["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["source"] == source)
        .unwrap_or_else(|| panic!("no `{source}` in the task"));
    table
}

/// The task database file and its write-ahead log, as text.
fn store_bytes(case: &Case) -> String {
    ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::read(format!("{}{suffix}", case.store)).ok())
        .map(|bytes| text(&bytes))
        .collect()
}

/// Unix milliseconds now.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

// ---------------------------------------------------------------- tests ---

fn end_to_end(engine: Engine) {
    let case = Case::new(engine, "e2e", &twenty_tables());
    let url = case.url();
    let sync = |extra: &[&str]| {
        let mut args = vec![
            "sync",
            "--url",
            &url,
            "--prefix",
            "__",
            "--all",
            "--skip",
            "audit_log",
        ];
        args.extend_from_slice(extra);
        case.run(&args)
    };

    // Without --yes and without a terminal, nothing is submitted.
    let refused = sync(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("pass --yes"),
        "{}",
        text(&refused.stderr)
    );
    let list = case.run(&["task", "list", "--format", "json"]);
    assert_eq!(
        serde_json::from_slice::<Value>(&list.stdout).unwrap()["total"],
        0
    );

    let out = sync(&["--yes", "--creator", "tester", "--remarks", "e2e run"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("-- SQL preview"),
        "the plan is printed first: {stdout}"
    );
    let id: u64 = stdout
        .lines()
        .find_map(|l| {
            l.strip_prefix("Task ")?
                .strip_suffix(": succeeded")?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no `Task N: succeeded` line in {stdout}"));

    let task = case.show(id);
    assert_eq!(status(&task), "succeeded");
    assert_eq!(task["creator"], "tester");
    assert_eq!(task["remarks"], "e2e run");
    let outcome = tables(&task);
    assert_eq!(outcome.len(), 20, "{outcome:?}");
    let mut ran = Vec::new();
    for (source, action, table_status, statements) in &outcome {
        match action.as_str() {
            "skip" => assert_eq!(table_status, "skipped", "{source}"),
            _ => {
                assert_eq!(table_status, "succeeded", "{source}");
                assert!(
                    statements.iter().all(|s| s == "applied"),
                    "{source}: {statements:?}"
                );
                ran.push(source.as_str());
            }
        }
    }
    assert_eq!(ran.len(), 18, "{outcome:?}");
    for (source, action) in [
        ("products", "alter"),
        ("suppliers", "alter"),
        ("orders", "create"),
        ("settings", "skip"),
        ("audit_log", "skip"),
    ] {
        assert_eq!(table(&task, source)["action"], action, "{source}");
    }
    assert_eq!(table(&task, "audit_log")["error"], "user");
    assert_eq!(table(&task, "settings")["error"], "identical");

    // `task show` (text) and `task logs` tell every table's outcome.
    let shown = case.run(&["task", "show", &id.to_string()]);
    let shown = text(&shown.stdout);
    for (source, _, table_status, _) in &outcome {
        assert!(
            shown
                .lines()
                .any(|l| l.starts_with(&format!("{source} ")) && l.contains(table_status.as_str())),
            "`{source}` {table_status} missing from:\n{shown}"
        );
    }
    assert!(
        shown.contains("Timeline:") && shown.contains("finished: succeeded"),
        "{shown}"
    );
    let logs = case.logs(id, &[]);
    for source in &ran {
        assert!(
            logs.contains(&format!("table `{source}` succeeded")),
            "{source}:\n{logs}"
        );
    }
    assert_eq!(case.logs(id, &["--alerts"]), "", "no warning or error");
    let found = case.logs(id, &["--search", "PRODUCTS"]);
    assert!(!found.is_empty() && found.lines().all(|l| l.to_lowercase().contains("products")));
    let export = std::path::Path::new(&case.store).with_extension("log");
    let exported = case.run(&[
        "task",
        "logs",
        &id.to_string(),
        "--export",
        export.to_str().unwrap(),
    ]);
    assert_eq!(
        exported.status.code(),
        Some(0),
        "{}",
        text(&exported.stderr)
    );
    assert_eq!(std::fs::read_to_string(&export).unwrap(), logs);

    // The list finds it by its filters, and only by matching ones.
    let count = |args: &[&str]| {
        let mut all = vec!["task", "list", "--format", "json"];
        all.extend_from_slice(args);
        let out = case.run(&all);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count(&[]), 1);
    assert_eq!(
        count(&[
            "--creator",
            "tester",
            "--database",
            &case.db,
            "--status",
            "succeeded"
        ]),
        1
    );
    assert_eq!(
        count(&["--connection", &url]),
        1,
        "a URL with its password still matches"
    );
    assert_eq!(count(&["--status", "failed,partially_succeeded"]), 0);
    assert_eq!(count(&["--creator", "somebody"]), 0);
    assert_eq!(count(&["--all-time", "--sort", "status", "--page", "1"]), 1);

    // Nothing left to do; the password is stored nowhere.
    case.assert_converged(&["--skip", "audit_log"], &["audit_log"]);
    if let Some(secret) = case.secret() {
        assert!(
            !store_bytes(&case).contains(&secret),
            "the task database holds the password"
        );
    }
    let again = sync(&["--yes"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(text(&again.stdout).contains("Nothing to run: no task submitted."));
}

fn on_error_abort_then_again(engine: Engine) {
    let case = Case::new(engine, "abort", &owned(ON_ERROR));
    let out = case.sync(&["--all", "--yes", "--on-error", "abort"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let id = task_id(&out);
    assert!(
        text(&out.stderr).contains(&format!("task {id} failed")),
        "{}",
        text(&out.stderr)
    );
    let task = case.show(id);
    assert_eq!(status(&task), "failed");
    let bad = table(&task, "a_bad");
    assert_eq!(bad["status"], "failed");
    assert_eq!(bad["statements"][0]["status"], "failed");
    assert!(bad["statements"][0]["error"]
        .as_str()
        .is_some_and(|e| !e.is_empty()));
    for rest in ["b_good", "c_good"] {
        let t = table(&task, rest);
        assert_eq!(t["status"], "skipped", "{rest}: {t}");
        assert_eq!(t["error"], "not run: task failed", "{rest}");
        assert!(t["statements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "pending"));
    }
    let alerts = case.logs(id, &["--alerts"]);
    assert!(alerts.contains("table `a_bad` failed"), "{alerts}");
    let plan = case.plan(&[]);
    assert_eq!(plan["b_good"]["action"], "alter", "b_good was left alone");

    // Once the data allows the key, initiating the task again finishes the job.
    case.exec()
        .execute("DELETE FROM __a_bad WHERE id = 2")
        .unwrap();
    let server = case.engine.url();
    let out = case.run(&[
        "task",
        "again",
        &id.to_string(),
        "--url",
        &server,
        "--yes",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let new = task_id(&out);
    assert!(new > id);
    let task = case.show(new);
    assert_eq!(status(&task), "succeeded");
    assert_eq!(task["initiated_from"], id);
    assert_eq!(task["on_error"], "abort", "kept from the old task");
    case.assert_converged(&[], &[]);
}

fn on_error_continue(engine: Engine) {
    let case = Case::new(engine, "continue", &owned(ON_ERROR));
    let out = case.sync(&["--all", "--yes", "--on-error", "continue"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let id = task_id(&out);
    let task = case.show(id);
    assert_eq!(status(&task), "partially_succeeded");
    assert_eq!(table(&task, "a_bad")["status"], "failed");
    for rest in ["b_good", "c_good"] {
        let t = table(&task, rest);
        assert_eq!(t["status"], "succeeded", "{rest}: {t}");
        assert_eq!(t["statements"][0]["status"], "applied");
    }
    let plan = case.plan(&[]);
    assert_eq!(plan["a_bad"]["action"], "alter");
    case.assert_converged(&[], &["a_bad"]);
}

fn approval_and_rejection(engine: Engine) {
    let case = Case::new(engine, "approval", &owned(SMALL));
    // A flow with one node for the role `dba`, set the way an admin would
    // (the CLI has no command for flows).
    let center = TaskCenter::new(SqliteStore::open(&case.store).unwrap(), SystemClock);
    center
        .set_flows(&[ApprovalFlow {
            name: "dba gate".into(),
            nodes: vec![ApprovalNode {
                name: "dba".into(),
                approvers: Approvers::Role("dba".into()),
            }],
            rules: vec![MatchRule::new("*", "*")],
            approval_expiry_ms: DEFAULT_EXPIRY_MS,
            execution_expiry_ms: DEFAULT_EXPIRY_MS,
            forbid_self_approval: true,
            // This test decides as named users (`--as alice`), which the
            // CLI only allows under a flow that accepts delegated identities.
            allow_delegated_identity: true,
            auto_approve: Default::default(),
        }])
        .unwrap();

    let out = case.sync(&["--tables", "parent", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let id = task_id(&out);
    assert_eq!(status(&sync_json(&out)["task"]), "pending_approval");
    let id_text = id.to_string();
    let denied = case.run(&[
        "task",
        "approve",
        &id_text,
        "--as",
        "bob",
        "--comment",
        "me",
    ]);
    assert_eq!(denied.status.code(), Some(3), "bob has no role");
    assert!(
        text(&denied.stderr).contains("may not decide"),
        "{}",
        text(&denied.stderr)
    );
    let approved = case.run(&[
        "task",
        "approve",
        &id_text,
        "--as",
        "alice",
        "--role",
        "dba",
        "--comment",
        "fine",
    ]);
    assert_eq!(
        approved.status.code(),
        Some(0),
        "{}",
        text(&approved.stderr)
    );
    assert!(text(&approved.stdout).contains("waiting_for_execution"));
    let due = case.run_due();
    assert_eq!(
        due.status.code(),
        Some(0),
        "{}{}",
        text(&due.stdout),
        text(&due.stderr)
    );
    assert!(
        text(&due.stdout).contains(&format!("Ran task {id}")),
        "{}",
        text(&due.stdout)
    );
    let task = case.show(id);
    assert_eq!(status(&task), "succeeded");
    let shown = text(&case.run(&["task", "show", &id_text]).stdout);
    assert!(
        shown.contains("alice approved node 0 (dba): fine"),
        "{shown}"
    );

    let out = case.sync(&["--tables", "child", "--yes"]);
    let rejected_id = task_id(&out).to_string();
    let rejected = case.run(&[
        "task",
        "reject",
        &rejected_id,
        "--as",
        "alice",
        "--role",
        "dba",
        "--comment",
        "not now",
    ]);
    assert_eq!(
        rejected.status.code(),
        Some(0),
        "{}",
        text(&rejected.stderr)
    );
    assert!(text(&rejected.stdout).contains("rejected"));
    assert_eq!(case.plan(&[])["child"]["action"], "create", "nothing ran");
}

fn scheduled_task_waits_for_its_time(engine: Engine) {
    let case = Case::new(engine, "scheduled", &owned(SMALL));
    let at = now_ms() + 4_000;
    let out = case.sync(&["--all", "--yes", "--at", &format_utc(at)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let id = task_id(&out);
    let task = case.show(id);
    assert_eq!(status(&task), "waiting_for_execution");
    assert_eq!(task["due_at"], format_utc(at).as_str());

    let early = case.run_due();
    assert_eq!(early.status.code(), Some(0), "{}", text(&early.stderr));
    if now_ms() < at {
        assert_eq!(
            status(&case.show(id)),
            "waiting_for_execution",
            "ran before its time"
        );
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pass = case.run_due();
        assert_eq!(
            pass.status.code(),
            Some(0),
            "{}{}",
            text(&pass.stdout),
            text(&pass.stderr)
        );
        if text(&pass.stdout).contains(&format!("Ran task {id}")) {
            break;
        }
        assert!(Instant::now() < deadline, "task {id} never ran");
        std::thread::sleep(Duration::from_millis(500));
    }
    let task = case.show(id);
    assert_eq!(status(&task), "succeeded");
    // RFC 3339 UTC times of one width compare as text.
    assert!(task["started_at"].as_str().unwrap() >= format_utc(at).as_str());
    case.assert_converged(&[], &[]);
}

/// The CLI is killed right after the server applied statement 4 of 10 and
/// before the task center recorded it; `task run-due` takes the task over
/// from the dead process and finishes it without sending anything twice.
fn crash_then_run_due_finishes(engine: Engine) {
    let case = Case::new(engine, "crash", &statements(SHOP));
    let out = case.sync_with(&["--all", "--yes"], &[("SHADOWSYNC_TEST_CRASH_AFTER", "4")]);
    assert_eq!(out.status.code(), Some(137), "{}", text(&out.stderr));
    let listed = case.run(&["task", "list", "--status", "executing", "--format", "json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed["total"], 1);
    let id = listed["items"][0]["id"].as_u64().unwrap();
    let before = tables(&case.show(id));
    let count = |outcome: &[(String, String, String, Vec<String>)], status: &str| {
        outcome
            .iter()
            .flat_map(|t| &t.3)
            .filter(|s| *s == status)
            .count()
    };
    assert_eq!(count(&before, "applied"), 3, "{before:?}");
    assert_eq!(count(&before, "running"), 1, "{before:?}");
    assert_eq!(count(&before, "pending"), 6, "{before:?}");

    outlive_the_lease();
    // The orphan policy `kill` finds nothing running (the crashed process's
    // statement had ended): the same outcome as waiting.
    let server = case.engine.url();
    let due = case.run(&["task", "run-due", "--url", &server, "--orphans", "kill"]);
    assert_eq!(
        due.status.code(),
        Some(0),
        "{}{}",
        text(&due.stdout),
        text(&due.stderr)
    );
    assert!(
        text(&due.stdout).contains(&format!("Ran task {id} (resumed")),
        "{}",
        text(&due.stdout)
    );
    let task = case.show(id);
    assert_eq!(status(&task), "succeeded");
    let after = tables(&task);
    assert_eq!(count(&after, "applied"), 10, "{after:?}");
    assert!(after.iter().all(|t| t.2 == "succeeded"), "{after:?}");

    // Each statement was sent once: three before the crash, the interrupted
    // one settled by inspection, six after.
    let logs = case.logs(id, &[]);
    let applied: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("statement 1 of 1 applied"))
        .collect();
    assert_eq!(applied.len(), 9, "{logs}");
    for (source, ..) in &after {
        let sent = applied
            .iter()
            .filter(|l| l.contains(&format!("`{source}`:")))
            .count();
        assert!(sent <= 1, "`{source}` was sent {sent} times:\n{logs}");
    }
    assert!(
        logs.contains("was interrupted after taking effect (its result is in the schema)"),
        "{logs}"
    );
    case.assert_converged(&[], &[]);
}

/// An abort requested while the task's process is dead takes effect when
/// `task resume` takes it over: it stops before its next statement.
fn crash_abort_then_resume(engine: Engine) {
    let case = Case::new(engine, "abort_resume", &statements(SHOP));
    let out = case.sync_with(&["--all", "--yes"], &[("SHADOWSYNC_TEST_CRASH_AFTER", "2")]);
    assert_eq!(out.status.code(), Some(137), "{}", text(&out.stderr));
    let id = case.run(&["task", "list", "--format", "json"]);
    let id = serde_json::from_slice::<Value>(&id.stdout).unwrap()["items"][0]["id"]
        .as_u64()
        .unwrap()
        .to_string();
    let server = case.engine.url();
    let resume_without_url = case.run(&["task", "resume", &id]);
    assert_eq!(resume_without_url.status.code(), Some(2), "a URL is needed");
    // As the OS user: the built-in flow accepts no `--as`.
    let abort = case.run(&["task", "abort", &id, "--comment", "stop it"]);
    assert_eq!(abort.status.code(), Some(0), "{}", text(&abort.stderr));
    outlive_the_lease();
    let resumed = case.run(&["task", "resume", &id, "--url", &server]);
    assert_eq!(resumed.status.code(), Some(3), "{}", text(&resumed.stdout));
    assert!(
        text(&resumed.stderr).contains("aborted"),
        "{}",
        text(&resumed.stderr)
    );
    let task = case.show(id.parse().unwrap());
    assert_eq!(status(&task), "aborted");
    let outcome = tables(&task);
    let succeeded = outcome.iter().filter(|t| t.2 == "succeeded").count();
    assert_eq!(
        succeeded, 2,
        "the interrupted table was settled, nothing after it ran: {outcome:?}"
    );
    assert!(outcome[2..].iter().all(|t| t.2 == "skipped"), "{outcome:?}");
    let again = case.run(&["task", "abort", &id]);
    assert_eq!(
        again.status.code(),
        Some(3),
        "an aborted task cannot be aborted"
    );
}

/// `--store mysql://…`: tasks live in a database of the server, which every
/// host naming it shares. A task one CLI process scheduled is listed and run
/// by later ones from that store, and a store handle of its own (as another
/// host would open) reads the outcome from the server.
fn shared_server_store(engine: Engine) {
    let case = Case::new(engine, "server_store", &owned(SMALL)).with_server_store();
    let at = now_ms() + 2_000;
    let out = case.sync(&["--all", "--yes", "--at", &format_utc(at)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let id = task_id(&out);
    assert_eq!(status(&case.show(id)), "waiting_for_execution");
    let listed = case.run(&["task", "list", "--format", "json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["id"], id);

    let deadline = Instant::now() + Duration::from_secs(60);
    while !text(&case.run_due().stdout).contains(&format!("Ran task {id}")) {
        assert!(Instant::now() < deadline, "task {id} never ran");
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(status(&case.show(id)), "succeeded");
    case.assert_converged(&[], &[]);

    let store = MysqlStore::open(&case.store).expect("open the store on the server");
    let task = store.task(id).expect("the task is in the server's store");
    assert_eq!(task.state.status, TaskStatus::Succeeded);
    assert!(
        store
            .logs(id)
            .unwrap()
            .iter()
            .any(|entry| entry.message.contains("applied")),
        "the run's log is in the server's store"
    );
    assert!(!std::path::Path::new(&case.store).exists());

    let unreachable = Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .args(["task", "list", "--store"])
        .arg(format!("{}_missing", case.store))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(unreachable.status.code(), Some(3));
    let message = text(&unreachable.stderr);
    assert!(
        message.contains("cannot open the task store mysql://"),
        "{message}"
    );
    if let Some(secret) = case.secret() {
        assert!(!message.contains(&secret), "{message}");
    }
}

/// Five tables of their own, so that the server's general log tells this
/// test's statements apart from the other tests'.
const LEASED: &[&str] = &[
    "CREATE TABLE leased_a (id int NOT NULL PRIMARY KEY)",
    "CREATE TABLE leased_b (id int NOT NULL PRIMARY KEY)",
    "CREATE TABLE leased_c (id int NOT NULL PRIMARY KEY)",
    "CREATE TABLE leased_d (id int NOT NULL PRIMARY KEY)",
    "CREATE TABLE leased_e (id int NOT NULL PRIMARY KEY)",
];

/// MariaDB's general log, written to its table for as long as this lives.
/// One test of this file holds it at a time: another's end would turn the
/// log off under it.
struct GeneralLog(
    mysql::Conn,
    #[allow(dead_code)] std::sync::MutexGuard<'static, ()>,
);

/// Who holds the [`GeneralLog`].
static GENERAL_LOG: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl GeneralLog {
    fn on(engine: Engine) -> GeneralLog {
        use mysql::prelude::Queryable;
        let held = GENERAL_LOG
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let opts = mysql::OptsBuilder::from_opts(mysql::Opts::from_url(&engine.url()).unwrap())
            .prefer_socket(false);
        let mut conn = mysql::Conn::new(opts).expect("connect");
        conn.query_drop("SET GLOBAL log_output = 'TABLE', GLOBAL general_log = 1")
            .unwrap();
        GeneralLog(conn, held)
    }

    /// The statements starting with `prefix` the server executed since
    /// `since` (a `NOW(6)` of the server), in the order it logged them,
    /// each with the id of the session that sent it.
    fn sessions_since(&mut self, since: &str, prefix: &str) -> Vec<(u64, String)> {
        use mysql::prelude::Queryable;
        let pattern = format!("{}%", prefix.replace('_', "\\_"));
        self.0
            .exec(
                "SELECT thread_id, CONVERT(argument USING utf8mb4) FROM mysql.general_log \
                 WHERE command_type = 'Execute' AND event_time >= ? \
                 AND CONVERT(argument USING utf8mb4) LIKE ? ORDER BY event_time",
                (since, pattern),
            )
            .unwrap()
    }

    /// The server's time now, as [`GeneralLog::sessions_since`] takes it.
    fn now(&mut self) -> String {
        use mysql::prelude::Queryable;
        self.0
            .query_first("SELECT CAST(NOW(6) AS CHAR)")
            .unwrap()
            .unwrap()
    }

    /// How often the server executed a statement that starts with `prefix`
    /// (shadowsync sends DDL as prepared statements: one `Execute` each).
    fn executed(&mut self, prefix: &str) -> usize {
        use mysql::prelude::Queryable;
        let pattern = format!("{}%", prefix.replace('_', "\\_"));
        let n: Option<usize> = self
            .0
            .exec_first(
                "SELECT COUNT(*) FROM mysql.general_log \
                 WHERE command_type = 'Execute' AND CONVERT(argument USING utf8mb4) LIKE ?",
                (pattern,),
            )
            .unwrap();
        n.unwrap_or(0)
    }
}

impl Drop for GeneralLog {
    fn drop(&mut self) {
        use mysql::prelude::Queryable;
        let _ = self.0.query_drop("SET GLOBAL general_log = 0");
    }
}

/// Two hosts share a task store on the server. Host A's worker dies
/// (as with kill -9) after two statements; while its lease lives, host B
/// neither runs nor resumes the task (and says who holds it); once the
/// lease has expired, B's `run-due` takes the task over and finishes it.
/// Every statement reached the server exactly once (counted in MariaDB's
/// general log; on seekdb, which has none, in the task's statement records
/// and logs).
fn a_dead_hosts_task_moves_to_another_host_once(engine: Engine) {
    let case = Case::new(engine, "lease", &owned(LEASED)).with_server_store();
    let mut general_log = (engine == Engine::Mariadb).then(|| GeneralLog::on(engine));
    let before = general_log
        .as_mut()
        .map(|log| log.executed("CREATE TABLE `__leased_"));
    let host_a = [
        ("SHADOWSYNC_HOST_ID", "host-a"),
        ("SHADOWSYNC_TEST_CRASH_AFTER", "2"),
    ];
    let out = case.sync_with(&["--all", "--yes"], &host_a);
    assert_eq!(out.status.code(), Some(137), "{}", text(&out.stderr));
    let listed = case.run(&["task", "list", "--status", "executing", "--format", "json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let id = listed["items"][0]["id"].as_u64().unwrap();

    let server = case.engine.url();
    let host_b = [("SHADOWSYNC_HOST_ID", "host-b")];
    let due = case.run_with(&["task", "run-due", "--url", &server], &host_b);
    assert_eq!(due.status.code(), Some(0), "{}", text(&due.stderr));
    let task = case.show(id);
    assert_eq!(
        status(&task),
        "executing",
        "the live lease keeps host B out"
    );
    let resume = case.run_with(
        &["task", "resume", &id.to_string(), "--url", &server],
        &host_b,
    );
    assert_eq!(resume.status.code(), Some(3), "{}", text(&resume.stdout));
    assert!(
        text(&resume.stderr).contains("is held by shadowsync-cli@host-a#")
            && text(&resume.stderr).contains("lease is live"),
        "{}",
        text(&resume.stderr)
    );

    outlive_the_lease();
    let due = case.run_with(&["task", "run-due", "--url", &server], &host_b);
    assert_eq!(
        due.status.code(),
        Some(0),
        "{}{}",
        text(&due.stdout),
        text(&due.stderr)
    );
    let task = case.show(id);
    assert_eq!(status(&task), "succeeded", "{task:#}");
    assert!(
        task["worker"]
            .as_str()
            .is_some_and(|w| w.contains("@host-b#")),
        "{task:#}"
    );
    let outcome = tables(&task);
    assert!(outcome.iter().all(|t| t.3 == ["applied"]), "{outcome:?}");
    let logs = case.logs(id, &[]);
    for (source, ..) in &outcome {
        let sent = times_applied(&logs, source);
        assert!(sent <= 1, "`{source}` was applied {sent} times:\n{logs}");
    }
    if let (Some(log), Some(before)) = (general_log.as_mut(), before) {
        let sent = log.executed("CREATE TABLE `__leased_") - before;
        assert_eq!(sent, LEASED.len(), "each CREATE reached the server once");
    }
    case.assert_converged(&[], &[]);
}

/// A chain of three (`par_a` <- `par_b` <- `par_c`), first in the plan's
/// order, and sixteen tables no foreign key joins: what a parallel run
/// must keep in order (sent at once, `par_b`'s key would find no
/// `__par_a`), and what it may spread over its sessions.
fn parallel_schema() -> Vec<String> {
    let mut all: Vec<String> = (0..16)
        .map(|i| format!("CREATE TABLE par_x{i:02} (id int NOT NULL PRIMARY KEY, n int)"))
        .collect();
    all.extend(owned(&[
        "CREATE TABLE par_a (id int NOT NULL PRIMARY KEY)",
        "CREATE TABLE par_b (id int NOT NULL PRIMARY KEY, a_id int, KEY idx_a (a_id), \
         CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES par_a (id))",
        "CREATE TABLE par_c (id int NOT NULL PRIMARY KEY, b_id int, KEY idx_b (b_id), \
         CONSTRAINT fk_c_b FOREIGN KEY (b_id) REFERENCES par_b (id))",
    ]));
    all
}

/// How many statements of `outcome` have `status`.
fn statements_with(outcome: &[(String, String, String, Vec<String>)], status: &str) -> usize {
    outcome
        .iter()
        .flat_map(|t| &t.3)
        .filter(|s| *s == status)
        .count()
}

/// `sync --parallel 4`: the creates spread over four sessions of their own
/// (MariaDB's general log names them), the chain in order, each statement
/// sent once; then sources altered and the shadows' ALTERs run the same
/// way; the shadows end equal to their sources. (Sent at once, the chain
/// fails on seekdb; MariaDB's metadata lock on a key's parent happens to
/// order its creates by itself, so there only the log shows the order.)
fn parallel_sync_spreads_over_sessions(engine: Engine) {
    let case = Case::new(engine, "parallel", &parallel_schema());
    let mut general_log = (engine == Engine::Mariadb).then(|| GeneralLog::on(engine));
    let since = general_log.as_mut().map(GeneralLog::now);
    let out = case.sync(&["--all", "--yes", "--parallel", "4"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let id = task_id(&out);
    let task = case.show(id);
    assert_eq!(status(&task), "succeeded", "{task:#}");
    assert_eq!(task["parallel"], 4);
    let outcome = tables(&task);
    assert_eq!(outcome.len(), 19);
    assert!(outcome.iter().all(|t| t.2 == "succeeded"), "{outcome:?}");
    let logs = case.logs(id, &[]);
    assert!(
        logs.contains("running up to 4 statements at once"),
        "{logs}"
    );
    for (source, ..) in &outcome {
        let applied = times_applied(&logs, source);
        assert_eq!(applied, 1, "`{source}`:\n{logs}");
    }
    if let (Some(log), Some(since)) = (general_log.as_mut(), since.as_deref()) {
        let sent = log.sessions_since(since, "CREATE TABLE `__par_");
        assert_eq!(
            sent.len(),
            19,
            "each CREATE reached the server once: {sent:?}"
        );
        let sessions: std::collections::BTreeSet<u64> = sent.iter().map(|s| s.0).collect();
        assert_eq!(sessions.len(), 4, "four sessions sent them: {sent:?}");
        let at = |table: &str| {
            sent.iter()
                .position(|s| s.1.starts_with(&format!("CREATE TABLE `{table}`")))
                .unwrap_or_else(|| panic!("{table} not created: {sent:?}"))
        };
        assert!(at("__par_a") < at("__par_b") && at("__par_b") < at("__par_c"));
    }
    case.assert_converged(&[], &[]);

    // Every source changes: ALTERs, sixteen of them at once, the chain's in order.
    let mut exec = case.exec();
    for i in 0..16 {
        exec.execute(&format!(
            "ALTER TABLE par_x{i:02} ADD COLUMN extra varchar(20)"
        ))
        .unwrap();
    }
    exec.execute("ALTER TABLE par_a ADD COLUMN code int")
        .unwrap();
    exec.execute("ALTER TABLE par_c ADD COLUMN note int")
        .unwrap();
    let out = case.sync(&["--all", "--yes", "--parallel", "4"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let task = case.show(task_id(&out));
    assert_eq!(status(&task), "succeeded", "{task:#}");
    case.assert_converged(&[], &[]);
}

/// A `--parallel 4` run killed right after the server applied its sixth
/// statement, with others still running on their sessions: `task run-due`
/// settles every statement left `running` from the schema and sends the
/// rest; each statement reached the server once (MariaDB: counted in its
/// general log; seekdb: in the task's records and logs).
fn parallel_crash_then_run_due_finishes_once(engine: Engine) {
    let case = Case::new(engine, "parallel_crash", &parallel_schema());
    let mut general_log = (engine == Engine::Mariadb).then(|| GeneralLog::on(engine));
    let since = general_log.as_mut().map(GeneralLog::now);
    let out = case.sync_with(
        &["--all", "--yes", "--parallel", "4"],
        &[("SHADOWSYNC_TEST_CRASH_AFTER", "6")],
    );
    assert_eq!(out.status.code(), Some(137), "{}", text(&out.stderr));
    let listed = case.run(&["task", "list", "--status", "executing", "--format", "json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let id = listed["items"][0]["id"].as_u64().unwrap();
    let before = tables(&case.show(id));
    let running = statements_with(&before, "running");
    assert_eq!(statements_with(&before, "applied"), 5, "{before:?}");
    assert!((1..=4).contains(&running), "{before:?}");

    outlive_the_lease();
    let server = case.engine.url();
    let due = case.run(&["task", "run-due", "--url", &server]);
    assert_eq!(
        due.status.code(),
        Some(0),
        "{}{}",
        text(&due.stdout),
        text(&due.stderr)
    );
    assert!(text(&due.stdout).contains(&format!("Ran task {id} (resumed")));
    let task = case.show(id);
    assert_eq!(status(&task), "succeeded", "{task:#}");
    let after = tables(&task);
    assert_eq!(statements_with(&after, "applied"), 19, "{after:?}");
    let logs = case.logs(id, &[]);
    let settled = logs
        .lines()
        .filter(|l| l.contains("was interrupted"))
        .count();
    assert_eq!(
        settled, running,
        "each statement left running was settled:\n{logs}"
    );
    for (source, ..) in &after {
        let applied = times_applied(&logs, source);
        assert!(
            applied <= 1,
            "`{source}` was applied {applied} times:\n{logs}"
        );
    }
    if let (Some(log), Some(since)) = (general_log.as_mut(), since.as_deref()) {
        let sent = log.sessions_since(since, "CREATE TABLE `__par_");
        assert_eq!(
            sent.len(),
            19,
            "each CREATE reached the server once: {sent:?}"
        );
    }
    case.assert_converged(&[], &[]);
}

/// How often a task's `logs` say the one statement of `source` applied.
fn times_applied(logs: &str, source: &str) -> usize {
    logs.lines()
        .filter(|l| l.contains(&format!("`{source}`: statement 1 of 1 applied")))
        .count()
}

/// How a test stops a running worker.
#[derive(Debug, Clone, Copy)]
enum Stop {
    /// `task abort` from another process.
    TaskAbort,
    /// SIGINT to the worker, as Ctrl-C on its terminal sends.
    CtrlC,
}

impl Stop {
    fn send(self, case: &Case, worker: &std::process::Child, id: u64) {
        let out = match self {
            Stop::TaskAbort => case.run(&[
                "task",
                "abort",
                &id.to_string(),
                "--comment",
                "stop the ALTER",
            ]),
            Stop::CtrlC => Command::new("kill")
                .args(["-INT", &worker.id().to_string()])
                .output()
                .unwrap(),
        };
        assert_eq!(
            out.status.code(),
            Some(0),
            "{self:?}: {}",
            text(&out.stderr)
        );
    }
}

/// Waits until the first task of `case` is executing; its id.
fn first_task_executing(case: &Case, worker: &mut Option<std::process::Child>) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let listed = case.run(&["task", "list", "--format", "json"]);
        let listed: Value = serde_json::from_slice(&listed.stdout).unwrap_or(Value::Null);
        let first = &listed["items"][0];
        match (first["id"].as_u64(), first["status"].as_str()) {
            (Some(id), Some("executing")) => return id,
            (Some(_), Some(other)) if other != "waiting_for_execution" => {
                let out = worker.take().unwrap().wait_with_output().unwrap();
                panic!("the task ended {other} first: {}", text(&out.stderr));
            }
            _ => {}
        }
        if Instant::now() >= deadline {
            let mut child = worker.take().unwrap();
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "the task never started; listed {listed:#}; the worker said: {}",
                text(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Ctrl-C on a worker between two statements (each paused 1.5 s before it
/// is sent) lets the statement in flight finish, starts no other: the
/// task ends `aborted` truthfully, the worker exits 1, the next table is
/// untouched; `task again` would redo the rest.
fn ctrl_c_stops_between_statements(engine: Engine) {
    let case = Case::new(
        engine,
        "ctrl_c",
        &owned(&[
            "CREATE TABLE a (id int NOT NULL PRIMARY KEY)",
            "CREATE TABLE b (id int NOT NULL PRIMARY KEY)",
            "CREATE TABLE c (id int NOT NULL PRIMARY KEY)",
        ]),
    );
    let url = case.url();
    let mut worker = Some(
        Command::new(env!("CARGO_BIN_EXE_shadowsync"))
            .args([
                "sync", "--url", &url, "--prefix", "__", "--all", "--yes", "--store",
            ])
            .arg(&case.store)
            .env("SHADOWSYNC_TEST_PAUSE_MS", "1500")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let id = first_task_executing(&case, &mut worker);
    let worker = worker.unwrap();
    std::thread::sleep(Duration::from_millis(500));
    Stop::CtrlC.send(&case, &worker, id);
    let out = worker.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("stopping: the running statement is interrupted"),
        "{}",
        text(&out.stderr)
    );
    let task = case.show(id);
    assert_eq!(status(&task), "aborted", "{task:#}");
    let shown = case.run(&["task", "timeline", &id.to_string(), "--format", "json"]);
    assert!(
        text(&shown.stdout).contains("stopped on the worker (Ctrl-C)"),
        "{}",
        text(&shown.stdout)
    );
    let shadows = case
        .exec()
        .show_create_tables(&["__a".into(), "__b".into(), "__c".into()])
        .unwrap();
    let created = shadows.iter().filter(|s| s.is_some()).count();
    assert!(created < 3, "a statement ran after Ctrl-C: {shadows:?}");
    assert!(shadows[2].is_none(), "{shadows:?}");
}

/// `task abort` from another process, or Ctrl-C on the worker, stops a
/// statement that waits on a metadata lock (an open transaction on the
/// shadow): the worker's heartbeat sees the request and sends `KILL QUERY`,
/// the task ends `aborted`, the shadow unchanged. With `parallel` > 1,
/// `parallel` shadows wait at once, each on a session of the task's pool,
/// and the interrupter stops them all. MariaDB only: seekdb's DDL does not
/// wait for open transactions, so no statement there runs long enough.
fn abort_interrupts_waiting_statements(engine: Engine, stop: Stop, parallel: usize) {
    use mysql::prelude::Queryable;
    // One database per way of stopping: the tests run at once.
    let name = match (stop, parallel) {
        (Stop::TaskAbort, 1) => "abort_kill".to_string(),
        (Stop::CtrlC, 1) => "ctrl_c_kill".to_string(),
        (_, n) => format!("abort_parallel_{n}"),
    };
    let shadows: Vec<String> = (1..=parallel).map(|i| format!("__t{i}")).collect();
    let mut schema = Vec::new();
    for shadow in &shadows {
        let source = &shadow[2..];
        schema.push(format!(
            "CREATE TABLE {source} (id int NOT NULL PRIMARY KEY, n int)"
        ));
        schema.push(format!(
            "CREATE TABLE {shadow} (id int NOT NULL PRIMARY KEY) COMMENT '[shadowsync:shadow]'"
        ));
    }
    let case = Case::new(engine, &name, &schema);
    let opts = mysql::OptsBuilder::from_opts(mysql::Opts::from_url(&case.url()).unwrap())
        .prefer_socket(false);
    let mut holder = mysql::Conn::new(opts).unwrap();
    holder.query_drop("START TRANSACTION").unwrap();
    for shadow in &shadows {
        holder
            .query_drop(format!("SELECT * FROM {shadow} FOR UPDATE"))
            .unwrap();
    }

    let url = case.url();
    let width = parallel.to_string();
    let worker = Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .args([
            "sync",
            "--url",
            &url,
            "--prefix",
            "__",
            "--all",
            "--yes",
            "--parallel",
            &width,
            "--store",
        ])
        .arg(&case.store)
        .env("SHADOWSYNC_LEASE_SECONDS", LEASE_SECONDS.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut worker = Some(worker);
    let id = first_task_executing(&case, &mut worker);
    let worker = worker.unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let asked = Instant::now();
    stop.send(&case, &worker, id);
    let out = worker.wait_with_output().unwrap();
    let took = asked.elapsed();
    holder.query_drop("ROLLBACK").unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    // Without the KILLs each would wait out three lock waits of 5 s each.
    assert!(took < Duration::from_secs(4), "the abort took {took:?}");
    let task = case.show(id);
    assert_eq!(status(&task), "aborted", "{task:#}");
    let logs = case.logs(id, &[]);
    assert_eq!(
        logs.matches("was interrupted by the abort request").count(),
        parallel,
        "{logs}"
    );
    let ddl = case.exec().show_create_tables(&shadows).unwrap();
    assert!(
        ddl.iter().all(|d| !d.as_deref().unwrap().contains("`n`")),
        "the shadows are unchanged: {ddl:?}"
    );
}

/// `--progress json`: one JSON object per event on stderr while the task
/// runs, from the task's start to its end, every statement sent and
/// finished; stdout keeps the one sync document.
fn progress_as_json_lines(engine: Engine) {
    let case = Case::new(engine, "progress", &owned(SMALL));
    let out = case.sync(&["--all", "--yes", "--progress", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let id = task_id(&out);
    let events: Vec<Value> = text(&out.stderr)
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"task_started"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"task_finished"), "{kinds:?}");
    assert_eq!(events.last().unwrap()["status"], "succeeded");
    assert!(events.iter().all(|e| e["task"] == id), "{events:?}");
    let count = |kind: &str| kinds.iter().filter(|k| **k == kind).count();
    let planned = events[0]["statements"].as_u64().unwrap() as usize;
    assert!(planned > 0);
    assert_eq!(count("statement_sent"), planned, "{kinds:?}");
    assert_eq!(count("statement_finished"), planned, "{kinds:?}");
    assert_eq!(
        count("table_started"),
        events[0]["tables"].as_u64().unwrap() as usize
    );
    assert!(kinds.contains(&"precheck_finished") && kinds.contains(&"verifying"));
    // The same run's records as the host layer's views.
    let logs = case.run(&["task", "logs", &id.to_string(), "--format", "json"]);
    let logs: Value = serde_json::from_slice(&logs.stdout).unwrap();
    assert_eq!((&logs["kind"], &logs["task"]), (&"logs".into(), &id.into()));
    let entries = logs["entries"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["message"] == "finished: succeeded"),
        "{logs}"
    );
    let at = entries[0]["at"].as_str().unwrap();
    assert!(
        at.len() == 24 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
        "{at}"
    );
    // Without --progress (stderr is not a terminal here) nothing is drawn.
    let quiet = case.sync(&["--all", "--yes"]);
    assert_eq!(quiet.status.code(), Some(0), "{}", text(&quiet.stderr));
    assert!(
        !text(&quiet.stderr).contains("\"event\""),
        "{}",
        text(&quiet.stderr)
    );
}

mod mariadb_only {
    use super::{abort_interrupts_waiting_statements, Engine, Stop};

    #[test]
    fn abort_interrupts_a_waiting_statement() {
        abort_interrupts_waiting_statements(Engine::Mariadb, Stop::TaskAbort, 1);
    }

    #[test]
    fn ctrl_c_interrupts_a_waiting_statement() {
        abort_interrupts_waiting_statements(Engine::Mariadb, Stop::CtrlC, 1);
    }

    #[test]
    fn abort_interrupts_every_parallel_statement() {
        abort_interrupts_waiting_statements(Engine::Mariadb, Stop::TaskAbort, 2);
    }
}

engine::on_both_engines!(
    end_to_end,
    progress_as_json_lines,
    on_error_abort_then_again,
    on_error_continue,
    approval_and_rejection,
    scheduled_task_waits_for_its_time,
    shared_server_store,
    crash_then_run_due_finishes,
    crash_abort_then_resume,
    a_dead_hosts_task_moves_to_another_host_once,
    ctrl_c_stops_between_statements,
    parallel_sync_spreads_over_sessions,
    parallel_crash_then_run_due_finishes_once,
);
