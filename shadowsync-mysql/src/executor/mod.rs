//! [`MysqlExecutor`]: connections to one database on a MySQL-family server.
//! The parts of its [`Executor`] that need more than a statement or two are
//! in the submodules: reading texts ([`introspection`]), sending statements
//! ([`statement`]), the check's probes ([`access`]), the run lock ([`run_lock`]), a dead worker's statement
//! ([`orphan`]) and interrupting ([`interrupter`]).

mod access;
mod identity;
mod interrupter;
mod introspection;
mod orphan;
mod run_lock;
mod sessions;
mod statement;
mod tokens;

use std::fmt;
use std::sync::Arc;

use mysql::prelude::Queryable;
use mysql::Conn;
use shadowsync_core::render::quote_ident;
use shadowsync_core::{
    CatalogFacts, Error, Executor, Flavor, Interrupt, Relation, RelationKind, Result, ServerInfo,
};

use crate::endpoint::Endpoint;
use crate::session::SessionSettings;
use crate::url::with_db;

pub use interrupter::Interrupter;
pub use introspection::{Introspection, AUTO_CATALOG_MIN_TABLES};
pub use orphan::{OrphanPolicy, DEFAULT_ORPHAN_WAIT};
pub use run_lock::run_lock_name;

/// Connections [`MysqlExecutor::show_create_tables`](Executor::show_create_tables)
/// uses at most, unless set with [`MysqlExecutor::with_max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 8;

/// Longest identifier MySQL, MariaDB and OceanBase accept.
const MAX_IDENTIFIER_LENGTH: usize = 64;

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
    /// MariaDB's connection for [`Executor::change_tokens`] (in UTC), opened
    /// on first need.
    token_conn: Option<Conn>,
    /// The sessions of its live statement pools, which its interrupter
    /// stops as well.
    pool_sessions: sessions::SessionIds,
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
    /// optional) over TCP. The URL's own parameters (`ssl-mode`, `ssl-ca`,
    /// `ssl-cert`, `ssl-key`, `connect-timeout`, `read-timeout`,
    /// `write-timeout`, `lock-wait-timeout`; see the README's "Connecting")
    /// set TLS and timeouts; the rest goes to the driver.
    pub fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, SessionSettings::default())
    }

    /// Connect to `url`'s server without selecting the database it names
    /// (which may not exist yet: a shadow database to create); returns the
    /// executor and that database.
    pub fn connect_to_server(url: &str) -> Result<(Self, Option<String>)> {
        let mut endpoint = Endpoint::new(url, SessionSettings::default())?;
        let database = endpoint.opts.get_db_name().map(str::to_string);
        endpoint.opts = with_db(&endpoint.opts, None);
        let main = endpoint.open()?;
        Ok((Self::on(endpoint, main), database))
    }

    /// [`MysqlExecutor::connect`] with other session settings than the
    /// defaults; a `lock-wait-timeout` in the URL wins over `session.lock_wait`.
    pub fn connect_with(url: &str, session: SessionSettings) -> Result<Self> {
        let endpoint = Endpoint::new(url, session)?;
        let main = endpoint.open()?;
        Ok(Self::on(endpoint, main))
    }

    fn on(endpoint: Endpoint, main: Conn) -> Self {
        MysqlExecutor {
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
            token_conn: None,
            pool_sessions: sessions::SessionIds::default(),
        }
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
        self.read_texts(names)
    }

    /// Runs `sql` as a prepared statement: the binary protocol takes exactly
    /// one statement per text, so even a text with a `;` that escaped every
    /// other check cannot run a second statement. (The `mysql` crate always
    /// asks for `CLIENT_MULTI_STATEMENTS` on its text protocol and offers no
    /// option to drop it.) A statement that timed out waiting for a metadata
    /// lock is tried again a few times, with a growing pause.
    fn execute(&mut self, sql: &str) -> Result<()> {
        self.execute_retrying(sql)
    }

    /// `GET_LOCK` on [`run_lock_name`]. OceanBase (seekdb) keeps the user
    /// locks of a session whose client died for minutes after the session
    /// left `PROCESSLIST` (seen: over an hour), which would keep a crashed
    /// worker's task from being resumed; there a lock whose holder is no
    /// longer a live session is stale, and the runs that find it so contend
    /// for its successor `<name>#<holder>` instead, so they still exclude each
    /// other. Seeing other accounts' sessions needs the `PROCESS` privilege.
    fn lock_database(&mut self) -> Result<Option<String>> {
        self.take_run_lock()
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
        Some(Arc::new(Interrupter::new(
            self.endpoint.opts.clone(),
            self.endpoint.scrubber.clone(),
            self.connection_id(),
            self.pool_sessions.clone(),
        )))
    }

    /// `width` new connections to the current database, opened at once,
    /// each on a thread of its own (see [`sessions`]). The run lock stays
    /// with the executor's own connection.
    fn statement_pool(
        &mut self,
        width: usize,
    ) -> Result<Option<Box<dyn shadowsync_core::StatementPool>>> {
        let endpoint = &self.endpoint;
        let opened: Vec<Result<Conn>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..width).map(|_| s.spawn(|| endpoint.open())).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        let conns = opened.into_iter().collect::<Result<Vec<Conn>>>()?;
        Ok(Some(Box::new(sessions::SessionPool::over(
            conns,
            statement::Sender::of(&self.endpoint),
            self.pool_sessions.clone(),
        ))))
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
        self.settle_orphan(sql)
    }

    fn unlock_database(&mut self) -> Result<()> {
        self.release_run_lock()
    }

    /// On OceanBase, table ids and schema versions from its catalog; on
    /// MariaDB, the `CREATE_TIME` of InnoDB tables settled at least
    /// [`tokens::RACY_SECONDS`] before the read; none on MySQL (see
    /// [`tokens`]). One query.
    fn change_tokens(&mut self) -> Result<Option<shadowsync_core::ChangeTokens>> {
        self.read_change_tokens()
    }

    /// `SHOW CREATE TABLE` of each: error 1146 is absent, 1142 denied.
    fn probe_tables(
        &mut self,
        names: &[String],
    ) -> Result<Vec<shadowsync_core::access::TableProbe>> {
        self.probe(names)
    }

    fn server_identity(&mut self) -> Result<Option<String>> {
        self.identity()
    }

    fn location(&self) -> Option<String> {
        Some(self.endpoint.url.clone())
    }

    fn database_defaults(&mut self) -> Result<Option<shadowsync_core::DatabaseDefaults>> {
        self.defaults()
    }

    /// `SHOW GRANTS FOR account` (reading another account's grants needs
    /// SELECT on the `mysql` database).
    fn account_grants(
        &mut self,
        account: &shadowsync_core::access::Account,
    ) -> Result<Vec<String>> {
        self.grants(account)
    }
}
