//! [`Interrupter`]: stopping an executor's running statement from another
//! thread.

use std::fmt;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts};
use shadowsync_core::{Interrupt, Result};

use super::sessions::SessionIds;
use crate::error::Scrubber;

/// Interrupts the statement an executor is running (see
/// [`Executor::interrupter`](shadowsync_core::Executor::interrupter)): what `task abort` and Ctrl-C use to stop
/// a long ALTER instead of waiting for it to end.
#[derive(Clone)]
pub struct Interrupter {
    opts: Opts,
    scrubber: Scrubber,
    connection_id: u32,
    /// The executor's statement pool sessions, as they are when it interrupts.
    pool_sessions: SessionIds,
}

impl Interrupter {
    /// Interrupts connection `connection_id` of the server `opts` connects
    /// to, messages scrubbed by `scrubber`.
    pub(super) fn new(
        opts: Opts,
        scrubber: Scrubber,
        connection_id: u32,
        pool_sessions: SessionIds,
    ) -> Interrupter {
        Interrupter {
            opts,
            scrubber,
            connection_id,
            pool_sessions,
        }
    }

    /// `KILL QUERY` connection `id` on `conn`, once the process list shows
    /// it as a session of this executor's account in its database.
    fn interrupt_session(&self, conn: &mut Conn, id: u32) -> Result<()> {
        let ours: Option<u64> = conn
            .exec_first(
                "SELECT ID FROM information_schema.PROCESSLIST \
                 WHERE ID = ? AND BINARY USER = ? AND BINARY DB = ?",
                (
                    id,
                    self.opts.get_user().unwrap_or_default(),
                    self.opts.get_db_name().unwrap_or_default(),
                ),
            )
            .map_err(|e| self.scrubber.error("cannot read the process list", &e))?;
        if ours.is_none() {
            return Err(shadowsync_core::Error::Executor(format!(
                "not interrupted: connection {id} of this account and database is not on the \
                 server the new connection reached"
            )));
        }
        conn.query_drop(format!("KILL QUERY {id}")).map_err(|e| {
            self.scrubber
                .error("cannot interrupt the running statement", &e)
        })
    }
}

impl fmt::Debug for Interrupter {
    // No driver options (they hold the password).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interrupter")
            .field("connection_id", &self.connection_id)
            .finish()
    }
}

impl Interrupt for Interrupter {
    /// `KILL QUERY` the executor's connection: its running statement fails
    /// (`ER_QUERY_INTERRUPTED`) and the connection stays usable. The id is
    /// a number the server gave, so nothing is pasted from input.
    ///
    /// The new connection may not reach the same server (a virtual IP, a
    /// balancer, a failover), where the same id is somebody else's
    /// session: so the session is first looked up there, and only one of
    /// this executor's account in this executor's database is interrupted.
    fn interrupt(&self) -> Result<()> {
        let mut conn = Conn::new(self.opts.clone()).map_err(|e| {
            self.scrubber
                .error("cannot connect to interrupt a statement", &e)
        })?;
        let pool: Vec<u32> = self
            .pool_sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        // Every session is tried; the first failure is the answer.
        let mut outcome = Ok(());
        for id in std::iter::once(self.connection_id).chain(pool) {
            if let Err(e) = self.interrupt_session(&mut conn, id) {
                outcome = outcome.and(Err(e));
            }
        }
        outcome
    }
}
