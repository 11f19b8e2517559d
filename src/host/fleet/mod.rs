//! Fleet checks: every shard of a sharded fleet (many servers × many
//! databases × numbered tables) checked in one run, with bounded
//! parallelism per server, and the verdicts rolled up per logical table
//! ([`shadowsync_core::fleet::rollup`]): total, ready, drifted, missing,
//! refused, the odd shards by name, and a warning when the shards'
//! sources themselves differ.
//!
//! A fleet file (TOML) names the servers and their databases (brace
//! ranges expand: `order_db_{00..15}`), the selection and naming every
//! database shares, database mode (`shadow_schema = "{schema}_shadow"`,
//! `shadow_url`) and explicit logical tables where numbering does not
//! tell them:
//!
//! ```toml
//! prefix = "__"
//! include = ["order_*"]
//! [[server]]
//! url = "mysql://dba@db1:3306/"
//! schemas = ["order_db_{00..07}"]
//! [[logical]]
//! name = "ledger"
//! tables = ["ledger_a", "ledger_b"]
//! ```
//!
//! A fleet is checked ([`check_fleet`]) or synced: analysed
//! ([`plan_fleet`]), submitted as one task per database under one fleet id
//! ([`submit_fleet`]) and run ([`run_fleet`]), all with the same bounded
//! parallelism per server.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Deserialize;
use shadowsync_core::fleet::{braces, LogicalGroup};
use shadowsync_core::task::redact_text;
use shadowsync_core::{Error, Executor, Result};
use shadowsync_mysql::{redact_url, Introspection, MysqlExecutor};

use super::mapping::{map_shadows_reading, ShadowTarget};
use super::options::AnalyzeOptions;

mod check;
mod sync;
mod tasks;

pub use check::{check_fleet, FleetCheckView, FleetCounts, FleetMemberView};
pub use sync::{
    open_fleet_task, plan_fleet, run_fleet, submit_fleet, sync_fleet, FleetMemberPlan, FleetPlan,
    FleetSubmission, FleetSyncCounts, FleetSyncMemberView, FleetSyncView,
};
pub use tasks::{
    decide_fleet, fleet_tasks, FleetDecision, FleetTaskCounts, FleetTaskView, FleetTasksView,
};

/// A fleet file, as read ([`read_fleet`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fleet {
    /// The servers and their databases.
    pub servers: Vec<FleetServer>,
    /// The selection and naming of every database (its `tables` unused:
    /// a fleet selects by pattern).
    pub analyze: AnalyzeOptions,
    /// Database mode: each database's shadows in this database, `{schema}`
    /// standing for the source database's name.
    pub shadow_schema: Option<String>,
    /// Explicit logical tables.
    pub logical: Vec<LogicalGroup>,
}

/// One server of a fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetServer {
    /// Its URL (database part ignored); a front end fills in the password.
    pub url: String,
    /// Its databases, ranges expanded.
    pub schemas: Vec<String>,
    /// Database mode across servers: the shadows' server.
    pub shadow_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FleetFile {
    prefix: Option<String>,
    suffix: Option<String>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    shadow_schema: Option<String>,
    #[serde(default)]
    server: Vec<ServerFile>,
    #[serde(default)]
    logical: Vec<LogicalFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerFile {
    url: String,
    schemas: Vec<String>,
    shadow_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogicalFile {
    name: String,
    tables: Vec<String>,
}

/// Read fleet file `text` (named `source` in errors): unknown keys, no
/// server, a server without databases, a bad range or a database named
/// twice on one server are [`Error::InvalidRequest`].
pub fn read_fleet(text: &str, source: &str) -> Result<Fleet> {
    // The parser quotes the offending line, which may hold a URL's password.
    let file: FleetFile = toml::from_str(text).map_err(|e| {
        Error::InvalidRequest(format!(
            "{source}: {}",
            redact_text(e.to_string().trim_end())
        ))
    })?;
    if file.server.is_empty() {
        return Err(Error::InvalidRequest(format!(
            "{source}: the fleet names no [[server]]"
        )));
    }
    let mut servers = Vec::new();
    for (i, server) in file.server.into_iter().enumerate() {
        let mut schemas = Vec::new();
        for pattern in &server.schemas {
            for name in braces::expand(pattern)
                .map_err(|e| Error::InvalidRequest(format!("{source}: server {}: {e}", i + 1)))?
            {
                if schemas.contains(&name) {
                    return Err(Error::InvalidRequest(format!(
                        "{source}: server {} names database `{name}` twice",
                        i + 1
                    )));
                }
                schemas.push(name);
            }
        }
        if schemas.is_empty() {
            return Err(Error::InvalidRequest(format!(
                "{source}: server {} names no database",
                i + 1
            )));
        }
        servers.push(FleetServer {
            url: server.url,
            schemas,
            shadow_url: server.shadow_url,
        });
    }
    let mut logical = Vec::new();
    for group in file.logical {
        let mut tables = Vec::new();
        for pattern in &group.tables {
            tables.extend(braces::expand(pattern).map_err(|e| {
                Error::InvalidRequest(format!("{source}: logical `{}`: {e}", group.name))
            })?);
        }
        logical.push(LogicalGroup {
            name: group.name,
            tables,
        });
    }
    let analyze = AnalyzeOptions {
        prefix: file.prefix,
        suffix: file.suffix,
        include: file.include,
        exclude: file.exclude,
        ..AnalyzeOptions::default()
    };
    analyze
        .request()
        .map_err(|e| Error::InvalidRequest(format!("{source}: {e}")))?;
    Ok(Fleet {
        servers,
        analyze,
        shadow_schema: file.shadow_schema,
        logical,
    })
}

impl Fleet {
    /// Database mode: the shadows' database of source database `schema`.
    pub fn shadow_schema_of(&self, schema: &str) -> Option<String> {
        self.shadow_schema
            .as_ref()
            .map(|template| template.replace("{schema}", schema))
    }
}

/// An executor for analysing database `d` of `server` (read-only: a
/// missing shadow database is not created), and the source connection as
/// a plan records it (redacted, the database not in it).
/// Each side reads over at most `read_sessions` connections at once.
pub(crate) fn open_member(
    fleet: &Fleet,
    server: &FleetServer,
    d: usize,
    introspection: Introspection,
    read_sessions: usize,
) -> Result<(Box<dyn Executor + Send>, String)> {
    let schema = &server.schemas[d];
    let (mut source, _) = MysqlExecutor::connect_to_server(&server.url)?;
    source.use_database(schema)?;
    let connection = source.redacted_url().to_string();
    let source = source
        .with_introspection(introspection)
        .with_max_connections(read_sessions);
    let target = ShadowTarget {
        url: server.shadow_url.clone(),
        database: fleet.shadow_schema_of(schema),
    };
    Ok((
        map_shadows_reading(source, &server.url, &target, introspection, read_sessions)?,
        connection,
    ))
}

/// The connections each database's executor may read over at once when
/// `databases` databases of one server are worked on with `options`: the
/// server's `connections_per_server` shared among the databases under way
/// at once, so that a server never sees more reading sessions than that
/// (one database alone reads over all of them).
pub(crate) fn read_sessions(options: &FleetOptions, databases: usize) -> usize {
    let at_once = options.connections_per_server.min(databases).max(1);
    (options.connections_per_server / at_once).max(1)
}

/// How a fleet check runs: how many servers are read at once, and how many
/// connections each server is read through at once (one database each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FleetOptions {
    /// Servers read at once (at least 1).
    pub servers_at_once: usize,
    /// Connections per server (at least 1).
    pub connections_per_server: usize,
    /// How table definitions are read.
    pub introspection: Introspection,
}

impl FleetOptions {
    /// `servers_at_once` servers, `connections_per_server` connections per
    /// server, definitions read as [`Introspection::Auto`] does.
    pub fn bounded(servers_at_once: usize, connections_per_server: usize) -> FleetOptions {
        FleetOptions {
            servers_at_once,
            connections_per_server,
            introspection: Introspection::Auto,
        }
    }
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions::bounded(4, 4)
    }
}

/// Runs `work(server, database)` (indices into [`Fleet::servers`] and its
/// `schemas`) once for each database of `fleet`, as `options` bound it:
/// `servers_at_once` servers at a time, each through at most
/// `connections_per_server` threads that take its databases one at a time.
/// The results come back in the fleet file's order, as (server index,
/// database index, result).
pub(crate) fn for_each_member<T: Send>(
    fleet: &Fleet,
    options: &FleetOptions,
    work: impl Fn(usize, usize) -> T + Sync,
) -> Result<Vec<(usize, usize, T)>> {
    let databases: Vec<Vec<usize>> = fleet
        .servers
        .iter()
        .map(|server| (0..server.schemas.len()).collect())
        .collect();
    for_each_of(fleet, options, &databases, work)
}

/// [`for_each_member`] over the databases `databases[s]` of each server
/// `s` only (indices into its `schemas`).
pub(crate) fn for_each_of<T: Send>(
    fleet: &Fleet,
    options: &FleetOptions,
    databases: &[Vec<usize>],
    work: impl Fn(usize, usize) -> T + Sync,
) -> Result<Vec<(usize, usize, T)>> {
    if options.servers_at_once == 0 || options.connections_per_server == 0 {
        return Err(Error::InvalidRequest(
            "servers at once and connections per server must be at least 1".into(),
        ));
    }
    let mut done: Vec<(usize, usize, T)> = Vec::new();
    let results = Mutex::new(&mut done);
    let servers: Vec<usize> = (0..fleet.servers.len()).collect();
    for chunk in servers.chunks(options.servers_at_once) {
        std::thread::scope(|scope| {
            for &s in chunk {
                let mine = databases.get(s).map_or(&[][..], Vec::as_slice);
                let threads = options.connections_per_server.min(mine.len());
                let (results, work) = (&results, &work);
                scope.spawn(move || {
                    // This server's databases, taken one at a time by its connections.
                    let queue: Mutex<VecDeque<usize>> = Mutex::new(mine.iter().copied().collect());
                    let queue = &queue;
                    std::thread::scope(|inner| {
                        for _ in 0..threads {
                            inner.spawn(move || loop {
                                let Some(d) = lock(queue).pop_front() else {
                                    break;
                                };
                                let outcome = work(s, d);
                                lock(results).push((s, d, outcome));
                            });
                        }
                    });
                });
            }
        });
    }
    done.sort_by_key(|(s, d, _)| (*s, *d));
    Ok(done)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `host:port/schema` of a member, from its server URL (no user, no password).
pub(crate) fn member_name(url: &str, schema: &str) -> String {
    let redacted = redact_url(url);
    let rest = redacted
        .split_once("://")
        .map_or(redacted.as_str(), |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{host}/{schema}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fleet_files_are_read_strictly() {
        let fleet = read_fleet(
            "prefix = \"__\"\ninclude = [\"order_*\"]\nshadow_schema = \"{schema}_sh\"\n\
             [[server]]\nurl = \"mysql://u@h:1/\"\nschemas = [\"db_{00..03}\", \"extra\"]\n\
             [[logical]]\nname = \"ledger\"\ntables = [\"ledger_{a..b}\"]\n",
            "fleet.toml",
        );
        assert!(fleet.is_err(), "letters are no range");
        let fleet = read_fleet(
            "[[server]]\nurl = \"mysql://u@h:1/\"\nschemas = [\"db_{00..03}\", \"extra\"]\n",
            "fleet.toml",
        )
        .unwrap();
        assert_eq!(
            fleet.servers[0].schemas,
            ["db_00", "db_01", "db_02", "db_03", "extra"]
        );
        for (bad, needle) in [
            ("", "no [[server]]"),
            ("[[server]]\nurl = \"x\"\nschemas = []\n", "no database"),
            (
                "[[server]]\nurl = \"x\"\nschemas = [\"a\", \"a\"]\n",
                "twice",
            ),
            (
                "colour = 1\n[[server]]\nurl = \"x\"\nschemas = [\"a\"]\n",
                "colour",
            ),
            (
                "prefix = \"a\"\nsuffix = \"b\"\n[[server]]\nurl = \"x\"\nschemas = [\"a\"]\n",
                "not both",
            ),
        ] {
            let err = read_fleet(bad, "fleet.toml").unwrap_err().to_string();
            assert!(
                err.contains("fleet.toml") && err.contains(needle),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn members_run_within_their_bounds_and_come_back_in_order() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let fleet = read_fleet(
            "[[server]]\nurl = \"mysql://u@a:1/\"\nschemas = [\"d_{0..5}\"]\n\
             [[server]]\nurl = \"mysql://u@b:1/\"\nschemas = [\"d_{0..5}\"]\n\
             [[server]]\nurl = \"mysql://u@c:1/\"\nschemas = [\"d_{0..5}\"]\n",
            "fleet.toml",
        )
        .unwrap();
        let options = FleetOptions {
            servers_at_once: 2,
            connections_per_server: 2,
            ..FleetOptions::default()
        };
        let per_server: Vec<AtomicUsize> = (0..3).map(|_| AtomicUsize::new(0)).collect();
        let (busy, most_busy, most_servers) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        let most_on_one = AtomicUsize::new(0);
        let done = for_each_member(&fleet, &options, |s, d| {
            let here = per_server[s].fetch_add(1, Ordering::SeqCst) + 1;
            most_on_one.fetch_max(here, Ordering::SeqCst);
            let all = busy.fetch_add(1, Ordering::SeqCst) + 1;
            most_busy.fetch_max(all, Ordering::SeqCst);
            let servers = per_server
                .iter()
                .filter(|n| n.load(Ordering::SeqCst) > 0)
                .count();
            most_servers.fetch_max(servers, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(20));
            busy.fetch_sub(1, Ordering::SeqCst);
            per_server[s].fetch_sub(1, Ordering::SeqCst);
            (s, d)
        })
        .unwrap();
        assert_eq!(done.len(), 18);
        assert!(done.iter().all(|(s, d, echo)| (*s, *d) == *echo));
        assert!(done.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
        assert_eq!(
            most_on_one.load(Ordering::SeqCst),
            2,
            "connections per server"
        );
        assert_eq!(most_servers.load(Ordering::SeqCst), 2, "servers at once");
        assert!(most_busy.load(Ordering::SeqCst) <= 4);
        let none = FleetOptions {
            servers_at_once: 0,
            ..options
        };
        assert!(for_each_member(&fleet, &none, |_, _| ()).is_err());
    }

    #[test]
    fn a_server_shares_its_connections_among_its_databases_under_way() {
        let options = FleetOptions::bounded(4, 8);
        assert_eq!(read_sessions(&options, 1), 8, "one database reads over all");
        assert_eq!(read_sessions(&options, 2), 4);
        assert_eq!(read_sessions(&options, 3), 2);
        assert_eq!(read_sessions(&options, 64), 1);
        assert_eq!(read_sessions(&options, 0), 8);
    }

    #[test]
    fn a_syntax_error_never_shows_a_password() {
        let err = read_fleet(
            "[[server]]\nurl = \"mysql://dba:s3cret@db1:3306/\" x\nschemas = [\"a\"]\n",
            "fleet.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("fleet.toml") && !err.contains("s3cret"),
            "{err}"
        );
    }

    #[test]
    fn members_are_named_without_credentials() {
        assert_eq!(
            member_name("mysql://u:secret@db1:3306/x", "order_db_00"),
            "db1:3306/order_db_00"
        );
    }
}
