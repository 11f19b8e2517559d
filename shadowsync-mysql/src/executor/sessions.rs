//! [`SessionPool`]: the executor's [`StatementPool`], sessions of their own
//! on its database that run a task's statements at once, each on a thread
//! that owns its connection.
//!
//! The sessions are opened as every connection of the executor is (its
//! timeouts, its session settings, its current database), and each sends
//! a statement as the executor does ([`Sender`]: prepared, tried again
//! after a lock wait timeout). Their ids are listed where the executor's
//! [`Interrupter`](super::Interrupter) finds them, for as long as the pool
//! lives, so that an abort stops their statements too.

use std::sync::mpsc::{channel, Receiver, Sender as Channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use mysql::Conn;
use shadowsync_core::{Error, Result, StatementPool};

use super::statement::Sender;

/// The connection ids of the live sessions of an executor's pools.
pub(super) type SessionIds = Arc<Mutex<Vec<u32>>>;

/// A statement for a session: its ticket and its text.
type Job = (usize, String);

/// `width` sessions, each on a thread of its own; see the module docs.
pub(super) struct SessionPool {
    width: usize,
    /// Jobs for whichever session is idle; dropped to end the threads.
    jobs: Option<Channel<Job>>,
    finished: Receiver<(usize, Result<()>)>,
    threads: Vec<JoinHandle<()>>,
    ids: Vec<u32>,
    registry: SessionIds,
}

impl SessionPool {
    /// A pool over `conns` (one session each), sending with `sender`, its
    /// sessions listed in `registry` while it lives.
    pub(super) fn over(conns: Vec<Conn>, sender: Sender, registry: SessionIds) -> SessionPool {
        let ids: Vec<u32> = conns.iter().map(Conn::connection_id).collect();
        registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(&ids);
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let (done, finished) = channel();
        let threads = conns
            .into_iter()
            .map(|mut conn| {
                let (queue, done, sender) = (queue.clone(), done.clone(), sender.clone());
                std::thread::spawn(move || loop {
                    // The lock is held only while waiting for a job.
                    let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok((ticket, sql)) = job else { return };
                    if done.send((ticket, sender.run(&mut conn, &sql))).is_err() {
                        return;
                    }
                })
            })
            .collect();
        SessionPool {
            width: ids.len(),
            jobs: Some(jobs),
            finished,
            threads,
            ids,
            registry,
        }
    }
}

impl StatementPool for SessionPool {
    fn width(&self) -> usize {
        self.width
    }

    fn start(&mut self, ticket: usize, sql: &str) -> Result<()> {
        let jobs = self.jobs.as_ref().ok_or_else(closed)?;
        jobs.send((ticket, sql.to_string())).map_err(|_| closed())
    }

    fn next_finished(&mut self) -> Result<(usize, Result<()>)> {
        self.finished.recv().map_err(|_| closed())
    }
}

/// The error of a pool whose sessions have all ended.
fn closed() -> Error {
    Error::Executor("the statement pool's sessions have ended".into())
}

impl Drop for SessionPool {
    /// Lets each session finish the statement it runs (one that is
    /// interrupted here would be an orphan), then closes them.
    fn drop(&mut self) {
        self.jobs = None;
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        self.registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|id| !self.ids.contains(id));
    }
}
