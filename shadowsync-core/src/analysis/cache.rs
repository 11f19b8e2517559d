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
//! `copy_auto_increment`, which copies it, the cache is not used.
//! A cache that cannot be read or written is passed over with a warning:
//! the analysis then reads everything, as without a cache.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::executor::{CatalogFacts, Executor};
use crate::parse;
use crate::task::Store;

use super::snapshot::{names_to_read, read_snapshot, read_texts};
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
/// unchanged taken from the cache instead of the server.
pub fn read_snapshot_cached(
    exec: &mut dyn Executor,
    req: &AnalysisRequest,
    store: &dyn Store,
) -> Result<(SchemaSnapshot, CacheReport)> {
    // Database mode reads two databases, perhaps on two servers: read
    // afresh (as is the refusal of the rule `same` outside it).
    if exec.source_side().is_some() || req.rule.is_same() {
        let snapshot = read_snapshot(exec, req)?;
        let report = CacheReport {
            unused: Some("database mode reads both databases afresh".into()),
            read: snapshot.ddl.len() + snapshot.shadows.as_ref().map_or(0, |s| s.ddl.len()),
            ..CacheReport::default()
        };
        return Ok((snapshot, report));
    }
    let server = exec.server_info()?;
    let relations = exec.list_relations()?;
    let names = names_to_read(&server, &relations, req);
    let mut report = CacheReport::default();
    let tokens = if req.policy.copy_auto_increment {
        report.unused = Some("the policy copies AUTO_INCREMENT counters".into());
        None
    } else {
        let tokens = exec.change_tokens()?;
        if tokens.is_none() {
            report.unused = Some("this connection gives no change tokens".into());
        }
        tokens
    };
    let Some(tokens) = tokens else {
        report.read = names.len();
        let (ddl, facts) = read_texts(exec, names)?;
        let snapshot = SchemaSnapshot {
            server,
            relations,
            ddl,
            facts,
            shadows: None,
        };
        return Ok((snapshot, report));
    };
    let fold = server.lower_case_table_names != 0;
    let prints_inexactly = crate::engine::prints_values_inexactly(server.flavor);
    let database = server.database.clone();
    let token_of: HashMap<String, String> = tokens
        .tables
        .into_iter()
        .map(|(name, token)| (name_key(&name, fold), token))
        .collect();
    let cached: HashMap<String, CachedTable> = match store.cached_tables(&tokens.server, &database)
    {
        Ok(entries) => entries.into_iter().map(|e| (e.table.clone(), e)).collect(),
        Err(e) => {
            tracing::warn!("snapshot cache not read, reading every table: {e}");
            HashMap::new()
        }
    };
    let mut ddl = HashMap::new();
    let mut facts = HashMap::new();
    let mut to_read = Vec::new();
    for name in names {
        let key = name_key(&name, fold);
        match cached.get(&key) {
            Some(entry) if still_valid(entry, &server.version, &token_of) => {
                ddl.insert(name.clone(), entry.text.clone());
                if let Some(f) = &entry.facts {
                    facts.insert(name, f.clone());
                }
                report.reused += 1;
            }
            _ => to_read.push(name),
        }
    }
    report.read = to_read.len();
    let (read_ddl, read_facts) = read_texts(exec, to_read.clone())?;
    let mut put = Vec::new();
    let mut forget = Vec::new();
    let context = EntryContext {
        version: &server.version,
        database: &database,
        fold,
        prints_inexactly,
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
    report.stored = put.len();
    if !put.is_empty() || !forget.is_empty() {
        if let Err(e) = store.cache_tables(&tokens.server, &database, &put, &forget) {
            tracing::warn!("snapshot cache not written: {e}");
            report.stored = 0;
        }
    }
    ddl.extend(read_ddl);
    facts.extend(read_facts);
    let snapshot = SchemaSnapshot {
        server,
        relations,
        ddl,
        facts,
        shadows: None,
    };
    Ok((snapshot, report))
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
