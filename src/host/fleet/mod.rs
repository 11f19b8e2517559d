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

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use shadowsync_core::fleet::rollup::{roll_up, LogicalTable, Shard};
use shadowsync_core::fleet::{braces, logical_name, source_shape, LogicalGroup};
use shadowsync_core::task::log::format_utc;
use shadowsync_core::{Error, Millis, Result};
use shadowsync_mysql::{redact_url, Introspection, MysqlExecutor};

use super::check::{check_analysed, CheckCounts, CheckOptions};
use super::mapping::{map_shadows, ShadowTarget};
use super::options::AnalyzeOptions;
use super::view::SCHEMA_VERSION;

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
    let file: FleetFile = toml::from_str(text)
        .map_err(|e| Error::InvalidRequest(format!("{source}: {}", e.to_string().trim_end())))?;
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

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions {
            servers_at_once: 4,
            connections_per_server: 4,
            introspection: Introspection::Auto,
        }
    }
}

/// Check every database of `fleet` (read-only) as `options` say, at `now`.
/// A database that cannot be checked (unreachable, refused) is reported
/// with its error and makes the fleet not ready; it does not stop the
/// others.
pub fn check_fleet(fleet: &Fleet, options: &FleetOptions, now: Millis) -> Result<FleetCheckView> {
    if options.servers_at_once == 0 || options.connections_per_server == 0 {
        return Err(Error::InvalidRequest(
            "servers at once and connections per server must be at least 1".into(),
        ));
    }
    let check = CheckOptions {
        analyze: fleet.analyze.clone(),
        app_user: None,
    };
    let mut members: Vec<(usize, usize, MemberOutcome)> = Vec::new();
    let results = Mutex::new(&mut members);
    let indexed: Vec<(usize, &FleetServer)> = fleet.servers.iter().enumerate().collect();
    for chunk in indexed.chunks(options.servers_at_once) {
        std::thread::scope(|scope| {
            for &(s, server) in chunk {
                let threads = options.connections_per_server.min(server.schemas.len());
                let (results, check) = (&results, &check);
                scope.spawn(move || {
                    // This server's databases, taken one at a time by its connections.
                    let queue: Mutex<VecDeque<usize>> =
                        Mutex::new((0..server.schemas.len()).collect());
                    let queue = &queue;
                    std::thread::scope(|inner| {
                        for _ in 0..threads {
                            inner.spawn(move || loop {
                                let Some(d) = lock(queue).pop_front() else {
                                    break;
                                };
                                let outcome = check_member(
                                    fleet,
                                    server,
                                    d,
                                    check,
                                    options.introspection,
                                    now,
                                );
                                lock(results).push((s, d, outcome));
                            });
                        }
                    });
                });
            }
        });
    }
    members.sort_by_key(|(s, d, _)| (*s, *d));
    Ok(FleetCheckView::of(fleet, members, now))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What checking one database gave.
struct MemberOutcome {
    shadow_schema: Option<String>,
    result: Result<(CheckCounts, bool, Vec<Shard>)>,
}

fn check_member(
    fleet: &Fleet,
    server: &FleetServer,
    d: usize,
    check: &CheckOptions,
    introspection: Introspection,
    now: Millis,
) -> MemberOutcome {
    let schema = &server.schemas[d];
    let shadow_schema = fleet
        .shadow_schema
        .as_ref()
        .map(|template| template.replace("{schema}", schema));
    let member = member_name(&server.url, schema);
    let result = (|| {
        let (mut source, _) = MysqlExecutor::connect_to_server(&server.url)?;
        source.use_database(schema)?;
        let source = source.with_introspection(introspection);
        let target = ShadowTarget {
            url: server.shadow_url.clone(),
            database: shadow_schema.clone(),
        };
        let mut exec = map_shadows(source, &server.url, &target, introspection)?;
        let (view, analysis) = check_analysed(exec.as_mut(), check, now, None)?;
        let shards = view
            .tables
            .iter()
            .map(|t| Shard {
                member: member.clone(),
                table: t.source.clone(),
                logical: logical_name(&t.source, &fleet.logical),
                verdict: t.verdict,
                shape: analysis
                    .tables
                    .iter()
                    .find(|a| a.source == t.source)
                    .and_then(|a| a.source_ddl.as_deref())
                    .and_then(source_shape),
            })
            .collect();
        Ok((view.counts, view.ready, shards))
    })();
    MemberOutcome {
        shadow_schema,
        result,
    }
}

/// `host:port/schema` of a member, from its server URL (no user, no password).
fn member_name(url: &str, schema: &str) -> String {
    let redacted = redact_url(url);
    let rest = redacted
        .split_once("://")
        .map_or(redacted.as_str(), |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{host}/{schema}")
}

/// A fleet check (kind `fleet_check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetCheckView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"fleet_check"`.
    pub kind: &'static str,
    /// When the check ran.
    pub checked_at: String,
    /// Every database was checked and every shard is ready (fails closed).
    pub ready: bool,
    /// Totals over the fleet.
    pub counts: FleetCounts,
    /// Per database, in the fleet file's order.
    pub members: Vec<FleetMemberView>,
    /// Per logical table, by name.
    pub logical_tables: Vec<LogicalTable>,
    /// What the operator must know: databases that could not be checked,
    /// logical tables whose sources differ across shards.
    pub warnings: Vec<String>,
}

/// Totals of a fleet check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FleetCounts {
    /// Databases in the fleet.
    pub members: usize,
    /// Databases that could not be checked.
    pub failed_members: usize,
    /// Shards (physical tables) checked.
    pub tables: usize,
    /// Shards whose shadow is ready.
    pub ready: usize,
    /// Shards whose shadow drifted.
    pub drifted: usize,
    /// Shards without a shadow.
    pub missing: usize,
    /// Shards the analysis refuses.
    pub refused: usize,
    /// Shards the checking account may not read.
    pub inaccessible: usize,
}

/// One database of a fleet check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetMemberView {
    /// The server, `host:port`, and database, as `host:port/schema`.
    pub member: String,
    /// The source database.
    pub schema: String,
    /// Database mode: its shadows' database.
    pub shadow_schema: Option<String>,
    /// Every selected shadow of this database is ready.
    pub ready: bool,
    /// Its verdict counts (`null` when it could not be checked).
    pub counts: Option<CheckCounts>,
    /// Why it could not be checked.
    pub error: Option<String>,
}

impl FleetCheckView {
    fn of(fleet: &Fleet, members: Vec<(usize, usize, MemberOutcome)>, now: Millis) -> Self {
        let mut counts = FleetCounts {
            members: members.len(),
            ..FleetCounts::default()
        };
        let mut shards = Vec::new();
        let mut views = Vec::new();
        let mut warnings = Vec::new();
        for (s, d, outcome) in members {
            let server = &fleet.servers[s];
            let schema = server.schemas[d].clone();
            let member = member_name(&server.url, &schema);
            let (ready, member_counts, error) = match outcome.result {
                Ok((c, ready, member_shards)) => {
                    counts.tables += c.total;
                    counts.ready += c.ready;
                    counts.drifted += c.drifted;
                    counts.missing += c.missing;
                    counts.refused += c.refused;
                    counts.inaccessible += c.inaccessible;
                    shards.extend(member_shards);
                    (ready, Some(c), None)
                }
                Err(e) => {
                    counts.failed_members += 1;
                    warnings.push(format!("{member}: not checked: {e}"));
                    (false, None, Some(e.to_string()))
                }
            };
            views.push(FleetMemberView {
                member,
                schema,
                shadow_schema: outcome.shadow_schema,
                ready,
                counts: member_counts,
                error,
            });
        }
        let logical_tables = roll_up(&shards);
        for t in logical_tables.iter().filter(|t| t.source_variants > 1) {
            warnings.push(format!(
                "the sources of `{}` differ across shards ({} definitions): {} differ from the \
                 most common one",
                t.name,
                t.source_variants,
                t.odd_sources.join(", ")
            ));
        }
        FleetCheckView {
            schema_version: SCHEMA_VERSION,
            kind: "fleet_check",
            checked_at: format_utc(now),
            ready: !views.is_empty() && views.iter().all(|m| m.ready),
            counts,
            members: views,
            logical_tables,
            warnings,
        }
    }
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
    fn members_are_named_without_credentials() {
        assert_eq!(
            member_name("mysql://u:secret@db1:3306/x", "order_db_00"),
            "db1:3306/order_db_00"
        );
    }
}
