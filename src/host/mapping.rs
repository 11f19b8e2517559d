//! Shadow databases (database mode) as every front end opens them: the
//! shadows in another database than their sources, on the same server or
//! another one, under the sources' names or an affix (mixed mode).
//!
//! For an analysis ([`connect_mapped`]) the shadow side is the shadows'
//! database, or, when it does not exist yet, an empty stand-in
//! ([`MissingDatabase`]): the plan then records that it is to be created
//! with the source database's character set and collation. For a task
//! ([`open_task_shadows`]) the shadow side is that database, created first
//! when the plan says so, by the one statement the guard accepts for it
//! ([`shadowsync_core::guard::check_create_database`]).

use shadowsync_core::guard::{check_create_database, create_database_statement};
use shadowsync_core::plan::FrozenPlan;
use shadowsync_core::{Error, Executor, MappedExecutor, MissingDatabase, Result};
use shadowsync_mysql::{
    redact_url, Introspection, MysqlExecutor, OrphanPolicy, DEFAULT_MAX_CONNECTIONS,
};

/// Where the shadows live when not beside their sources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShadowTarget {
    /// The shadows' server, as a URL (`None`: the sources' server, reached
    /// by the source URL). Its database part names the shadow database
    /// when [`ShadowTarget::database`] does not.
    pub url: Option<String>,
    /// The shadows' database (`None`: the shadow URL's database, else the
    /// sources' database name, which then must be on another server).
    pub database: Option<String>,
}

impl ShadowTarget {
    /// Whether the shadows live beside their sources (no target given).
    pub fn is_beside(&self) -> bool {
        self.url.is_none() && self.database.is_none()
    }
}

/// An executor for analysing `url`'s database against `target`'s shadows:
/// `url`'s alone when the shadows live beside their sources, else a
/// [`MappedExecutor`] reading sources from `url` and shadows from the
/// target. Read-only: nothing is created.
pub fn connect_mapped(
    url: &str,
    target: &ShadowTarget,
    introspection: Introspection,
) -> Result<Box<dyn Executor + Send>> {
    let source = MysqlExecutor::connect(url)?.with_introspection(introspection);
    map_shadows(source, url, target, introspection)
}

/// [`connect_mapped`] with the source side already open: `source`, on the
/// sources' database, reached by `url` (the shadows' server when `target`
/// names none).
pub fn map_shadows(
    source: MysqlExecutor,
    url: &str,
    target: &ShadowTarget,
    introspection: Introspection,
) -> Result<Box<dyn Executor + Send>> {
    map_shadows_reading(source, url, target, introspection, DEFAULT_MAX_CONNECTIONS)
}

/// [`map_shadows`], the shadows' side reading many tables over at most
/// `read_sessions` connections at once (a fleet bounds the sessions it
/// holds per server).
pub(crate) fn map_shadows_reading(
    source: MysqlExecutor,
    url: &str,
    target: &ShadowTarget,
    introspection: Introspection,
    read_sessions: usize,
) -> Result<Box<dyn Executor + Send>> {
    if target.is_beside() {
        return Ok(Box::new(source));
    }
    let source_database = source
        .database()
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            Error::InvalidRequest(format!(
                "the URL {} names no database: the sources' database is needed",
                source.redacted_url()
            ))
        })?;
    let (server, url_database) =
        MysqlExecutor::connect_to_server(target.url.as_deref().unwrap_or(url))?;
    let database = target
        .database
        .clone()
        .or(if target.url.is_some() {
            url_database
        } else {
            None
        })
        .unwrap_or(source_database);
    let mut server = server
        .with_introspection(introspection)
        .with_max_connections(read_sessions);
    if server.database_exists(&database)? {
        server.use_database(&database)?;
        Ok(Box::new(MappedExecutor::new(source, server)))
    } else {
        Ok(Box::new(MappedExecutor::new(
            source,
            MissingDatabase::new(server, &database),
        )))
    }
}

/// The shadow side of task `plan` (database mode): a connection on
/// `shadow_url`'s server in the plan's shadow database, created first when
/// the analysis found it missing and it still is. The creation is checked
/// by the guard against the plan and the server's own identity, so it
/// never creates (or touches) the sources' database.
pub fn open_task_shadows(plan: &FrozenPlan, shadow_url: &str) -> Result<MysqlExecutor> {
    let Some(place) = &plan.shadows else {
        return Err(Error::InvalidRequest(
            "the plan keeps its shadows beside their sources".into(),
        ));
    };
    let (mut server, _) = MysqlExecutor::connect_to_server(shadow_url)?;
    if !server.database_exists(&place.database)? {
        let Some(sql) = create_database_statement(plan) else {
            return Err(Error::InvalidRequest(format!(
                "the shadow database `{}` does not exist: it existed when the plan was made, \
                 so it is not created now (plan again)",
                place.database
            )));
        };
        let info = server.server_info()?;
        let identity = server.server_identity()?;
        check_create_database(plan, &info, identity.as_deref(), &sql)
            .map_err(|refusal| Error::Executor(format!("refused by the guard: {refusal}")))?;
        server.execute(&sql)?;
    }
    server.use_database(&place.database)?;
    Ok(server)
}

/// An executor for running task `plan`: on its sources' database through
/// `source_url`, and in database mode mapped to its shadows' database
/// through `shadow_url` (else `source_url`'s server), created first when
/// the plan says so ([`open_task_shadows`]). A dead worker's statement
/// still running on the server is treated as `policy` says.
pub fn open_task_executor(
    plan: &FrozenPlan,
    source_url: &str,
    shadow_url: Option<&str>,
    policy: OrphanPolicy,
) -> Result<Box<dyn Executor + Send>> {
    open_task_executor_reading(
        plan,
        source_url,
        shadow_url,
        policy,
        DEFAULT_MAX_CONNECTIONS,
    )
}

/// [`open_task_executor`], each side reading many tables over at most
/// `read_sessions` connections at once (a fleet bounds the sessions it
/// holds per server).
pub fn open_task_executor_reading(
    plan: &FrozenPlan,
    source_url: &str,
    shadow_url: Option<&str>,
    policy: OrphanPolicy,
    read_sessions: usize,
) -> Result<Box<dyn Executor + Send>> {
    let source = MysqlExecutor::connect(source_url)?
        .with_database(&plan.database)?
        .with_orphan_policy(policy)
        .with_max_connections(read_sessions);
    Ok(match &plan.shadows {
        None => Box::new(source),
        Some(_) => {
            let shadows = open_task_shadows(plan, shadow_url.unwrap_or(source_url))?
                .with_orphan_policy(policy)
                .with_max_connections(read_sessions);
            Box::new(MappedExecutor::new(source, shadows))
        }
    })
}

/// Scheme, user, host and port of `url`, lower-cased: what must match for a
/// URL to serve a task, or for two connections to be on one server as one
/// user (the password is not stored, the database comes from the task;
/// the query, a trailing slash and letter case do not count).
pub fn server_key(url: &str) -> String {
    let redacted = redact_url(url);
    let (scheme, rest) = redacted.split_once("://").unwrap_or(("", &redacted));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (user, host) = match authority.rsplit_once('@') {
        Some((userinfo, host)) => (userinfo.split(':').next().unwrap_or_default(), host),
        None => ("", authority),
    };
    format!("{scheme}://{user}@{host}").to_ascii_lowercase()
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
}
