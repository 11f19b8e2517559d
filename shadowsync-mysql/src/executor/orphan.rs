//! Statements a dead worker left running on the server: what a worker
//! taking over its task waits for, or interrupts ([`OrphanPolicy`]).

use mysql::prelude::Queryable;
use shadowsync_core::{Error, Result};

use super::statement::elide;
use super::MysqlExecutor;

/// Default of [`MysqlExecutor::with_orphan_wait`]: 10 minutes.
pub const DEFAULT_ORPHAN_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// What a worker taking over a task does with a dead worker's statement
/// still running on the server ([`MysqlExecutor::with_orphan_policy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrphanPolicy {
    /// Wait for it to end (at most the orphan wait), then settle it from
    /// the schema: what it did stands. The default.
    #[default]
    Wait,
    /// Interrupt it (`KILL QUERY` on its connection), wait for it to end,
    /// then settle it from the schema: an interrupted ALTER leaves the table
    /// as it was and is sent again, once.
    Kill,
}

impl OrphanPolicy {
    /// `wait` or `kill`.
    pub fn from_name(name: &str) -> Option<OrphanPolicy> {
        match name {
            "wait" => Some(OrphanPolicy::Wait),
            "kill" => Some(OrphanPolicy::Kill),
            _ => None,
        }
    }
}

impl MysqlExecutor {
    /// [`Executor::await_orphan`](shadowsync_core::Executor::await_orphan):
    /// wait for, or interrupt, another session running `sql` in this
    /// connection's database. Only there: the same text (an unqualified
    /// `CREATE TABLE __orders …`) may be running in another database, for
    /// another task or another team, and is never this task's to await or
    /// to kill. Compared as bytes: `PROCESSLIST`'s columns are
    /// case-insensitive text, and `Shop` is not `shop` where names keep
    /// their case.
    pub(super) fn settle_orphan(&mut self, sql: &str) -> Result<Option<String>> {
        let started = std::time::Instant::now();
        let mut seen: Option<u64> = None;
        let mut killed = false;
        loop {
            let running: Option<u64> = self
                .main_conn()
                .exec_first(
                    "SELECT ID FROM information_schema.PROCESSLIST \
                     WHERE BINARY INFO = ? AND BINARY DB = DATABASE() \
                     AND ID <> CONNECTION_ID() LIMIT 1",
                    (sql,),
                )
                .map_err(|e| self.endpoint.error("cannot read the process list", &e))?;
            match (running, seen) {
                (None, None) => return Ok(None),
                (None, Some(id)) => {
                    let done = if killed {
                        "interrupted it (KILL QUERY: orphan policy `kill`); it ended"
                    } else {
                        "waited for it to end"
                    };
                    return Ok(Some(format!(
                        "was still running on the server (connection {id}); {done} after {} ms",
                        started.elapsed().as_millis()
                    )));
                }
                (Some(id), _) if started.elapsed() >= self.orphan_wait => {
                    return Err(Error::Executor(format!(
                        "`{}` is still running on the server (connection {id}) after {} s; \
                         resume again once it has ended, or KILL QUERY {id}",
                        elide(sql),
                        self.orphan_wait.as_secs()
                    )))
                }
                (Some(id), _) => {
                    seen = Some(id);
                    if self.orphan_policy == OrphanPolicy::Kill && !killed {
                        killed = true;
                        // The id is a number the server gave: nothing pasted.
                        self.main_conn()
                            .query_drop(format!("KILL QUERY {id}"))
                            .map_err(|e| {
                                self.endpoint
                                    .error("cannot interrupt the dead worker's statement", &e)
                            })?;
                        continue;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(500));
                }
            }
        }
    }
}
