//! The session settings every shadowsync connection states for itself.
//!
//! A connection inherits the server's global `sql_mode`, and two of its
//! flags change how the text we send is read: under `NO_BACKSLASH_ESCAPES`
//! a `\'` ends a string literal, and under `ANSI_QUOTES` a `"…"` is an
//! identifier. Servers print `SHOW CREATE TABLE` with backslash escapes
//! whatever the mode (checked on MariaDB 10.11 and seekdb), and the core
//! lexes and renders that way, so a connection that kept the server's
//! `NO_BACKSLASH_ESCAPES` would read a copied CHECK literal such as
//! `'x\')) ; DROP DATABASE other; -- '` as two statements' worth of SQL,
//! and double every backslash of comments and defaults. So each connection,
//! the moment it opens, reads the server's mode and sets its own: the same
//! flags minus those that change quoting, plus the variables below.

use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::Conn;

use shadowsync_core::Result;

use crate::error::Scrubber;

/// `sql_mode` flags a shadowsync session never keeps: those that change how
/// quotes and backslashes are read (the combination modes `ANSI`, `ORACLE`,
/// `MSSQL`, `DB2`, `POSTGRESQL`, `MAXDB` include `ANSI_QUOTES`, and servers
/// list them beside their parts), and those that leave options out of
/// `SHOW CREATE TABLE` (a shadow would then silently lack them).
const QUOTING_MODES: [&str; 12] = [
    "ANSI",
    "ANSI_QUOTES",
    "NO_BACKSLASH_ESCAPES",
    "ORACLE",
    "MSSQL",
    "DB2",
    "POSTGRESQL",
    "MAXDB",
    "MYSQL323",
    "NO_TABLE_OPTIONS",
    "NO_KEY_OPTIONS",
    "NO_FIELD_OPTIONS",
];

/// Default for [`SessionSettings::lock_wait`]: how long one DDL statement
/// waits for a metadata lock (another session's open transaction on the
/// shadow) before the server gives up on it.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(5);

/// What a shadowsync session sets on every connection it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionSettings {
    /// `lock_wait_timeout` (whole seconds, at least one).
    pub lock_wait: Duration,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            lock_wait: DEFAULT_LOCK_WAIT,
        }
    }
}

/// `mode` (a server's `@@sql_mode`) without the flags that change quoting.
pub fn safe_sql_mode(mode: &str) -> String {
    mode.split(',')
        .map(str::trim)
        .filter(|flag| !flag.is_empty())
        .filter(|flag| !QUOTING_MODES.iter().any(|q| q.eq_ignore_ascii_case(flag)))
        .collect::<Vec<_>>()
        .join(",")
}

/// States shadowsync's session settings on a newly opened `conn`: the
/// server's `sql_mode` without [`QUOTING_MODES`], identifiers quoted in
/// `SHOW CREATE TABLE`, and the lock wait. The values travel as parameters
/// of a prepared statement, so nothing is pasted into SQL.
/// Both exchanges count as part of opening the connection (see
/// [`crate::MysqlExecutor::round_trips`]); failures are scrubbed by `scrubber`.
pub(crate) fn apply(
    settings: &SessionSettings,
    scrubber: &Scrubber,
    conn: &mut Conn,
) -> Result<()> {
    let mode: Option<String> = conn
        .query_first("SELECT @@SESSION.sql_mode")
        .map_err(|e| scrubber.error("cannot read the session's sql_mode", &e))?;
    let mode = safe_sql_mode(mode.as_deref().unwrap_or(""));
    let lock_wait = settings.lock_wait.as_secs().max(1);
    // The character set is the session's too: `quote_string` and the
    // statement guard read text as UTF-8, and an `init_connect` may have
    // chosen GBK, whose multi-byte characters can end in a backslash.
    conn.query_drop("SET NAMES utf8mb4")
        .map_err(|e| scrubber.error("cannot set the session's character set", &e))?;
    conn.exec_drop(
        "SET SESSION sql_mode = ?, SESSION sql_quote_show_create = 1, SESSION lock_wait_timeout = ?",
        (mode, lock_wait),
    )
    .map_err(|e| scrubber.error("cannot set the session's sql_mode and lock wait", &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_flags_are_dropped_and_the_rest_kept() {
        assert_eq!(
            safe_sql_mode("STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES"),
            "STRICT_TRANS_TABLES"
        );
        assert_eq!(
            safe_sql_mode(
                "REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ONLY_FULL_GROUP_BY,ANSI"
            ),
            "REAL_AS_FLOAT,PIPES_AS_CONCAT,IGNORE_SPACE,ONLY_FULL_GROUP_BY"
        );
        assert_eq!(safe_sql_mode("ansi_quotes"), "");
        assert_eq!(safe_sql_mode(""), "");
    }
}
