//! An executor over a connection the host already has (a Python DB-API
//! connection, a C host's client handle): the host gives two calls, run a
//! statement and run a query returning rows of text ([`SqlSession`]), and
//! [`SessionExecutor`] asks the server what the core needs through them,
//! as `shadowsync-mysql`'s own executor does on its connections.
//!
//! Before its first use the connection is given shadowsync's session
//! settings, as every connection of `shadowsync-mysql` is: `utf8mb4`, the
//! session's `sql_mode` without the flags that change how quotes and
//! backslashes are read or leave options out of `SHOW CREATE TABLE`,
//! quoted identifiers in `SHOW CREATE TABLE`, and a lock wait of 5 s. They
//! stay set on the host's connection.
//!
//! Such an executor takes no run lock ([`Executor::lock_database`]: the
//! host keeps two runs apart), cannot interrupt its statement (an abort
//! waits for it) and reads no OceanBase catalog facts (analysis refuses the
//! tables whose printed text it cannot trust).

use shadowsync_core::render::{quote_ident, quote_string};
use shadowsync_core::{Error, Executor, Flavor, Relation, RelationKind, Result, ServerInfo};
use shadowsync_mysql::safe_sql_mode;

/// A connection as a host hands it over.
pub trait SqlSession {
    /// Run one statement; its rows, if any, are dropped.
    fn execute(&mut self, sql: &str) -> Result<()>;
    /// Run one query: its rows, each value as text (`None`: NULL).
    fn query(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>>;
}

/// How long one DDL statement waits for a metadata lock, in seconds.
const LOCK_WAIT_SECS: u32 = 5;

/// The identifier length of the MySQL family.
const MAX_IDENTIFIER_LENGTH: usize = 64;

/// The core's [`Executor`] over a host's [`SqlSession`].
#[derive(Debug)]
pub struct SessionExecutor<S> {
    session: S,
    prepared: bool,
}

impl<S: SqlSession> SessionExecutor<S> {
    /// An executor on `session`; its settings are stated on first use.
    pub fn new(session: S) -> SessionExecutor<S> {
        SessionExecutor {
            session,
            prepared: false,
        }
    }

    /// The session, once it has shadowsync's settings.
    fn session(&mut self) -> Result<&mut S> {
        if !self.prepared {
            let rows = self.session.query("SELECT @@SESSION.sql_mode")?;
            let mode = first_value(&rows).unwrap_or_default();
            let mode = safe_sql_mode(&mode);
            self.session.execute("SET NAMES utf8mb4")?;
            self.session.execute(&format!(
                "SET SESSION sql_mode = {}, SESSION sql_quote_show_create = 1, \
                 SESSION lock_wait_timeout = {LOCK_WAIT_SECS}",
                quote_string(&mode)
            ))?;
            self.prepared = true;
        }
        Ok(&mut self.session)
    }

    /// The relations of the current database (`information_schema`).
    fn relations(&mut self) -> Result<Vec<(String, String)>> {
        let rows = self.session()?.query(
            "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() \
             AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW') ORDER BY TABLE_NAME",
        )?;
        rows.into_iter()
            .map(|row| match row.as_slice() {
                [Some(name), Some(kind)] => Ok((name.clone(), kind.clone())),
                _ => Err(Error::Executor(
                    "the relation list returned an unexpected row".into(),
                )),
            })
            .collect()
    }
}

/// The first value of the first row.
fn first_value(rows: &[Vec<Option<String>>]) -> Option<String> {
    rows.first().and_then(|row| row.first()).cloned().flatten()
}

impl<S: SqlSession> Executor for SessionExecutor<S> {
    fn server_info(&mut self) -> Result<ServerInfo> {
        let rows = self
            .session()?
            .query("SELECT VERSION(), @@version_comment, @@lower_case_table_names, DATABASE()")?;
        let row = rows
            .into_iter()
            .next()
            .filter(|row| row.len() == 4)
            .ok_or_else(|| {
                Error::Executor("the server information query returned no row".into())
            })?;
        let [version, comment, lower_case, database]: [Option<String>; 4] = row
            .try_into()
            .map_err(|_| Error::Executor("the server information row has 4 values".into()))?;
        let version = version.unwrap_or_default();
        Ok(ServerInfo {
            flavor: Flavor::from_version(&version, comment.as_deref().unwrap_or("")),
            version,
            database: database.unwrap_or_default(),
            lower_case_table_names: lower_case.and_then(|v| v.trim().parse().ok()).unwrap_or(0),
            max_identifier_length: MAX_IDENTIFIER_LENGTH,
        })
    }

    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        Ok(self
            .relations()?
            .into_iter()
            .map(|(name, kind)| Relation {
                name,
                kind: if kind == "VIEW" {
                    RelationKind::View
                } else {
                    RelationKind::Table
                },
            })
            .collect())
    }

    /// One `SHOW CREATE TABLE` per table; a table the statement fails for
    /// is missing (`None`) when the database lists no such relation.
    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        let mut texts = Vec::with_capacity(names.len());
        for name in names {
            let sql = format!("SHOW CREATE TABLE {}", quote_ident(name));
            let rows = match self.session()?.query(&sql) {
                Ok(rows) => rows,
                Err(error) => {
                    let fold = self.server_info()?.lower_case_table_names != 0;
                    let same = |other: &str| {
                        if fold {
                            other.to_lowercase() == name.to_lowercase()
                        } else {
                            other == name
                        }
                    };
                    if self.relations()?.iter().any(|(other, _)| same(other)) {
                        return Err(error);
                    }
                    texts.push(None);
                    continue;
                }
            };
            let text = rows.first().and_then(|row| row.get(1)).cloned().flatten();
            match text {
                Some(text)
                    if text
                        .trim_start()
                        .to_ascii_uppercase()
                        .starts_with("CREATE TABLE") =>
                {
                    texts.push(Some(text))
                }
                Some(_) => {
                    return Err(Error::InvalidRequest(format!(
                        "{} is a view, not a table",
                        quote_ident(name)
                    )))
                }
                None => {
                    return Err(Error::Executor(format!(
                        "`{sql}` returned no CREATE TABLE text"
                    )))
                }
            }
        }
        Ok(texts)
    }

    fn execute(&mut self, sql: &str) -> Result<()> {
        self.session()?.execute(sql)
    }

    fn row_count(&mut self, name: &str) -> Result<Option<u64>> {
        let sql = format!("SELECT COUNT(*) FROM {}", quote_ident(name));
        let rows = self.session()?.query(&sql)?;
        first_value(&rows)
            .and_then(|n| n.trim().parse().ok())
            .map(Some)
            .ok_or_else(|| Error::Executor(format!("`{sql}` returned no count")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server of one table `t` and one view `v`, recording what it is sent.
    #[derive(Default)]
    struct Scripted {
        sent: Vec<String>,
    }

    impl SqlSession for Scripted {
        fn execute(&mut self, sql: &str) -> Result<()> {
            self.sent.push(sql.to_string());
            Ok(())
        }

        fn query(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
            self.sent.push(sql.to_string());
            let text = |v: &str| Some(v.to_string());
            Ok(match sql {
                "SELECT @@SESSION.sql_mode" => vec![vec![text(
                    "STRICT_TRANS_TABLES,ansi_quotes,NO_BACKSLASH_ESCAPES",
                )]],
                s if s.starts_with("SELECT VERSION()") => {
                    vec![vec![
                        text("10.11.6-MariaDB"),
                        text("mariadb.org"),
                        text("1"),
                        text("shop"),
                    ]]
                }
                s if s.contains("information_schema.TABLES") => vec![
                    vec![text("T"), text("BASE TABLE")],
                    vec![text("v"), text("VIEW")],
                ],
                "SHOW CREATE TABLE `T`" => {
                    vec![vec![text("T"), text("CREATE TABLE `T` (`id` int)")]]
                }
                "SHOW CREATE TABLE `v`" => vec![vec![
                    text("v"),
                    text("CREATE ALGORITHM=UNDEFINED VIEW `v` AS SELECT 1"),
                ]],
                "SELECT COUNT(*) FROM `T`" => vec![vec![text("42")]],
                other => return Err(Error::Executor(format!("no such table in `{other}`"))),
            })
        }
    }

    #[test]
    fn the_session_is_stated_once_then_asked_what_the_core_needs() {
        let mut exec = SessionExecutor::new(Scripted::default());
        let info = exec.server_info().unwrap();
        assert_eq!(
            (
                info.flavor,
                info.database.as_str(),
                info.lower_case_table_names
            ),
            (Flavor::Mariadb, "shop", 1)
        );
        let relations = exec.list_relations().unwrap();
        assert_eq!(relations[1].kind, RelationKind::View);
        let texts = exec
            .show_create_tables(&["T".into(), "gone".into()])
            .unwrap();
        assert_eq!(texts, [Some("CREATE TABLE `T` (`id` int)".into()), None]);
        assert!(matches!(
            exec.show_create_tables(&["v".into()]),
            Err(Error::InvalidRequest(_))
        ));
        assert_eq!(exec.row_count("T").unwrap(), Some(42));
        exec.execute("ALTER TABLE `__T` ADD COLUMN `c` int")
            .unwrap();
        let sent = &exec.session.sent;
        assert_eq!(
            sent.iter().filter(|s| s.starts_with("SET SESSION")).count(),
            1
        );
        assert_eq!(
            sent[2],
            "SET SESSION sql_mode = 'STRICT_TRANS_TABLES', SESSION sql_quote_show_create = 1, \
             SESSION lock_wait_timeout = 5"
        );
        assert_eq!(sent.last().unwrap(), "ALTER TABLE `__T` ADD COLUMN `c` int");
    }

    #[test]
    fn a_failing_statement_on_an_existing_table_is_an_error() {
        struct Denied;
        impl SqlSession for Denied {
            fn execute(&mut self, _sql: &str) -> Result<()> {
                Ok(())
            }
            fn query(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
                let text = |v: &str| Some(v.to_string());
                match sql {
                    s if s.starts_with("SHOW CREATE") => Err(Error::Executor("denied".into())),
                    s if s.starts_with("SELECT VERSION()") => {
                        Ok(vec![vec![text("8.0.36"), None, text("0"), text("db")]])
                    }
                    s if s.contains("information_schema") => {
                        Ok(vec![vec![text("t"), text("BASE TABLE")]])
                    }
                    _ => Ok(vec![vec![None]]),
                }
            }
        }
        let mut exec = SessionExecutor::new(Denied);
        assert_eq!(
            exec.show_create_tables(&["t".into()]),
            Err(Error::Executor("denied".into()))
        );
        // Names compare exactly where the server keeps their case.
        assert_eq!(exec.show_create_tables(&["T".into()]).unwrap(), [None]);
    }
}
