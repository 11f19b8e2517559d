//! `shadowsync plan`, run as a process against MariaDB: output formats,
//! exit statuses, and that the password never shows. Start the servers with
//! `eval "$(scripts/engines.sh start)"`; a missing URL variable fails the
//! tests rather than skipping them.

use std::process::{Command, Output};

use serde_json::Value;
use shadowsync_core::Executor;
use shadowsync_mysql::MysqlExecutor;

/// The password the failure tests put in URLs; must never be printed.
const SECRET: &str = "Wr0ng-S3cret-pw";

fn server_url() -> String {
    std::env::var("SHADOWSYNC_MARIADB_URL").unwrap_or_else(|_| {
        panic!("SHADOWSYNC_MARIADB_URL is not set: start the engines with `eval \"$(scripts/engines.sh start)\"`")
    })
}

/// `url` (ending in `/`) with `db` as its database.
fn db_url(db: &str) -> String {
    let url = server_url();
    format!("{}/{db}", url.trim_end_matches('/'))
}

/// The server URL with `password` in place of the real one, on database `db`.
fn url_with_password(password: &str, db: &str) -> String {
    let url = server_url();
    let (scheme, rest) = url.split_once("://").unwrap();
    let (user, host) = rest.split_once('@').unwrap();
    let user = user.split(':').next().unwrap();
    format!(
        "{scheme}://{user}:{password}@{}/{db}",
        host.trim_end_matches('/')
    )
}

/// A fresh database `db` with a tiny schema: a parent with an outdated
/// shadow (missing a column), a child with an FK to it, and a view.
fn tiny_schema(db: &str) -> MysqlExecutor {
    let mut ex = MysqlExecutor::connect(&server_url()).expect("connect");
    ex.drop_database(db).unwrap();
    ex.create_database(db).unwrap();
    ex.use_database(db).unwrap();
    for sql in [
        "CREATE TABLE parent (id int NOT NULL PRIMARY KEY, name varchar(20) NOT NULL DEFAULT '')",
        "CREATE TABLE __parent (id int NOT NULL PRIMARY KEY) COMMENT='[shadowsync:shadow]'",
        "CREATE TABLE child (id int NOT NULL PRIMARY KEY, parent_id int NOT NULL, \
         KEY idx_parent (parent_id), CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id))",
        "CREATE VIEW parent_names AS SELECT name FROM parent",
    ] {
        ex.execute(sql).unwrap();
    }
    ex
}

fn plan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .arg("plan")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The tables of the plan view `out` printed, after exit status `status`
/// (1: changes to make, 2: a table is refused).
fn json(out: &Output, status: i32) -> Vec<Value> {
    assert_eq!(out.status.code(), Some(status), "{}", text(&out.stderr));
    let plan: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(
        (&plan["schema_version"], &plan["kind"]),
        (&1.into(), &"plan".into()),
        "{plan}"
    );
    match &plan["tables"] {
        Value::Array(items) => items.clone(),
        other => panic!("expected an array of tables, got {other}"),
    }
}

fn find<'a>(items: &'a [Value], source: &str) -> &'a Value {
    items
        .iter()
        .find(|t| t["source"] == source)
        .unwrap_or_else(|| panic!("no `{source}` in {items:?}"))
}

#[test]
fn text_output_lists_tables_and_the_preview() {
    let db = "ssp_cli_text";
    let mut ex = tiny_schema(db);
    let out = plan(&["--url", &db_url(db), "--prefix", "__", "--all"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // The URL carries the password on the command line: one warning, as
    // the MySQL client gives, and nothing else.
    assert_eq!(
        text(&out.stderr),
        "shadowsync: warning: a password on the command line can be seen by other users in \
         the process list; prefer SHADOWSYNC_PASSWORD, a config profile or --password-prompt\n"
    );
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let words = |l: &str| l.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(
        words(lines[0]),
        ["SOURCE", "SHADOW", "ACTION", "REASON"],
        "{stdout}"
    );
    // Created shadows first (the child's parent has a shadow already), then alters.
    assert_eq!(
        words(lines[2]),
        ["child", "__child", "create", "-"],
        "{stdout}"
    );
    assert_eq!(
        words(lines[3]),
        ["parent", "__parent", "alter", "-"],
        "{stdout}"
    );
    assert!(
        !stdout.contains("parent_names"),
        "a view is never a source: {stdout}"
    );
    let preview = stdout
        .split("-- SQL preview")
        .nth(1)
        .expect("a preview section");
    assert!(preview.contains("CREATE TABLE `__child` ("), "{stdout}");
    assert!(preview.contains("REFERENCES `__parent` (`id`)"), "{stdout}");
    assert!(
        preview.contains("ALTER TABLE `__parent` ADD COLUMN `name`"),
        "{stdout}"
    );
    assert_eq!(
        preview.matches(";\n").count(),
        2,
        "each statement ends with `;`: {stdout}"
    );
    assert!(preview.trim_end().ends_with(';'), "{stdout}");

    // Once the statements have run, nothing is left to do.
    for sql in ["CREATE TABLE", "ALTER TABLE"] {
        let start = preview.find(sql).unwrap();
        let end = start + preview[start..].find(";\n").unwrap();
        ex.execute(&preview[start..end]).unwrap();
    }
    let out = plan(&[
        "--url",
        &db_url(db),
        "--prefix",
        "__",
        "--tables",
        "parent,child",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Nothing to run"), "{stdout}");
    assert_eq!(stdout.matches(" identical").count(), 2, "{stdout}");
    ex.drop_database(db).unwrap();
}

#[test]
fn json_output_has_one_object_per_table() {
    let db = "ssp_cli_json";
    let mut ex = tiny_schema(db);
    let out = plan(&[
        "--url",
        &db_url(db),
        "--prefix",
        "__",
        "--all",
        "--format",
        "json",
    ]);
    let items = json(&out, 1);
    assert_eq!(items.len(), 2, "{items:?}");
    for item in &items {
        let mut keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "action",
                "adopted",
                "reason",
                "rebuild",
                "refused",
                "shadow",
                "source",
                "statements",
                "warnings"
            ]
        );
    }
    let child = find(&items, "child");
    assert_eq!(child["shadow"], "__child");
    assert_eq!(child["action"], "create");
    assert_eq!(child["reason"], Value::Null);
    assert_eq!(child["warnings"], Value::Array(vec![]));
    let create = child["statements"][0].as_str().unwrap();
    assert!(create.starts_with("CREATE TABLE `__child` ("), "{create}");
    assert!(
        create.contains(
            "CONSTRAINT `__fk_child_parent` FOREIGN KEY (`parent_id`) REFERENCES `__parent` (`id`)"
        ),
        "{create}"
    );
    let parent = find(&items, "parent");
    assert_eq!(parent["action"], "alter");
    assert_eq!(parent["statements"].as_array().unwrap().len(), 1);

    // Explicit tables: a view and a shadow are refused, with reasons; a user skip has none to run.
    let out = plan(&[
        "--url",
        &db_url(db),
        "--prefix",
        "__",
        "--tables",
        "parent,child,parent_names,__parent",
        "--skip",
        "parent",
        "--format",
        "json",
    ]);
    let items = json(&out, 2);
    assert_eq!(items.len(), 4, "{items:?}");
    let parent = find(&items, "parent");
    assert_eq!(
        (&parent["action"], &parent["reason"]),
        (&"skip".into(), &"user".into())
    );
    assert_eq!(parent["statements"], Value::Array(vec![]));
    // The parent keeps an (outdated) shadow, so the child still points at it.
    assert!(find(&items, "child")["statements"][0]
        .as_str()
        .unwrap()
        .contains("REFERENCES `__parent`"));
    let view = find(&items, "parent_names");
    assert_eq!(view["action"], "skip");
    assert!(view["reason"].as_str().unwrap().contains("view"), "{view}");
    let shadow = find(&items, "__parent");
    assert!(
        shadow["reason"]
            .as_str()
            .unwrap()
            .contains("itself a shadow"),
        "{shadow}"
    );

    // The suffix rule: no shadow exists, the child's FK follows the parent's new shadow.
    let out = plan(&[
        "--url",
        &db_url(db),
        "--suffix",
        "_t",
        "--tables",
        "child,parent",
        "--format",
        "json",
    ]);
    let items = json(&out, 1);
    let child = find(&items, "child");
    assert_eq!(child["shadow"], "child_t");
    assert!(
        child["statements"][0]
            .as_str()
            .unwrap()
            .contains("REFERENCES `parent_t` (`id`)"),
        "{child}"
    );
    assert_eq!(find(&items, "parent")["action"], "create");
    ex.drop_database(db).unwrap();
}

/// Exit status 3 and no password in any output.
fn assert_connection_failure(out: &Output, url: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{url}: {stderr}");
    assert!(!stderr.contains(SECRET), "password leaked: {stderr}");
    assert!(!text(&out.stdout).contains(SECRET));
    assert!(stderr.starts_with("shadowsync: "), "{stderr}");
    assert!(stderr.contains(":***@"), "names the redacted URL: {stderr}");
}

#[test]
fn bad_url_exits_3_without_the_password() {
    let urls = [
        // Wrong password: the server refuses.
        url_with_password(SECRET, "ssp_cli_any"),
        // Nothing listens on port 1: the driver fails.
        format!("mysql://u:{SECRET}@127.0.0.1:1/db"),
        // Not a MySQL URL at all.
        format!("postgres://u:{SECRET}@127.0.0.1/db"),
        // A password with URL separators in it.
        format!("mysql://u:{SECRET}@x/y@127.0.0.1:1/db"),
    ];
    for url in &urls {
        for format in ["text", "json"] {
            let out = plan(&["--url", url, "--prefix", "__", "--all", "--format", format]);
            assert_connection_failure(&out, url);
        }
    }
    // An unknown database is a server error too.
    let out = plan(&[
        "--url",
        &db_url("ssp_cli_no_such_db"),
        "--prefix",
        "__",
        "--all",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("ssp_cli_no_such_db"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_arguments_exit_2() {
    // The port-1 URL would fail with status 3: a 2 shows the arguments are
    // checked before connecting.
    let url = format!("mysql://u:{SECRET}@127.0.0.1:1/db");
    let long = "x".repeat(33);
    let cases: Vec<Vec<&str>> = vec![
        vec!["--prefix", "a b", "--all"],
        vec!["--prefix", "a`b", "--all"],
        vec!["--suffix", "", "--all"],
        vec!["--suffix", &long, "--all"],
        vec!["--prefix", "__", "--suffix", "_t", "--all"],
        vec!["--all", "--introspection", "guess"],
        vec!["--tables", " "],
        vec!["--prefix", "__"],
        vec!["--prefix", "__", "--all", "--tables", "a"],
        vec!["--prefix", "__", "--tables", "a,,b"],
        vec!["--prefix", "__", "--all", "--format", "yaml"],
    ];
    for args in cases {
        let out = plan(&[&["--url", url.as_str()], args.as_slice()].concat());
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            !stderr.contains(SECRET),
            "password leaked for {args:?}: {stderr}"
        );
        assert_eq!(text(&out.stdout), "", "{args:?}");
    }
    let out = plan(&["--url", &url, "--prefix", "a b", "--all"]);
    assert!(text(&out.stderr).contains("affix"), "{}", text(&out.stderr));
    // A URL given without --url is not echoed with its password.
    let out = plan(&[&url, "--url", &url, "--prefix", "__", "--all"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        !stderr.contains(SECRET) && stderr.contains("u:***@"),
        "{stderr}"
    );

    // Found only once connected: a URL without a database, a skip of an unselected table.
    let db = "ssp_cli_args";
    let mut ex = tiny_schema(db);
    let out = plan(&["--url", &db_url(""), "--prefix", "__", "--all"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("names no database"),
        "{}",
        text(&out.stderr)
    );
    let out = plan(&[
        "--url",
        &db_url(db),
        "--prefix",
        "__",
        "--tables",
        "parent",
        "--skip",
        "child",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("child"), "{}", text(&out.stderr));
    ex.drop_database(db).unwrap();
}
