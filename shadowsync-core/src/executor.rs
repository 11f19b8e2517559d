//! The ports through which the pure core reaches the outside world: the
//! executor (a connection to one database on a server) and the clock.
//! Adapters implement them outside the core (`shadowsync-mysql`, the C and
//! Python bindings, test doubles).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::access::{Account, TableProbe};
use crate::error::{Error, Result};

/// Which server family a DDL text comes from or is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Flavor {
    /// Oracle MySQL 5.7 / 8.x.
    #[default]
    Mysql,
    /// MariaDB 10.x / 11.x.
    Mariadb,
    /// OceanBase in MySQL mode (seekdb).
    Oceanbase,
}

impl Flavor {
    /// Parse `mysql`, `mariadb` or `oceanbase` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Flavor> {
        match name.to_ascii_lowercase().as_str() {
            "mysql" => Some(Flavor::Mysql),
            "mariadb" => Some(Flavor::Mariadb),
            "oceanbase" | "seekdb" | "ob" => Some(Flavor::Oceanbase),
            _ => None,
        }
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Flavor::Mysql => "mysql",
            Flavor::Mariadb => "mariadb",
            Flavor::Oceanbase => "oceanbase",
        }
    }

    /// Recognise the flavor from `SELECT VERSION()` (and `version_comment`).
    pub fn from_version(version: &str, comment: &str) -> Flavor {
        let all = format!("{version} {comment}").to_ascii_lowercase();
        if all.contains("oceanbase") || all.contains("seekdb") {
            Flavor::Oceanbase
        } else if all.contains("mariadb") {
            Flavor::Mariadb
        } else {
            Flavor::Mysql
        }
    }
}

/// What the executor knows about the server and database it talks to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// Server family.
    pub flavor: Flavor,
    /// `SELECT VERSION()`.
    pub version: String,
    /// The database (schema) the executor works in.
    pub database: String,
    /// `@@lower_case_table_names` (0, 1 or 2).
    pub lower_case_table_names: u8,
    /// Longest identifier the server accepts (64 on MySQL-family servers).
    pub max_identifier_length: usize,
}

/// A database's default character set and collation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseDefaults {
    /// `DEFAULT_CHARACTER_SET_NAME`.
    pub charset: String,
    /// `DEFAULT_COLLATION_NAME`.
    pub collation: String,
}

/// Kind of a relation in a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RelationKind {
    /// A base table.
    Table,
    /// A view (never a sync source).
    View,
}

/// One relation listed by the executor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    /// Name as stored by the server.
    pub name: String,
    /// Table or view.
    pub kind: RelationKind,
}

/// What a server's catalog states exactly where its `SHOW CREATE TABLE`
/// text may not: OceanBase prints ENUM/SET members and LIST partition
/// values without escaping them (one value `x','y` prints as `'x','y'`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogFacts {
    /// The members of each ENUM/SET column, by column name, as stored.
    pub members: Vec<(String, Vec<String>)>,
    /// How many values each LIST partition holds, by partition name.
    pub list_values: Vec<(String, usize)>,
}

/// What the server says changed, for the snapshot cache
/// ([`crate::analysis::cache`]): one token per table of the current
/// database that changes whenever the table's `SHOW CREATE TABLE` text
/// (and [`CatalogFacts`]) may have changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeTokens {
    /// Who answered: an identity of the server itself (e.g.
    /// `@@server_uuid`), not of the address it was reached by, so that a
    /// cache shared by several servers or schemas never mixes them up.
    pub server: String,
    /// Token per table, by name as the server stores it. A table whose
    /// state the token could not prove (a change within the token's
    /// resolution of this read, an engine whose token is not proven) is
    /// left out: it is read again every time.
    pub tables: Vec<(String, String)>,
}

/// A connection to one database, as the core needs it. Implementations must
/// quote nothing themselves beyond what they are given: the core builds every
/// statement with quoted, escaped identifiers.
pub trait Executor {
    /// Facts about the server and the current database.
    fn server_info(&mut self) -> Result<ServerInfo>;
    /// All tables and views of the current database.
    fn list_relations(&mut self) -> Result<Vec<Relation>>;
    /// `SHOW CREATE TABLE` text of each named table, in the order given;
    /// `None` for a table that does not exist. Implementations should batch or
    /// run these concurrently rather than one round trip per table.
    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>>;
    /// Run one statement.
    fn execute(&mut self, sql: &str) -> Result<()>;
    /// Take the server-side lock that makes this the only shadowsync run on
    /// the current database, held until [`Executor::unlock_database`] or
    /// the connection's end (so a crashed worker's lock goes with it).
    /// `Ok(None)` when taken, `Ok(Some(why))` when another run holds it.
    /// The default takes nothing: an executor without such a lock (a host's
    /// own) leaves mutual exclusion to its host.
    fn lock_database(&mut self) -> Result<Option<String>> {
        Ok(None)
    }
    /// Release the lock of [`Executor::lock_database`].
    fn unlock_database(&mut self) -> Result<()> {
        Ok(())
    }
    /// Wait while another session of the server still runs `sql` (a dead
    /// worker's statement goes on on the server after its client is gone);
    /// `Some(what happened)` when there was one, for the task's log. Called
    /// before an interrupted statement is settled from the schema, so that
    /// it is neither judged half-done nor sent again while it runs. The
    /// default knows of no other session.
    fn await_orphan(&mut self, sql: &str) -> Result<Option<String>> {
        let _ = sql;
        Ok(None)
    }
    /// [`CatalogFacts`] of each named table, in the order given: `None`
    /// where the server's text is exact as printed, or where the catalog
    /// cannot be read (analysis then refuses the tables whose text it
    /// cannot trust). The default reads no catalog.
    fn catalog_facts(&mut self, names: &[String]) -> Result<Vec<Option<CatalogFacts>>> {
        Ok(vec![None; names.len()])
    }
    /// [`ChangeTokens`] of every table of the current database, in one
    /// query, read before the texts they vouch for. `None`: this executor
    /// has no token it can prove, and every read is a full one (the
    /// default).
    fn change_tokens(&mut self) -> Result<Option<ChangeTokens>> {
        Ok(None)
    }
    /// How many rows table `name` of the current database holds (`None`:
    /// this executor cannot count). Settles an interrupted row copy of a
    /// rebuild after a crash; the default cannot, and such a task then
    /// stops rather than guess.
    fn row_count(&mut self, _name: &str) -> Result<Option<u64>> {
        Ok(None)
    }
    /// What `SHOW CREATE TABLE` answers this account for each named table,
    /// in the order given (the readiness check's probe of the tables the
    /// listing did not show). The default reads the texts and cannot tell
    /// a table hidden from this account from an absent one.
    fn probe_tables(&mut self, names: &[String]) -> Result<Vec<TableProbe>> {
        Ok(self
            .show_create_tables(names)?
            .into_iter()
            .map(|text| match text {
                Some(_) => TableProbe::Readable,
                None => TableProbe::Absent,
            })
            .collect())
    }
    /// The lines `SHOW GRANTS FOR account` prints (read-only). The default
    /// cannot read grants.
    fn account_grants(&mut self, account: &Account) -> Result<Vec<String>> {
        Err(Error::InvalidRequest(format!(
            "this connection cannot read the grants of {account}"
        )))
    }
    /// What stops the statement this executor runs, from another thread
    /// (a host's heartbeat acting on `task abort` or Ctrl-C). The default
    /// has none: an abort then waits for the running statement to end.
    fn interrupter(&self) -> Option<Arc<dyn Interrupt>> {
        None
    }
    /// Which server this is, as the server itself says (MySQL's and
    /// OceanBase's `@@server_uuid`; MariaDB's host name, port and data
    /// directory), whatever address reached it: what tells a shadow
    /// database on another server from the source's own. `None`: this
    /// executor cannot tell (the default).
    fn server_identity(&mut self) -> Result<Option<String>> {
        Ok(None)
    }
    /// Where this executor is connected, as a URL with its password
    /// redacted (`None`, the default: it does not say). A plan in database
    /// mode records it for its shadows, so that a worker knows which of its
    /// URLs reaches them.
    fn location(&self) -> Option<String> {
        None
    }
    /// Whether this executor's database exists (the default: yes). A
    /// shadow database still to be created answers no (see
    /// [`crate::mapped::MissingDatabase`]).
    fn database_exists(&mut self) -> Result<bool> {
        Ok(true)
    }
    /// The current database's default character set and collation (what a
    /// shadow database made for it is created with). `None`: this executor
    /// cannot tell (the default).
    fn database_defaults(&mut self) -> Result<Option<DatabaseDefaults>> {
        Ok(None)
    }
    /// The executor of the source tables when they live in another
    /// database than the shadows this executor reads and changes (database
    /// mode: [`crate::MappedExecutor`]); `None` (the default) when sources
    /// and shadows share this executor's database.
    fn source_side(&mut self) -> Option<&mut dyn Executor> {
        None
    }
    /// `width` sessions of their own on this executor's database, with its
    /// session settings, that run statements at once: what a task that may
    /// run several statements at once ([`crate::task::TaskSpec::parallel`])
    /// sends its statements through. `None` (the default): this executor
    /// has no such sessions, and the task runs its statements one by one
    /// on this executor. The pool's sessions must be interrupted by
    /// [`Executor::interrupter`] as well, for as long as the pool lives.
    fn statement_pool(&mut self, width: usize) -> Result<Option<Box<dyn StatementPool>>> {
        let _ = width;
        Ok(None)
    }
}

/// Sessions that run statements at once ([`Executor::statement_pool`]).
/// No thread lives in the core: the host's pool runs the statements, and
/// the task's run, on its one thread, starts them, waits for them and
/// records their outcomes.
pub trait StatementPool: Send {
    /// How many statements may run at once.
    fn width(&self) -> usize;
    /// Start `sql` on an idle session; [`StatementPool::next_finished`]
    /// names it by `ticket`. Called only while fewer than
    /// [`StatementPool::width`] statements run.
    fn start(&mut self, ticket: usize, sql: &str) -> Result<()>;
    /// Wait until one of the started statements ends: its ticket and its
    /// outcome, as [`Executor::execute`] would give it (a lost connection
    /// is [`Error::ConnectionLost`]: the statement's outcome is unknown).
    /// An error of the pool itself (no statement running) is the outer one.
    fn next_finished(&mut self) -> Result<(usize, Result<()>)>;
}

/// Stops an executor's running statement from another thread (see
/// [`Executor::interrupter`]); the statement then fails, the executor stays
/// usable.
pub trait Interrupt: Send + Sync {
    /// Stop the running statement, if any.
    fn interrupt(&self) -> Result<()>;
}

/// An executor behind a pointer is an executor: every method forwarded.
macro_rules! forward_executor {
    ($($pointer:tt)*) => {
        impl<E: Executor + ?Sized> Executor for $($pointer)* {
        fn server_info(&mut self) -> Result<ServerInfo> {
            (**self).server_info()
        }
        fn list_relations(&mut self) -> Result<Vec<Relation>> {
            (**self).list_relations()
        }
        fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
            (**self).show_create_tables(names)
        }
        fn execute(&mut self, sql: &str) -> Result<()> {
            (**self).execute(sql)
        }
        fn lock_database(&mut self) -> Result<Option<String>> {
            (**self).lock_database()
        }
        fn unlock_database(&mut self) -> Result<()> {
            (**self).unlock_database()
        }
        fn await_orphan(&mut self, sql: &str) -> Result<Option<String>> {
            (**self).await_orphan(sql)
        }
        fn catalog_facts(&mut self, names: &[String]) -> Result<Vec<Option<CatalogFacts>>> {
            (**self).catalog_facts(names)
        }
        fn row_count(&mut self, name: &str) -> Result<Option<u64>> {
            (**self).row_count(name)
        }
        fn change_tokens(&mut self) -> Result<Option<ChangeTokens>> {
            (**self).change_tokens()
        }
        fn interrupter(&self) -> Option<Arc<dyn Interrupt>> {
            (**self).interrupter()
        }
        fn probe_tables(&mut self, names: &[String]) -> Result<Vec<TableProbe>> {
            (**self).probe_tables(names)
        }
        fn account_grants(&mut self, account: &Account) -> Result<Vec<String>> {
            (**self).account_grants(account)
        }
        fn statement_pool(&mut self, width: usize) -> Result<Option<Box<dyn StatementPool>>> {
            (**self).statement_pool(width)
        }
        fn server_identity(&mut self) -> Result<Option<String>> {
            (**self).server_identity()
        }
        fn source_side(&mut self) -> Option<&mut dyn Executor> {
            (**self).source_side()
        }
        fn database_defaults(&mut self) -> Result<Option<DatabaseDefaults>> {
            (**self).database_defaults()
        }
        fn database_exists(&mut self) -> Result<bool> {
            (**self).database_exists()
        }
        fn location(&self) -> Option<String> {
            (**self).location()
        }
        }
    };
}

// A borrowed executor is an executor (so one connection can be lent out);
// a boxed one too (so a host can choose its executor at run time, and map
// two of them: `MappedExecutor`).
forward_executor!(&mut E);
forward_executor!(Box<E>);

/// `read` applied to the executor of `exec`'s source tables: its
/// [`Executor::source_side`], or `exec` itself when sources and shadows
/// share its database.
pub fn on_source<T>(exec: &mut dyn Executor, read: impl FnOnce(&mut dyn Executor) -> T) -> T {
    if let Some(source) = exec.source_side() {
        read(source)
    } else {
        read(exec)
    }
}

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// Where the core gets the time from; the core never reads a clock itself.
pub trait Clock {
    /// The current time.
    fn now(&self) -> Millis;
}
