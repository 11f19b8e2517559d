//! Credentials without the command line, and config profiles, run as
//! processes against MariaDB and seekdb: `SHADOWSYNC_URL` with
//! `SHADOWSYNC_PASSWORD` in place of `--url`; a profile giving the URL, the
//! naming rule and the task store; a MySQL option file giving the password
//! (or the whole server); the permission checks on those files; errors
//! naming the file, line and key; and `--password-prompt` on a terminal
//! (a pty from `script`) and refused without one.
//!
//! Start the servers with `eval "$(scripts/engines.sh start)"`: a missing
//! URL variable fails the tests rather than skipping them.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use shadowsync_core::Executor;
use shadowsync_mysql::MysqlExecutor;

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::Engine;

/// A password that is wrong on every server; must never be printed.
const WRONG: &str = "Wr0ng-Env-S3cret";

/// The parts of an engine's URL.
struct Server {
    user: String,
    password: Option<String>,
    host: String,
    port: String,
}

/// One test on one engine: a scratch database with one table, and a
/// directory for config, option and store files.
struct Case {
    engine: Engine,
    db: String,
    dir: tempfile::TempDir,
}

impl Case {
    fn new(engine: Engine, test: &str) -> Case {
        let db = format!("ssync_cfg_{test}_{}", engine.name());
        let mut ex = MysqlExecutor::connect(&engine.url()).expect("connect");
        ex.drop_database(&db).expect("drop database");
        ex.create_database(&db).expect("create database");
        ex.use_database(&db).expect("use database");
        ex.execute("CREATE TABLE parent (id int NOT NULL, PRIMARY KEY (id))")
            .unwrap();
        Case {
            engine,
            db,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn server(&self) -> Server {
        let url = self.engine.url();
        let rest = url.split_once("://").unwrap().1.trim_end_matches('/');
        let (userinfo, hostport) = rest.rsplit_once('@').unwrap();
        let (user, password) = match userinfo.split_once(':') {
            Some((u, p)) => (u.to_string(), Some(p.to_string())),
            None => (userinfo.to_string(), None),
        };
        let (host, port) = hostport.split_once(':').unwrap();
        Server {
            user,
            password,
            host: host.into(),
            port: port.into(),
        }
    }

    /// The test database's URL without a password.
    fn bare_url(&self) -> String {
        let s = self.server();
        format!("mysql://{}@{}:{}/{}", s.user, s.host, s.port, self.db)
    }

    /// A file `name` in the case's directory with `contents` and `mode`.
    fn write(&self, name: &str, contents: &str, mode: u32) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    /// The CLI with `args` and only the environment in `env` of ours: no
    /// URL, password, profile, store or config file unless given there.
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_shadowsync"));
        command.args(args).stdin(Stdio::null());
        isolate(&mut command, self.dir.path());
        command.envs(env.iter().copied());
        command.output().unwrap()
    }

    /// The plan of table `parent` as JSON, from a run that must succeed.
    fn plan(&self, extra: &[&str], env: &[(&str, &str)]) -> Value {
        let mut args = vec!["plan", "--tables", "parent", "--format", "json"];
        args.extend_from_slice(extra);
        let out = self.run(&args, env);
        // Exit 1: the plan has a shadow to create.
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("a plan")
    }

    fn shadows(&self) -> Vec<String> {
        let url = format!("{}/{}", self.engine.url().trim_end_matches('/'), self.db);
        let mut ex = MysqlExecutor::connect(&url).expect("connect");
        let mut names: Vec<String> = ex
            .list_relations()
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .filter(|n| n != "parent")
            .collect();
        names.sort();
        names
    }
}

/// Clear our variables from `command` and point the config search at
/// `dir` (which holds no `shadowsync/config.toml` unless a test puts one).
fn isolate(command: &mut Command, dir: &Path) {
    for var in [
        "SHADOWSYNC_URL",
        "SHADOWSYNC_PASSWORD",
        "SHADOWSYNC_CONFIG",
        "SHADOWSYNC_PROFILE",
        "SHADOWSYNC_STORE",
        "SHADOWSYNC_TEST_CRASH_AFTER",
    ] {
        command.env_remove(var);
    }
    command
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"));
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The shadow the plan would give `parent`.
fn shadow_of(plan: &Value) -> String {
    plan["tables"][0]["shadow"].as_str().unwrap().to_string()
}

/// `plan` with no `--url`: the URL from `SHADOWSYNC_URL`, the password
/// (MariaDB's; seekdb's root has none) from `SHADOWSYNC_PASSWORD`, and no
/// warning since nothing secret was on the command line.
fn the_environment_replaces_the_url_option(engine: Engine) {
    let case = Case::new(engine, "env");
    let url = case.bare_url();
    let mut env = vec![("SHADOWSYNC_URL", url.as_str())];
    let password = case.server().password;
    if let Some(password) = &password {
        env.push(("SHADOWSYNC_PASSWORD", password));
    }
    let out = case.run(&["plan", "--tables", "parent"], &env);
    assert_eq!(out.status.code(), Some(1), "changes: {}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "no warning");
    assert!(
        text(&out.stdout).contains("parent  __parent  create"),
        "{}",
        text(&out.stdout)
    );

    let none = case.run(&["plan", "--all"], &[]);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        text(&none.stderr).contains("SHADOWSYNC_URL"),
        "{}",
        text(&none.stderr)
    );
}

/// A wrong `SHADOWSYNC_PASSWORD` fails the connection (exit 3) and shows
/// nowhere; `--url` or `--store` with the password in it works but warns,
/// once.
fn wrong_passwords_fail_and_argv_passwords_warn(engine: Engine) {
    let case = Case::new(engine, "wrong");
    let url = case.bare_url();
    let out = case.run(
        &["plan", "--all"],
        &[("SHADOWSYNC_URL", &url), ("SHADOWSYNC_PASSWORD", WRONG)],
    );
    assert_eq!(out.status.code(), Some(3), "cannot connect");
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(all.contains("cannot connect"), "{all}");
    assert!(!all.contains(WRONG), "{all}");

    let s = case.server();
    let with_password = format!(
        "mysql://{}:{}@{}:{}/{}",
        s.user,
        s.password.as_deref().unwrap_or(""),
        s.host,
        s.port,
        case.db
    );
    if let Some(password) = &s.password {
        // The server URL, then a store URL, with the password on the
        // command line: each warns once and shows it nowhere.
        for (args, status) in [
            (["plan", "--all", "--url"], 1),
            (["task", "list", "--store"], 0),
        ] {
            let mut args = args.to_vec();
            args.push(&with_password);
            let out = case.run(&args, &[]);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(status), "{args:?}: {stderr}");
            assert_eq!(
                stderr
                    .matches("warning: a password on the command line")
                    .count(),
                1,
                "{args:?}: {stderr}"
            );
            assert!(!stderr.contains(&format!(":{password}@")), "{stderr}");
        }
    }
}

/// A profile gives the URL, the naming rule and the store: `sync` and
/// `task list` run with `--config`/`--profile` alone, or with the
/// variables; options on the command line beat the profile, and the
/// variables beat it too.
fn a_profile_gives_url_naming_and_store(engine: Engine) {
    let case = Case::new(engine, "profile");
    let store = case.dir.path().join("profile-tasks.db");
    let s = case.server();
    let password = s
        .password
        .map(|p| format!("password = \"{p}\"\n"))
        .unwrap_or_default();
    let config = case.write(
        "config.toml",
        &format!(
            "[profile.qa]\nurl = \"{}\"\n{password}suffix = \"_shadow\"\nstore = \"{}\"\n\n\
             [profile.other]\nprefix = \"zz_\"\n",
            case.bare_url(),
            store.display()
        ),
        0o600,
    );
    let config = config.to_str().unwrap();
    let plan = case.plan(&["--config", config, "--profile", "qa"], &[]);
    assert_eq!(shadow_of(&plan), "parent_shadow");
    let plan = case.plan(
        &["--profile", "qa", "--prefix", "cli_"],
        &[("SHADOWSYNC_CONFIG", config)],
    );
    assert_eq!(
        shadow_of(&plan),
        "cli_parent",
        "the command line beats the profile"
    );

    let out = case.run(
        &["sync", "--yes", "--tables", "parent", "--progress", "off"],
        &[("SHADOWSYNC_CONFIG", config), ("SHADOWSYNC_PROFILE", "qa")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(case.shadows(), ["parent_shadow"]);
    assert!(store.exists(), "the profile's store holds the task");
    let out = case.run(
        &["task", "list", "--format", "json", "--profile", "qa"],
        &[("SHADOWSYNC_CONFIG", config)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["items"][0]["database"], case.db.as_str());

    // A variable beats the profile: here the store.
    let elsewhere = case.dir.path().join("env-tasks.db");
    let out = case.run(
        &[
            "task",
            "list",
            "--format",
            "json",
            "--config",
            config,
            "--profile",
            "qa",
        ],
        &[("SHADOWSYNC_STORE", elsewhere.to_str().unwrap())],
    );
    let page: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["total"], 0, "{page}");

    // The default profile is used when none is named, and only then.
    let default_dir = case.dir.path().join("shadowsync");
    std::fs::create_dir_all(&default_dir).unwrap();
    std::fs::write(
        default_dir.join("config.toml"),
        format!(
            "[profile.default]\nurl = \"{}\"\n{password}prefix = \"dflt_\"\n",
            case.bare_url()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        default_dir.join("config.toml"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    assert_eq!(shadow_of(&case.plan(&[], &[])), "dflt_parent");
}

/// A MySQL option file gives the password (with the profile's URL), or
/// the whole server (with the profile's `database`); one readable by
/// others is refused naming the file, its mode and the fix, never the
/// password.
fn an_option_file_gives_the_password(engine: Engine) {
    let case = Case::new(engine, "optfile");
    let s = case.server();
    let secret = s
        .password
        .clone()
        .map(|p| format!("password = \"{p}\"\n"))
        .unwrap_or_default();
    let cnf = case.write(
        "my.cnf",
        &format!(
            "[mysqld]\nport = 1\n[client]\nuser = {}\n{secret}host = {}\nport = {}\n",
            s.user, s.host, s.port
        ),
        0o600,
    );
    let config = case.write(
        "config.toml",
        &format!(
            "[profile.url]\nurl = \"{}\"\nmysql_option_file = \"my.cnf\"\n\
             [profile.whole]\nmysql_option_file = \"{}\"\ndatabase = \"{}\"\n",
            case.bare_url(),
            cnf.display(),
            case.db
        ),
        0o644,
    );
    let config = config.to_str().unwrap();
    for profile in ["url", "whole"] {
        let plan = case.plan(&["--config", config, "--profile", profile], &[]);
        assert_eq!(plan["database"], case.db.as_str(), "{profile}");
    }
    if let Some(password) = &s.password {
        std::fs::set_permissions(&cnf, std::fs::Permissions::from_mode(0o640)).unwrap();
        let out = case.run(
            &["plan", "--all", "--config", config, "--profile", "url"],
            &[],
        );
        assert_eq!(out.status.code(), Some(2));
        let msg = text(&out.stderr);
        assert!(
            msg.contains(&cnf.display().to_string()) && msg.contains("mode 640"),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("chmod 600 {}", cnf.display())),
            "{msg}"
        );
        assert!(!msg.contains(&format!("= \"{password}\"")), "{msg}");
    }
}

/// The permission refusals: a world-writable config file, a config file
/// holding a password readable by others, a shared password file.
fn unsafe_files_are_refused(engine: Engine) {
    let case = Case::new(engine, "modes");
    let writable = case.write("open.toml", "[profile.default]\nprefix = \"__\"\n", 0o666);
    let out = case.run(
        &["plan", "--all", "--config", writable.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("writable by every user (mode 666)"),
        "{}",
        text(&out.stderr)
    );

    let readable = case.write(
        "pw.toml",
        &format!(
            "[profile.default]\nurl = \"{}\"\npassword = \"{WRONG}\"\n",
            case.bare_url()
        ),
        0o644,
    );
    let out = case.run(
        &["plan", "--all", "--config", readable.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let msg = text(&out.stderr);
    assert!(
        msg.contains("readable by every user (mode 644)") && msg.contains("chmod 600"),
        "{msg}"
    );
    assert!(!msg.contains(WRONG), "{msg}");

    case.write("secret", WRONG, 0o640);
    let shared = case.write(
        "pf.toml",
        &format!(
            "[profile.default]\nurl = \"{}\"\npassword_file = \"secret\"\n",
            case.bare_url()
        ),
        0o644,
    );
    let out = case.run(
        &["plan", "--all", "--config", shared.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let msg = text(&out.stderr);
    assert!(
        msg.contains("password file") && msg.contains("its group (mode 640)"),
        "{msg}"
    );
    assert!(!msg.contains(WRONG), "{msg}");
}

/// Unknown keys name the file, line and key; a profile that does not
/// exist names the file and the profiles there are.
fn config_errors_name_file_line_and_key(engine: Engine) {
    let case = Case::new(engine, "errors");
    let config = case.write(
        "config.toml",
        &format!(
            "[profile.default]\nurl = \"{}\"\nsufix = \"_s\"\n",
            case.bare_url()
        ),
        0o644,
    );
    let config = config.to_str().unwrap();
    let out = case.run(&["plan", "--all", "--config", config], &[]);
    assert_eq!(out.status.code(), Some(2));
    let msg = text(&out.stderr);
    assert!(
        msg.starts_with(&format!("shadowsync: {config}:3:1: unknown field `sufix`")),
        "{msg}"
    );
    let fixed = case.write("ok.toml", "[profile.default]\n[profile.qa]\n", 0o644);
    let out = case.run(
        &[
            "plan",
            "--all",
            "--config",
            fixed.to_str().unwrap(),
            "--profile",
            "prod",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "shadowsync: {}: there is no profile `prod` (profiles: default, qa)\n",
            fixed.display()
        )
    );
}

/// `--password-prompt` reads the password on a terminal (a pty from
/// `script`) without echoing it: the right one connects, a wrong one fails
/// and is not shown. Without a terminal it refuses at once.
fn the_prompt_reads_a_terminal(engine: Engine) {
    let case = Case::new(engine, "prompt");
    let url = case.bare_url();
    let typed = |password: &str| -> Output {
        let line = format!(
            "{} plan --tables parent -p --url {url}",
            env!("CARGO_BIN_EXE_shadowsync")
        );
        // The answer comes once the prompt has turned echo off.
        let feed = format!("sleep 1; printf '%s\\n' '{password}'");
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("({feed}) | script -qec \"{line}\" /dev/null"));
        isolate(&mut command, case.dir.path());
        command.output().unwrap()
    };
    let right = case.server().password.unwrap_or_default();
    let out = typed(&right);
    let shown = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "changes: {shown}{}",
        text(&out.stderr)
    );
    assert!(
        shown.contains(&format!("Password for {}@", case.server().user)),
        "{shown}"
    );
    assert!(shown.contains("parent  __parent  create"), "{shown}");
    if !right.is_empty() {
        let out = typed("Typed-Wr0ng-pw");
        let shown = text(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "{shown}");
        assert!(shown.contains("cannot connect"), "{shown}");
        assert!(
            !shown.contains("Typed-Wr0ng-pw"),
            "not echoed, not printed: {shown}"
        );
    }
    let out = case.run(&["plan", "--all", "-p", "--url", &url], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("needs a terminal"),
        "{}",
        text(&out.stderr)
    );
}

engine::on_both_engines!(
    the_environment_replaces_the_url_option,
    wrong_passwords_fail_and_argv_passwords_warn,
    a_profile_gives_url_naming_and_store,
    an_option_file_gives_the_password,
    unsafe_files_are_refused,
    config_errors_name_file_line_and_key,
    the_prompt_reads_a_terminal,
);
