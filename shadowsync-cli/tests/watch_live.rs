//! `shadowsync watch`, run as processes against MariaDB and seekdb: a
//! production `ALTER` and a new source table picked up in one pass and
//! submitted as one task; the same drift held on the next pass and free
//! again once its task succeeded; two watchers racing on one store (a
//! SQLite file, and a store on the server) submitting each drift exactly
//! once; a gated flow approving additive drift by itself and holding the
//! rest for its approvers; and the loop itself, which catches a drift
//! within one interval, runs it with `--run`, and stops on SIGTERM, also
//! in the middle of a run (the task then ends aborted).
//!
//! Start the servers with `eval "$(scripts/engines.sh start)"`: a missing
//! URL variable fails the tests rather than skipping them.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use shadowsync_core::Executor;
use shadowsync_mysql::MysqlExecutor;

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::Engine;

#[path = "../../tests/support/view_schema.rs"]
mod view_schema;

/// One test on one engine: a scratch database with two tables whose
/// shadows are in step, a task store, and a directory for flow files.
struct Case {
    engine: Engine,
    db: String,
    store: String,
    dir: tempfile::TempDir,
}

impl Case {
    fn new(engine: Engine, test: &str) -> Case {
        let db = format!("ssync_watch_{test}_{}", engine.name());
        let mut ex = MysqlExecutor::connect(&engine.url()).expect("connect");
        ex.drop_database(&db).expect("drop database");
        ex.create_database(&db).expect("create database");
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("tasks.db").to_string_lossy().into_owned();
        let case = Case {
            engine,
            db,
            store,
            dir,
        };
        case.sql(&[
            "CREATE TABLE orders (id int NOT NULL, total decimal(10,2) NOT NULL, PRIMARY KEY (id))",
            "CREATE TABLE customers (id int NOT NULL, name varchar(40) NULL, PRIMARY KEY (id))",
        ]);
        case
    }

    /// The case with its task store in a database of the server instead.
    fn with_server_store(mut self) -> Case {
        let store_db = format!("{}_tasks", self.db);
        let mut ex = MysqlExecutor::connect(&self.engine.url()).expect("connect");
        ex.drop_database(&store_db).expect("drop store database");
        ex.create_database(&store_db)
            .expect("create store database");
        self.store = format!("{}/{store_db}", self.engine.url().trim_end_matches('/'));
        self
    }

    /// The shadows brought in step by a `sync` (the built-in flow approves
    /// it by itself).
    fn in_step(self) -> Case {
        self.ok(&["sync", "--all", "--yes"]);
        self
    }

    fn sql(&self, statements: &[&str]) {
        let url = format!("{}/{}", self.engine.url().trim_end_matches('/'), self.db);
        let mut ex = MysqlExecutor::connect(&url).expect("connect");
        for sql in statements {
            ex.execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }

    /// The URL of the scratch database without its password, and the
    /// password, as an operator keeps them apart.
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

    /// The CLI with `args`; the URL, password and store in the environment.
    fn command(&self, args: &[&str]) -> Command {
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
            .env_remove("SHADOWSYNC_TEST_INTERVAL_MS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(password) = password {
            command.env("SHADOWSYNC_PASSWORD", password);
        }
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// `args`, which must succeed; its stdout.
    fn ok(&self, args: &[&str]) -> String {
        succeeded(args, self.run(args))
    }

    /// One `watch --once --all` pass as its JSON view.
    fn pass(&self, extra: &[&str]) -> Value {
        let mut args = vec!["watch", "--once", "--all", "--format", "json"];
        args.extend_from_slice(extra);
        pass_view(&self.ok(&args))
    }

    fn status(&self, id: u64) -> String {
        let out = self.ok(&["task", "show", &id.to_string(), "--format", "json"]);
        let task: Value = serde_json::from_str(&out).unwrap();
        task["status"].as_str().unwrap().to_string()
    }

    fn task_count(&self) -> u64 {
        let out = self.ok(&["task", "list", "--format", "json"]);
        let page: Value = serde_json::from_str(&out).unwrap();
        page["total"].as_u64().unwrap()
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn succeeded(args: &[&str], out: Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A pass's JSON line, checked against the checked-in schema of the view.
fn pass_view(line: &str) -> Value {
    let view: Value =
        serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    assert_eq!(line.trim().lines().count(), 1, "one line per pass: {line}");
    view_schema::assert_valid("watch", &view);
    view
}

fn outcome(view: &Value) -> &str {
    view["outcome"].as_str().unwrap()
}

fn task_id(view: &Value) -> u64 {
    view["task"]["id"].as_u64().expect("a task")
}

/// A production `ALTER` and a new source table in one pass: one task
/// creating one shadow and altering another. The next pass sees the same
/// drift and holds it; once the task ran, the shadows are in step, and a
/// later drift is submitted again.
fn a_production_alter_and_a_new_table_in_one_pass(engine: Engine) {
    let case = Case::new(engine, "pass").in_step();
    let quiet = case.pass(&[]);
    assert_eq!(outcome(&quiet), "in_step", "{quiet}");
    assert!(quiet["task"].is_null() && quiet["drift"].is_null());
    let before = case.task_count();

    case.sql(&[
        "ALTER TABLE orders ADD COLUMN note varchar(20) NULL",
        "CREATE TABLE invoices (id int NOT NULL, order_id int NOT NULL, PRIMARY KEY (id))",
    ]);
    let first = case.pass(&[]);
    assert_eq!(outcome(&first), "submitted", "{first}");
    let counts = &first["plan"]["counts"];
    assert_eq!(
        (&counts["create"], &counts["alter"]),
        (&1.into(), &1.into()),
        "{first}"
    );
    let drift = first["drift"].as_str().unwrap().to_string();
    assert!(drift.starts_with("drift:") && drift.len() == 22, "{drift}");
    assert!(first["not_additive"].is_null(), "additive: {first}");
    let id = task_id(&first);
    assert_eq!(first["task"]["status"], "waiting_for_execution");
    assert_eq!(case.task_count(), before + 1);

    let again = case.pass(&[]);
    assert_eq!(outcome(&again), "held", "{again}");
    assert_eq!(
        (task_id(&again), again["drift"].as_str()),
        (id, Some(&*drift))
    );
    assert_eq!(case.task_count(), before + 1, "nothing new submitted");

    // The pass that runs holds the drift, then runs its task.
    let out = case.run(&["watch", "--once", "--all", "--run"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        text(&out.stdout).contains(&format!("task {id} holds it")),
        "{}",
        text(&out.stdout)
    );
    assert!(
        stderr.contains(&format!("task {id} ran: succeeded")),
        "{stderr}"
    );
    assert_eq!(case.status(id), "succeeded");
    let text_pass = case.ok(&["watch", "--once", "--all"]);
    assert!(text_pass.contains("  in step: 3 tables"), "{text_pass}");
    case.ok(&["check", "--all"]);

    // The drift's task succeeded: a new drift is free to be submitted.
    case.sql(&["ALTER TABLE orders DROP COLUMN note"]);
    let later = case.pass(&[]);
    assert_eq!(outcome(&later), "submitted", "{later}");
    assert_ne!(task_id(&later), id);
    assert!(
        later["not_additive"].as_str().unwrap().contains("`orders`"),
        "a dropped column is not additive: {later}"
    );
}

/// Two watchers started together on one store, three drifts in a row:
/// each drift is submitted by exactly one of them, the other names the
/// same task.
fn racing_watchers_submit_each_drift_once(case: Case) {
    let case = case.in_step();
    let before = case.task_count();
    for round in 0..3 {
        case.sql(&[&format!(
            "ALTER TABLE customers ADD COLUMN c{round} int NULL"
        )]);
        let args = ["watch", "--once", "--all", "--format", "json"];
        let watchers: Vec<Child> = (0..2)
            .map(|_| case.command(&args).spawn().unwrap())
            .collect();
        let mut views: Vec<Value> = watchers
            .into_iter()
            .map(|w| pass_view(&succeeded(&args, w.wait_with_output().unwrap())))
            .collect();
        views.sort_by(|a, b| outcome(a).cmp(outcome(b)));
        let outcomes: Vec<&str> = views.iter().map(outcome).collect();
        assert_eq!(outcomes, ["held", "submitted"], "round {round}: {views:?}");
        assert_eq!(task_id(&views[0]), task_id(&views[1]), "round {round}");
        assert_eq!(views[0]["drift"], views[1]["drift"]);
        // Run it, so the next round's drift starts from shadows in step.
        case.ok(&["task", "run-due"]);
        assert_eq!(case.status(task_id(&views[1])), "succeeded");
    }
    assert_eq!(case.task_count(), before + 3, "one task per drift");
}

fn racing_watchers_on_a_sqlite_store(engine: Engine) {
    racing_watchers_submit_each_drift_once(Case::new(engine, "race_file"));
}

fn racing_watchers_on_a_server_store(engine: Engine) {
    racing_watchers_submit_each_drift_once(Case::new(engine, "race_server").with_server_store());
}

/// Under a flow whose approvers may be skipped for additive plans, a new
/// column at the end is submitted approved; a changed column type waits
/// for the approvers, stays held while it waits and once rejected, so the
/// approvers are not asked again for the same drift.
fn additive_drift_approves_itself_the_rest_waits(engine: Engine) {
    let case = Case::new(engine, "flow").in_step();
    let flows = format!(
        r#"[[flow]]
name = "gate"
rules = [{{ connection = "*", database = "{db}" }}]
nodes = [{{ name = "review", approvers = {{ role = "dba" }} }}]
auto_approve = "additive"
"#,
        db = case.db
    );
    let file = case.write("flows.toml", &flows);
    case.ok(&["flow", "set", file.to_str().unwrap()]);

    case.sql(&["ALTER TABLE orders ADD COLUMN note varchar(20) NULL, ADD KEY k_note (note)"]);
    let additive = case.pass(&[]);
    assert_eq!(outcome(&additive), "submitted", "{additive}");
    assert!(additive["not_additive"].is_null(), "{additive}");
    assert_eq!(
        additive["task"]["status"], "waiting_for_execution",
        "{additive}"
    );
    case.ok(&["task", "run-due"]);

    case.sql(&["ALTER TABLE orders MODIFY total decimal(12,2) NOT NULL"]);
    let modify = case.pass(&[]);
    assert_eq!(outcome(&modify), "submitted", "{modify}");
    assert!(
        modify["not_additive"]
            .as_str()
            .unwrap()
            .contains("`orders`"),
        "{modify}"
    );
    assert_eq!(modify["task"]["status"], "pending_approval");
    let id = task_id(&modify);
    assert_eq!(outcome(&case.pass(&[])), "held");
    case.ok(&[
        "task",
        "reject",
        &id.to_string(),
        "--role",
        "dba",
        "--comment",
        "not now",
    ]);
    let after = case.pass(&[]);
    assert_eq!(
        (outcome(&after), task_id(&after)),
        ("held", id),
        "a rejected drift stays held"
    );
}

/// The loop (a 300 ms interval through the test hook): in step, then a
/// drift made between passes is submitted and, with `--run`, run, after
/// which the passes are in step again; SIGTERM then stops it at once.
fn the_loop_catches_drift_runs_it_and_stops_on_sigterm(engine: Engine) {
    let case = Case::new(engine, "loop").in_step();
    let mut command = case.command(&["watch", "--all", "--run", "--format", "json"]);
    command.env("SHADOWSYNC_TEST_INTERVAL_MS", "300");
    let mut child = command.spawn().unwrap();
    let (lines, passes) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let next = |what: &str| -> Value {
        let line = passes
            .recv_timeout(Duration::from_secs(90))
            .unwrap_or_else(|_| panic!("no pass while waiting for {what}"));
        pass_view(&line)
    };
    assert_eq!(outcome(&next("the first pass")), "in_step");

    case.sql(&["CREATE TABLE invoices (id int NOT NULL, PRIMARY KEY (id))"]);
    let deadline = Instant::now() + Duration::from_secs(90);
    let submitted = loop {
        let view = next("the drift");
        if outcome(&view) == "submitted" {
            break view;
        }
        assert_eq!(outcome(&view), "in_step", "{view}");
        assert!(Instant::now() < deadline, "the drift was never submitted");
    };
    let id = task_id(&submitted);
    // The pass that submitted it ran it: the next is in step.
    assert_eq!(outcome(&next("the pass after the run")), "in_step");
    assert_eq!(case.status(id), "succeeded");

    let status = terminated(&mut child);
    assert_eq!(status.code(), Some(130), "stopped by the signal handler");
}

/// Database mode: the shadows under the sources' names in another
/// database, created by the first pass's task (`--run`); a production
/// `ALTER` then reaches the shadow database on a later pass.
fn database_mode_passes(engine: Engine) {
    let case = Case::new(engine, "dbmode");
    let shadow_db = format!("{}_sh", case.db);
    let mut admin = MysqlExecutor::connect(&case.engine.url()).expect("connect");
    admin
        .drop_database(&shadow_db)
        .expect("drop shadow database");
    let mapped = ["--shadow-schema", shadow_db.as_str(), "--run"];
    let first = case.pass(&mapped);
    assert_eq!(outcome(&first), "submitted", "{first}");
    assert_eq!(first["plan"]["counts"]["create"], 2, "{first}");
    let id = task_id(&first);
    assert_eq!(case.status(id), "succeeded");
    assert_eq!(outcome(&case.pass(&mapped)), "in_step");

    case.sql(&["ALTER TABLE orders ADD COLUMN note varchar(20) NULL"]);
    let drift = case.pass(&mapped);
    assert_eq!(outcome(&drift), "submitted", "{drift}");
    assert_eq!(drift["plan"]["counts"]["alter"], 1, "{drift}");
    assert_eq!(case.status(task_id(&drift)), "succeeded");
    assert_eq!(outcome(&case.pass(&mapped)), "in_step");
    let mut in_shadow_db = MysqlExecutor::connect(&format!(
        "{}/{shadow_db}",
        case.engine.url().trim_end_matches('/')
    ))
    .expect("connect to the shadow database");
    let orders = in_shadow_db
        .show_create_tables(&["orders".to_string()])
        .unwrap()
        .remove(0)
        .expect("the shadow of orders");
    assert!(orders.contains("`note`"), "{orders}");
    admin
        .drop_database(&shadow_db)
        .expect("drop shadow database");
}

/// SIGTERM while `--run` runs a task (each statement paused 1.5 s before
/// it is sent): the task ends `aborted`, with a statement or more left
/// unsent, and the watch exits 130 instead of going on to another pass.
fn sigterm_during_a_run_aborts_the_task_and_stops_the_watch(engine: Engine) {
    let case = Case::new(engine, "sigterm_run").in_step();
    case.sql(&[
        "CREATE TABLE a (id int NOT NULL, PRIMARY KEY (id))",
        "CREATE TABLE b (id int NOT NULL, PRIMARY KEY (id))",
        "CREATE TABLE c (id int NOT NULL, PRIMARY KEY (id))",
    ]);
    let mut command = case.command(&["watch", "--all", "--run", "--format", "json"]);
    command
        .env("SHADOWSYNC_TEST_INTERVAL_MS", "300")
        .env("SHADOWSYNC_TEST_PAUSE_MS", "1500");
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let submitted = pass_view(&lines.next().expect("a first pass").unwrap());
    assert_eq!(outcome(&submitted), "submitted", "{submitted}");
    let id = task_id(&submitted);
    std::thread::sleep(Duration::from_millis(700));
    let status = terminated(&mut child);
    assert_eq!(status.code(), Some(130), "stopped after the abort");
    assert!(lines.next().is_none(), "a pass ran after SIGTERM");
    assert_eq!(case.status(id), "aborted");
}

/// `child` sent SIGTERM, and its exit status once it exited (within 30 s).
fn terminated(child: &mut Child) -> std::process::ExitStatus {
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let sent = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(30),
            "watch went on after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `--interval` below a minute, and a watch without a selection, are bad
/// input before any server is reached.
fn bad_intervals_are_bad_input(engine: Engine) {
    let case = Case::new(engine, "bad");
    let short = case.run(&["watch", "--all", "--interval", "30s"]);
    assert_eq!(short.status.code(), Some(2));
    assert!(
        text(&short.stderr).contains("one minute"),
        "{}",
        text(&short.stderr)
    );
    let none = case.run(&["watch", "--once"]);
    assert_eq!(none.status.code(), Some(2), "{}", text(&none.stderr));
}

engine::on_both_engines!(
    a_production_alter_and_a_new_table_in_one_pass,
    racing_watchers_on_a_sqlite_store,
    racing_watchers_on_a_server_store,
    additive_drift_approves_itself_the_rest_waits,
    the_loop_catches_drift_runs_it_and_stops_on_sigterm,
    sigterm_during_a_run_aborts_the_task_and_stops_the_watch,
    database_mode_passes,
    bad_intervals_are_bad_input,
);
