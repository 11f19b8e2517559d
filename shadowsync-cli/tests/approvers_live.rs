//! Who may act on a task through the CLI, run as processes against MariaDB
//! and seekdb: `task cancel`, approvals refused to the task's own creator,
//! the OS user as the actor (whatever `USER` says), and `--as` refused
//! unless the task's flow allows delegated identities.
//!
//! The servers only serve `sync`'s analysis and the runs; tasks live in a
//! SQLite file per test, whose flows the tests set as an admin would,
//! with `shadowsync flow set -` and the flows as JSON on stdin. Start the servers with
//! `eval "$(scripts/engines.sh start)"`: a missing URL variable fails the
//! tests rather than skipping them.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use shadowsync_core::task::flow::DEFAULT_EXPIRY_MS;
use shadowsync_core::task::log::format_utc;
use shadowsync_core::task::{ApprovalFlow, ApprovalNode, Approvers, MatchRule};
use shadowsync_core::Executor;
use shadowsync_mysql::MysqlExecutor;

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::Engine;

/// Two independent tables to create, one per task.
const SCHEMA: &[&str] = &[
    "CREATE TABLE parent (id int NOT NULL, name varchar(20) NOT NULL DEFAULT '', PRIMARY KEY (id))",
    "CREATE TABLE other (id int NOT NULL, PRIMARY KEY (id))",
];

/// Names the environment claims for the user; the CLI must not believe them.
const FORGED: &[(&str, &str)] = &[("USER", "mallory"), ("LOGNAME", "mallory")];

/// One test on one engine: a scratch database and a SQLite task store.
struct Case {
    engine: Engine,
    db: String,
    store: String,
}

impl Case {
    /// A fresh database `ssync_appr_<test>_<engine>` holding [`SCHEMA`], and
    /// an empty task store.
    fn new(engine: Engine, test: &str) -> Case {
        let db = format!("ssync_appr_{test}_{}", engine.name());
        let mut ex = MysqlExecutor::connect(&engine.url()).expect("connect");
        ex.drop_database(&db).expect("drop database");
        ex.create_database(&db).expect("create database");
        ex.use_database(&db).expect("use database");
        for sql in SCHEMA {
            ex.execute(sql)
                .unwrap_or_else(|e| panic!("{}: {e}\n{sql}", engine.name()));
        }
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("approvers_live");
        std::fs::create_dir_all(&dir).unwrap();
        let store = dir.join(format!("{db}.db")).to_string_lossy().into_owned();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{store}{suffix}"));
        }
        Case { engine, db, store }
    }

    /// Replace the store's flows, as an admin would.
    fn set_flows(&self, flows: &[ApprovalFlow]) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shadowsync"))
            .args(["flow", "set", "-", "--store", &self.store])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let json = serde_json::to_vec(flows).unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), &json).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }

    /// Run the CLI with `args`, the task store and `env`, stdin empty.
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
            .env_remove("SHADOWSYNC_HOST_ID");
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    /// `sync` of `table` with `extra` options, confirmed; the new task's id
    /// and status.
    fn sync(&self, table: &str, extra: &[&str], env: &[(&str, &str)]) -> (String, String) {
        let url = format!("{}/{}", self.engine.url().trim_end_matches('/'), self.db);
        let mut args = vec![
            "sync", "--url", &url, "--prefix", "__", "--format", "json", "--yes", "--tables", table,
        ];
        args.extend_from_slice(extra);
        let out = self.run_with(&args, env);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let value: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)));
        let task = &value["task"];
        (
            task["id"].as_u64().expect("a task id").to_string(),
            task["status"].as_str().unwrap().to_string(),
        )
    }

    /// `task show ID --format json` and `task timeline ID --format json`:
    /// the task and its timeline.
    fn show(&self, id: &str) -> (Value, Vec<Value>) {
        let json = |command: &str| -> Value {
            let out = self.run(&["task", command, id, "--format", "json"]);
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            let value: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(value["schema_version"], 1, "{value}");
            value
        };
        let task = json("show");
        assert_eq!(task["kind"], "task");
        let timeline = json("timeline");
        assert_eq!(timeline["kind"], "timeline");
        (task, timeline["events"].as_array().unwrap().clone())
    }

    /// The `identities` line of `task show ID`.
    fn identities(&self, id: &str) -> String {
        let out = self.run(&["task", "show", id]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let shown = text(&out.stdout);
        shown
            .lines()
            .find_map(|line| line.trim_start().strip_prefix("identities"))
            .unwrap_or_else(|| panic!("no identities line in:\n{shown}"))
            .trim()
            .to_string()
    }

    fn status(&self, id: &str) -> String {
        self.show(id).0["status"].as_str().unwrap().to_string()
    }

    /// `(actor, action kind, comment)` of each timeline event of task `id`.
    fn timeline(&self, id: &str) -> Vec<(String, String, String)> {
        self.show(id)
            .1
            .iter()
            .map(|e| {
                (
                    e["actor"].as_str().unwrap().to_string(),
                    e["action"]["kind"].as_str().unwrap().to_string(),
                    e["comment"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// Whether the shadow of `table` exists on the server.
    fn shadow_exists(&self, table: &str) -> bool {
        let url = format!("{}/{}", self.engine.url().trim_end_matches('/'), self.db);
        let mut ex = MysqlExecutor::connect(&url).expect("connect");
        ex.list_relations()
            .unwrap()
            .iter()
            .any(|r| r.name == format!("__{table}"))
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Exit status and standard error of `out`.
fn failure(out: &Output) -> (Option<i32>, String) {
    (out.status.code(), text(&out.stderr))
}

/// The name of the user running the tests, as the CLI finds it.
fn os_user() -> String {
    whoami::username().expect("the test user has a name")
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// One node for the role `dba` on every task; the identity flags as given.
fn dba_gate(name: &str, forbid_self_approval: bool, allow_delegated: bool) -> ApprovalFlow {
    ApprovalFlow {
        name: name.into(),
        nodes: vec![ApprovalNode {
            name: "dba".into(),
            approvers: Approvers::Role("dba".into()),
        }],
        rules: vec![MatchRule::new("*", "*")],
        approval_expiry_ms: DEFAULT_EXPIRY_MS,
        execution_expiry_ms: DEFAULT_EXPIRY_MS,
        forbid_self_approval,
        allow_delegated_identity: allow_delegated,
        auto_approve: Default::default(),
    }
}

// ---------------------------------------------------------------- tests ---

/// (a) A scheduled task cancelled before its time ends `cancelled`, by the
/// OS user, and a `run-due` after its time runs nothing. A task pending
/// approval can be cancelled too (by its creator).
fn cancel_a_waiting_task(engine: Engine) {
    let case = Case::new(engine, "cancel");
    let at = now_ms() + 2_000;
    let (id, status) = case.sync("parent", &["--at", &format_utc(at)], &[]);
    assert_eq!(status, "waiting_for_execution");

    let out = case.run_with(&["task", "cancel", &id, "--comment", "freeze"], FORGED);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("Task {id}: cancelled\n"));
    let (task, _) = case.show(&id);
    assert_eq!(task["status"], "cancelled");
    assert!(task["finished_at"].as_str().is_some(), "{task}");
    assert_eq!(
        case.timeline(&id).last().cloned(),
        Some((os_user(), "cancelled".into(), "freeze".into())),
        "the OS user cancelled, not the USER of the environment"
    );

    while now_ms() <= at + 200 {
        std::thread::sleep(Duration::from_millis(200));
    }
    let server = case.engine.url();
    let due = case.run(&["task", "run-due", "--url", &server]);
    assert_eq!(due.status.code(), Some(0), "{}", text(&due.stderr));
    assert_eq!(text(&due.stdout), "No task was due.\n");
    assert_eq!(case.status(&id), "cancelled");
    assert!(
        !case.shadow_exists("parent"),
        "the cancelled task never ran"
    );

    case.set_flows(&[dba_gate("dba gate", true, false)]);
    let (pending, status) = case.sync("other", &[], &[]);
    assert_eq!(status, "pending_approval");
    let out = case.run(&["task", "cancel", &pending, "--comment", "not needed"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(case.status(&pending), "cancelled");
}

/// (b) Cancelling a task that already ran, or one that was cancelled, fails
/// with exit status 1 and names the task and the transition; a cancel
/// without a comment is a usage error.
fn cancel_of_a_finished_task_fails(engine: Engine) {
    let case = Case::new(engine, "cancel_done");
    let (id, status) = case.sync("parent", &[], &[]);
    assert_eq!(status, "succeeded");
    let out = case.run(&["task", "cancel", &id, "--comment", "too late"]);
    assert_eq!(
        failure(&out),
        (
            Some(3),
            format!("shadowsync: invalid transition of task {id}: succeeded -> cancelled\n")
        )
    );
    assert_eq!(case.status(&id), "succeeded");
    assert_eq!(
        case.timeline(&id)
            .iter()
            .filter(|e| e.1 == "cancelled")
            .count(),
        0
    );

    let at = format_utc(now_ms() + 60_000);
    let (scheduled, _) = case.sync("other", &["--at", &at], &[]);
    let first = case.run(&["task", "cancel", &scheduled, "--comment", "once"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let twice = case.run(&["task", "cancel", &scheduled, "--comment", "twice"]);
    assert_eq!(
        failure(&twice),
        (
            Some(3),
            format!("shadowsync: invalid transition of task {scheduled}: cancelled -> cancelled\n")
        )
    );

    let unknown = case.run(&["task", "cancel", "999", "--comment", "x"]);
    assert_eq!(unknown.status.code(), Some(3));
    assert!(
        text(&unknown.stderr).contains("999"),
        "{}",
        text(&unknown.stderr)
    );
    let no_comment = case.run(&["task", "cancel", &scheduled]);
    assert_eq!(no_comment.status.code(), Some(2));
    assert!(
        text(&no_comment.stderr).contains("--comment"),
        "{}",
        text(&no_comment.stderr)
    );
}

/// (c) Under a flow with an approval node, the creator (the OS user, even
/// when the environment names someone else) may not approve its own task,
/// role or not; it may still reject it. The task's own copy of its flow
/// decides: relaxing the templates later does not reopen it, while a task
/// submitted under a flow allowing self-approval can be approved.
fn the_creator_may_not_approve_its_own_task(engine: Engine) {
    let case = Case::new(engine, "self_approval");
    case.set_flows(&[dba_gate("dba gate", true, false)]);
    let (id, status) = case.sync("parent", &[], FORGED);
    assert_eq!(status, "pending_approval");
    let me = os_user();
    assert_eq!(case.show(&id).0["creator"], me.as_str());
    assert_eq!(
        case.identities(&id),
        "the creator may not approve; --as refused"
    );

    let refused = format!(
        "shadowsync: invalid request: task {id} was created by `{me}`, who may not approve \
         it: flow `dba gate` forbids self-approval\n"
    );
    let out = case.run_with(
        &["task", "approve", &id, "--role", "dba", "--comment", "mine"],
        FORGED,
    );
    assert_eq!(failure(&out), (Some(3), refused.clone()));
    assert_eq!(case.status(&id), "pending_approval");

    case.set_flows(&[dba_gate("lenient", false, false)]);
    let out = case.run(&["task", "approve", &id, "--role", "dba", "--comment", "mine"]);
    assert_eq!(failure(&out), (Some(3), refused), "the task keeps its flow");

    let (lenient, _) = case.sync("other", &[], &[]);
    assert_eq!(
        case.identities(&lenient),
        "the creator may approve; --as refused"
    );
    let out = case.run(&[
        "task",
        "approve",
        &lenient,
        "--role",
        "dba",
        "--comment",
        "solo",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with(&format!("Task {lenient}: waiting_for_execution\n")));
    assert!(
        case.timeline(&lenient)
            .contains(&(me.clone(), "approved".into(), "solo".into())),
        "{:?}",
        case.timeline(&lenient)
    );

    let out = case.run(&[
        "task",
        "reject",
        &id,
        "--role",
        "dba",
        "--comment",
        "withdrawn",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("Task {id}: rejected\n"));
    let timeline = case.timeline(&id);
    assert_eq!(
        timeline.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(),
        ["submitted", "rejected"],
        "no approval was recorded: {timeline:?}"
    );
    assert_eq!(timeline[1].0, me);
    assert!(!case.shadow_exists("parent"));
}

/// (d) `--as` (and `again --creator`) is refused with exit status 2 unless
/// the task's flow allows delegated identities, before anything is
/// recorded; where it is allowed, the named user decides, and an empty
/// name is refused. Delegation does not get around self-approval.
fn delegated_identity_needs_the_flow(engine: Engine) {
    let case = Case::new(engine, "delegated");
    case.set_flows(&[dba_gate("dba gate", true, false)]);
    let (id, _) = case.sync("parent", &[], &[]);
    let refused = format!(
        "shadowsync: --as is refused for task {id}: its flow `dba gate` does not allow \
         delegated identities (allow_delegated_identity); leave --as out to act as the OS \
         user `{}`\n",
        os_user()
    );
    for args in [
        vec![
            "approve",
            &id,
            "--as",
            "alice",
            "--role",
            "dba",
            "--comment",
            "ok",
        ],
        vec![
            "reject",
            &id,
            "--as",
            "alice",
            "--role",
            "dba",
            "--comment",
            "no",
        ],
        vec!["cancel", &id, "--as", "alice", "--comment", "no"],
        vec!["abort", &id, "--as", "alice"],
    ] {
        let mut all = vec!["task"];
        all.extend_from_slice(&args);
        let out = case.run(&all);
        assert_eq!(failure(&out), (Some(2), refused.clone()), "{args:?}");
    }
    assert_eq!(case.status(&id), "pending_approval");
    assert_eq!(case.timeline(&id).len(), 1, "only the submission");

    let server = case.engine.url();
    let again = case.run(&[
        "task",
        "again",
        &id,
        "--url",
        &server,
        "--yes",
        "--creator",
        "bob",
    ]);
    let (code, message) = failure(&again);
    assert_eq!(code, Some(2), "{message}");
    assert!(
        message.contains("--creator is refused: flow `dba gate`"),
        "{message}"
    );

    case.set_flows(&[dba_gate("delegating", true, true)]);
    let (delegated, _) = case.sync("other", &[], &[]);
    assert_eq!(
        case.identities(&delegated),
        "the creator may not approve; --as allowed"
    );
    for empty in ["", "  "] {
        let out = case.run(&[
            "task",
            "approve",
            &delegated,
            "--as",
            empty,
            "--role",
            "dba",
            "--comment",
            "ok",
        ]);
        assert_eq!(
            failure(&out),
            (
                Some(2),
                format!("shadowsync: --as needs a user name for task {delegated} (it is empty)\n")
            )
        );
    }
    let me = os_user();
    let out = case.run(&[
        "task",
        "approve",
        &delegated,
        "--as",
        &me,
        "--role",
        "dba",
        "--comment",
        "mine",
    ]);
    assert_eq!(out.status.code(), Some(3), "still the creator");
    assert!(
        text(&out.stderr).contains("forbids self-approval"),
        "{}",
        text(&out.stderr)
    );
    let out = case.run(&[
        "task",
        "approve",
        &delegated,
        "--as",
        "alice",
        "--role",
        "dba",
        "--comment",
        "fine",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with(&format!("Task {delegated}: waiting_for_execution\n")));
    assert_eq!(
        case.timeline(&delegated).last().cloned(),
        Some(("alice".into(), "approved".into(), "fine".into()))
    );

    // The approved task runs, and the first one is still untouched.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let due = case.run(&["task", "run-due", "--url", &server]);
        assert_eq!(due.status.code(), Some(0), "{}", text(&due.stderr));
        if text(&due.stdout).contains(&format!("Ran task {delegated}")) {
            break;
        }
        assert!(Instant::now() < deadline, "task {delegated} never ran");
        std::thread::sleep(Duration::from_millis(300));
    }
    assert_eq!(case.status(&delegated), "succeeded");
    assert!(case.shadow_exists("other"));
    assert_eq!(case.status(&id), "pending_approval");
}

engine::on_both_engines!(
    cancel_a_waiting_task,
    cancel_of_a_finished_task_fails,
    the_creator_may_not_approve_its_own_task,
    delegated_identity_needs_the_flow,
);
