//! Sharded fleets: one logical table as many physical tables over many
//! databases and servers (`order_db_00..15` × `order_0000..0063`), each
//! shard with its own shadow. This module is the pure part: expanding
//! brace ranges in names ([`braces`]), naming a shard's logical table
//! ([`logical_name`]), the name-independent shape of a source table
//! ([`source_shape`]) and the roll-up of every shard's verdict per logical
//! table ([`rollup`]).

pub mod braces;
pub mod rollup;

use crate::model::Table;
use crate::parse::parse_table;
use crate::render::create_table;

/// The logical table of physical table `name`: the group among `groups`
/// whose tables include it, else `name` without a trailing `_` and digits
/// (`order_0012` is `order`; `orders` is itself).
pub fn logical_name(name: &str, groups: &[LogicalGroup]) -> String {
    if let Some(group) = groups
        .iter()
        .find(|g| g.tables.iter().any(|t| t.eq_ignore_ascii_case(name)))
    {
        return group.name.clone();
    }
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let head = &name[..name.len() - digits];
    match head.strip_suffix('_') {
        Some(stem) if digits > 0 && !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

/// An explicit logical table: its name and its physical tables (brace
/// ranges expanded, see [`braces::expand`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogicalGroup {
    /// The logical table's name.
    pub name: String,
    /// Its physical tables.
    pub tables: Vec<String>,
}

/// The shape of a source table with what differs between shards by
/// design left out: its own name, and the names of its foreign keys and
/// CHECK constraints (unique per schema, so often numbered per shard).
/// Two shards of one logical table whose shapes differ were not given the
/// same definition (a failed production rollout). `None`: unparseable.
pub fn source_shape(ddl: &str) -> Option<String> {
    let mut table: Table = parse_table(ddl).ok()?;
    table.name = String::new();
    for fk in &mut table.foreign_keys {
        fk.name = None;
    }
    for check in &mut table.checks {
        check.name = None;
    }
    // The counter is per shard, not part of the definition.
    table.options.retain(|o| o.key != "AUTO_INCREMENT");
    Some(create_table(&table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_shards_share_a_logical_name() {
        assert_eq!(logical_name("order_0012", &[]), "order");
        assert_eq!(logical_name("order_item_07", &[]), "order_item");
        assert_eq!(logical_name("orders", &[]), "orders");
        assert_eq!(logical_name("_12", &[]), "_12");
        assert_eq!(logical_name("t1", &[]), "t1");
        let groups = [LogicalGroup {
            name: "ledger".into(),
            tables: vec!["ledger_a".into(), "ledger_b".into()],
        }];
        assert_eq!(logical_name("LEDGER_B", &groups), "ledger");
    }

    #[test]
    fn shapes_ignore_names_and_counters_but_not_columns() {
        let a = "CREATE TABLE `order_0001` (`id` int NOT NULL, `u` int, PRIMARY KEY (`id`), \
                 CONSTRAINT `fk_0001` FOREIGN KEY (`u`) REFERENCES `users` (`id`)) ENGINE=InnoDB AUTO_INCREMENT=9";
        let b = "CREATE TABLE `order_0002` (`id` int NOT NULL, `u` int, PRIMARY KEY (`id`), \
                 CONSTRAINT `fk_0002` FOREIGN KEY (`u`) REFERENCES `users` (`id`)) ENGINE=InnoDB";
        let c = "CREATE TABLE `order_0003` (`id` int NOT NULL, `u` bigint, PRIMARY KEY (`id`), \
                 CONSTRAINT `fk_0003` FOREIGN KEY (`u`) REFERENCES `users` (`id`)) ENGINE=InnoDB";
        assert_eq!(source_shape(a), source_shape(b));
        assert_ne!(source_shape(a), source_shape(c));
        assert_eq!(source_shape("not sql"), None);
    }
}
