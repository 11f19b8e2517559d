//! Sending one statement: prepared (so a text never runs as two), and sent
//! again a few times when it timed out waiting for a metadata lock, or when
//! OceanBase answered "Schema try again" (both mean it did not run).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use mysql::prelude::Queryable;
use mysql::Conn;
use shadowsync_core::Result;

use super::MysqlExecutor;
use crate::endpoint::Endpoint;
use crate::error::{server_code, Scrubber};

/// Longest statement quoted in an error message; the rest is elided.
const MAX_QUOTED_SQL: usize = 300;

/// Server error `ER_LOCK_WAIT_TIMEOUT`: a statement waited longer than
/// `lock_wait_timeout` for a metadata lock (MySQL, MariaDB and OceanBase).
const ER_LOCK_WAIT_TIMEOUT: u16 = 1205;

/// How many times a statement is sent that timed out waiting for a lock.
const LOCK_WAIT_ATTEMPTS: u32 = 3;

/// The pause after the first lock wait timeout; the n-th pause is n times it.
const LOCK_WAIT_PAUSE: std::time::Duration = std::time::Duration::from_millis(500);

/// OceanBase's error 5627, "Schema try again": the DDL met another DDL on
/// the same schema (another session's, or a dead worker's still running in
/// the server's background) and did not run; the server asks for it to be
/// sent again.
const OB_SCHEMA_TRY_AGAIN: u16 = 5627;

/// How many times a statement is sent that OceanBase asked to send again.
const SCHEMA_AGAIN_ATTEMPTS: u32 = 40;

/// The pause after each "Schema try again" (about a minute in all: a
/// background DDL of a large table may take that long).
const SCHEMA_AGAIN_PAUSE: std::time::Duration = std::time::Duration::from_millis(1_500);

impl MysqlExecutor {
    /// [`Executor::execute`](shadowsync_core::Executor::execute): `sql`
    /// prepared, sent again after a lock wait timeout or a "Schema try
    /// again".
    pub(super) fn execute_retrying(&mut self, sql: &str) -> Result<()> {
        let sender = Sender::of(&self.endpoint);
        sender.run(&mut self.conns[0], sql)
    }
}

/// What sending a statement on a connection needs, for the executor's own
/// connection and for each session of its statement pool.
#[derive(Clone)]
pub(super) struct Sender {
    scrubber: Scrubber,
    lock_wait: std::time::Duration,
    round_trips: Arc<AtomicU64>,
}

impl Sender {
    pub(super) fn of(endpoint: &Endpoint) -> Sender {
        Sender {
            scrubber: endpoint.scrubber.clone(),
            lock_wait: endpoint.session.lock_wait,
            round_trips: endpoint.counter(),
        }
    }

    /// `sql` on `conn`, prepared, sent again after a lock wait timeout or
    /// OceanBase's "Schema try again" (neither ran it).
    pub(super) fn run(&self, conn: &mut Conn, sql: &str) -> Result<()> {
        let (mut attempt, mut again) = (1, 1);
        loop {
            match self.prepared(conn, sql) {
                Err(e) if server_code(&e) == Some(ER_LOCK_WAIT_TIMEOUT) => {
                    if attempt >= LOCK_WAIT_ATTEMPTS {
                        let context = format!(
                            "`{}` waited for a metadata lock {attempt} times, {} s each \
                             (another session holds the table: an open transaction?)",
                            elide(sql),
                            self.lock_wait.as_secs().max(1)
                        );
                        return Err(self.scrubber.error(&context, &e));
                    }
                    tracing::warn!(
                        "metadata lock wait timed out (attempt {attempt} of {LOCK_WAIT_ATTEMPTS}); trying again"
                    );
                    std::thread::sleep(LOCK_WAIT_PAUSE * attempt);
                    attempt += 1;
                }
                Err(e) if server_code(&e) == Some(OB_SCHEMA_TRY_AGAIN) => {
                    // It did not run: sending it again repeats nothing.
                    if again >= SCHEMA_AGAIN_ATTEMPTS {
                        let context = format!(
                            "`{}`: the server answered \"Schema try again\" {again} times \
                             (another DDL on this schema keeps running)",
                            elide(sql)
                        );
                        return Err(self.scrubber.error(&context, &e));
                    }
                    tracing::warn!(
                        "the server asked to send the statement again (Schema try again, \
                         attempt {again} of {SCHEMA_AGAIN_ATTEMPTS})"
                    );
                    std::thread::sleep(SCHEMA_AGAIN_PAUSE);
                    again += 1;
                }
                Err(e) => {
                    return Err(self
                        .scrubber
                        .error(&format!("cannot execute `{}`", elide(sql)), &e))
                }
                Ok(()) => return Ok(()),
            }
        }
    }

    /// Sends `sql` as one prepared statement and closes it.
    fn prepared(&self, conn: &mut Conn, sql: &str) -> std::result::Result<(), mysql::Error> {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        // Preparing and executing count as one exchange: one statement.
        let statement = conn.prep(sql)?;
        let outcome = conn.exec_drop(&statement, ());
        // Closing is best effort: the statement dies with the connection anyway.
        let _ = conn.close(statement);
        outcome
    }
}

/// `sql` cut to [`MAX_QUOTED_SQL`] characters, for messages.
pub(super) fn elide(sql: &str) -> String {
    match sql.char_indices().nth(MAX_QUOTED_SQL) {
        Some((cut, _)) => format!("{}…", &sql[..cut]),
        None => sql.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elide_cuts_long_statements_on_char_boundaries() {
        assert_eq!(elide("SELECT 1"), "SELECT 1");
        let long = "é".repeat(MAX_QUOTED_SQL + 5);
        let cut = elide(&long);
        assert_eq!(cut.chars().count(), MAX_QUOTED_SQL + 1);
        assert!(cut.ends_with('…'));
    }
}
