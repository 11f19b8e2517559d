//! Approval flows from the CLI alone, run as processes against MariaDB and
//! seekdb: `flow set` from a TOML file, stdin (JSON) or the config
//! profile, checked before anything replaces the store's flows; `flow
//! list`/`show` as text and as the flow views; then a two-node flow (a
//! role, then a named user) set from a file gating `sync`'s task, which
//! `task approve` moves on node by node and `task run-due` runs, and
//! `task reject` ending another. The server's URL and password come from
//! `SHADOWSYNC_URL`/`SHADOWSYNC_PASSWORD`, never from `--url`.
//!
//! Start the servers with `eval "$(scripts/engines.sh start)"`: a missing
//! URL variable fails the tests rather than skipping them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use shadowsync_core::Executor;
use shadowsync_mysql::MysqlExecutor;

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::Engine;

/// One test on one engine: a scratch database, a task store and a
/// directory for flow and config files.
struct Case {
    engine: Engine,
    db: String,
    store: String,
    dir: tempfile::TempDir,
}

impl Case {
    fn new(engine: Engine, test: &str) -> Case {
        let db = format!("ssync_flows_{test}_{}", engine.name());
        let mut ex = MysqlExecutor::connect(&engine.url()).expect("connect");
        ex.drop_database(&db).expect("drop database");
        ex.create_database(&db).expect("create database");
        ex.use_database(&db).expect("use database");
        for sql in [
            "CREATE TABLE parent (id int NOT NULL, PRIMARY KEY (id))",
            "CREATE TABLE other (id int NOT NULL, PRIMARY KEY (id))",
        ] {
            ex.execute(sql).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("tasks.db").to_string_lossy().into_owned();
        Case {
            engine,
            db,
            store,
            dir,
        }
    }

    /// The server's URL on the test database without its password, and the
    /// password (none on seekdb), split as an operator would keep them.
    fn url_and_password(&self) -> (String, Option<String>) {
        let url = self.engine.url();
        let (scheme, rest) = url.split_once("://").unwrap();
        let (userinfo, host) = rest.split_once('@').unwrap();
        let (user, password) = match userinfo.split_once(':') {
            Some((user, password)) => (user, Some(password.to_string())),
            None => (userinfo, None),
        };
        let host = host.trim_end_matches('/');
        (format!("{scheme}://{user}@{host}/{}", self.db), password)
    }

    /// The CLI with `args`, the store, the credentials in the environment
    /// only, no config file but `--config` ones, and `stdin` as input.
    fn run_input(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let (url, password) = self.url_and_password();
        let mut command = Command::new(env!("CARGO_BIN_EXE_shadowsync"));
        command
            .args(args)
            .env("SHADOWSYNC_STORE", &self.store)
            .env("SHADOWSYNC_URL", url)
            .env("XDG_CONFIG_HOME", self.dir.path())
            .env_remove("SHADOWSYNC_PASSWORD")
            .env_remove("SHADOWSYNC_CONFIG")
            .env_remove("SHADOWSYNC_PROFILE")
            .env_remove("SHADOWSYNC_TEST_CRASH_AFTER")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(password) = password {
            command.env("SHADOWSYNC_PASSWORD", password);
        }
        let mut child = command.spawn().unwrap();
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        child.wait_with_output().unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_input(args, None)
    }

    /// `args`, which must succeed; its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// `args` with `--format json`, which must succeed.
    fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        let out = self.ok(&args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// `sync` of `table` confirmed, with `extra` options: the task's id and status.
    fn sync(&self, table: &str, extra: &[&str]) -> (String, String) {
        let mut args = vec!["sync", "--yes", "--tables", table];
        args.extend_from_slice(extra);
        let value = self.json(&args);
        let task = &value["task"];
        (
            task["id"].as_u64().expect("a task id").to_string(),
            task["status"].as_str().unwrap().to_string(),
        )
    }

    fn status(&self, id: &str) -> String {
        self.json(&["task", "show", id])["status"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// `(actor, action)` of the timeline of task `id`.
    fn timeline(&self, id: &str) -> Vec<(String, String)> {
        self.json(&["task", "timeline", id])["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["actor"].as_str().unwrap().to_string(),
                    e["action"]["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    fn shadow_exists(&self, table: &str) -> bool {
        let url = format!("{}/{}", self.engine.url().trim_end_matches('/'), self.db);
        let mut ex = MysqlExecutor::connect(&url).expect("connect");
        ex.list_relations()
            .unwrap()
            .iter()
            .any(|r| r.name == format!("__{table}"))
    }

    /// The names of the store's flows, by priority.
    fn flow_names(&self) -> Vec<String> {
        let list = self.json(&["flow", "list"]);
        assert_eq!(
            (&list["schema_version"], &list["kind"]),
            (&1.into(), &"flow_list".into())
        );
        list["flows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn os_user() -> String {
    whoami::username().expect("the test user has a name")
}

/// The two flows of the tests: `gate` (a `dba` role node, then a node for
/// the OS user by name) on database `db`, then `rest`, automatic, on
/// everything else. Delegated identities are allowed so that the task can
/// be submitted as someone else and the OS user may approve it.
fn flow_file(db: &str) -> String {
    format!(
        r#"# Flows by priority.
[[flow]]
name = "gate"
rules = [{{ connection = "*", database = "{db}" }}]
nodes = [
  {{ name = "review", approvers = {{ role = "dba" }} }},
  {{ name = "sign-off", approvers = {{ users = ["{user}"] }} }},
]
allow_delegated_identity = true

[[flow]]
name = "rest"
rules = [{{ connection = "*", database = "*" }}]
nodes = [{{ name = "auto", approvers = "auto" }}]
"#,
        user = os_user()
    )
}

/// Flows set from a file gate `sync`: the role node, then the named user,
/// each approved by the OS user through `task approve`, after which
/// `task run-due` (URL and password from the environment) runs the task;
/// `task reject` ends another task, which then never runs.
fn approve_and_reject_under_a_flow_from_a_file(engine: Engine) {
    let case = Case::new(engine, "approve");
    let file = case.write("flows.toml", &flow_file(&case.db));
    let set = case.ok(&["flow", "set", file.to_str().unwrap()]);
    assert!(set.starts_with("2 flows set in "), "{set}");
    assert!(set.ends_with("(by priority): gate, rest\n"), "{set}");

    let (id, status) = case.sync("parent", &["--creator", "alice"]);
    assert_eq!(status, "pending_approval");
    let task = case.json(&["task", "show", &id]);
    assert_eq!(
        (&task["flow"], &task["creator"]),
        (&"gate".into(), &"alice".into())
    );

    // Node 1 wants the role: the OS user without it is refused.
    let refused = case.run(&["task", "approve", &id, "--comment", "no role"]);
    assert_eq!(refused.status.code(), Some(3), "{}", text(&refused.stderr));
    assert_eq!(case.status(&id), "pending_approval");

    let first = case.ok(&[
        "task",
        "approve",
        &id,
        "--role",
        "dba",
        "--comment",
        "schema ok",
    ]);
    assert_eq!(
        first,
        format!("Task {id}: pending_approval\n"),
        "on to node 2"
    );
    let second = case.ok(&["task", "approve", &id, "--comment", "go"]);
    assert!(
        second.starts_with(&format!("Task {id}: waiting_for_execution\n")),
        "{second}"
    );
    assert!(!case.shadow_exists("parent"), "approved, not yet run");

    let due = case.ok(&["task", "run-due", "--progress", "off"]);
    assert!(due.contains(&format!("Ran task {id}")), "{due}");
    assert_eq!(case.status(&id), "succeeded");
    assert!(case.shadow_exists("parent"));
    let me = os_user();
    assert_eq!(
        case.timeline(&id)
            .into_iter()
            .filter(|(_, action)| action == "approved")
            .collect::<Vec<_>>(),
        [
            (me.clone(), "approved".into()),
            (me.clone(), "approved".into())
        ]
    );

    let (other, status) = case.sync("other", &["--creator", "alice"]);
    assert_eq!(status, "pending_approval");
    let rejected = case.ok(&[
        "task",
        "reject",
        &other,
        "--role",
        "dba",
        "--comment",
        "not now",
    ]);
    assert_eq!(rejected, format!("Task {other}: rejected\n"));
    assert_eq!(case.ok(&["task", "run-due"]), "No task was due.\n");
    assert_eq!(case.status(&other), "rejected");
    assert!(!case.shadow_exists("other"), "the rejected task never ran");
    assert_eq!(
        case.timeline(&other).last().unwrap(),
        &(me, "rejected".into())
    );
}

/// `flow list` and `flow show`, as text and as views; an unknown flow is
/// bad input naming the flows there are.
fn list_and_show(engine: Engine) {
    let case = Case::new(engine, "show");
    assert!(case.ok(&["flow", "list"]).starts_with("No flows in "));
    let file = case.write("flows.toml", &flow_file(&case.db));
    case.ok(&["flow", "set", file.to_str().unwrap()]);
    assert_eq!(case.flow_names(), ["gate", "rest"]);

    let gate = case.json(&["flow", "show", "gate"]);
    assert_eq!(
        (&gate["schema_version"], &gate["kind"]),
        (&1.into(), &"flow".into())
    );
    assert_eq!(gate["priority"], 1);
    assert_eq!(
        gate["nodes"][0],
        serde_json::json!({"name": "review", "approvers": "role", "role": "dba", "users": []})
    );
    assert_eq!(gate["nodes"][1]["users"], serde_json::json!([os_user()]));
    assert_eq!(gate["rules"][0]["database"], case.db.as_str());
    assert_eq!(gate["approval_expiry_ms"], 86_400_000);
    assert_eq!(
        (
            &gate["forbid_self_approval"],
            &gate["allow_delegated_identity"]
        ),
        (&true.into(), &true.into())
    );

    let shown = case.ok(&["flow", "show", "rest"]);
    assert!(
        shown.starts_with("2. rest\n   applies to: * / *\n   node 1: auto (automatic)\n"),
        "{shown}"
    );
    let listed = case.ok(&["flow", "list"]);
    assert!(
        listed.contains("   node 1: review (role dba)\n"),
        "{listed}"
    );
    assert!(
        listed.contains(&format!("   node 2: sign-off (users {})\n", os_user())),
        "{listed}"
    );

    let missing = case.run(&["flow", "show", "nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        text(&missing.stderr),
        "shadowsync: there is no flow `nope` (flows: gate, rest)\n"
    );
}

/// A bad flow file is refused whole, naming the file, the flow and the
/// field, and the store keeps its flows; JSON on stdin and a profile's
/// inline flows replace them.
fn bad_files_change_nothing_and_other_sources_work(engine: Engine) {
    let case = Case::new(engine, "sources");
    let good = case.write("flows.toml", &flow_file(&case.db));
    case.ok(&["flow", "set", good.to_str().unwrap()]);

    let typo = flow_file(&case.db).replace("name = \"rest\"\n", "name = \"rest\"\nexpiry = 5\n");
    let bad = case.write("bad.toml", &typo);
    let out = case.run(&["flow", "set", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let msg = text(&out.stderr);
    assert!(
        msg.starts_with(&format!(
            "shadowsync: {}: flow 2 (`rest`): unknown field `expiry`",
            bad.display()
        )),
        "{msg}"
    );
    let empty = flow_file(&case.db).replace("{ role = \"dba\" }", "{ users = [] }");
    let out = case.run(&[
        "flow",
        "set",
        case.write("e.toml", &empty).to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("flow `gate`: node `review` has no approver"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(case.flow_names(), ["gate", "rest"], "nothing was replaced");

    let json = r#"[{"name": "only", "rules": [{"connection": "*", "database": "*"}],
        "nodes": [{"name": "ops", "approvers": {"role": "ops"}}]}]"#;
    let out = case.run_input(&["flow", "set", "-"], Some(json));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(case.flow_names(), ["only"]);
    let (id, status) = case.sync("parent", &[]);
    assert_eq!(status, "pending_approval", "the stdin flow gates task {id}");

    let config = case.write(
        "config.toml",
        "[profile.ops]\n[[profile.ops.flows]]\nname = \"from-profile\"\n\
         rules = [{ connection = \"*\", database = \"*\" }]\nnodes = [{ name = \"a\", approvers = \"auto\" }]\n",
    );
    let config = config.to_str().unwrap();
    let set = case.ok(&["flow", "set", "--config", config, "--profile", "ops"]);
    assert!(set.ends_with("(by priority): from-profile\n"), "{set}");
    assert_eq!(case.flow_names(), ["from-profile"]);
    let (_, status) = case.sync("other", &[]);
    assert_eq!(
        status, "succeeded",
        "the automatic profile flow let it through"
    );

    let out = case.run(&["flow", "set"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("give a flow FILE"),
        "{}",
        text(&out.stderr)
    );
    assert!(Path::new(&case.store).exists());
}

/// A gate with `auto_approve = "additive"`: the create of a missing
/// shadow and an `ADD COLUMN` at the end pass both nodes by themselves
/// (the system's decision in the timeline) and run; a `DROP COLUMN` waits
/// for the dba like any gated task.
fn additive_plans_approve_themselves(engine: Engine) {
    let case = Case::new(engine, "additive");
    let flows = flow_file(&case.db).replacen(
        "allow_delegated_identity = true",
        "allow_delegated_identity = true\nauto_approve = \"additive\"",
        1,
    );
    case.ok(&[
        "flow",
        "set",
        case.write("flows.toml", &flows).to_str().unwrap(),
    ]);
    let show = case.json(&["flow", "show", "gate"]);
    assert_eq!(show["auto_approve"], "additive");

    let (created, status) = case.sync("parent", &["--creator", "alice"]);
    assert_eq!(
        status, "succeeded",
        "the create of a missing shadow is additive"
    );
    assert!(case.shadow_exists("parent"));
    let auto = |id: &str| {
        case.timeline(id)
            .into_iter()
            .filter(|(actor, action)| actor == "system" && action == "auto_approved")
            .count()
    };
    assert_eq!(auto(&created), 2, "both nodes passed by the system");

    let url = format!("{}/{}", case.engine.url().trim_end_matches('/'), case.db);
    let mut ex = MysqlExecutor::connect(&url).expect("connect");
    ex.execute("ALTER TABLE parent ADD COLUMN note varchar(20) NULL, ADD KEY k_note (note)")
        .unwrap();
    let (added, status) = case.sync("parent", &["--creator", "alice"]);
    assert_eq!(status, "succeeded", "a column at the end and a plain key");
    assert_eq!(auto(&added), 2);

    ex.execute("ALTER TABLE parent DROP COLUMN note").unwrap();
    let (dropped, status) = case.sync("parent", &["--creator", "alice"]);
    assert_eq!(status, "pending_approval", "a drop is not additive");
    assert_eq!(auto(&dropped), 0);
}

engine::on_both_engines!(
    additive_plans_approve_themselves,
    approve_and_reject_under_a_flow_from_a_file,
    list_and_show,
    bad_files_change_nothing_and_other_sources_work,
);
