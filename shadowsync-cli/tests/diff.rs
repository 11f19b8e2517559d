//! `shadowsync diff`, run as a process: output, exit status and messages.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh directory for one test's files.
fn scratch_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli-diff")
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `from` and `to` into `dir` and runs `shadowsync diff` on them.
fn diff(dir: &Path, from: &str, to: &str, extra: &[&str]) -> Output {
    fs::write(dir.join("shadow.sql"), from).unwrap();
    fs::write(dir.join("source.sql"), to).unwrap();
    Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .current_dir(dir)
        .args(["diff", "--from", "shadow.sql", "--to", "source.sql"])
        .args(extra)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn equal_files_print_nothing() {
    let dir = scratch_dir("equal");
    let ddl = "CREATE TABLE t (\n  a int,\n  b varchar(10)\n);\n";
    let out = diff(&dir, ddl, ddl, &["--flavor", "mariadb"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn bad_syntax_names_file_line_column_and_table() {
    let dir = scratch_dir("bad-syntax");
    let bad = "CREATE TABLE ok (a int);\nCREATE TABLE broken (\n  a int,\n  b int NOT (\n);\n";
    let out = diff(&dir, bad, "CREATE TABLE ok (a int);\n", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "");
    let err = text(&out.stderr);
    // The exact position is the parser's; it is on line 4, in `broken`.
    let expected = shadowsync_core::parse::parse_tables(bad).unwrap_err();
    let position = format!(
        "shadow.sql:{}:{}: ",
        expected.location.line, expected.location.column
    );
    assert_eq!(expected.location.line, 4, "{expected}");
    assert!(err.starts_with(&format!("shadowsync: {position}")), "{err}");
    assert!(err.contains("`broken`"), "{err}");
}

#[test]
fn unreadable_file_is_named() {
    let dir = scratch_dir("unreadable");
    let out = Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .current_dir(&dir)
        .args(["diff", "--from", "missing.sql", "--to", "missing-too.sql"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("shadowsync: cannot read missing.sql: "),
        "{err}"
    );
}

#[test]
fn unknown_flavor_is_a_usage_error() {
    let dir = scratch_dir("flavor");
    let out = diff(&dir, "", "", &["--flavor", "postgres"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown flavor `postgres`"));
}

#[test]
fn added_column_is_one_alter() {
    let dir = scratch_dir("add-column");
    let out = diff(
        &dir,
        "CREATE TABLE t (a int);\n",
        "CREATE TABLE t (a int, b int);\n",
        &["--flavor", "mysql"],
    );
    // Statements to run: 1, like diff(1).
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "ALTER TABLE `t` ADD COLUMN `b` int AFTER `a`;\n"
    );
    assert_eq!(text(&out.stderr), "", "a result, not an error");
}

#[test]
fn json_output_is_the_diff_view() {
    let dir = scratch_dir("json");
    let from = "CREATE TABLE gone (id int);\nCREATE TABLE t (a int, c int);\n";
    let to = "CREATE TABLE t (a int, b int);\nCREATE TABLE fresh (id int);\n";
    let out = diff(&dir, from, to, &["--flavor", "mariadb", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(
        (&view["schema_version"], &view["kind"], &view["flavor"]),
        (&1.into(), &"diff".into(), &"mariadb".into()),
        "{view}"
    );
    let statements = view["statements"].as_array().unwrap();
    let by_kind = |kind: &str| -> Vec<&str> {
        statements
            .iter()
            .filter(|s| s["statement"] == kind)
            .map(|s| s["table"].as_str().unwrap())
            .collect()
    };
    assert_eq!(by_kind("drop_table"), ["gone"], "{view}");
    assert_eq!(by_kind("create_table"), ["fresh"], "{view}");
    assert!(by_kind("alter_table").iter().all(|t| *t == "t"), "{view}");
    let counts = &view["counts"];
    assert_eq!(counts["total"], statements.len());
    assert_eq!((&counts["create"], &counts["drop"]), (&1.into(), &1.into()));
    // The dropped table and the dropped column `c` are destructive.
    assert!(counts["destructive"].as_u64().unwrap() >= 2, "{view}");
    for s in statements {
        assert!(!s["sql"].as_str().unwrap().ends_with(';'), "{s}");
    }
    // The text form prints the same statements.
    let plain = diff(&dir, from, to, &["--flavor", "mariadb"]);
    let sql: Vec<String> = statements
        .iter()
        .map(|s| format!("{};\n", s["sql"].as_str().unwrap()))
        .collect();
    assert_eq!(text(&plain.stdout), sql.concat());

    // Equal files: an empty view, exit 0.
    let out = diff(&dir, to, to, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["statements"], serde_json::json!([]));
    assert_eq!(view["counts"]["total"], 0);
}

#[test]
fn the_help_lists_the_exit_statuses() {
    let out = Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for line in [
        "0  success",
        "1  plan or diff found changes",
        "2  bad input",
        "3  any other failure",
    ] {
        assert!(help.contains(line), "{line}: {help}");
    }
}

#[test]
fn usage_errors_never_echo_a_password() {
    let out = Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .arg("mysql://u:hunter2secret@127.0.0.1/db")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(!err.contains("hunter2secret"), "{err}");
    assert!(err.contains("mysql://u:***@127.0.0.1/db"), "{err}");
}

#[test]
fn dropping_every_table_needs_allow_drop_all() {
    let dir = scratch_dir("drop_all");
    let from = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n";
    for to in ["", "-- truncated dump\n", "CREATE TABLE c (id int);"] {
        let out = diff(&dir, from, to, &[]);
        assert_eq!(out.status.code(), Some(2), "{to:?}");
        assert!(out.stdout.is_empty(), "{to:?}: {}", text(&out.stdout));
        let err = text(&out.stderr);
        assert!(
            err.contains("every one of the 2 tables") && err.contains("--allow-drop-all"),
            "{err}"
        );
    }
    let out = diff(&dir, from, "", &["--allow-drop-all"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "DROP TABLE `b`;\nDROP TABLE `a`;\n");
    // Dropping some tables is an ordinary diff.
    let out = diff(&dir, from, "CREATE TABLE a (id int);", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "DROP TABLE `b`;\n");
}
