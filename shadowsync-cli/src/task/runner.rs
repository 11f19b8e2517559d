//! What the CLI plugs into the task center to run tasks: the MySQL executor
//! (with a test-only crash hook), the connection URLs matched to tasks, the
//! schema inspector a task's naming rule calls for, worker ids, and the
//! detection of workers that died on this machine.
//!
//! A task only stores its connection redacted, so every command that runs a
//! task needs the real URL again: `--url` (repeatable for `run-due`), or the
//! `SHADOWSYNC_URL` environment variable. A URL serves a task when it names
//! the same scheme, user, host and port as the task's connection; the
//! database comes from the task.

use shadowsync_core::analysis::{PlanInspectors, ShadowInspector};
use shadowsync_core::task::{Connector, DueReport, Store, Task, TaskCenter, TaskId, TaskStatus};
use shadowsync_core::{Error, Executor, Relation, Result, ServerInfo};
use shadowsync_mysql::{redact_url, MysqlExecutor};
use shadowsync_store::{DynStore, SystemClock};

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

/// Prefix of the worker ids of CLI processes: `shadowsync-cli@HOST#PID`.
const WORKER_PREFIX: &str = "shadowsync-cli@";

/// The connection URLs a command was given.
#[derive(Debug)]
pub struct Urls(Vec<String>);

impl Urls {
    /// The `--url` values, or else `SHADOWSYNC_URL`; at least one is needed.
    pub fn from_args(urls: &[String]) -> std::result::Result<Urls, Failure> {
        if !urls.is_empty() {
            return Ok(Urls(urls.to_vec()));
        }
        match std::env::var(URL_VAR) {
            Ok(url) if !url.trim().is_empty() => Ok(Urls(vec![url])),
            _ => Err(Failure::BadInput(format!(
                "give the server's URL with --url or {URL_VAR}: tasks store it without its password"
            ))),
        }
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
        let connection = &task.spec.plan.connection;
        let url = self.for_connection(connection).ok_or_else(|| {
            Error::InvalidRequest(format!(
                "no --url (or {URL_VAR}) for connection {connection}"
            ))
        })?;
        let exec = MysqlExecutor::connect(url)?.with_database(&task.spec.plan.database)?;
        Ok(TaskExecutor::new(exec, crash_after))
    }
}

/// Scheme, user, host and port of `url`, lower-cased: what must match for a
/// URL to serve a task (the password is not stored, the database comes from
/// the task).
fn server_key(url: &str) -> String {
    let redacted = redact_url(url);
    let (scheme, rest) = redacted.split_once("://").unwrap_or(("", &redacted));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (user, host) = match authority.rsplit_once('@') {
        Some((userinfo, host)) => (userinfo.split(':').next().unwrap_or_default(), host),
        None => ("", authority),
    };
    format!("{scheme}://{user}@{host}").to_ascii_lowercase()
}

/// The value of [`CRASH_AFTER_VAR`], if set.
pub fn crash_hook() -> std::result::Result<Option<u64>, Failure> {
    match std::env::var(CRASH_AFTER_VAR) {
        Ok(text) => text.trim().parse().map(Some).map_err(|_| {
            Failure::BadInput(format!("{CRASH_AFTER_VAR} must be a count, not `{text}`"))
        }),
        Err(_) => Ok(None),
    }
}

/// The MySQL executor as tasks run on it.
#[derive(Debug)]
pub struct TaskExecutor {
    inner: MysqlExecutor,
    /// See [`CRASH_AFTER_VAR`].
    crash_after: Option<u64>,
    /// Statements the server accepted through this executor.
    applied: u64,
}

impl TaskExecutor {
    /// Wrap `inner`; `crash_after` is the value of [`crash_hook`].
    pub fn new(inner: MysqlExecutor, crash_after: Option<u64>) -> TaskExecutor {
        TaskExecutor {
            inner,
            crash_after,
            applied: 0,
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
}

/// The inspector for `task`: its plan's naming rule and shadow policy.
pub fn inspector_for(task: &Task) -> Result<ShadowInspector> {
    ShadowInspector::for_plan(&task.spec.plan)
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

/// This process's worker id, `shadowsync-cli@HOST#PID`: unique among the
/// live workers, and telling [`is_dead_local_worker`] where to look.
pub fn worker_id() -> String {
    format!("{WORKER_PREFIX}{}#{}", host_name(), std::process::id())
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// Whether `worker` is a CLI process of this machine that no longer runs.
/// Only Linux's `/proc` can tell; elsewhere the answer is no, and a task left
/// behind is taken over with `task resume`. A recycled pid reads as alive:
/// the safe mistake, since taking over a live worker would run statements
/// twice.
pub fn is_dead_local_worker(worker: &str) -> bool {
    let Some((host, pid)) = worker
        .strip_prefix(WORKER_PREFIX)
        .and_then(|rest| rest.rsplit_once('#'))
    else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    if host != host_name()
        || pid == std::process::id()
        || !std::path::Path::new("/proc/self/stat").exists()
    {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name; a zombie is dead.
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z')),
        Err(_) => true,
    }
}

/// What a `run-due` pass did.
#[derive(Debug, Default)]
pub struct DuePass {
    /// Tasks whose worker on this machine had died, taken over and finished.
    pub resumed: Vec<(TaskId, TaskStatus)>,
    /// Tasks of dead workers that could not be taken over, and why.
    pub not_resumed: Vec<(TaskId, String)>,
    /// The task center's own pass.
    pub report: DueReport,
}

/// Take over the tasks that dead CLI workers of this machine left
/// executing, then let the task center expire overdue tasks and run the due
/// ones as `worker`.
pub fn run_due(
    center: &Center,
    worker: &str,
    urls: &Urls,
    crash_after: Option<u64>,
) -> Result<DuePass> {
    let mut pass = DuePass::default();
    for task in center.store().tasks_in(&[TaskStatus::Executing])? {
        if !task
            .state
            .worker
            .as_deref()
            .is_some_and(is_dead_local_worker)
        {
            continue;
        }
        match resume(center, &task, worker, urls, crash_after) {
            Ok(done) => pass.resumed.push((done.id, done.state.status)),
            // Another process took it over first, or it cannot be reached.
            Err(
                error @ (Error::InvalidRequest(_)
                | Error::InvalidTransition { .. }
                | Error::Executor(_)
                | Error::ConnectionLost(_)),
            ) => pass.not_resumed.push((task.id, error.to_string())),
            Err(other) => return Err(other),
        }
    }
    let mut connector = UrlConnector { urls, crash_after };
    pass.report = center.run_due(worker, &mut connector, &mut PlanInspectors)?;
    Ok(pass)
}

/// Take over executing `task` as `worker` and finish it.
pub fn resume(
    center: &Center,
    task: &Task,
    worker: &str,
    urls: &Urls,
    crash_after: Option<u64>,
) -> Result<Task> {
    let mut exec = urls.open(task, crash_after)?;
    let mut inspector = inspector_for(task)?;
    center.resume(task.id, worker, &mut exec, &mut inspector)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_keys_ignore_password_database_and_query() {
        let stored = "mysql://shadowsync:***@127.0.0.1:33061/shop";
        for url in [
            "mysql://shadowsync:secret@127.0.0.1:33061/",
            "mysql://shadowsync:secret@127.0.0.1:33061",
            "mysql://shadowsync:p@ss/w@127.0.0.1:33061/other?ssl=1",
            "MYSQL://ShadowSync:x@127.0.0.1:33061/shop",
        ] {
            assert_eq!(server_key(url), server_key(stored), "{url}");
        }
        for url in [
            "mysql://other:secret@127.0.0.1:33061/shop",
            "mysql://shadowsync:secret@127.0.0.1:3306/shop",
            "mysql://shadowsync:secret@localhost:33061/shop",
        ] {
            assert_ne!(server_key(url), server_key(stored), "{url}");
        }
        assert_eq!(
            server_key("mysql://root@127.0.0.1:2881/"),
            server_key("mysql://root@127.0.0.1:2881/db")
        );
    }

    #[test]
    fn urls_are_matched_to_connections() {
        let urls = Urls(vec![
            "mysql://a:1@h1:1/".into(),
            "mysql://b:2@h2:2/x".into(),
        ]);
        assert_eq!(
            urls.for_connection("mysql://b:***@h2:2/y"),
            Some("mysql://b:2@h2:2/x")
        );
        assert_eq!(urls.for_connection("mysql://c:***@h2:2/y"), None);
    }

    #[test]
    fn only_dead_workers_of_this_machine_are_dead() {
        assert!(!is_dead_local_worker(&worker_id()), "this process is alive");
        assert!(!is_dead_local_worker("someone-else"));
        assert!(!is_dead_local_worker("shadowsync-cli@other-host#1"));
        assert!(!is_dead_local_worker(&format!(
            "{WORKER_PREFIX}{}#x",
            host_name()
        )));
        if std::path::Path::new("/proc/self/stat").exists() {
            // Pid 1 always runs; pids are below 2^22 on Linux.
            assert!(!is_dead_local_worker(&format!(
                "{WORKER_PREFIX}{}#1",
                host_name()
            )));
            assert!(is_dead_local_worker(&format!(
                "{WORKER_PREFIX}{}#4294967295",
                host_name()
            )));
        }
    }
}
