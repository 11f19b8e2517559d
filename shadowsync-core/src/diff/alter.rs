//! The clauses collected for one table's change, grouped into the
//! statements they go in and in the order those run.

use crate::engine;
use crate::executor::Flavor;
use crate::render::quote_ident;

/// Clauses collected for one table, grouped by the statement they go in.
pub(super) struct TableAlter {
    pub(super) table: String,
    pub(super) flavor: Flavor,
    pub(super) pre: Vec<String>,
    pub(super) main: Vec<String>,
    pub(super) fk_adds: Vec<String>,
    /// Partitioning statements, last and each alone.
    pub(super) partition: Vec<String>,
    // Main-statement clauses by phase, flattened in `into_statements`.
    pub(super) charset: Vec<String>,
    pub(super) index_drops: Vec<String>,
    pub(super) column_drops: Vec<String>,
    /// Drops of columns re-added under the same name (VIRTUAL↔STORED, …).
    pub(super) column_recreate_drops: Vec<String>,
    pub(super) column_changes: Vec<String>,
    pub(super) index_adds: Vec<String>,
    /// OceanBase only: `AUTO_INCREMENT` given to columns once their key exists.
    pub(super) late_modifies: Vec<String>,
    pub(super) check_adds: Vec<String>,
    pub(super) options: Vec<String>,
}

impl TableAlter {
    pub(super) fn new(table: &str, flavor: Flavor) -> Self {
        TableAlter {
            table: table.to_string(),
            flavor,
            pre: Vec::new(),
            main: Vec::new(),
            fk_adds: Vec::new(),
            partition: Vec::new(),
            charset: Vec::new(),
            index_drops: Vec::new(),
            column_drops: Vec::new(),
            column_recreate_drops: Vec::new(),
            column_changes: Vec::new(),
            index_adds: Vec::new(),
            late_modifies: Vec::new(),
            check_adds: Vec::new(),
            options: Vec::new(),
        }
    }

    /// The clauses as `ALTER TABLE` statements: one on MySQL and MariaDB;
    /// one per clause on OceanBase, which refuses most combinations in one
    /// statement (index drop + add, constraint + other DDL, primary key
    /// changes, drop + add of a column with the same name).
    pub(super) fn statements(&self, clauses: &[String]) -> Vec<String> {
        let table = quote_ident(&self.table);
        if clauses.is_empty() {
            Vec::new()
        } else if engine::one_clause_per_alter(self.flavor) {
            clauses
                .iter()
                .map(|c| format!("ALTER TABLE {table} {c}"))
                .collect()
        } else {
            vec![format!("ALTER TABLE {table} {}", clauses.join(", "))]
        }
    }

    pub(super) fn flatten_main(&mut self) {
        let mut main = std::mem::take(&mut self.charset);
        main.append(&mut self.index_drops);
        main.append(&mut self.column_recreate_drops);
        if engine::adds_columns_before_drops(self.flavor) {
            main.append(&mut self.column_changes);
            main.append(&mut self.column_drops);
        } else {
            main.append(&mut self.column_drops);
            main.append(&mut self.column_changes);
        }
        main.append(&mut self.index_adds);
        main.append(&mut self.late_modifies);
        main.append(&mut self.check_adds);
        main.append(&mut self.options);
        self.main = main;
    }

    pub(super) fn into_statements(self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        out.extend(self.statements(&self.pre));
        out.extend(self.statements(&self.main));
        out.extend(self.statements(&self.fk_adds));
        out.extend(self.partition.iter().cloned());
        out
    }
}
