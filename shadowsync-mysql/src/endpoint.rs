//! [`Endpoint`]: where and how an executor's connections connect, shared by
//! the modules that open or use connections of their own (the pool, the
//! `SHOW CREATE TABLE` and catalog readers, the executor).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use mysql::{Conn, Opts};
use shadowsync_core::{Error, Result};

use crate::connect::Timeouts;
use crate::error::Scrubber;
use crate::session::{self, SessionSettings};
use crate::url::{redact_url, target_from_url};

/// Where and how to connect; shared by the worker threads that open
/// connections of their own.
pub(crate) struct Endpoint {
    /// Driver options, including the current database.
    pub(crate) opts: Opts,
    /// What each connection's socket gets once open.
    timeouts: Timeouts,
    /// The URL with its password redacted, for messages.
    pub(crate) url: String,
    /// Removes the password from messages.
    pub(crate) scrubber: Scrubber,
    /// Statements and commands sent, connection opening included (shared
    /// with the sessions of a statement pool).
    round_trips: Arc<AtomicU64>,
    /// What every connection sets for itself once opened.
    pub(crate) session: SessionSettings,
}

impl Endpoint {
    /// The endpoint `url` (`mysql://user:pass@host:port/db`) names, over
    /// TCP, its connections stating `session` (the lock wait being the
    /// URL's `lock-wait-timeout` where it gives one).
    pub(crate) fn new(url: &str, session: SessionSettings) -> Result<Endpoint> {
        let target = target_from_url(url)?;
        let session = SessionSettings {
            lock_wait: target.lock_wait.unwrap_or(session.lock_wait),
        };
        Ok(Endpoint {
            scrubber: Scrubber::new(target.opts.get_pass()).with_timeouts(target.timeouts),
            url: redact_url(url),
            opts: target.opts,
            timeouts: target.timeouts,
            round_trips: Arc::new(AtomicU64::new(0)),
            session,
        })
    }

    /// Counts one exchange with the server.
    pub(crate) fn count(&self) {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
    }

    /// The counter of [`Endpoint::count`], for threads of their own.
    pub(crate) fn counter(&self) -> Arc<AtomicU64> {
        self.round_trips.clone()
    }

    /// Exchanges with the server so far.
    pub(crate) fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }

    /// A new connection to the current database, within the connect
    /// timeout, then with the session's timeouts (see [`crate::connect`])
    /// and shadowsync's session settings stated (see [`crate::session`]).
    pub(crate) fn open(&self) -> Result<Conn> {
        self.count();
        let mut conn =
            Conn::new(self.opts.clone()).map_err(|e| self.scrubber.connect_error(&self.url, &e))?;
        self.timeouts.settle(&conn).map_err(|e| {
            Error::Executor(format!(
                "cannot set the read and write timeouts of a connection to {}: {e}",
                self.url
            ))
        })?;
        session::apply(&self.session, &self.scrubber, &mut conn)?;
        Ok(conn)
    }

    /// An executor error: `context`, then the driver's message.
    pub(crate) fn error(&self, context: &str, err: &mysql::Error) -> Error {
        self.scrubber.error(context, err)
    }
}
