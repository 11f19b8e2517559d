//! Connecting: TLS, logins and timeouts, through `shadowsync plan` run as a
//! process (and, for what only a session can show, through the executor).
//!
//! TLS and the extra logins run against the second MariaDB instance of
//! `scripts/engines.sh` (`SHADOWSYNC_MARIADB2_URL`, TLS from the throwaway
//! CA in `SHADOWSYNC_TLS_DIR`, users `ss_tls` REQUIRE SSL, `ss_x509`
//! REQUIRE X509, `ss_ed25519` IDENTIFIED VIA ed25519); the rest on the
//! shared MariaDB and seekdb. Start them with
//! `eval "$(scripts/engines.sh start)"`; a missing variable fails the tests
//! rather than skipping them.

use std::net::TcpListener;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;
use shadowsync_core::Executor;
use shadowsync_mysql::MysqlExecutor;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: start the engines with `eval \"$(scripts/engines.sh start)\"`")
    })
}

/// A certificate or key of the throwaway CA's directory.
fn tls_file(name: &str) -> String {
    format!("{}/{name}", env("SHADOWSYNC_TLS_DIR"))
}

/// `host:port` of the server `var` names.
fn host_of(var: &str) -> String {
    let url = env(var);
    let rest = url.split_once("://").expect("a URL").1;
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.trim_end_matches('/').to_string()
}

/// A URL on the second MariaDB as `user:password`, database `db`, with the
/// query `params` (may be empty).
fn url_as(user: &str, password: &str, db: &str, params: &str) -> String {
    let host = host_of("SHADOWSYNC_MARIADB2_URL");
    let query = if params.is_empty() {
        String::new()
    } else {
        format!("?{params}")
    };
    format!("mysql://{user}:{password}@{host}/{db}{query}")
}

/// `url` (ending in `/`) on database `db` with the query `params`.
fn with_db(url: &str, db: &str, params: &str) -> String {
    format!("{}/{db}?{params}", url.trim_end_matches('/'))
}

/// A fresh database `db` on the second MariaDB holding one table without
/// its shadow, so that a plan has one shadow to create.
fn one_table(db: &str) {
    let mut ex = MysqlExecutor::connect(&env("SHADOWSYNC_MARIADB2_URL")).expect("connect");
    ex.drop_database(db).unwrap();
    ex.create_database(db).unwrap();
    ex.use_database(db).unwrap();
    ex.execute("CREATE TABLE orders (id int NOT NULL PRIMARY KEY)")
        .unwrap();
}

fn drop_db(url: &str, db: &str) {
    MysqlExecutor::connect(url)
        .expect("connect")
        .drop_database(db)
        .unwrap();
}

fn plan(url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .args(["plan", "--url", url, "--prefix", "__", "--all"])
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `out` is a successful plan that creates `__orders` (exit 1: changes).
fn assert_planned(out: &Output, url: &str) {
    assert_eq!(out.status.code(), Some(1), "{url}: {}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("__orders"),
        "{url}: {}",
        text(&out.stdout)
    );
}

/// `out` failed with a message containing `expected`; returns the message.
fn assert_failed(out: &Output, url: &str, expected: &str) -> String {
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success(),
        "{url} succeeded: {}",
        text(&out.stdout)
    );
    assert!(stderr.contains(expected), "{url}: {stderr}");
    stderr
}

/// [`assert_failed`], and `password` shows nowhere.
fn assert_failed_hiding(out: &Output, url: &str, expected: &str, password: &str) -> String {
    let stderr = assert_failed(out, url, expected);
    assert!(!stderr.contains(password), "the password shows: {stderr}");
    assert!(!text(&out.stdout).contains(password));
    stderr
}

/// The first value of `sql`'s first row, read on a plain connection of its own.
fn read_back(url: &str, sql: &str) -> String {
    let mut conn = mysql::Conn::new(mysql::Opts::from_url(url).unwrap()).unwrap();
    conn.query_first::<String, _>(sql).unwrap().expect("a row")
}

#[test]
fn verify_identity_with_the_ca_plans_over_tls() {
    let db = "ssconn_verify_identity";
    one_table(db);
    let ca = tls_file("ca.pem");
    // ssl-ca alone means verify-identity; the mode's spelling is free.
    for params in [
        format!("ssl-ca={ca}"),
        format!("SSL_MODE=Verify_Identity&ssl-ca={ca}"),
        format!("ssl-mode=verify-ca&ssl-ca={ca}"),
    ] {
        let url = url_as("shadowsync", "shadowsync", db, &params);
        assert_planned(&plan(&url), &url);
    }
    drop_db(&env("SHADOWSYNC_MARIADB2_URL"), db);
}

#[test]
fn the_session_is_really_encrypted() {
    let db = "ssconn_encrypted";
    one_table(db);
    let cipher = |params: &str| {
        let url = url_as("shadowsync", "shadowsync", db, params);
        let mut ex = MysqlExecutor::connect(&url).expect("connect");
        ex.execute("DROP TABLE IF EXISTS probe").unwrap();
        ex.execute("CREATE TABLE probe (v varchar(200) NOT NULL)")
            .unwrap();
        ex.execute(
            "INSERT INTO probe SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS \
             WHERE VARIABLE_NAME = 'SSL_CIPHER'",
        )
        .unwrap();
        read_back(
            &with_db(&env("SHADOWSYNC_MARIADB2_URL"), db, "prefer_socket=false"),
            "SELECT v FROM probe",
        )
    };
    let verified = cipher(&format!("ssl-ca={}", tls_file("ca.pem")));
    assert!(verified.starts_with("TLS_"), "cipher `{verified}`");
    let unverified = cipher("ssl-mode=required");
    assert!(unverified.starts_with("TLS_"), "cipher `{unverified}`");
    assert_eq!(cipher(""), "", "no TLS without ssl-mode");
    drop_db(&env("SHADOWSYNC_MARIADB2_URL"), db);
}

#[test]
fn a_require_ssl_user_needs_an_ssl_mode() {
    let db = "ssconn_require_ssl";
    one_table(db);
    let url = url_as("ss_tls", "tls-pw", db, "");
    assert_failed(&plan(&url), &url, "Access denied for user 'ss_tls'");
    let url = url_as("ss_tls", "tls-pw", db, "ssl-mode=required");
    assert_planned(&plan(&url), &url);
    drop_db(&env("SHADOWSYNC_MARIADB2_URL"), db);
}

#[test]
fn a_wrong_ca_fails_on_the_certificate() {
    let db = "ssconn_wrong_ca";
    one_table(db);
    let wrong = tls_file("other-ca.pem");
    for params in [
        format!("ssl-mode=verify-ca&ssl-ca={wrong}"),
        format!("ssl-ca={wrong}"),
        // Without ssl-ca only the built-in roots are trusted.
        "ssl-mode=verify-identity".to_string(),
    ] {
        let url = url_as("shadowsync", "Sekr1t-pw", db, &params);
        let stderr = assert_failed_hiding(&plan(&url), &url, "certificate", "Sekr1t-pw");
        assert!(stderr.contains("UnknownIssuer"), "{stderr}");
        assert!(
            stderr.contains("the server's certificate is not accepted"),
            "{stderr}"
        );
    }
    drop_db(&env("SHADOWSYNC_MARIADB2_URL"), db);
}

#[test]
fn a_require_x509_user_needs_the_client_certificate() {
    let db = "ssconn_x509";
    one_table(db);
    let ca = tls_file("ca.pem");
    let url = url_as("ss_x509", "x509-pw", db, &format!("ssl-ca={ca}"));
    assert_failed(&plan(&url), &url, "Access denied for user 'ss_x509'");
    let params = format!(
        "ssl-ca={ca}&ssl-cert={}&ssl-key={}",
        tls_file("client.pem"),
        tls_file("client-key.pem")
    );
    let url = url_as("ss_x509", "x509-pw", db, &params);
    assert_planned(&plan(&url), &url);
    drop_db(&env("SHADOWSYNC_MARIADB2_URL"), db);
}

#[test]
fn an_ed25519_login_works() {
    let db = "ssconn_ed25519";
    one_table(db);
    let url = url_as("ss_ed25519", "ed25519-pw", db, "");
    assert_planned(&plan(&url), &url);
    let url = url_as("ss_ed25519", "Not-1t-pw", db, "");
    assert_failed_hiding(
        &plan(&url),
        &url,
        "Access denied for user 'ss_ed25519'",
        "Not-1t-pw",
    );
    drop_db(&env("SHADOWSYNC_MARIADB2_URL"), db);
}

#[test]
fn bad_parameters_are_named_before_connecting() {
    let secret = "Hunter-22-pw";
    for (params, expected) in [
        ("ssl-mode=sometimes", "ssl-mode: `sometimes` is not one of"),
        (
            "ssl-ca=/nonexistent/ca.pem",
            "ssl-ca: cannot read /nonexistent/ca.pem",
        ),
        (
            "require_ssl=true",
            "shadowsync's spelling is ssl-mode=required",
        ),
        ("connect-timeout=soon", "connect-timeout: `soon`"),
    ] {
        let url = url_as("shadowsync", secret, "ssconn_none", params);
        assert_failed_hiding(&plan(&url), &url, expected, secret);
    }
}

#[test]
fn seekdb_has_no_tls_and_says_so() {
    let url = with_db(
        &env("SHADOWSYNC_SEEKDB_URL"),
        "oceanbase",
        "ssl-mode=required",
    );
    let started = Instant::now();
    assert_failed(&plan(&url), &url, "server does not have this capability");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_server_that_never_answers_fails_within_the_connect_timeout() {
    // Accepts connections on loopback and never sends the greeting.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let url = format!("mysql://u:Silent-pw@127.0.0.1:{port}/db?connect-timeout=1");
    let started = Instant::now();
    let stderr = assert_failed_hiding(
        &plan(&url),
        &url,
        "connect-timeout (1 s) expired",
        "Silent-pw",
    );
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "took {took:?}: {stderr}"
    );
    assert!(took < Duration::from_secs(4), "took {took:?}: {stderr}");
    assert!(
        stderr.contains("URL parameter connect-timeout=SECONDS"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("127.0.0.1:{port}/db")), "{stderr}");
}

#[test]
fn a_read_timeout_names_itself() {
    let url = with_db(&env("SHADOWSYNC_MARIADB_URL"), "", "read-timeout=1");
    let mut ex = MysqlExecutor::connect(&url).expect("connect");
    let started = Instant::now();
    let err = ex.execute("SELECT SLEEP(3)").unwrap_err().to_string();
    assert!(started.elapsed() < Duration::from_millis(2500), "{err}");
    assert!(
        err.contains("read-timeout (1 s) or write-timeout (60 s) expired"),
        "{err}"
    );
    assert!(
        err.contains("URL parameter read-timeout=SECONDS or write-timeout=SECONDS"),
        "{err}"
    );
}

/// `lock-wait-timeout` is the session's `lock_wait_timeout` on the server `var` names.
fn lock_wait_reaches_the_session(var: &str, db: &str) {
    let server = env(var);
    let mut ex = MysqlExecutor::connect(&server).expect("connect");
    ex.drop_database(db).unwrap();
    ex.create_database(db).unwrap();
    let url = with_db(&server, db, "lock-wait-timeout=17");
    let mut ex = MysqlExecutor::connect(&url).expect("connect");
    ex.execute("CREATE TABLE probe (v bigint NOT NULL)")
        .unwrap();
    ex.execute("INSERT INTO probe SELECT @@SESSION.lock_wait_timeout")
        .unwrap();
    let plain = with_db(&server, db, "prefer_socket=false");
    assert_eq!(read_back(&plain, "SELECT CAST(v AS CHAR) FROM probe"), "17");
    ex.drop_database(db).unwrap();
}

#[test]
fn lock_wait_timeout_reaches_the_session_on_mariadb() {
    lock_wait_reaches_the_session("SHADOWSYNC_MARIADB_URL", "ssconn_lock_wait");
}

#[test]
fn lock_wait_timeout_reaches_the_session_on_seekdb() {
    lock_wait_reaches_the_session("SHADOWSYNC_SEEKDB_URL", "ssconn_lock_wait");
}

#[test]
fn a_task_store_on_a_server_connects_over_tls_too() {
    let db = "ssconn_store";
    let mut ex = MysqlExecutor::connect(&env("SHADOWSYNC_MARIADB2_URL")).expect("connect");
    ex.drop_database(db).unwrap();
    ex.create_database(db).unwrap();
    let list = |store: &str| {
        Command::new(env!("CARGO_BIN_EXE_shadowsync"))
            .args(["task", "list", "--format", "json", "--store", store])
            .output()
            .unwrap()
    };
    let plain = url_as("ss_tls", "tls-pw", db, "");
    assert_failed(&list(&plain), &plain, "Access denied for user 'ss_tls'");
    let store = url_as(
        "ss_tls",
        "tls-pw",
        db,
        &format!("ssl-ca={}&read-timeout=30", tls_file("ca.pem")),
    );
    let out = list(&store);
    assert_eq!(out.status.code(), Some(0), "{store}: {}", text(&out.stderr));
    ex.drop_database(db).unwrap();
}

/// The operator path of the README, end to end: no password and no TLS
/// option on the command line. A profile names the server (a `REQUIRE SSL`
/// user) and a MySQL option file (`[client]`: password and `ssl-ca`, mode
/// 600); `plan --profile` connects over verified TLS and prints JSON.
#[test]
fn a_profile_and_an_option_file_give_password_and_tls() {
    use std::os::unix::fs::PermissionsExt;
    let db = "ssconn_profile";
    one_table(db);
    let dir = std::env::temp_dir().join(format!("ssconn-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let my_cnf = dir.join("my.cnf");
    std::fs::write(
        &my_cnf,
        format!(
            "[client]\npassword = \"tls-pw\"\nssl-ca = {}\n",
            tls_file("ca.pem")
        ),
    )
    .unwrap();
    std::fs::set_permissions(&my_cnf, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profile.tls]\nurl = \"mysql://ss_tls@{}/{db}\"\nmysql_option_file = \"my.cnf\"\n\
             connect_timeout = 5\n",
            host_of("SHADOWSYNC_MARIADB2_URL")
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .args([
            "plan",
            "--all",
            "--format",
            "json",
            "--profile",
            "tls",
            "--config",
        ])
        .arg(&config)
        .env_remove("SHADOWSYNC_URL")
        .env_remove("SHADOWSYNC_PASSWORD")
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "changes: {}", text(&out.stderr));
    assert!(stdout.contains("\"__orders\""), "{stdout}");
    assert!(!stdout.contains("tls-pw") && !text(&out.stderr).contains("tls-pw"));
    // The same profile, the option file readable by others: refused.
    std::fs::set_permissions(&my_cnf, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shadowsync"))
        .args(["plan", "--all", "--profile", "tls", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("chmod 600"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(dir).ok();
    drop_db(&env("SHADOWSYNC_MARIADB2_URL"), db);
}
