//! What the CLI's output promises, run as processes against MariaDB and
//! seekdb: the exit statuses (0 nothing to change, 1 changes, 2 bad input
//! with refused tables first, 3 other failures), `--tables` naming a missing
//! table (an error, or a warning with `--allow-missing`), and every
//! `--format json` document validated against the checked-in JSON Schemas
//! (`schemas/<kind>.schema.json`) with a draft 2020-12 validator.
//!
//! Start the servers with `eval "$(scripts/engines.sh start)"`; a missing URL
//! variable fails the tests rather than skipping them.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};
use shadowsync_core::task::flow::DEFAULT_EXPIRY_MS;
use shadowsync_core::task::{ApprovalFlow, ApprovalNode, Approvers, MatchRule, TaskCenter};
use shadowsync_core::Executor;
use shadowsync_mysql::MysqlExecutor;
use shadowsync_store::{SqliteStore, SystemClock};

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::Engine;

#[path = "../../tests/support/view_schema.rs"]
mod view_schema;
use view_schema::{errors, validator};

/// A parent to create and a child with a foreign key to it.
const SMALL: &[&str] = &[
    "CREATE TABLE parent (id int NOT NULL, name varchar(20) NOT NULL DEFAULT '', PRIMARY KEY (id))",
    "CREATE TABLE child (id int NOT NULL, parent_id int NOT NULL, PRIMARY KEY (id), \
     KEY idx_parent (parent_id), \
     CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id))",
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The JSON document `out` printed, after exit status `status`, of view
/// `kind` and valid against its schema.
fn view(out: &Output, status: i32, kind: &str) -> Value {
    assert_eq!(
        out.status.code(),
        Some(status),
        "{kind}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{kind}: stdout is not JSON ({e}): {}", text(&out.stdout)));
    assert_eq!(doc["kind"], kind, "{doc}");
    let errors = errors(kind, &doc);
    assert!(
        errors.is_empty(),
        "{kind} does not match its schema: {errors:?}\n{doc}"
    );
    doc
}

/// One engine's scratch database and task store.
struct Case {
    engine: Engine,
    db: String,
    store: String,
}

impl Case {
    fn new(engine: Engine, test: &str) -> Case {
        let db = format!("ssout_{test}_{}", engine.name());
        let mut ex = MysqlExecutor::connect(&engine.url()).expect("connect");
        ex.drop_database(&db).unwrap();
        ex.create_database(&db).unwrap();
        ex.use_database(&db).unwrap();
        for sql in SMALL {
            ex.execute(sql).unwrap();
        }
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("output_live");
        std::fs::create_dir_all(&dir).unwrap();
        let store = dir.join(format!("{db}.db")).to_string_lossy().into_owned();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{store}{suffix}"));
        }
        Case { engine, db, store }
    }

    fn url(&self) -> String {
        format!("{}/{}", self.engine.url().trim_end_matches('/'), self.db)
    }

    fn execute(&self, sql: &str) {
        let mut ex = MysqlExecutor::connect(&self.url()).expect("connect");
        ex.execute(sql).unwrap();
    }

    /// The CLI with `args`, stdin empty, no environment defaults.
    fn cli(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_shadowsync"))
            .args(args)
            .stdin(Stdio::null())
            .env_remove("SHADOWSYNC_URL")
            .env_remove("SHADOWSYNC_STORE")
            .env_remove("SHADOWSYNC_HOST_ID")
            .output()
            .unwrap()
    }

    /// `plan` on the scratch database with the `__` prefix.
    fn plan(&self, extra: &[&str]) -> Output {
        let url = self.url();
        self.cli(&[&["plan", "--url", &url, "--prefix", "__"], extra].concat())
    }

    /// `sync --yes --format json` on the scratch database, into the store.
    fn sync(&self, extra: &[&str]) -> Output {
        let url = self.url();
        let base = ["sync", "--url", &url, "--prefix", "__", "--yes"];
        let tail = [
            "--format",
            "json",
            "--progress",
            "off",
            "--store",
            &self.store,
        ];
        self.cli(&[&base[..], extra, &tail[..]].concat())
    }

    /// `task ARGS --format json` on the store.
    fn task(&self, args: &[&str]) -> Output {
        let tail = ["--format", "json", "--store", &self.store];
        self.cli(&[&["task"][..], args, &tail[..]].concat())
    }

    /// Every task needs the approval of a `dba`.
    fn gate(&self) {
        let flow = ApprovalFlow {
            name: "gate".into(),
            nodes: vec![ApprovalNode {
                name: "dba".into(),
                approvers: Approvers::Role("dba".into()),
            }],
            rules: vec![MatchRule::new("*", "*")],
            approval_expiry_ms: DEFAULT_EXPIRY_MS,
            execution_expiry_ms: DEFAULT_EXPIRY_MS,
            forbid_self_approval: false,
            allow_delegated_identity: false,
            auto_approve: Default::default(),
        };
        TaskCenter::new(SqliteStore::open(&self.store).unwrap(), SystemClock)
            .set_flows(&[flow])
            .unwrap();
    }

    fn drop(&self) {
        let mut ex = MysqlExecutor::connect(&self.engine.url()).expect("connect");
        ex.drop_database(&self.db).unwrap();
    }
}

fn count(plan: &Value, what: &str) -> u64 {
    plan["counts"][what]
        .as_u64()
        .unwrap_or_else(|| panic!("no count {what}: {plan}"))
}

/// The task id of a sync view (or a task view).
fn task_id(doc: &Value) -> String {
    let task = if doc["kind"] == "sync" {
        &doc["task"]
    } else {
        doc
    };
    task["id"].as_u64().expect("a task id").to_string()
}

/// Drift, then a task run through approval, then in step; each view valid.
fn views_and_statuses(engine: Engine) {
    let case = Case::new(engine, "views");
    let server = engine.url();

    // Two shadows to create: changes, exit 1, in text and JSON.
    let plan = view(&case.plan(&["--all", "--format", "json"]), 1, "plan");
    assert_eq!(
        (count(&plan, "total"), count(&plan, "create")),
        (2, 2),
        "{plan}"
    );
    let out = case.plan(&["--all"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 to create, 0 to alter, 0 refused, 0 skipped"),
        "{}",
        text(&out.stdout)
    );
    // Changes are a result, not an error: stderr holds at most the warning
    // about the password in --url (seekdb's root has none).
    let stderr = text(&out.stderr);
    assert!(
        stderr
            .lines()
            .all(|l| l.contains("a password on the command line")),
        "{stderr}"
    );

    // Submitted, pending a dba's approval, approved, run by run-due.
    case.gate();
    let synced = view(&case.sync(&["--all"]), 0, "sync");
    assert_eq!(synced["task"]["status"], "pending_approval", "{synced}");
    let id = task_id(&synced);
    let page = view(&case.task(&["list"]), 0, "task_page");
    assert_eq!(page["total"], 1, "{page}");
    view(&case.task(&["show", &id]), 0, "task");
    let approved = view(
        &case.task(&["approve", &id, "--role", "dba", "--comment", "ok"]),
        0,
        "task",
    );
    assert_eq!(approved["status"], "waiting_for_execution", "{approved}");
    let due = view(
        &case.task(&["run-due", "--url", &server, "--progress", "off"]),
        0,
        "due_report",
    );
    assert_eq!(
        due["finished"],
        json!([{"id": synced["task"]["id"], "status": "succeeded"}])
    );
    let done = view(&case.task(&["show", &id]), 0, "task");
    assert_eq!(done["status"], "succeeded", "{done}");
    let timeline = view(&case.task(&["timeline", &id]), 0, "timeline");
    assert!(
        timeline["events"].as_array().unwrap().len() >= 3,
        "{timeline}"
    );
    let logs = view(&case.task(&["logs", &id]), 0, "logs");
    assert!(!logs["entries"].as_array().unwrap().is_empty(), "{logs}");

    // In step: nothing to change, exit 0; lists are trimmed.
    let plan = view(&case.plan(&["--all", "--format", "json"]), 0, "plan");
    assert_eq!(count(&plan, "skipped"), 2, "{plan}");
    let out = case.plan(&["--tables", " parent , child"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // A table that does not exist: bad input, naming it; allowed, a warning.
    let out = case.plan(&["--tables", "parent,nope,gone"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("nope, gone") && stderr.contains("do not exist"),
        "{stderr}"
    );
    assert_eq!(text(&out.stdout), "", "nothing planned");
    let out = case.plan(&[
        "--tables",
        "parent,nope",
        "--allow-missing",
        "--format",
        "json",
    ]);
    let plan = view(&out, 0, "plan");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("WARN") && stderr.contains("nope"),
        "{stderr}"
    );
    let sources: Vec<&Value> = plan["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["source"])
        .collect();
    assert_eq!(sources, [&json!("parent")], "left out of the plan: {plan}");
    let out = case.sync(&["--tables", "parent,nope"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    // Drift again: exit 1; the task initiated again, rejected; one cancelled.
    case.execute("ALTER TABLE parent ADD COLUMN extra int DEFAULT NULL");
    let plan = view(&case.plan(&["--all", "--format", "json"]), 1, "plan");
    assert_eq!(count(&plan, "alter"), 1, "{plan}");
    let again = view(
        &case.task(&["again", &id, "--url", &server, "--yes", "--progress", "off"]),
        0,
        "sync",
    );
    let rejected = view(
        &case.task(&[
            "reject",
            &task_id(&again),
            "--role",
            "dba",
            "--comment",
            "no",
        ]),
        0,
        "task",
    );
    assert_eq!(rejected["status"], "rejected", "{rejected}");
    let pending = view(&case.sync(&["--all"]), 0, "sync");
    let cancelled = view(
        &case.task(&["cancel", &task_id(&pending), "--comment", "later"]),
        0,
        "task",
    );
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");

    // A refused table (an unmarked table under its shadow's name) takes
    // precedence over the changes of the others: exit 2, naming it.
    case.execute("CREATE TABLE collide (id int NOT NULL, PRIMARY KEY (id))");
    case.execute("CREATE TABLE __collide (id int NOT NULL, PRIMARY KEY (id))");
    let out = case.plan(&["--all", "--format", "json"]);
    let plan = view(&out, 2, "plan");
    assert_eq!(
        (count(&plan, "refused"), count(&plan, "alter")),
        (1, 1),
        "{plan}"
    );
    assert!(text(&out.stderr).contains("refused tables") && text(&out.stderr).contains("collide"));
    let row = plan["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["source"] == "collide")
        .unwrap();
    assert_eq!(
        (&row["refused"], &row["action"]),
        (&json!(true), &json!("skip")),
        "{row}"
    );
    let out = case.plan(&["--all"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).contains("1 to alter, 1 refused, 1 skipped"),
        "{}",
        text(&out.stdout)
    );
    let out = case.plan(&["--all", "--skip", "collide"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "skipped by the user: {}",
        text(&out.stderr)
    );

    broken_documents_fail(&plan, &done);
    case.drop();
}

/// Real views, each broken one way, fail their schema.
fn broken_documents_fail(plan: &Value, task: &Value) {
    let broken = |kind: &str, doc: &Value, change: &dyn Fn(&mut Value)| {
        let mut doc = doc.clone();
        change(&mut doc);
        assert!(
            !errors(kind, &doc).is_empty(),
            "{kind} should be invalid: {doc}"
        );
    };
    broken("plan", plan, &|d| d["surprise"] = json!(1));
    broken("plan", plan, &|d| {
        d.as_object_mut().unwrap().remove("counts");
    });
    broken("plan", plan, &|d| d["schema_version"] = json!(2));
    broken("plan", plan, &|d| d["kind"] = json!("task"));
    broken("plan", plan, &|d| d["tables"][0]["refused"] = json!("no"));
    broken("plan", plan, &|d| {
        d["tables"][0]["action"] = json!("rename")
    });
    broken("task", task, &|d| d["created_at"] = json!("yesterday"));
    broken("task", task, &|d| {
        d["created_at"] = json!("2026-01-01T00:00:00+08:00")
    });
    broken("task", task, &|d| d["status"] = json!("done"));
    broken("task", task, &|d| {
        d["tables"][0]["statements"][0]["extra"] = json!(null)
    });
    // And the originals pass: the breakage is what fails.
    assert!(errors("plan", plan).is_empty() && errors("task", task).is_empty());
}

#[test]
fn views_and_statuses_on_mariadb() {
    views_and_statuses(Engine::Mariadb);
}

#[test]
fn views_and_statuses_on_seekdb() {
    views_and_statuses(Engine::Seekdb);
}

/// A server that cannot be reached is a failure (3), not bad input, for
/// `plan`, `sync` and `task again`, whatever the format.
#[test]
fn an_unreachable_server_exits_3() {
    // A port that was just free on loopback: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("mysql://u:pw@127.0.0.1:{port}/db");
    let case = Case::new(Engine::Mariadb, "unreachable");
    for format in ["text", "json"] {
        let plan = case.cli(&["plan", "--url", &url, "--all", "--format", format]);
        assert_eq!(plan.status.code(), Some(3), "{}", text(&plan.stderr));
        assert!(
            text(&plan.stderr).starts_with("shadowsync: "),
            "{}",
            text(&plan.stderr)
        );
        let sync = case.cli(&[
            "sync",
            "--url",
            &url,
            "--all",
            "--yes",
            "--store",
            &case.store,
        ]);
        assert_eq!(sync.status.code(), Some(3), "{}", text(&sync.stderr));
    }
    case.drop();
}

/// Every schema is a valid draft 2020-12 schema, and a real `diff` view
/// (no server needed) validates while broken copies of it do not.
#[test]
fn the_diff_view_matches_its_schema_and_broken_ones_fail() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("output_live_diff");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("from.sql"), "CREATE TABLE t (a int, c int);\n").unwrap();
    std::fs::write(dir.join("to.sql"), "CREATE TABLE t (a int, b int);\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .current_dir(&dir)
        .args([
            "diff", "--from", "from.sql", "--to", "to.sql", "--format", "json",
        ])
        .output()
        .unwrap();
    let diff = view(&out, 1, "diff");
    assert!(
        diff["statements"].as_array().is_some_and(|s| !s.is_empty()),
        "{diff}"
    );
    // Every checked-in schema (tests/schemas.rs keeps one per view kind).
    for entry in std::fs::read_dir(repo().join("schemas")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        validator(
            name.strip_suffix(".schema.json")
                .expect("only schema files"),
        );
    }
    let mut broken = diff.clone();
    broken["statements"][0]["table"] = json!(7);
    assert!(!errors("diff", &broken).is_empty());
    let mut broken = diff.clone();
    broken["counts"].as_object_mut().unwrap().remove("drop");
    assert!(!errors("diff", &broken).is_empty());
    // A view of one kind is not one of another.
    assert!(!errors("plan", &diff).is_empty());
}

/// `flow list` and `flow show` print views valid against their schemas
/// (a SQLite store, no server needed); a broken flow view fails.
#[test]
fn the_flow_views_match_their_schemas() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("output_live_flows");
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("flows.toml"),
        "[[flow]]\nname = \"gate\"\nrules = [{ connection = \"*\", database = \"shop*\" }]\n\
         nodes = [{ name = \"review\", approvers = { role = \"dba\" } }, { name = \"go\", approvers = \"auto\" }]\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_shadowsync"))
            .current_dir(&dir)
            .args(args)
            .args(["--store", "tasks.db"])
            .output()
            .unwrap()
    };
    let set = run(&["flow", "set", "flows.toml"]);
    assert_eq!(set.status.code(), Some(0), "{}", text(&set.stderr));
    let list = view(&run(&["flow", "list", "--format", "json"]), 0, "flow_list");
    assert_eq!(list["flows"][0]["name"], "gate", "{list}");
    let flow = view(
        &run(&["flow", "show", "gate", "--format", "json"]),
        0,
        "flow",
    );
    assert_eq!(flow["nodes"].as_array().map(Vec::len), Some(2), "{flow}");
    let mut broken = flow.clone();
    broken["nodes"] = json!("review");
    assert!(!errors("flow", &broken).is_empty());
    assert!(!errors("flow_list", &flow).is_empty());
}
