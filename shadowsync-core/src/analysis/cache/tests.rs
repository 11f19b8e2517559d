use std::collections::BTreeMap;

use super::*;
use crate::analysis::{analyze, analyze_cached, Selection};
use crate::error::Error;
use crate::executor::{ChangeTokens, Flavor, Relation, RelationKind, ServerInfo};
use crate::shadow::{NamingRule, ShadowPolicy};
use crate::task::MemoryStore;

const MARK: &str = " COMMENT='[shadowsync:shadow]'";

/// A server whose tables, tokens and version a test changes, counting the
/// texts it is asked for.
struct Server {
    version: String,
    tables: BTreeMap<String, (String, Option<String>)>,
    tokens: bool,
    reads: Vec<String>,
}

impl Server {
    fn new() -> Server {
        Server {
            version: "10.11".into(),
            tables: BTreeMap::new(),
            tokens: true,
            reads: Vec::new(),
        }
    }
    /// Set `name`'s text and token (`None`: the executor cannot vouch).
    fn set(&mut self, name: &str, text: &str, token: Option<&str>) {
        self.tables
            .insert(name.into(), (text.into(), token.map(String::from)));
    }
    fn pair(&mut self, name: &str, body: &str, token: &str) {
        self.set(
            name,
            &format!("CREATE TABLE `{name}` ({body})"),
            Some(token),
        );
        let shadow = format!("__{name}");
        let text = format!("CREATE TABLE `{shadow}` ({body}){MARK}");
        self.set(&shadow, &text, Some(&format!("{token}s")));
    }
    fn take_reads(&mut self) -> Vec<String> {
        let mut reads = std::mem::take(&mut self.reads);
        reads.sort();
        reads
    }
}

impl Executor for Server {
    fn server_info(&mut self) -> Result<ServerInfo> {
        Ok(ServerInfo {
            flavor: Flavor::Mariadb,
            version: self.version.clone(),
            database: "shop".into(),
            lower_case_table_names: 0,
            max_identifier_length: 64,
        })
    }
    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        Ok(self
            .tables
            .keys()
            .map(|name| Relation {
                name: name.clone(),
                kind: RelationKind::Table,
            })
            .collect())
    }
    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        self.reads.extend(names.iter().cloned());
        Ok(names
            .iter()
            .map(|n| self.tables.get(n).map(|(text, _)| text.clone()))
            .collect())
    }
    fn execute(&mut self, _: &str) -> Result<()> {
        Err(Error::Executor("read-only".into()))
    }
    fn change_tokens(&mut self) -> Result<Option<ChangeTokens>> {
        if !self.tokens {
            return Ok(None);
        }
        Ok(Some(ChangeTokens {
            server: "uuid-1".into(),
            tables: self
                .tables
                .iter()
                .filter_map(|(name, (_, token))| Some((name.clone(), token.clone()?)))
                .collect(),
        }))
    }
}

fn request() -> AnalysisRequest {
    AnalysisRequest {
        rule: NamingRule::prefix("__").unwrap(),
        selection: Selection::All,
        skip: Vec::new(),
        policy: ShadowPolicy::default(),
        adopt: Vec::new(),
    }
}

/// Analyse through the cache and check that the result is the uncached one.
fn cached(server: &mut Server, store: &MemoryStore) -> CacheReport {
    let (analysis, report) = analyze_cached(server, &request(), store).unwrap();
    let reads = std::mem::take(&mut server.reads);
    assert_eq!(analysis, analyze(server, &request()).unwrap());
    server.reads = reads;
    report
}

fn two_tables() -> Server {
    let mut server = Server::new();
    server.pair("orders", "`id` int NOT NULL, `n` int", "t1");
    server.pair("users", "`id` int NOT NULL", "t2");
    server
}

#[test]
fn a_repeat_read_reads_only_what_changed() {
    let store = MemoryStore::new();
    let mut server = two_tables();
    let first = cached(&mut server, &store);
    assert_eq!((first.reused, first.read, first.stored), (0, 4, 4));
    assert_eq!(server.take_reads().len(), 4);

    let again = cached(&mut server, &store);
    assert_eq!((again.reused, again.read), (4, 0));
    assert!(server.take_reads().is_empty());

    server.set(
        "__users",
        "CREATE TABLE `__users` (`id` bigint)",
        Some("t3"),
    );
    let changed = cached(&mut server, &store);
    assert_eq!((changed.reused, changed.read), (3, 1));
    assert_eq!(server.take_reads(), ["__users"]);
}

#[test]
fn a_text_changed_under_the_same_token_is_what_the_token_proves_against() {
    // The cache trusts the token: a text changed without it is not seen,
    // which is why executors leave out the tokens they cannot prove.
    let store = MemoryStore::new();
    let mut server = two_tables();
    cached(&mut server, &store);
    server.take_reads();
    server.set("users", "CREATE TABLE `users` (`id` bigint)", None);
    let report = cached(&mut server, &store);
    assert_eq!(server.take_reads(), ["users"]);
    assert_eq!(report.read, 1);
    // Not vouched for: never stored, read every time.
    cached(&mut server, &store);
    assert_eq!(server.take_reads(), ["users"]);
}

#[test]
fn a_parent_change_invalidates_its_children() {
    let store = MemoryStore::new();
    let mut server = Server::new();
    server.pair("parent", "`id` int NOT NULL, PRIMARY KEY (`id`)", "p1");
    let child =
        "`id` int, `pid` int, CONSTRAINT `fk` FOREIGN KEY (`pid`) REFERENCES `parent` (`id`)";
    server.pair("child", child, "c1");
    cached(&mut server, &store);
    server.take_reads();
    // The parent renamed away and another table renamed to its name.
    server.set(
        "parent",
        "CREATE TABLE `parent` (`id` int NOT NULL, PRIMARY KEY (`id`))",
        Some("p2"),
    );
    cached(&mut server, &store);
    // The shadow's key names the source parent too (as the fixture writes it).
    assert_eq!(server.take_reads(), ["__child", "child", "parent"]);
}

#[test]
fn a_key_into_another_schema_is_never_cached() {
    let store = MemoryStore::new();
    let mut server = Server::new();
    let child = "`pid` int, CONSTRAINT `fk` FOREIGN KEY (`pid`) REFERENCES `other`.`p` (`id`)";
    server.pair("child", child, "c1");
    cached(&mut server, &store);
    server.take_reads();
    cached(&mut server, &store);
    assert_eq!(server.take_reads(), ["__child", "child"]);
}

#[test]
fn a_new_server_version_or_another_server_reads_again() {
    let store = MemoryStore::new();
    let mut server = two_tables();
    cached(&mut server, &store);
    server.take_reads();
    server.version = "10.11.15".into();
    assert_eq!(cached(&mut server, &store).read, 4);
    assert_eq!(store.cached_tables("uuid-1", "shop").unwrap().len(), 4);
    assert!(store.cached_tables("uuid-2", "shop").unwrap().is_empty());
    assert!(store.cached_tables("uuid-1", "other").unwrap().is_empty());
}

#[test]
fn a_dropped_or_unproven_table_is_forgotten() {
    let store = MemoryStore::new();
    let mut server = two_tables();
    cached(&mut server, &store);
    server.tables.remove("__users");
    server.set("orders", "CREATE TABLE `orders` (`id` int NOT NULL)", None);
    cached(&mut server, &store);
    let left: Vec<String> = store
        .cached_tables("uuid-1", "shop")
        .unwrap()
        .into_iter()
        .map(|e| e.table)
        .collect();
    assert_eq!(left, ["__orders", "users"]);
}

#[test]
fn without_tokens_or_when_counters_are_copied_everything_is_read() {
    let store = MemoryStore::new();
    let mut server = two_tables();
    server.tokens = false;
    let report = cached(&mut server, &store);
    assert!(report.unused.is_some());
    assert_eq!(report.read, 4);
    assert!(store.cached_tables("uuid-1", "shop").unwrap().is_empty());

    server.tokens = true;
    cached(&mut server, &store);
    let mut req = request();
    req.policy.copy_auto_increment = true;
    let (_, report) = analyze_cached(&mut server, &req, &store).unwrap();
    assert_eq!(report.reused, 0);
    assert!(report.unused.unwrap().contains("AUTO_INCREMENT"));
}
