//! Sending one statement: prepared (so a text never runs as two), and sent
//! again a few times when it timed out waiting for a metadata lock.

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

impl MysqlExecutor {
    /// [`Executor::execute`](shadowsync_core::Executor::execute): `sql`
    /// prepared, sent again after a lock wait timeout.
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

    /// `sql` on `conn`, prepared, sent again after a lock wait timeout.
    pub(super) fn run(&self, conn: &mut Conn, sql: &str) -> Result<()> {
        let mut attempt = 1;
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
