//! The snapshot cache: a repeat analysis reads again only the tables the
//! server says changed.
//!
//! An entry holds a table's `SHOW CREATE TABLE` text and catalog facts as
//! read, under the change token the executor gave for it just before
//! ([`Executor::change_tokens`]), keyed by server identity, schema and
//! table, in the task store ([`Store::cached_tables`]). A cached text is
//! used only when all of this still holds, else the table is read again:
//! - the table's token now is the entry's (the executor vouches that every
//!   change to the text changes it, and leaves out tables it cannot vouch
//!   for, such as one changed within its clock's resolution of the read);
//! - the token of every table its foreign keys reference is the one they
//!   had when the entry was stored: a child's text names its parent and
//!   the parent's columns, which a `RENAME TABLE` or `RENAME COLUMN` of the
//!   parent changes without touching the child (MariaDB). A key into
//!   another schema, whose tokens are not read, makes a table uncacheable;
//! - the server's version is the entry's (a new printer may print the same
//!   table differently).
//!
//! Tokens are read before the texts, so a table that changes between the
//! two is stored with its older token and read again next time. The
//! counter `AUTO_INCREMENT=n` of a text changes with rows, not DDL: with
//! `copy_auto_increment`, which copies it, the cache is not used. In
//! database mode each side (sources, shadows) is cached under its own
//! server and database, with its own tokens.
//! A cache that cannot be read or written is passed over with a warning:
//! the analysis then reads everything, as without a cache.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::executor::{CatalogFacts, Executor, ServerInfo};
use crate::parse;
use crate::task::Store;

use super::snapshot::{read_snapshot_with, read_texts, Texts};
use super::{exact, name_key, AnalysisRequest, SchemaSnapshot};

/// One table in the snapshot cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedTable {
    /// The table, by name as the server stores it (lower-cased where the
    /// server folds names).
    pub table: String,
    /// The executor's change token when the text was read.
    pub token: String,
    /// The server's version then.
    pub version: String,
    /// `SHOW CREATE TABLE` as read.
    pub text: String,
    /// The catalog facts read with it, where the text prints something
    /// inexactly.
    pub facts: Option<CatalogFacts>,
    /// The tables its foreign keys reference, each with its token then.
    pub parents: Vec<(String, String)>,
}

/// What the cache did for one read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheReport {
    /// Why the cache was not used (`None` when it was).
    pub unused: Option<String>,
    /// Texts taken from the cache.
    pub reused: usize,
    /// Texts read from the server.
    pub read: usize,
    /// Entries written (new or replaced).
    pub stored: usize,
}

/// [`super::read_snapshot`] through the snapshot cache in `store`: the
/// same snapshot, with the texts of the tables whose tokens prove them
/// unchanged taken from the cache instead of the server. In database mode
/// each side is cached on its own: the sources under their server and
/// database, the shadows under theirs.
pub fn read_snapshot_cached(
    exec: &mut dyn Executor,
    req: &AnalysisRequest,
    store: &dyn Store,
) -> Result<(SchemaSnapshot, CacheReport)> {
    let mut report = CacheReport::default();
    if req.policy.copy_auto_increment {
        // The counter `AUTO_INCREMENT=n` of a text changes with rows.
        report.unused = Some("the policy copies AUTO_INCREMENT counters".into());
    }
    let mut cached = Cached {
        store,
        use_tokens: report.unused.is_none(),
        report: &mut report,
    };
    let snapshot = read_snapshot_with(exec, req, &mut |exec, server, names| {
        cached.texts(exec, server, names)
    })?;
    Ok((snapshot, report))
}

/// The cached reading of one database's texts.
struct Cached<'a> {
    store: &'a dyn Store,
    /// Whether tokens may vouch for texts at all (see the policy).
    use_tokens: bool,
    /// What the cache did, over every database read.
    report: &'a mut CacheReport,
}

impl Cached<'_> {
    /// The texts of `names` in `server`'s database through `exec`: from
    /// the cache where the tokens prove an entry unchanged, else read (and
    /// stored for next time).
    fn texts(
        &mut self,
        exec: &mut dyn Executor,
        server: &ServerInfo,
        names: Vec<String>,
    ) -> Result<Texts> {
        if names.is_empty() {
            return Ok(Texts::default());
        }
        let tokens = if self.use_tokens {
            exec.change_tokens()?
        } else {
            None
        };
        let Some(tokens) = tokens else {
            if self.report.unused.is_none() {
                self.report.unused = Some("this connection gives no change tokens".into());
            }
            self.report.read += names.len();
            return read_texts(exec, names);
        };
        let fold = server.lower_case_table_names != 0;
        let database = &server.database;
        let token_of: HashMap<String, String> = tokens
            .tables
            .into_iter()
            .map(|(name, token)| (name_key(&name, fold), token))
            .collect();
        let cached: HashMap<String, CachedTable> =
            match self.store.cached_tables(&tokens.server, database) {
                Ok(entries) => entries.into_iter().map(|e| (e.table.clone(), e)).collect(),
                Err(e) => {
                    tracing::warn!("snapshot cache not read, reading every table: {e}");
                    HashMap::new()
                }
            };
        let (mut ddl, mut facts) = Texts::default();
        let mut to_read = Vec::new();
        for name in names {
            let key = name_key(&name, fold);
            match cached.get(&key) {
                Some(entry) if still_valid(entry, &server.version, &token_of) => {
                    ddl.insert(name.clone(), entry.text.clone());
                    if let Some(f) = &entry.facts {
                        facts.insert(name, f.clone());
                    }
                    self.report.reused += 1;
                }
                _ => to_read.push(name),
            }
        }
        self.report.read += to_read.len();
        let (read_ddl, read_facts) = read_texts(exec, to_read.clone())?;
        let mut put = Vec::new();
        let mut forget = Vec::new();
        let context = EntryContext {
            version: &server.version,
            database,
            fold,
            prints_inexactly: crate::engine::prints_values_inexactly(server.flavor),
            token_of: &token_of,
        };
        for name in &to_read {
            let key = name_key(name, fold);
            let entry = read_ddl
                .get(name)
                .and_then(|text| context.entry(&key, text, read_facts.get(name)));
            match entry {
                Some(entry) => put.push(entry),
                None if cached.contains_key(&key) => forget.push(key),
                None => {}
            }
        }
        // Entries of tables gone (or no longer vouched for) go too.
        let gone: Vec<String> = cached
            .keys()
            .filter(|key| !token_of.contains_key(*key) && !forget.contains(*key))
            .cloned()
            .collect();
        forget.extend(gone);
        if !put.is_empty() || !forget.is_empty() {
            match self
                .store
                .cache_tables(&tokens.server, database, &put, &forget)
            {
                Ok(()) => self.report.stored += put.len(),
                Err(e) => tracing::warn!("snapshot cache not written: {e}"),
            }
        }
        ddl.extend(read_ddl);
        facts.extend(read_facts);
        Ok((ddl, facts))
    }
}

/// Whether `entry` still is the table's text: its token, its parents'
/// tokens and the server version unchanged.
fn still_valid(entry: &CachedTable, version: &str, token_of: &HashMap<String, String>) -> bool {
    entry.version == version
        && token_of.get(&entry.table) == Some(&entry.token)
        && entry
            .parents
            .iter()
            .all(|(parent, token)| token_of.get(parent) == Some(token))
}

/// What an entry for a text just read is made with.
struct EntryContext<'a> {
    version: &'a str,
    database: &'a str,
    fold: bool,
    /// The server prints ENUM/SET members and LIST values inexactly.
    prints_inexactly: bool,
    token_of: &'a HashMap<String, String>,
}

impl EntryContext<'_> {
    /// The cache entry for `text`, just read for table `key`, or `None`
    /// when it may not be cached: no token vouches for it or for a parent,
    /// a key references another schema, the text does not parse, or it
    /// prints something inexactly (on a server that does) and the catalog
    /// gave no facts.
    fn entry(&self, key: &str, text: &str, facts: Option<&CatalogFacts>) -> Option<CachedTable> {
        let token = self.token_of.get(key)?;
        if facts.is_none() && self.prints_inexactly && exact::may_print_inexactly(text) {
            return None;
        }
        let table = parse::parse_table(text).ok()?;
        let mut parents = Vec::new();
        for fk in &table.foreign_keys {
            if let Some(schema) = &fk.ref_schema {
                if name_key(schema, self.fold) != name_key(self.database, self.fold) {
                    return None;
                }
            }
            let parent = name_key(&fk.ref_table, self.fold);
            let parent_token = self.token_of.get(&parent)?;
            parents.push((parent, parent_token.clone()));
        }
        Some(CachedTable {
            table: key.to_string(),
            token: token.clone(),
            version: self.version.to_string(),
            text: text.to_string(),
            facts: facts.cloned(),
            parents,
        })
    }
}

#[cfg(test)]
mod tests;
