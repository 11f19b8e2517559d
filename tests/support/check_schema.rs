//! The schema and accounts the readiness-check suites share (by `#[path]`,
//! beside `engine.rs`): one database holding a ready, a drifted, a missing,
//! a refused and (for the checking account) an inaccessible shadow, a
//! checking account with partial grants and application accounts with
//! partial grants. Everything is dropped again when the [`CheckSchema`]
//! goes, also when a test fails.

// Every suite uses only some of these.
#![allow(dead_code)]

use mysql::prelude::Queryable;

use crate::engine::Engine;

/// The password of every account the suites create.
pub const PASSWORD: &str = "Chk-pw-7x";

const MARK: &str = "COMMENT='[shadowsync:shadow]'";

/// A database and the accounts of one test, dropped on drop.
pub struct CheckSchema {
    pub engine: Engine,
    /// The database.
    pub db: String,
    /// The checking account with partial grants (user name; host `%`).
    pub reader: String,
    /// An application account with table-level grants: all four on
    /// `__hidden`, no DELETE on `__ok`, SELECT of `__drift` on one column only.
    pub app_tables: String,
    /// An application account with all four on a database-level pattern
    /// (`LIKE`, `\_` escaped, ending in `%`) that matches the database.
    pub app_database: String,
    /// A role name the suites may create (MariaDB); dropped with the rest.
    pub role: String,
    admin: mysql::Conn,
}

/// `sql` on `conn`, panicking with the statement when it fails.
fn run(conn: &mut mysql::Conn, sql: &str) {
    conn.query_drop(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// An account statement (`CREATE USER`, `GRANT`). seekdb now and then
/// fails one (error 1396 and others) while other sessions change accounts
/// (the other tests of the suite do): tried again a few times, then the
/// failure is the test's.
fn account_statement(conn: &mut mysql::Conn, sql: &str) {
    for _ in 0..10 {
        match conn.query_drop(sql) {
            Err(mysql::Error::MySqlError(_)) => {
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
            other => return other.unwrap_or_else(|e| panic!("{sql}: {e}")),
        }
    }
    run(conn, sql);
}

/// `CREATE USER account` with the suites' password.
fn create_user(conn: &mut mysql::Conn, account: &str) {
    account_statement(
        conn,
        &format!("CREATE USER {account} IDENTIFIED BY '{PASSWORD}'"),
    );
}

impl CheckSchema {
    /// Build it on `engine` for test `tag` (unique per suite and test).
    pub fn new(engine: Engine, tag: &str) -> CheckSchema {
        let opts = mysql::Opts::from_url(&engine.url()).expect("url");
        let admin = mysql::Conn::new(mysql::OptsBuilder::from_opts(opts).prefer_socket(false))
            .expect("connect");
        let short = &engine.name()[..2];
        let mut schema = CheckSchema {
            engine,
            db: format!("ss_chk_{}_{tag}", engine.name()),
            reader: format!("ss_chk_ro_{short}{tag}"),
            app_tables: format!("ss_chk_apt_{short}{tag}"),
            app_database: format!("ss_chk_apd_{short}{tag}"),
            role: format!("ss_chk_role_{short}{tag}"),
            admin,
        };
        schema.drop_all();
        let db = schema.db.clone();
        let c = &mut schema.admin;
        run(c, &format!("CREATE DATABASE `{db}`"));
        run(c, &format!("USE `{db}`"));
        for sql in [
            "CREATE TABLE ok (id int NOT NULL PRIMARY KEY, name varchar(20) NOT NULL DEFAULT '')",
            "CREATE TABLE drift (id int NOT NULL PRIMARY KEY, qty int NOT NULL DEFAULT 0, \
             status varchar(10) DEFAULT 'new', note varchar(30) COMMENT 'note', KEY k_qty (qty))",
            "CREATE TABLE gone (id int NOT NULL PRIMARY KEY)",
            "CREATE TABLE clash (id int NOT NULL PRIMARY KEY)",
            "CREATE TABLE hidden (id int NOT NULL PRIMARY KEY)",
            // Identical to their sources but for the marker.
            "CREATE TABLE __ok LIKE ok",
            "CREATE TABLE __drift LIKE drift",
            "CREATE TABLE __hidden LIKE hidden",
            // No marker, not adopted: refused as a collision.
            "CREATE TABLE __clash (id int NOT NULL PRIMARY KEY)",
        ] {
            run(c, sql);
        }
        for shadow in ["__ok", "__drift", "__hidden"] {
            run(c, &format!("ALTER TABLE {shadow} {MARK}"));
        }
        // Drift of several kinds: a column's type, a default, a column
        // comment, an index.
        for sql in [
            "ALTER TABLE __drift MODIFY qty bigint NOT NULL DEFAULT 0",
            "ALTER TABLE __drift MODIFY status varchar(10) DEFAULT 'old'",
            "ALTER TABLE __drift MODIFY note varchar(30) COMMENT 'changed'",
            "ALTER TABLE __drift DROP INDEX k_qty",
        ] {
            run(c, sql);
        }
        let pattern = format!(
            "{}%",
            db[..db.len() - 1].replace('\\', "\\\\").replace('_', "\\_")
        );
        let user = |name: &str| format!("'{name}'@'%'");
        let (reader, app_tables, app_database) = (
            user(&schema.reader),
            user(&schema.app_tables),
            user(&schema.app_database),
        );
        for account in [&reader, &app_tables, &app_database] {
            create_user(c, account);
        }
        // The reader sees every source and the shadows but `__hidden`;
        // `__gone` does not exist, and without a privilege on its name
        // MariaDB would not tell the reader so (CREATE may be granted on
        // a table that does not exist yet).
        for table in [
            "ok", "__ok", "drift", "__drift", "gone", "clash", "__clash", "hidden",
        ] {
            account_statement(c, &format!("GRANT SELECT ON `{db}`.`{table}` TO {reader}"));
        }
        account_statement(c, &format!("GRANT CREATE ON `{db}`.`__gone` TO {reader}"));
        for sql in [
            format!("GRANT SELECT, INSERT, UPDATE ON `{db}`.`__ok` TO {app_tables}"),
            format!("GRANT ALL PRIVILEGES ON `{db}`.`__hidden` TO {app_tables}"),
            format!(
                "GRANT SELECT (id), INSERT, UPDATE, DELETE ON `{db}`.`__drift` TO {app_tables}"
            ),
            format!("GRANT SELECT, INSERT, UPDATE, DELETE ON `{pattern}`.* TO {app_database}"),
        ] {
            account_statement(c, &sql);
        }
        schema
    }

    /// Run `sql` as the administrator, in the database.
    pub fn admin(&mut self, sql: &str) {
        run(&mut self.admin, sql);
    }

    /// The URL of the administrator (the engine's account) on the database.
    pub fn admin_url(&self) -> String {
        format!("{}/{}", self.engine.url().trim_end_matches('/'), self.db)
    }

    /// The URL of the checking account on the database.
    pub fn reader_url(&self) -> String {
        let url = self.engine.url();
        let (_, rest) = url.split_once("://").unwrap();
        let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        format!(
            "mysql://{}:{PASSWORD}@{}/{}",
            self.reader,
            host.trim_end_matches('/'),
            self.db
        )
    }

    fn drop_all(&mut self) {
        let db = self.db.clone();
        for name in [&self.reader, &self.app_tables, &self.app_database].map(String::clone) {
            // seekdb has no DROP USER IF EXISTS: a missing user's error is ignored.
            let _ = self.admin.query_drop(format!("DROP USER '{name}'@'%'"));
        }
        if self.engine == Engine::Mariadb {
            let _ = self
                .admin
                .query_drop(format!("DROP ROLE IF EXISTS '{}'", self.role));
        }
        run(&mut self.admin, &format!("DROP DATABASE IF EXISTS `{db}`"));
    }
}

impl Drop for CheckSchema {
    fn drop(&mut self) {
        self.drop_all();
    }
}
