//! What the CLI plugs into the task center to run tasks: the MySQL executor
//! (with a test-only crash hook), the connection URLs matched to tasks, the
//! worker ids, the lease a worker holds on the tasks it runs, and the
//! `run-due` pass over several URLs (the host layer, `shadowsync::host`,
//! runs each task under its heartbeat).
//!
//! A task only stores its connection redacted, so every command that runs a
//! task needs the real URL again: `--url` (repeatable for `run-due`), the
//! `SHADOWSYNC_URL` environment variable or the profile's, its password
//! found as [`crate::credentials`] says. A URL serves a task when it names
//! the same scheme, user, host and port as the task's connection; the
//! database comes from the task.

use std::sync::Arc;

use shadowsync::host::{open_task_executor_reading, server_key, DuePass, DynStore};
use shadowsync_core::access::{Account, TableProbe};
use shadowsync_core::task::{Connector, Observer, Task, TaskCenter};
use shadowsync_core::{
    CatalogFacts, DatabaseDefaults, Error, Executor, Interrupt, Millis, Relation, Result,
    ServerInfo, StatementPool,
};
use shadowsync_mysql::{OrphanPolicy, DEFAULT_MAX_CONNECTIONS};
use shadowsync_store::SystemClock;

use crate::config::Settings;
use crate::credentials::server_urls;
use crate::failure::Failure;

/// The task center the CLI works with.
pub type Center = TaskCenter<DynStore, SystemClock>;

/// Environment variable holding the connection URL when `--url` is absent.
pub const URL_VAR: &str = "SHADOWSYNC_URL";

/// Test-only: when set to N, the process exits at once with status 137 (as
/// if killed) right after the server accepted the N-th statement of a task
/// (counted per task this process runs), before the task center records it. The statement is then left `running` in the
/// store: the worst moment for a crash, which recovery must settle without
/// sending anything twice. Never set it outside tests.
pub const CRASH_AFTER_VAR: &str = "SHADOWSYNC_TEST_CRASH_AFTER";

/// Test-only: when set to N, every statement of a task waits N ms before it
/// is sent (so that a test can stop a run between two statements). Never
/// set it outside tests.
pub const PAUSE_VAR: &str = "SHADOWSYNC_TEST_PAUSE_MS";

/// Prefix of the worker ids of CLI processes: `shadowsync-cli@HOST#PID`.
const WORKER_PREFIX: &str = "shadowsync-cli@";

/// Environment variable naming this host in worker ids, instead of the
/// machine's host name (containers that share one, tests that play two hosts).
pub const HOST_ID_VAR: &str = "SHADOWSYNC_HOST_ID";

/// The CLI's lease when [`LEASE_VAR`] is not set: 30 s, renewed by its heartbeat.
pub const CLI_LEASE_MS: Millis = 30_000;

/// Environment variable setting the lease, in whole seconds (default 30):
/// how long a worker holds a task without renewing it, so how soon after a
/// crash another worker, on any host, takes the task over. Every host
/// sharing a store should use the same value.
pub const LEASE_VAR: &str = "SHADOWSYNC_LEASE_SECONDS";

/// The lease of [`LEASE_VAR`] in milliseconds.
pub fn lease() -> std::result::Result<Millis, Failure> {
    match std::env::var(LEASE_VAR) {
        Ok(text) => match text.trim().parse::<u32>() {
            Ok(seconds) if seconds >= 1 => Ok(Millis::from(seconds) * 1_000),
            _ => Err(Failure::BadInput(format!(
                "{LEASE_VAR} must be a whole number of seconds, at least 1, not `{text}`"
            ))),
        },
        Err(_) => Ok(CLI_LEASE_MS),
    }
}

/// The connection URLs a command was given.
#[derive(Debug)]
pub struct Urls(Vec<String>, OrphanPolicy);

impl Urls {
    /// The `--url` values, or else `SHADOWSYNC_URL`, or else the profile's,
    /// their passwords filled in ([`crate::credentials::server_urls`]).
    pub fn from_args(urls: &[String], settings: &Settings) -> std::result::Result<Urls, Failure> {
        Ok(Urls(server_urls(urls, settings)?, OrphanPolicy::Wait))
    }

    /// `urls` as they are (passwords already filled in), for a command
    /// that connected through them already.
    pub fn given(urls: Vec<String>) -> Urls {
        Urls(urls, OrphanPolicy::Wait)
    }

    /// The same URLs, their executors treating a dead worker's statement
    /// still running on the server by `policy`.
    pub fn with_orphans(self, policy: OrphanPolicy) -> Urls {
        Urls(self.0, policy)
    }

    /// The URL that serves connection `connection` (as stored, redacted).
    pub fn for_connection(&self, connection: &str) -> Option<&str> {
        let wanted = server_key(connection);
        self.0
            .iter()
            .find(|url| server_key(url) == wanted)
            .map(String::as_str)
    }

    /// An executor on the server and database of `task`.
    pub fn open(&self, task: &Task, crash_after: Option<u64>) -> Result<TaskExecutor> {
        self.open_reading(task, crash_after, DEFAULT_MAX_CONNECTIONS)
    }

    /// [`Urls::open`], reading many tables over at most `read_sessions`
    /// connections at once.
    pub fn open_reading(
        &self,
        task: &Task,
        crash_after: Option<u64>,
        read_sessions: usize,
    ) -> Result<TaskExecutor> {
        let connection = &task.spec.plan.connection;
        let url = self.for_connection(connection).ok_or_else(|| {
            Error::InvalidRequest(format!(
                "no --url (or {URL_VAR}) for connection {connection}"
            ))
        })?;
        let plan = &task.spec.plan;
        let shadow_url = match plan.shadows.as_ref().and_then(|s| s.connection.as_deref()) {
            Some(shadows) => Some(self.for_connection(shadows).ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "no --url (or {URL_VAR}) for the shadows' connection {shadows}"
                ))
            })?),
            None => None,
        };
        let exec = open_task_executor_reading(plan, url, shadow_url, self.1, read_sessions)?;
        Ok(TaskExecutor::new(exec, crash_after))
    }
}

/// The test hook variable `name`: read only in a build with the
/// `test-hooks` feature (the test suites' build), so no installed binary
/// can be made to crash or stall by its environment.
pub(crate) fn test_hook(name: &str) -> Option<String> {
    if cfg!(feature = "test-hooks") {
        std::env::var(name).ok()
    } else {
        None
    }
}

/// The value of [`CRASH_AFTER_VAR`], if set (and hooks are built in).
pub fn crash_hook() -> std::result::Result<Option<u64>, Failure> {
    match test_hook(CRASH_AFTER_VAR) {
        Some(text) => text.trim().parse().map(Some).map_err(|_| {
            Failure::BadInput(format!("{CRASH_AFTER_VAR} must be a count, not `{text}`"))
        }),
        None => Ok(None),
    }
}

/// The executor as tasks run on it (MySQL, mapped in database mode).
pub struct TaskExecutor {
    inner: Box<dyn Executor + Send>,
    /// See [`CRASH_AFTER_VAR`].
    crash_after: Option<u64>,
    /// Statements the server accepted through this executor.
    applied: u64,
    /// See [`PAUSE_VAR`].
    pause: Option<std::time::Duration>,
}

impl TaskExecutor {
    /// Wrap `inner`; `crash_after` is the value of [`crash_hook`].
    pub fn new(inner: Box<dyn Executor + Send>, crash_after: Option<u64>) -> TaskExecutor {
        let pause = test_hook(PAUSE_VAR)
            .and_then(|ms| ms.trim().parse().ok())
            .map(std::time::Duration::from_millis);
        TaskExecutor {
            inner,
            crash_after,
            applied: 0,
            pause,
        }
    }
}

impl Executor for TaskExecutor {
    fn server_info(&mut self) -> Result<ServerInfo> {
        self.inner.server_info()
    }

    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        self.inner.list_relations()
    }

    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        self.inner.show_create_tables(names)
    }

    fn execute(&mut self, sql: &str) -> Result<()> {
        if let Some(pause) = self.pause {
            std::thread::sleep(pause);
        }
        self.inner.execute(sql)?;
        self.applied += 1;
        if self.crash_after == Some(self.applied) {
            // No unwinding, no destructors: as close to `kill -9` as a
            // process can do to itself.
            std::process::exit(137);
        }
        Ok(())
    }

    fn lock_database(&mut self) -> Result<Option<String>> {
        self.inner.lock_database()
    }

    fn unlock_database(&mut self) -> Result<()> {
        self.inner.unlock_database()
    }

    fn await_orphan(&mut self, sql: &str) -> Result<Option<String>> {
        self.inner.await_orphan(sql)
    }
    fn catalog_facts(&mut self, names: &[String]) -> Result<Vec<Option<CatalogFacts>>> {
        self.inner.catalog_facts(names)
    }

    fn row_count(&mut self, name: &str) -> Result<Option<u64>> {
        self.inner.row_count(name)
    }

    fn interrupter(&self) -> Option<Arc<dyn Interrupt>> {
        self.inner.interrupter()
    }

    fn probe_tables(&mut self, names: &[String]) -> Result<Vec<TableProbe>> {
        self.inner.probe_tables(names)
    }

    fn account_grants(&mut self, account: &Account) -> Result<Vec<String>> {
        self.inner.account_grants(account)
    }

    fn server_identity(&mut self) -> Result<Option<String>> {
        self.inner.server_identity()
    }

    fn location(&self) -> Option<String> {
        self.inner.location()
    }

    fn database_exists(&mut self) -> Result<bool> {
        self.inner.database_exists()
    }

    fn database_defaults(&mut self) -> Result<Option<DatabaseDefaults>> {
        self.inner.database_defaults()
    }

    fn source_side(&mut self) -> Option<&mut dyn Executor> {
        self.inner.source_side()
    }

    fn statement_pool(&mut self, width: usize) -> Result<Option<Box<dyn StatementPool>>> {
        let Some(inner) = self.inner.statement_pool(width)? else {
            return Ok(None);
        };
        if self.crash_after.is_none() && self.pause.is_none() {
            return Ok(Some(inner));
        }
        Ok(Some(Box::new(HookedPool {
            inner,
            crash_after: self.crash_after,
            applied: self.applied,
            pause: self.pause,
        })))
    }
}

/// A statement pool with the test hooks of [`TaskExecutor`]: the pause
/// before each statement is started, the crash once the N-th statement
/// ended applied (the others may still run on the server then: orphans).
struct HookedPool {
    inner: Box<dyn StatementPool>,
    crash_after: Option<u64>,
    applied: u64,
    pause: Option<std::time::Duration>,
}

impl StatementPool for HookedPool {
    fn width(&self) -> usize {
        self.inner.width()
    }

    fn start(&mut self, ticket: usize, sql: &str) -> Result<()> {
        if let Some(pause) = self.pause {
            std::thread::sleep(pause);
        }
        self.inner.start(ticket, sql)
    }

    fn next_finished(&mut self) -> Result<(usize, Result<()>)> {
        let (ticket, outcome) = self.inner.next_finished()?;
        if outcome.is_ok() {
            self.applied += 1;
            if self.crash_after == Some(self.applied) {
                std::process::exit(137);
            }
        }
        Ok((ticket, outcome))
    }
}

impl std::fmt::Debug for TaskExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskExecutor")
            .field("location", &self.inner.location())
            .field("applied", &self.applied)
            .finish()
    }
}

/// Opens each task on the URL that serves its connection.
#[derive(Debug)]
struct UrlConnector<'a> {
    urls: &'a Urls,
    crash_after: Option<u64>,
}

impl Connector for UrlConnector<'_> {
    fn connect(&mut self, task: &Task) -> Result<Box<dyn Executor>> {
        Ok(Box::new(self.urls.open(task, self.crash_after)?))
    }
}

/// This process's worker id, `shadowsync-cli@HOST#PID` (HOST from
/// [`HOST_ID_VAR`], else the machine's name): unique among the live workers.
pub fn worker_id() -> String {
    format!("{WORKER_PREFIX}{}#{}", host_name(), std::process::id())
}

fn host_name() -> String {
    std::env::var(HOST_ID_VAR)
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// One `run-due` pass over the tasks the URLs serve, as `worker`: the
/// host layer's pass ([`shadowsync::host::run_due`]), each task opened on
/// the URL that serves it.
pub fn run_due(
    center: &Center,
    worker: &str,
    urls: &Urls,
    crash_after: Option<u64>,
    observer: &dyn Observer,
) -> Result<DuePass> {
    let mut connector = UrlConnector { urls, crash_after };
    shadowsync::host::run_due(center, worker, &mut connector, observer)
}

/// Take over executing `task` as `worker` and finish it, under the lease
/// heartbeat; refused while another worker's lease on it is live.
pub fn resume(
    center: &Center,
    task: &Task,
    worker: &str,
    urls: &Urls,
    crash_after: Option<u64>,
    observer: &dyn Observer,
) -> Result<Task> {
    let mut exec = urls.open(task, crash_after)?;
    shadowsync::host::resume(center, task.id, worker, &mut exec, observer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_matched_to_connections() {
        let urls = Urls(
            vec!["mysql://a:1@h1:1/".into(), "mysql://b:2@h2:2/x".into()],
            OrphanPolicy::Wait,
        );
        assert_eq!(
            urls.for_connection("mysql://b:***@h2:2/y"),
            Some("mysql://b:2@h2:2/x")
        );
        assert_eq!(urls.for_connection("mysql://c:***@h2:2/y"), None);
    }

    #[test]
    fn worker_ids_name_the_host_and_the_process() {
        let id = worker_id();
        assert!(id.starts_with(WORKER_PREFIX), "{id}");
        assert!(id.ends_with(&format!("#{}", std::process::id())), "{id}");
    }

    #[test]
    fn the_lease_comes_from_the_environment_in_whole_seconds() {
        // One test touches the variable: the others read the default.
        std::env::set_var(LEASE_VAR, "7");
        assert_eq!(lease().ok(), Some(7_000));
        for bad in ["0", "-1", "x", ""] {
            std::env::set_var(LEASE_VAR, bad);
            assert!(lease().is_err(), "{bad:?}");
        }
        std::env::remove_var(LEASE_VAR);
        assert_eq!(lease().ok(), Some(CLI_LEASE_MS));
    }
}
