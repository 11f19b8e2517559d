//! The executor of a mapping (database mode): the shadows live in one
//! database, their sources in another, on the same server or another one.
//!
//! Everything a task does (reads of shadows, statements, the run lock, the
//! orphan wait, the interrupter) goes to the shadow side; only the reads of
//! sources go to the source side, through [`Executor::source_side`]. So a
//! task whose executor is mapped can never send a statement to the source
//! database: the source side is only ever asked to list and to print tables.

use std::sync::Arc;

use crate::access::{Account, TableProbe};
use crate::error::{Error, Result};
use crate::executor::{
    CatalogFacts, DatabaseDefaults, Executor, Interrupt, Relation, ServerInfo, StatementPool,
};

/// Shadows on `shadow`, sources on `source` (see the module documentation).
#[derive(Debug)]
pub struct MappedExecutor<S, T> {
    source: S,
    shadow: T,
}

impl<S: Executor, T: Executor> MappedExecutor<S, T> {
    /// Sources read through `source`, shadows read and changed through `shadow`.
    pub fn new(source: S, shadow: T) -> Self {
        MappedExecutor { source, shadow }
    }

    /// The shadow side.
    pub fn shadow(&mut self) -> &mut T {
        &mut self.shadow
    }
}

impl<S: Executor, T: Executor> Executor for MappedExecutor<S, T> {
    fn server_info(&mut self) -> Result<ServerInfo> {
        self.shadow.server_info()
    }
    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        self.shadow.list_relations()
    }
    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        self.shadow.show_create_tables(names)
    }
    /// The shadow database's tokens: this executor reads the shadows (the
    /// sources' tokens come from [`Executor::source_side`]).
    fn change_tokens(&mut self) -> Result<Option<crate::ChangeTokens>> {
        self.shadow.change_tokens()
    }
    fn execute(&mut self, sql: &str) -> Result<()> {
        self.shadow.execute(sql)
    }
    fn lock_database(&mut self) -> Result<Option<String>> {
        self.shadow.lock_database()
    }
    fn unlock_database(&mut self) -> Result<()> {
        self.shadow.unlock_database()
    }
    fn await_orphan(&mut self, sql: &str) -> Result<Option<String>> {
        self.shadow.await_orphan(sql)
    }
    fn catalog_facts(&mut self, names: &[String]) -> Result<Vec<Option<CatalogFacts>>> {
        self.shadow.catalog_facts(names)
    }
    fn row_count(&mut self, name: &str) -> Result<Option<u64>> {
        self.shadow.row_count(name)
    }
    fn probe_tables(&mut self, names: &[String]) -> Result<Vec<TableProbe>> {
        self.shadow.probe_tables(names)
    }
    fn account_grants(&mut self, account: &Account) -> Result<Vec<String>> {
        self.shadow.account_grants(account)
    }
    fn interrupter(&self) -> Option<Arc<dyn Interrupt>> {
        self.shadow.interrupter()
    }
    fn statement_pool(&mut self, width: usize) -> Result<Option<Box<dyn StatementPool>>> {
        self.shadow.statement_pool(width)
    }
    fn server_identity(&mut self) -> Result<Option<String>> {
        self.shadow.server_identity()
    }
    fn source_side(&mut self) -> Option<&mut dyn Executor> {
        Some(&mut self.source)
    }
    fn database_defaults(&mut self) -> Result<Option<DatabaseDefaults>> {
        self.shadow.database_defaults()
    }
    fn database_exists(&mut self) -> Result<bool> {
        self.shadow.database_exists()
    }
    fn location(&self) -> Option<String> {
        self.shadow.location()
    }
}

/// A shadow database that does not exist yet, as an analysis sees it: on
/// `server` (connected without a database), named `database`, empty. It
/// reads as a database without tables, and changes nothing: the task that
/// runs the plan creates the database first (see
/// [`crate::guard::create_database_statement`]).
#[derive(Debug)]
pub struct MissingDatabase<E> {
    server: E,
    database: String,
}

impl<E: Executor> MissingDatabase<E> {
    /// Database `database`, missing on `server`.
    pub fn new(server: E, database: &str) -> Self {
        MissingDatabase {
            server,
            database: database.to_string(),
        }
    }
}

impl<E: Executor> Executor for MissingDatabase<E> {
    fn server_info(&mut self) -> Result<ServerInfo> {
        Ok(ServerInfo {
            database: self.database.clone(),
            ..self.server.server_info()?
        })
    }
    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        Ok(Vec::new())
    }
    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        Ok(vec![None; names.len()])
    }
    fn execute(&mut self, _sql: &str) -> Result<()> {
        Err(Error::InvalidRequest(format!(
            "database `{}` does not exist yet: nothing runs in it",
            self.database
        )))
    }
    fn probe_tables(&mut self, names: &[String]) -> Result<Vec<TableProbe>> {
        Ok(vec![TableProbe::Absent; names.len()])
    }
    fn server_identity(&mut self) -> Result<Option<String>> {
        self.server.server_identity()
    }
    fn database_exists(&mut self) -> Result<bool> {
        Ok(false)
    }
    fn location(&self) -> Option<String> {
        self.server.location()
    }
}
