//! [`MysqlExecutor`]: connections to one database on a MySQL-family server.

use std::fmt;
use std::sync::Arc;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts};
use shadowsync_core::render::quote_ident;
use shadowsync_core::{
    CatalogFacts, Error, Executor, Flavor, Interrupt, Relation, RelationKind, Result, ServerInfo,
};

use crate::catalog::{self, Unavailable};
use crate::endpoint::Endpoint;
use crate::error::{server_code, Scrubber};
use crate::session::SessionSettings;
use crate::show_create;
use crate::url::with_db;

/// Connections [`MysqlExecutor::show_create_tables`](Executor::show_create_tables)
/// uses at most, unless set with [`MysqlExecutor::with_max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 8;

/// How [`MysqlExecutor`] reads `SHOW CREATE TABLE` texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Introspection {
    /// The OceanBase catalog (a few statements for many tables) for reads
    /// of at least [`AUTO_CATALOG_MIN_TABLES`] tables on OceanBase servers
    /// whose catalog this user can read; otherwise one `SHOW CREATE TABLE`
    /// per table.
    #[default]
    Auto,
    /// One `SHOW CREATE TABLE` per table, whatever the server.
    ShowCreate,
    /// The OceanBase catalog, or an error when the server has none this
    /// user can read.
    Catalog,
}

impl Introspection {
    /// Parse `auto`, `show-create` or `catalog`; anything else is
    /// [`Error::InvalidRequest`] naming the choices.
    pub fn parse(name: &str) -> Result<Introspection> {
        match name {
            "auto" => Ok(Introspection::Auto),
            "show-create" => Ok(Introspection::ShowCreate),
            "catalog" => Ok(Introspection::Catalog),
            _ => Err(Error::InvalidRequest(format!(
                "introspection must be auto, show-create or catalog, not {name:?}"
            ))),
        }
    }
}

/// Default of [`MysqlExecutor::with_orphan_wait`]: 10 minutes.
pub const DEFAULT_ORPHAN_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Fewest tables [`Introspection::Auto`] reads from the OceanBase catalog:
/// the catalog path lists every table of the database first, which for a
/// handful of tables (a task's precheck and verify read two at a time)
/// costs more than their `SHOW CREATE TABLE`s.
pub const AUTO_CATALOG_MIN_TABLES: usize = 16;

/// Longest identifier MySQL, MariaDB and OceanBase accept.
const MAX_IDENTIFIER_LENGTH: usize = 64;

/// Longest statement quoted in an error message; the rest is elided.
const MAX_QUOTED_SQL: usize = 300;

/// An [`Executor`] on a MySQL, MariaDB or OceanBase (MySQL mode) server.
///
/// One main connection runs statements; reading the `SHOW CREATE TABLE`
/// texts of many tables also uses up to [`DEFAULT_MAX_CONNECTIONS`]
/// connections in all, opened on first need and kept. How the texts are
/// read is set with [`MysqlExecutor::with_introspection`]. Those extra
/// connections start with the server's default session settings, not with
/// `SET`s run through [`Executor::execute`].
/// Change databases with [`MysqlExecutor::use_database`], not with a `USE`
/// statement, so that every connection follows.
pub struct MysqlExecutor {
    endpoint: Endpoint,
    /// `conns[0]` is the main connection; the others serve concurrent reads.
    conns: Vec<Conn>,
    max_connections: usize,
    introspection: Introspection,
    /// The server family, once [`Executor::server_info`] has run.
    flavor: Option<Flavor>,
    /// Why the OceanBase catalog cannot be read, once found out.
    catalog_unavailable: Option<String>,
    /// The catalog's table ids as the last read of texts listed them, for
    /// the [`Executor::catalog_facts`] call that follows it (taken once,
    /// so never older than one read).
    listed_ids: Option<std::collections::HashMap<String, Vec<i64>>>,
    /// How long [`Executor::lock_database`] waits for another run's lock.
    run_lock_wait: std::time::Duration,
    /// The run lock this executor holds, by name.
    run_lock: Option<String>,
    /// How long [`Executor::await_orphan`] waits for another session.
    orphan_wait: std::time::Duration,
    /// What [`Executor::await_orphan`] does to a dead worker's statement.
    orphan_policy: OrphanPolicy,
}

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

impl fmt::Debug for MysqlExecutor {
    // Hand-written so that no driver structure (which holds the password) is printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MysqlExecutor")
            .field("url", &self.endpoint.url)
            .field("database", &self.database())
            .field("connections", &self.conns.len())
            .finish()
    }
}

impl MysqlExecutor {
    /// Connect to `url` (`mysql://user:pass@host:port/db`, the database being
    /// optional) over TCP.
    pub fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, SessionSettings::default())
    }

    /// [`MysqlExecutor::connect`] with other session settings than the defaults.
    pub fn connect_with(url: &str, session: SessionSettings) -> Result<Self> {
        let endpoint = Endpoint::new(url, session)?;
        let main = endpoint.open()?;
        Ok(MysqlExecutor {
            endpoint,
            conns: vec![main],
            max_connections: DEFAULT_MAX_CONNECTIONS,
            introspection: Introspection::Auto,
            flavor: None,
            catalog_unavailable: None,
            listed_ids: None,
            run_lock_wait: std::time::Duration::ZERO,
            run_lock: None,
            orphan_wait: DEFAULT_ORPHAN_WAIT,
            orphan_policy: OrphanPolicy::Wait,
        })
    }

    /// Wait for a dead worker's statement still running on the server, or
    /// interrupt it (default [`OrphanPolicy::Wait`]).
    pub fn with_orphan_policy(mut self, policy: OrphanPolicy) -> Self {
        self.orphan_policy = policy;
        self
    }

    /// Wait up to `wait` for a dead worker's statement still running on the
    /// server before settling it (default [`DEFAULT_ORPHAN_WAIT`]).
    pub fn with_orphan_wait(mut self, wait: std::time::Duration) -> Self {
        self.orphan_wait = wait;
        self
    }

    /// Wait up to `wait` (whole seconds) for another run's lock on the
    /// database before [`Executor::lock_database`] reports it busy; the
    /// default is not to wait.
    pub fn with_run_lock_wait(mut self, wait: std::time::Duration) -> Self {
        self.run_lock_wait = wait;
        self
    }

    /// Use at most `n` connections (at least one) for concurrent reads.
    pub fn with_max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self.conns.truncate(self.max_connections);
        self
    }

    /// Read `SHOW CREATE TABLE` texts as `introspection` says (the default
    /// is [`Introspection::Auto`]).
    pub fn with_introspection(mut self, introspection: Introspection) -> Self {
        self.introspection = introspection;
        self
    }

    /// Why [`Introspection::Auto`] fell back to one `SHOW CREATE TABLE` per
    /// table on this OceanBase server, if it did.
    pub fn catalog_unavailable(&self) -> Option<&str> {
        self.catalog_unavailable.as_deref()
    }

    /// Switch to `database`; see [`MysqlExecutor::use_database`].
    pub fn with_database(mut self, database: &str) -> Result<Self> {
        self.use_database(database)?;
        Ok(self)
    }

    /// Make `database` the current database (the protocol's `COM_INIT_DB`,
    /// so no SQL is built from the name). Extra read connections still on the
    /// previous database are closed.
    pub fn use_database(&mut self, database: &str) -> Result<()> {
        self.endpoint.count();
        self.conns[0].select_db(database).map_err(|e| {
            self.endpoint.error(
                &format!("cannot use database {}", quote_ident(database)),
                &e,
            )
        })?;
        self.conns.truncate(1);
        self.endpoint.opts = with_db(&self.endpoint.opts, Some(database));
        Ok(())
    }

    /// The current database, if one is selected.
    pub fn database(&self) -> Option<&str> {
        self.endpoint.opts.get_db_name()
    }

    /// The server's id of the connection statements run on
    /// (`CONNECTION_ID()`), as `PROCESSLIST` and `KILL` know it.
    pub fn connection_id(&self) -> u32 {
        self.conns[0].connection_id()
    }

    /// The connection URL with its password redacted.
    pub fn redacted_url(&self) -> &str {
        &self.endpoint.url
    }

    /// Exchanges with the server so far: one per statement or command sent,
    /// and one per connection opened (stating its session settings included).
    pub fn round_trips(&self) -> u64 {
        self.endpoint.round_trips()
    }

    /// `CREATE DATABASE name`.
    pub fn create_database(&mut self, name: &str) -> Result<()> {
        self.execute(&format!("CREATE DATABASE {}", quote_ident(name)))
    }

    /// `DROP DATABASE IF EXISTS name`.
    pub fn drop_database(&mut self, name: &str) -> Result<()> {
        self.execute(&format!("DROP DATABASE IF EXISTS {}", quote_ident(name)))
    }

    /// Whether to read `tables` texts from the OceanBase catalog: as
    /// configured, on OceanBase servers, until the catalog proved unreadable.
    fn catalog_wanted(&mut self, tables: usize) -> Result<bool> {
        match self.introspection {
            Introspection::ShowCreate => return Ok(false),
            Introspection::Auto if tables < AUTO_CATALOG_MIN_TABLES => return Ok(false),
            _ => {}
        }
        let flavor = match self.flavor {
            Some(flavor) => flavor,
            None => self.server_info()?.flavor,
        };
        match (self.introspection, flavor) {
            (Introspection::Catalog, Flavor::Oceanbase) => Ok(true),
            (Introspection::Catalog, other) => Err(catalog::required(Unavailable(format!(
                "{} is a {} server, not OceanBase",
                self.endpoint.url,
                other.name()
            )))),
            (_, flavor) => Ok(flavor == Flavor::Oceanbase && self.catalog_unavailable.is_none()),
        }
    }

    /// The main connection, counting the exchange about to happen on it.
    fn main_conn(&mut self) -> &mut Conn {
        self.endpoint.count();
        &mut self.conns[0]
    }
}

impl Executor for MysqlExecutor {
    fn server_info(&mut self) -> Result<ServerInfo> {
        type Row = (String, Option<String>, Option<u8>, Option<String>);
        let sql = "SELECT VERSION(), @@version_comment, @@lower_case_table_names, DATABASE()";
        let row: Option<Row> = self
            .main_conn()
            .query_first(sql)
            .map_err(|e| self.endpoint.error("cannot read server information", &e))?;
        let (version, comment, lower_case, database) =
            row.ok_or_else(|| Error::Executor("server information query returned no row".into()))?;
        let flavor = Flavor::from_version(&version, comment.as_deref().unwrap_or(""));
        self.flavor = Some(flavor);
        Ok(ServerInfo {
            flavor,
            version,
            database: database.unwrap_or_default(),
            lower_case_table_names: lower_case.unwrap_or(0),
            max_identifier_length: MAX_IDENTIFIER_LENGTH,
        })
    }

    /// Base tables and views of the current database, by name. MariaDB's
    /// system-versioned tables are tables too (the analysis then refuses them
    /// by name, as the model has no system versioning); other kinds (MariaDB
    /// sequences, temporary tables) are not relations to sync and are not listed.
    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        if self.database().is_none() {
            return Err(Error::InvalidRequest(
                "cannot list relations: no database selected".into(),
            ));
        }
        let sql = "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES \
                   WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW') \
                   ORDER BY TABLE_NAME";
        let rows: Vec<(String, String)> = self
            .main_conn()
            .query(sql)
            .map_err(|e| self.endpoint.error("cannot list relations", &e))?;
        Ok(rows
            .into_iter()
            .map(|(name, kind)| Relation {
                name,
                kind: if kind == "VIEW" {
                    RelationKind::View
                } else {
                    RelationKind::Table
                },
            })
            .collect())
    }

    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        self.listed_ids = None;
        if self.catalog_wanted(names.len())? {
            match catalog::table_ids(&self.endpoint, &mut self.conns[0])? {
                Ok(ids) => {
                    let texts = catalog::show_create_tables(
                        &self.endpoint,
                        &mut self.conns,
                        self.max_connections,
                        &ids,
                        names,
                    );
                    self.listed_ids = Some(ids);
                    return texts;
                }
                Err(why) if self.introspection == Introspection::Catalog => {
                    return Err(catalog::required(why))
                }
                Err(Unavailable(why)) => {
                    tracing::info!("{why}; reading one SHOW CREATE TABLE per table instead");
                    self.catalog_unavailable = Some(why);
                }
            }
        }
        show_create::show_create_tables(
            &self.endpoint,
            &mut self.conns,
            self.max_connections,
            names,
        )
    }

    /// Runs `sql` as a prepared statement: the binary protocol takes exactly
    /// one statement per text, so even a text with a `;` that escaped every
    /// other check cannot run a second statement. (The `mysql` crate always
    /// asks for `CLIENT_MULTI_STATEMENTS` on its text protocol and offers no
    /// option to drop it.) A statement that timed out waiting for a metadata
    /// lock is tried again a few times, with a growing pause.
    fn execute(&mut self, sql: &str) -> Result<()> {
        let mut attempt = 1;
        loop {
            match self.execute_prepared(sql) {
                Err(e) if server_code(&e) == Some(ER_LOCK_WAIT_TIMEOUT) => {
                    if attempt >= LOCK_WAIT_ATTEMPTS {
                        let context = format!(
                            "`{}` waited for a metadata lock {attempt} times, {} s each \
                             (another session holds the table: an open transaction?)",
                            elide(sql),
                            self.endpoint.session.lock_wait.as_secs().max(1)
                        );
                        return Err(self.endpoint.error(&context, &e));
                    }
                    tracing::warn!(
                        "metadata lock wait timed out (attempt {attempt} of {LOCK_WAIT_ATTEMPTS}); trying again"
                    );
                    std::thread::sleep(LOCK_WAIT_PAUSE * attempt);
                    attempt += 1;
                }
                Err(e) => {
                    return Err(self
                        .endpoint
                        .error(&format!("cannot execute `{}`", elide(sql)), &e))
                }
                Ok(()) => return Ok(()),
            }
        }
    }

    /// `GET_LOCK` on [`run_lock_name`]. OceanBase (seekdb) keeps the user
    /// locks of a session whose client died for minutes after the session
    /// left `PROCESSLIST` (seen: over an hour), which would keep a crashed
    /// worker's task from being resumed; there a lock whose holder is no
    /// longer a live session is stale, and the runs that find it so contend
    /// for its successor `<name>#<holder>` instead, so they still exclude each
    /// other. Seeing other accounts' sessions needs the `PROCESS` privilege.
    fn lock_database(&mut self) -> Result<Option<String>> {
        let Some(database) = self.database().map(str::to_string) else {
            return Err(Error::InvalidRequest(
                "cannot lock the database: no database selected".into(),
            ));
        };
        let oceanbase = self.server_info()?.flavor == Flavor::Oceanbase;
        let wait = self.run_lock_wait.as_secs();
        let mut name = run_lock_name(&database);
        for _ in 0..MAX_STALE_LOCKS {
            let taken: Option<Option<i64>> = self
                .main_conn()
                .exec_first("SELECT GET_LOCK(?, ?)", (&name, wait))
                .map_err(|e| self.endpoint.error("cannot take the run lock", &e))?;
            if taken.flatten() == Some(1) {
                self.run_lock = Some(name);
                return Ok(None);
            }
            let Some(holder) = self.lock_holder(&name, oceanbase)? else {
                continue; // released meanwhile: try again
            };
            if oceanbase && !self.session_alive(holder)? {
                tracing::warn!(
                    "run lock {name:?} is held by connection {holder}, which no longer exists; \
                     contending for its successor"
                );
                name = lock_name_within(&format!("{name}#{holder}"));
                continue;
            }
            return Ok(Some(format!(
                "another shadowsync run holds the lock on database {} (connection {holder}, lock {name:?}); waited {wait} s",
                quote_ident(&database),
            )));
        }
        Ok(Some(format!(
            "the run lock on database {} could not be taken after {MAX_STALE_LOCKS} tries",
            quote_ident(&database)
        )))
    }

    /// `SELECT COUNT(*)` of table `name` (quoted), on the main connection.
    fn row_count(&mut self, name: &str) -> Result<Option<u64>> {
        let sql = format!("SELECT COUNT(*) FROM {}", quote_ident(name));
        self.main_conn()
            .query_first::<u64, _>(sql)
            .map_err(|e| self.endpoint.error("cannot count rows", &e))
    }

    /// A handle that interrupts the statement running on this executor's
    /// connection from any thread (`KILL QUERY`, on a connection of its own).
    fn interrupter(&self) -> Option<Arc<dyn Interrupt>> {
        Some(Arc::new(Interrupter {
            opts: self.endpoint.opts.clone(),
            scrubber: self.endpoint.scrubber.clone(),
            connection_id: self.connection_id(),
        }))
    }

    /// On OceanBase, the ENUM/SET members and LIST partition value counts
    /// of its catalog (see [`shadowsync_core::analysis::exact`]); nothing
    /// elsewhere, where `SHOW CREATE TABLE` escapes what it prints.
    fn catalog_facts(&mut self, names: &[String]) -> Result<Vec<Option<CatalogFacts>>> {
        let flavor = match self.flavor {
            Some(flavor) => flavor,
            None => self.server_info()?.flavor,
        };
        if flavor != Flavor::Oceanbase || names.is_empty() {
            return Ok(vec![None; names.len()]);
        }
        let listed = self.listed_ids.take();
        crate::catalog_facts::catalog_facts(
            &self.endpoint,
            &mut self.conns[0],
            listed.as_ref(),
            names,
        )
    }

    /// Polls `information_schema.PROCESSLIST` for another session running
    /// exactly `sql`, every half second, for at most the orphan wait
    /// ([`MysqlExecutor::with_orphan_wait`], default 10 minutes); past it
    /// the task stops with an error rather than guess. Under
    /// [`OrphanPolicy::Kill`] the statement is interrupted first (`KILL
    /// QUERY`, once). (Seeing other accounts' sessions needs the `PROCESS`
    /// privilege; killing their statements, `CONNECTION ADMIN` or `SUPER`.)
    fn await_orphan(&mut self, sql: &str) -> Result<Option<String>> {
        let started = std::time::Instant::now();
        let mut seen: Option<u64> = None;
        let mut killed = false;
        loop {
            let running: Option<u64> = self
                .main_conn()
                .exec_first(
                    "SELECT ID FROM information_schema.PROCESSLIST \
                     WHERE INFO = ? AND ID <> CONNECTION_ID() LIMIT 1",
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

    fn unlock_database(&mut self) -> Result<()> {
        let Some(name) = self.run_lock.take() else {
            return Ok(());
        };
        self.main_conn()
            .exec_drop("SELECT RELEASE_LOCK(?)", (&name,))
            .map_err(|e| self.endpoint.error("cannot release the run lock", &e))
    }
}

/// Interrupts the statement an executor is running (see
/// [`Executor::interrupter`]): what `task abort` and Ctrl-C use to stop
/// a long ALTER instead of waiting for it to end.
#[derive(Clone)]
pub struct Interrupter {
    opts: Opts,
    scrubber: Scrubber,
    connection_id: u32,
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
    fn interrupt(&self) -> Result<()> {
        let mut conn = Conn::new(self.opts.clone()).map_err(|e| {
            self.scrubber
                .error("cannot connect to interrupt a statement", &e)
        })?;
        conn.query_drop(format!("KILL QUERY {}", self.connection_id))
            .map_err(|e| {
                self.scrubber
                    .error("cannot interrupt the running statement", &e)
            })
    }
}

/// Server error `ER_LOCK_WAIT_TIMEOUT`: a statement waited longer than
/// `lock_wait_timeout` for a metadata lock (MySQL, MariaDB and OceanBase).
const ER_LOCK_WAIT_TIMEOUT: u16 = 1205;

/// How many times a statement is sent that timed out waiting for a lock.
const LOCK_WAIT_ATTEMPTS: u32 = 3;

/// The pause after the first lock wait timeout; the n-th pause is n times it.
const LOCK_WAIT_PAUSE: std::time::Duration = std::time::Duration::from_millis(500);

/// Longest name `GET_LOCK` accepts on MySQL 5.7 and later.
const MAX_LOCK_NAME: usize = 64;

/// How many stale run locks in a row [`Executor::lock_database`] steps over
/// (each crash on one database adds one while OceanBase keeps it).
const MAX_STALE_LOCKS: usize = 64;

/// The connection ids owning an OceanBase user lock, this one's left out:
/// its catalog ties a lock's name to an id (`__all_dbms_lock_allocated`)
/// and the id to owners (`__all_detect_lock_info_v2`), whose low 32 bits
/// are the owning connection's id (`ObTableLockOwnerID`).
const OB_LOCK_OWNERS: &str = "SELECT DISTINCT d.owner_id & 4294967295 \
     FROM oceanbase.__all_detect_lock_info_v2 d \
     JOIN oceanbase.__all_dbms_lock_allocated a ON d.obj_id = a.lockid \
     WHERE a.name = ? AND d.owner_id & 4294967295 <> CONNECTION_ID() \
     ORDER BY 1";

/// The server-side lock one shadowsync run holds on `database` for its
/// whole execution: `shadowsync:<database>`, or a hash of the name where
/// that would pass [`MAX_LOCK_NAME`] characters.
pub fn run_lock_name(database: &str) -> String {
    lock_name_within(&format!("shadowsync:{database}"))
}

/// `name`, or `shadowsync:#<hash of name>` where it is too long for `GET_LOCK`.
fn lock_name_within(name: &str) -> String {
    if name.chars().count() <= MAX_LOCK_NAME {
        return name.to_string();
    }
    let hash = shadowsync_core::analysis::fingerprint::fingerprint(name);
    format!("shadowsync:#{hash}")
}

impl MysqlExecutor {
    /// The connection holding user lock `name`, if any. On OceanBase it
    /// is read from the lock catalog ([`OB_LOCK_OWNERS`]) where the account
    /// may read it: its `IS_USED_LOCK` answers "single-row subquery returns
    /// more than one row" while the catalog names several owners of the
    /// lock (seen in CI after killed holders, for minutes on end).
    fn lock_holder(&mut self, name: &str, oceanbase: bool) -> Result<Option<u64>> {
        if oceanbase {
            match self.oceanbase_lock_holder(name) {
                Err(Error::Executor(reason)) => tracing::debug!(
                    "cannot read OceanBase's lock catalog ({reason}); asking IS_USED_LOCK"
                ),
                read => return read,
            }
        }
        self.main_conn()
            .exec_first::<Option<u64>, _, _>("SELECT IS_USED_LOCK(?)", (name,))
            .map(Option::flatten)
            .map_err(|e| self.endpoint.error("cannot read the run lock's holder", &e))
    }

    /// Of the owners OceanBase's lock catalog records for user lock `name`
    /// (this session left out), a live one if there is one, else the
    /// lowest-numbered dead one: every run reading the same catalog then
    /// contends for the same successor lock.
    fn oceanbase_lock_holder(&mut self, name: &str) -> Result<Option<u64>> {
        let owners: Vec<u64> = self
            .main_conn()
            .exec(OB_LOCK_OWNERS, (name,))
            .map_err(|e| self.endpoint.error("cannot read the run lock's owners", &e))?;
        let mut dead = None;
        for owner in owners {
            if self.session_alive(owner)? {
                return Ok(Some(owner));
            }
            dead = dead.or(Some(owner)); // ascending: the first is the lowest
        }
        Ok(dead)
    }

    /// Whether connection `id` is a live session of the server.
    fn session_alive(&mut self, id: u64) -> Result<bool> {
        let found: Option<u64> = self
            .main_conn()
            .exec_first(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?",
                (id,),
            )
            .map_err(|e| self.endpoint.error("cannot read the process list", &e))?;
        Ok(found.unwrap_or(0) > 0)
    }

    /// Sends `sql` as one prepared statement and closes it.
    fn execute_prepared(&mut self, sql: &str) -> std::result::Result<(), mysql::Error> {
        self.endpoint.count();
        let conn = &mut self.conns[0];
        // Preparing and executing count as one exchange: one statement.
        let statement = conn.prep(sql)?;
        let outcome = conn.exec_drop(&statement, ());
        // Closing is best effort: the statement dies with the connection anyway.
        let _ = conn.close(statement);
        outcome
    }
}

/// `sql` cut to [`MAX_QUOTED_SQL`] characters, for messages.
fn elide(sql: &str) -> String {
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
