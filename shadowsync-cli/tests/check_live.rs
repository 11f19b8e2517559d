//! `shadowsync check`, run as a process on MariaDB and seekdb: the five
//! verdicts as a checking account with partial grants sees them, the counts,
//! exit statuses (0 ready, 1 not ready, 2 bad input), the JSON view, and
//! the privilege probe of application accounts with partial grants. Start
//! the servers with `eval "$(scripts/engines.sh start)"`; a missing URL
//! variable fails the tests rather than skipping them.

use std::process::{Command, Output};

use serde_json::Value;

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::Engine;

#[path = "../../tests/support/check_schema.rs"]
mod check_schema;
use check_schema::{CheckSchema, PASSWORD};

#[path = "../../tests/support/view_schema.rs"]
mod view_schema;

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .arg("check")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The JSON view of a check that exits with `code`.
fn json(out: &Output, code: i32) -> Value {
    assert_eq!(out.status.code(), Some(code), "{}", text(&out.stderr));
    let view: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    // The checked-in schema of the view holds for real output.
    view_schema::assert_valid("check", &view);
    let at = view["checked_at"].as_str().unwrap();
    assert!(
        at.len() == 24 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
        "{at}"
    );
    for row in view["tables"].as_array().unwrap() {
        assert!(
            row["source"].is_string() && row["shadow"].is_string(),
            "{row}"
        );
    }
    view
}

fn row<'a>(view: &'a Value, source: &str) -> &'a Value {
    view["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["source"] == source)
        .unwrap_or_else(|| panic!("no `{source}` in {view}"))
}

fn counts(view: &Value) -> [u64; 6] {
    let c = &view["counts"];
    [
        "total",
        "ready",
        "drifted",
        "missing",
        "refused",
        "inaccessible",
    ]
    .map(|k| c[k].as_u64().unwrap_or_else(|| panic!("{k} in {c}")))
}

fn verdicts_and_fixes(engine: Engine) {
    let mut s = CheckSchema::new(engine, "cv");
    let reader = s.reader_url();
    let out = check(&["--url", &reader, "--all", "--format", "json"]);
    let view = json(&out, 1);
    assert_eq!(view["ready"], false);
    assert_eq!(view["database"], s.db.as_str());
    assert_eq!(counts(&view), [5, 1, 1, 1, 1, 1], "{view}");
    let ok = row(&view, "ok");
    assert_eq!(
        (&ok["verdict"], &ok["ready"]),
        (&"ready".into(), &true.into())
    );
    assert_eq!(ok["statements"], Value::Array(vec![]));

    let drift = row(&view, "drift");
    assert_eq!(drift["verdict"], "drifted");
    let differences: Vec<&str> = drift["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    for expected in [
        "column `qty` differs",
        "column `status` differs",
        "column `note` differs",
        "index `k_qty` is missing or differs",
    ] {
        assert!(
            differences.contains(&expected),
            "{expected}: {differences:?}"
        );
    }
    let fixes = drift["statements"].as_array().unwrap();
    assert!(
        !fixes.is_empty()
            && fixes[0]
                .as_str()
                .unwrap()
                .starts_with("ALTER TABLE `__drift`")
    );

    let gone = row(&view, "gone");
    assert_eq!(gone["verdict"], "missing");
    assert!(gone["statements"][0]
        .as_str()
        .unwrap()
        .starts_with("CREATE TABLE `__gone`"));
    let clash = row(&view, "clash");
    assert_eq!(clash["verdict"], "refused");
    assert!(
        clash["reason"].as_str().unwrap().contains("collision"),
        "{clash}"
    );
    let hidden = row(&view, "hidden");
    assert_eq!(hidden["verdict"], "inaccessible");
    let why = hidden["reason"].as_str().unwrap();
    assert!(why.contains("__hidden") && why.contains("1142"), "{why}");
    assert!(!text(&out.stdout).contains(PASSWORD));

    // Text: one row per table, the verdict words, the summary.
    let out = check(&["--url", &reader, "--tables", "ok,drift,gone,clash,hidden"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for verdict in ["ready", "drifted", "missing", "refused", "inaccessible"] {
        assert!(
            stdout.contains(&format!("  {verdict}  ")),
            "{verdict}: {stdout}"
        );
    }
    assert!(
        stdout.contains("NOT READY: 5 tables") && stdout.contains("1 inaccessible"),
        "{stdout}"
    );
    assert!(stdout.contains("-- What would fix them"), "{stdout}");

    // The ready table alone is ready; skipping the others is too.
    let out = check(&["--url", &reader, "--tables", "ok"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("READY: 1 tables"),
        "{}",
        text(&out.stdout)
    );
    let out = check(&[
        "--url",
        &reader,
        "--all",
        "--skip",
        "drift,gone,clash,hidden",
        "--format",
        "json",
    ]);
    let view = json(&out, 0);
    assert_eq!(view["skipped"].as_array().unwrap().len(), 4, "{view}");

    // The administrator reads `__hidden`: ready.
    let admin = s.admin_url();
    let view = json(&check(&["--url", &admin, "--all", "--format", "json"]), 1);
    assert_eq!(counts(&view), [5, 2, 1, 1, 1, 0], "{view}");

    // The fixes the check names make it ready: statements as given, and
    // the collision replaced by the shadow the check then says is missing.
    run_fixes(&mut s, &view);
    s.admin("DROP TABLE __clash");
    let view = json(&check(&["--url", &admin, "--all", "--format", "json"]), 1);
    assert_eq!(counts(&view), [5, 4, 0, 1, 0, 0], "{view}");
    assert_eq!(row(&view, "clash")["verdict"], "missing");
    run_fixes(&mut s, &view);
    let view = json(&check(&["--url", &admin, "--all", "--format", "json"]), 0);
    assert_eq!(view["ready"], true);
    assert_eq!(counts(&view), [5, 5, 0, 0, 0, 0], "{view}");
}

/// Run every statement `view` names as the administrator.
fn run_fixes(s: &mut CheckSchema, view: &Value) {
    for t in view["tables"].as_array().unwrap() {
        for sql in t["statements"].as_array().unwrap() {
            s.admin(sql.as_str().unwrap());
        }
    }
}

fn bad_input(engine: Engine) {
    let s = CheckSchema::new(engine, "cb");
    let admin = s.admin_url();
    let out = check(&["--url", &admin, "--tables", "ok,nope"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("nope"), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let out = check(&["--url", &admin, "--tables", "ok", "--skip", "drift"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = check(&["--url", &admin, "--all", "--app-user", "ss_chk_nobody@%"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("no account 'ss_chk_nobody'@'%'"),
        "{}",
        text(&out.stderr)
    );
    // Checked before connecting: the port-1 URL would fail otherwise.
    let nowhere = format!("mysql://u:{PASSWORD}@127.0.0.1:1/db");
    for args in [
        vec!["--all", "--app-user", "'app"],
        vec!["--all", "--app-user", "@%"],
        vec!["--tables", "a,,b"],
        vec!["--prefix", "__"],
        vec!["--all", "--tables", "a"],
        vec!["--all", "--format", "yaml"],
    ] {
        let out = check(&[&["--url", nowhere.as_str()], args.as_slice()].concat());
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            !text(&out.stderr).contains(PASSWORD),
            "{}",
            text(&out.stderr)
        );
    }
    // An unknown name the reader has no privilege on: MariaDB does not tell
    // it whether the table exists (inaccessible, not ready); seekdb does.
    let out = check(&[
        "--url",
        &s.reader_url(),
        "--tables",
        "nope",
        "--format",
        "json",
    ]);
    match engine {
        Engine::Mariadb => {
            let view = json(&out, 1);
            assert_eq!(row(&view, "nope")["verdict"], "inaccessible");
        }
        Engine::Seekdb => assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr)),
    }
}

fn access(view: &Value, source: &str) -> [bool; 5] {
    let a = &row(view, source)["app_access"];
    ["select", "insert", "update", "delete", "full"].map(|k| a[k].as_bool().unwrap())
}

fn privilege_probe(engine: Engine) {
    let s = CheckSchema::new(engine, "cp");
    let admin = s.admin_url();
    let app = format!("'{}'@'%'", s.app_tables);
    let view = json(
        &check(&[
            "--url",
            &admin,
            "--all",
            "--app-user",
            &app,
            "--format",
            "json",
        ]),
        1,
    );
    assert_eq!(view["app_user"], app.as_str());
    // Table-level: no DELETE on `__ok`, everything on `__hidden`.
    assert_eq!(access(&view, "ok"), [true, true, true, false, false]);
    assert_eq!(access(&view, "hidden"), [true; 5]);
    // Column-level SELECT does not count, and says so.
    assert_eq!(access(&view, "drift"), [false, true, true, true, false]);
    let notes = row(&view, "drift")["app_access"]["notes"].to_string();
    assert!(notes.contains("SELECT on some columns only"), "{notes}");
    assert_eq!(access(&view, "gone"), [false; 5]);
    assert_eq!(view["counts"]["app_access_short"], 4, "{view}");

    // A ready shadow the application cannot DELETE from: not ready.
    let out = check(&[
        "--url",
        &admin,
        "--tables",
        "ok",
        "--app-user",
        &s.app_tables,
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("no DELETE") && stdout.contains("NOT READY"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cannot SELECT, INSERT, UPDATE and DELETE __ok"),
        "{stdout}"
    );
    // A table-level grant of everything, and a database-level pattern.
    let out = check(&["--url", &admin, "--tables", "hidden", "--app-user", &app]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let db_app = format!("{}@%", s.app_database);
    let view = json(
        &check(&[
            "--url",
            &admin,
            "--tables",
            "ok,hidden",
            "--app-user",
            &db_app,
            "--format",
            "json",
        ]),
        0,
    );
    assert_eq!(access(&view, "ok"), [true; 5]);

    // A checking account that may not read the grants: a clear error, no report.
    let out = check(&[
        "--url",
        &s.reader_url(),
        "--tables",
        "ok",
        "--app-user",
        &app,
    ]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("may not read the grants of")
            && stderr.contains("needs SELECT on the `mysql` database"),
        "{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a failure, not a verdict: {stderr}"
    );
    assert_eq!(text(&out.stdout), "");
}

/// `check` and `plan` through a task store's snapshot cache: the same
/// output as `--no-cache`, the second run taking texts from the cache (as
/// `-v` logs), and `--no-cache` neither using nor mentioning it.
fn through_the_cache(engine: Engine) {
    let s = CheckSchema::new(engine, "cc");
    let url = s.admin_url();
    let dir = std::env::temp_dir().join(format!(
        "ss_cli_cache_{}_{}",
        engine.name(),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let store = dir.join("tasks.db");
    let store = store.to_str().unwrap();
    // Past MariaDB's racy window, so that the first run stores every entry.
    std::thread::sleep(std::time::Duration::from_millis(2_200));
    let strip = |mut view: Value| {
        view["checked_at"] = Value::Null;
        view
    };
    let base = ["--url", url.as_str(), "--all", "--format", "json", "-v"];
    let plain = check(&[&base[..], &["--no-cache", "--store", store]].concat());
    assert!(
        !text(&plain.stderr).contains("snapshot cache"),
        "{}",
        text(&plain.stderr)
    );
    let plain = strip(json(&plain, 1));
    let mut reused = Vec::new();
    for _ in 0..2 {
        let out = check(&[&base[..], &["--store", store]].concat());
        let log = text(&out.stderr);
        let n: usize = log
            .split("snapshot cache: ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no cache line in {log}"));
        reused.push(n);
        assert_eq!(strip(json(&out, 1)), plain);
    }
    assert_eq!(reused[0], 0);
    assert!(reused[1] > 0, "the second run used the cache: {reused:?}");
    let plan = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_shadowsync"))
            .args(["plan", "--url", url.as_str(), "--all", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        (out.status.code(), out.stdout)
    };
    assert_eq!(plan(&["--store", store]), plan(&["--no-cache"]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mariadb_through_the_cache() {
    through_the_cache(Engine::Mariadb);
}

#[test]
fn seekdb_through_the_cache() {
    through_the_cache(Engine::Seekdb);
}

#[test]
fn mariadb_verdicts_and_fixes() {
    verdicts_and_fixes(Engine::Mariadb);
}

#[test]
fn seekdb_verdicts_and_fixes() {
    verdicts_and_fixes(Engine::Seekdb);
}

#[test]
fn mariadb_bad_input() {
    bad_input(Engine::Mariadb);
}

#[test]
fn seekdb_bad_input() {
    bad_input(Engine::Seekdb);
}

#[test]
fn mariadb_privilege_probe() {
    privilege_probe(Engine::Mariadb);
}

#[test]
fn seekdb_privilege_probe() {
    privilege_probe(Engine::Seekdb);
}
