//! The schema snapshot the in-memory benches analyse: a MariaDB 10.11
//! database `bench` holding the given base tables.

use std::collections::HashMap;

use shadowsync::core::analysis::SchemaSnapshot;
use shadowsync::core::{Flavor, Relation, RelationKind, ServerInfo};

/// A snapshot of `tables` (name, `SHOW CREATE TABLE` text), in order.
pub fn mariadb_snapshot(tables: impl IntoIterator<Item = (String, String)>) -> SchemaSnapshot {
    let mut relations = Vec::new();
    let mut ddl = HashMap::new();
    for (name, text) in tables {
        relations.push(Relation {
            name: name.clone(),
            kind: RelationKind::Table,
        });
        ddl.insert(name, text);
    }
    SchemaSnapshot {
        server: ServerInfo {
            flavor: Flavor::Mariadb,
            version: "10.11".into(),
            database: "bench".into(),
            lower_case_table_names: 0,
            max_identifier_length: 64,
        },
        relations,
        ddl,
        facts: Default::default(),
        shadows: None,
    }
}
