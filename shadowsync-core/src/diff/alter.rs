//! The clauses collected for one table's change, grouped into the
//! statements they go in and in the order those run.

use crate::engine;
use crate::executor::Flavor;
use crate::render::quote_ident;
use crate::statement::{AlterClause, PlannedStatement, StatementKind};

/// One clause of an `ALTER TABLE`: its text and what it does.
pub(super) struct Clause {
    pub(super) text: String,
    pub(super) kind: AlterClause,
}

impl Clause {
    pub(super) fn new(text: impl Into<String>, kind: AlterClause) -> Self {
        Clause {
            text: text.into(),
            kind,
        }
    }
}

/// Clauses collected for one table, grouped by the statement they go in.
pub(super) struct TableAlter {
    pub(super) table: String,
    pub(super) flavor: Flavor,
    pub(super) pre: Vec<Clause>,
    pub(super) main: Vec<Clause>,
    pub(super) fk_adds: Vec<Clause>,
    /// Partitioning statements, last and each alone.
    pub(super) partition: Vec<PlannedStatement>,
    // Main-statement clauses by phase, flattened in `into_statements`.
    pub(super) charset: Vec<Clause>,
    pub(super) index_drops: Vec<Clause>,
    pub(super) column_drops: Vec<Clause>,
    /// Drops of columns re-added under the same name (VIRTUAL↔STORED, …).
    pub(super) column_recreate_drops: Vec<Clause>,
    pub(super) column_changes: Vec<Clause>,
    pub(super) index_adds: Vec<Clause>,
    /// OceanBase only: `AUTO_INCREMENT` given to columns once their key exists.
    pub(super) late_modifies: Vec<Clause>,
    pub(super) check_adds: Vec<Clause>,
    pub(super) options: Vec<Clause>,
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
    pub(super) fn statements(&self, clauses: &[Clause]) -> Vec<PlannedStatement> {
        if clauses.is_empty() {
            Vec::new()
        } else if engine::one_clause_per_alter(self.flavor) {
            clauses.chunks(1).map(|c| self.statement(c)).collect()
        } else {
            vec![self.statement(clauses)]
        }
    }

    /// One `ALTER TABLE` with `clauses`, in order.
    pub(super) fn statement(&self, clauses: &[Clause]) -> PlannedStatement {
        let text: Vec<&str> = clauses.iter().map(|c| c.text.as_str()).collect();
        PlannedStatement::new(
            format!(
                "ALTER TABLE {} {}",
                quote_ident(&self.table),
                text.join(", ")
            ),
            StatementKind::AlterTable {
                table: self.table.clone(),
                clauses: clauses.iter().map(|c| c.kind.clone()).collect(),
            },
        )
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

    pub(super) fn into_statements(self) -> Vec<PlannedStatement> {
        let mut out = Vec::new();
        out.extend(self.statements(&self.pre));
        out.extend(self.statements(&self.main));
        out.extend(self.statements(&self.fk_adds));
        out.extend(self.partition);
        out
    }
}
