//! `shadowsync diff` on what operators have: dumps written by
//! `mariadb-dump` from real MariaDB and seekdb schemas (header comments,
//! `SET`, `DROP TABLE IF EXISTS`, `LOCK TABLES`, rows, views, triggers),
//! from files and from stdin; and the CLI's stderr conventions around it
//! (`-q`, `-v`). Start the servers with `eval "$(scripts/engines.sh start)"`;
//! a missing URL variable fails the tests rather than skipping them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use shadowsync_core::Executor;
use shadowsync_mysql::MysqlExecutor;

#[path = "../../tests/support/engine.rs"]
mod engine;
use engine::Engine;

/// The `--flavor` of `diff` for `engine`.
fn flavor(engine: Engine) -> &'static str {
    match engine {
        Engine::Mariadb => "mariadb",
        Engine::Seekdb => "oceanbase",
    }
}

/// `mysql://user[:pass]@host:port/` split for the command-line clients.
fn client_args(url: &str) -> Vec<String> {
    let rest = url.split_once("://").unwrap().1.trim_end_matches('/');
    let (userinfo, hostport) = rest.rsplit_once('@').unwrap();
    let (user, pass) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = hostport.split_once(':').unwrap();
    let mut args = vec![
        format!("-h{host}"),
        format!("-P{port}"),
        format!("-u{user}"),
    ];
    if !pass.is_empty() {
        args.push(format!("-p{pass}"));
    }
    args
}

/// A fresh database `db` on `engine` holding `statements`.
fn database(engine: Engine, db: &str, statements: &[&str]) {
    let mut ex = MysqlExecutor::connect(&engine.url()).expect("connect");
    ex.drop_database(db).unwrap();
    ex.create_database(db).unwrap();
    ex.use_database(db).unwrap();
    for sql in statements {
        ex.execute(sql)
            .unwrap_or_else(|e| panic!("{}: {sql}: {e}", engine.name()));
    }
}

/// `mariadb-dump` of `db` (schema, rows, triggers), as an operator takes it.
fn dump(engine: Engine, db: &str, file: &Path) {
    let out = Command::new("mariadb-dump")
        .args(client_args(&engine.url()))
        .args(["--skip-lock-tables", "--triggers", db])
        .output()
        .expect("mariadb-dump runs (engines.sh installs the MariaDB client)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(file, &out.stdout).unwrap();
}

/// Runs the `mariadb` client on `db` with `sql` as its input.
fn apply(engine: Engine, db: &str, sql: &str) {
    let mut child = Command::new("mariadb")
        .args(client_args(&engine.url()))
        .arg(db)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        engine.name(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn shadowsync(args: &[&str], stdin: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shadowsync"));
    command.args(args);
    if let Some(file) = stdin {
        command.stdin(std::fs::File::open(file).unwrap());
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(engine: Engine, test: &str) -> PathBuf {
    // One directory per test: the tests run at once, and each removes its
    // own when it ends.
    let dir = std::env::temp_dir().join(format!(
        "shadowsync-dump-{test}-{}-{}",
        engine.name(),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The source schema: two tables with an FK, rows, a view, and (where the
/// engine has them in dumps) a trigger.
fn source(engine: Engine) -> Vec<&'static str> {
    let mut statements = vec![
        "CREATE TABLE customer (id int NOT NULL PRIMARY KEY, name varchar(40) NOT NULL DEFAULT 'a;b', \
         email varchar(80) NULL, KEY idx_email (email)) COMMENT='it''s; here'",
        "CREATE TABLE orders (id bigint NOT NULL PRIMARY KEY, customer_id int NOT NULL, \
         total decimal(10,2) NOT NULL DEFAULT 0, KEY idx_customer (customer_id), \
         CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customer (id))",
        "INSERT INTO customer VALUES (1, 'x''; DROP TABLE orders; --', NULL)",
        "CREATE VIEW customer_names AS SELECT name FROM customer",
    ];
    if engine == Engine::Mariadb {
        statements.push(
            "CREATE TRIGGER orders_total BEFORE INSERT ON orders FOR EACH ROW \
             BEGIN SET NEW.total = GREATEST(NEW.total, 0); SET @last = ';'; END",
        );
    }
    statements
}

/// An older copy: `orders` lacks `total` and the customer index, `customer`
/// has a stale comment, and a table the source no longer has.
const OLDER: [&str; 3] = [
    "CREATE TABLE customer (id int NOT NULL PRIMARY KEY, name varchar(40) NOT NULL DEFAULT 'a;b', \
     email varchar(80) NULL, KEY idx_email (email))",
    "CREATE TABLE orders (id bigint NOT NULL PRIMARY KEY, customer_id int NOT NULL, \
     CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customer (id))",
    "CREATE TABLE retired (id int NOT NULL PRIMARY KEY)",
];

/// Dumps of both schemas; `diff` of the dumps gives the statements that,
/// applied to the older copy with the `mariadb` client, make a new dump of
/// it diff as identical. The views and trigger are named in warnings.
fn dumps_converge(engine: Engine) {
    let dir = scratch(engine, "converge");
    let (src_db, old_db) = (
        format!("ss_dump_src_{}", engine.name()),
        format!("ss_dump_old_{}", engine.name()),
    );
    database(engine, &src_db, &source(engine));
    database(engine, &old_db, &OLDER);
    let (src, old) = (dir.join("source.sql"), dir.join("older.sql"));
    dump(engine, &src_db, &src);
    dump(engine, &old_db, &old);
    let dump_text = std::fs::read_to_string(&src).unwrap();
    assert!(
        dump_text.contains("LOCK TABLES") || dump_text.contains("INSERT INTO"),
        "a real dump: {dump_text}"
    );

    let out = shadowsync(
        &[
            "diff",
            "--from",
            old.to_str().unwrap(),
            "--to",
            src.to_str().unwrap(),
            "--flavor",
            flavor(engine),
        ],
        None,
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(1),
        "changes: {}: {stderr}",
        engine.name()
    );
    assert!(stdout.contains("total"), "{}: {stdout}", engine.name());
    assert!(
        stdout.contains("DROP TABLE `retired`"),
        "{}: {stdout}",
        engine.name()
    );
    assert!(
        stderr.contains("view `customer_names` passed over"),
        "{}: {stderr}",
        engine.name()
    );
    assert_eq!(
        stderr.matches("customer_names").count(),
        1,
        "one warning per view: {stderr}"
    );
    if engine == Engine::Mariadb {
        assert!(
            stderr.contains("trigger `orders_total` passed over"),
            "{stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");

    // The same from stdin, and -q silences the warnings, not the statements.
    let piped = shadowsync(
        &[
            "-q",
            "diff",
            "--from",
            old.to_str().unwrap(),
            "--to",
            "-",
            "--flavor",
            flavor(engine),
        ],
        Some(&src),
    );
    assert_eq!(piped.status.code(), Some(1), "{}", text(&piped.stderr));
    assert_eq!(text(&piped.stdout), stdout);
    assert_eq!(text(&piped.stderr), "", "-q leaves stderr empty");

    apply(engine, &old_db, &stdout);
    dump(engine, &old_db, &old);
    let again = shadowsync(
        &[
            "-q",
            "diff",
            "--from",
            old.to_str().unwrap(),
            "--to",
            src.to_str().unwrap(),
            "--flavor",
            flavor(engine),
        ],
        None,
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(text(&again.stdout), "", "{}: converged", engine.name());
    std::fs::remove_dir_all(dir).ok();
}

/// `-v` shows the task center's info records (its log lines) on stderr,
/// which the default (warnings only) and `-q` do not.
fn verbose_shows_info_records(engine: Engine) {
    let db = format!("ss_verbose_{}", engine.name());
    database(
        engine,
        &db,
        &["CREATE TABLE t (id int NOT NULL PRIMARY KEY)"],
    );
    let dir = scratch(engine, "verbose");
    let url = format!("{}{db}", engine.url());
    let run = |flag: Option<&str>| {
        let store = dir.join(format!("tasks-{}.db", flag.unwrap_or("none")));
        let mut args: Vec<&str> = flag.into_iter().collect();
        args.extend([
            "sync",
            "--url",
            &url,
            "--all",
            "--yes",
            "--progress",
            "off",
            "--store",
        ]);
        args.push(store.to_str().unwrap());
        let out = shadowsync(&args, None);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        // Each run creates the shadow afresh.
        MysqlExecutor::connect(&url)
            .unwrap()
            .execute("DROP TABLE IF EXISTS `__t`")
            .unwrap();
        text(&out.stderr)
    };
    let verbose = run(Some("-v"));
    assert!(verbose.contains("INFO"), "{}: {verbose}", engine.name());
    assert!(
        !verbose.contains("\u{1b}["),
        "no colour into a pipe: {verbose:?}"
    );
    assert!(!run(None).contains("INFO"));
    assert!(!run(Some("-q")).contains("INFO"));
    // On a terminal the records are coloured, unless NO_COLOR is set.
    let on_terminal = |no_color: bool| {
        let store = dir.join(format!("tasks-tty-{no_color}.db"));
        let command = format!(
            "'{}' -v sync --url '{url}' --all --yes --progress off --store '{}'",
            env!("CARGO_BIN_EXE_shadowsync"),
            store.display()
        );
        let mut script = Command::new("script");
        script.args(["-qec", &command, "/dev/null"]);
        if no_color {
            script.env("NO_COLOR", "1");
        }
        let out = script.output().unwrap();
        MysqlExecutor::connect(&url)
            .unwrap()
            .execute("DROP TABLE IF EXISTS `__t`")
            .unwrap();
        text(&out.stdout)
    };
    let coloured = on_terminal(false);
    assert!(
        coloured.contains("INFO") && coloured.contains("\u{1b}["),
        "{coloured:?}"
    );
    let plain = on_terminal(true);
    assert!(
        plain.contains("INFO") && !plain.contains("\u{1b}["),
        "{plain:?}"
    );
    std::fs::remove_dir_all(dir).ok();
}

engine::on_both_engines!(dumps_converge, verbose_shows_info_records);
