//! What a planned statement does. Every statement the diff or a rebuild
//! emits carries its kind beside its SQL text, so the steps after it
//! (ordering across tables, crash recovery, hosts) read the kind and never
//! read the SQL text back. The text stays what runs: the statement guard
//! checks the text alone, independently of any kind.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One statement and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedStatement {
    /// The SQL sent to the server (without a trailing `;`).
    pub sql: String,
    /// What it does.
    #[serde(flatten)]
    pub kind: StatementKind,
}

impl PlannedStatement {
    /// A statement of `kind` whose text is `sql`.
    pub fn new(sql: impl Into<String>, kind: StatementKind) -> Self {
        PlannedStatement {
            sql: sql.into(),
            kind,
        }
    }
}

impl fmt::Display for PlannedStatement {
    /// The SQL text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql)
    }
}

/// The SQL texts of `statements`, in order.
pub fn sql_of(statements: &[PlannedStatement]) -> Vec<String> {
    statements.iter().map(|s| s.sql.clone()).collect()
}

/// What a statement does, with the names it acts on (as the statement
/// spells them, unquoted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StatementKind {
    /// `CREATE TABLE <table> (…)`.
    CreateTable {
        /// The table created.
        table: String,
    },
    /// `ALTER TABLE <table> <clauses>`: one clause, or several in one
    /// statement where the engine takes them together.
    AlterTable {
        /// The table altered.
        table: String,
        /// Its clauses, in the statement's order.
        clauses: Vec<AlterClause>,
    },
    /// `DROP TABLE <table>` (a schema diff that drops removed tables).
    DropTable {
        /// The table dropped.
        table: String,
    },
    /// A rebuild's first step: `CREATE TABLE <table>` with the desired
    /// definition under the temporary new name.
    CreateRebuildTable {
        /// The new table (temporary name).
        table: String,
        /// The shadow it replaces.
        shadow: String,
    },
    /// A rebuild's row copy: `INSERT INTO <into> (…) SELECT … FROM <from>`,
    /// one transaction.
    CopyRows {
        /// The new table.
        into: String,
        /// The shadow copied.
        from: String,
    },
    /// A rebuild's swap step: `ALTER TABLE <from> RENAME TO <to>` (the
    /// shadow away to the old name, then the new table to the shadow's).
    RenameSwap {
        /// The name before.
        from: String,
        /// The name after.
        to: String,
    },
    /// A rebuild's last step: `DROP TABLE <table>` of the old shadow.
    DropOldTable {
        /// The old shadow (temporary name).
        table: String,
    },
}

impl StatementKind {
    /// An `ALTER TABLE` of `table` with one clause.
    pub fn alter(table: &str, clause: AlterClause) -> Self {
        StatementKind::AlterTable {
            table: table.to_string(),
            clauses: vec![clause],
        }
    }

    /// The table the statement changes (for a row copy, the one written).
    pub fn table(&self) -> &str {
        match self {
            StatementKind::CreateTable { table }
            | StatementKind::AlterTable { table, .. }
            | StatementKind::DropTable { table }
            | StatementKind::CreateRebuildTable { table, .. }
            | StatementKind::CopyRows { into: table, .. }
            | StatementKind::RenameSwap { from: table, .. }
            | StatementKind::DropOldTable { table } => table,
        }
    }

    /// The clauses of an `ALTER TABLE`; none for other statements.
    pub fn clauses(&self) -> &[AlterClause] {
        match self {
            StatementKind::AlterTable { clauses, .. } => clauses,
            _ => &[],
        }
    }

    /// Whether the statement may drop data or structure of a table that
    /// exists before it: a table drop, or an alter with a clause that does
    /// ([`AlterClause::is_destructive`]).
    pub fn is_destructive(&self) -> bool {
        match self {
            StatementKind::DropTable { .. } | StatementKind::DropOldTable { .. } => true,
            StatementKind::AlterTable { clauses, .. } => {
                clauses.iter().any(AlterClause::is_destructive)
            }
            StatementKind::CreateTable { .. }
            | StatementKind::CreateRebuildTable { .. }
            | StatementKind::CopyRows { .. }
            | StatementKind::RenameSwap { .. } => false,
        }
    }
}

/// One clause of an `ALTER TABLE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "clause", rename_all = "snake_case")]
pub enum AlterClause {
    /// `DEFAULT CHARSET=… [COLLATE=…]`.
    TableCharset,
    /// Another table option set, or reset to its default (`COMMENT=''`,
    /// `ROW_FORMAT=DEFAULT`, …).
    TableOption {
        /// The option's key as the model names it (`ENGINE`, `COMMENT`, …).
        option: String,
    },
    /// `ADD COLUMN <column> …`.
    AddColumn {
        /// The column added.
        column: String,
        /// It comes after every column the table keeps (only new columns
        /// follow it), so existing columns keep their positions. `false` in
        /// plans recorded before it was tracked, which errs on the side of
        /// "not additive" (see [`crate::plan::FrozenPlan::additive`]).
        #[serde(default, skip_serializing_if = "is_false")]
        at_end: bool,
    },
    /// `DROP COLUMN <column>` (also the drop of a column added again under
    /// the same name).
    DropColumn {
        /// The column dropped.
        column: String,
    },
    /// `MODIFY COLUMN <column> …`: redefined (or moved) in place.
    ModifyColumn {
        /// The column.
        column: String,
    },
    /// `CHANGE COLUMN <from> <to> …`: renamed (in letter case) and redefined.
    ChangeColumn {
        /// The name before.
        from: String,
        /// The name after.
        to: String,
    },
    /// `ADD PRIMARY KEY (…)`.
    AddPrimaryKey,
    /// `DROP PRIMARY KEY`.
    DropPrimaryKey,
    /// `ADD [UNIQUE|FULLTEXT|SPATIAL] KEY <index> (…)`.
    AddIndex {
        /// The index's name (`None`: unnamed, the server names it).
        index: Option<String>,
        /// A plain `KEY` (not `UNIQUE`, `FULLTEXT` or `SPATIAL`). `false` in
        /// plans recorded before it was tracked.
        #[serde(default, skip_serializing_if = "is_false")]
        plain: bool,
    },
    /// `DROP INDEX <index>`.
    DropIndex {
        /// The index dropped.
        index: String,
    },
    /// `RENAME INDEX <from> TO <to>`.
    RenameIndex {
        /// The name before.
        from: String,
        /// The name after.
        to: String,
    },
    /// `ALTER INDEX <index> VISIBLE|INVISIBLE|IGNORED|NOT IGNORED`.
    AlterIndexVisibility {
        /// The index.
        index: String,
        /// Whether it becomes visible.
        visible: bool,
    },
    /// `ADD [CONSTRAINT <constraint>] FOREIGN KEY …`.
    AddForeignKey {
        /// The constraint's name (`None`: unnamed, the server names it).
        constraint: Option<String>,
    },
    /// `DROP FOREIGN KEY <constraint>`.
    DropForeignKey {
        /// The constraint dropped.
        constraint: String,
    },
    /// `ADD [CONSTRAINT <constraint>] CHECK (…)`.
    AddCheck {
        /// The constraint's name (`None`: unnamed).
        constraint: Option<String>,
    },
    /// `DROP CHECK|CONSTRAINT <constraint>`.
    DropCheck {
        /// The constraint dropped.
        constraint: String,
    },
    /// `ADD PARTITION (…)`: new partitions after the existing ones.
    AddPartitions,
    /// `PARTITION BY …`: the table repartitioned whole (its rows moved).
    Repartition,
    /// `REMOVE PARTITIONING`.
    RemovePartitioning,
}

impl AlterClause {
    /// Whether the clause may drop data or structure: drops of columns,
    /// keys, constraints or partitioning, and column redefinitions (which
    /// may narrow a type).
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            AlterClause::DropColumn { .. }
                | AlterClause::ModifyColumn { .. }
                | AlterClause::ChangeColumn { .. }
                | AlterClause::DropPrimaryKey
                | AlterClause::DropIndex { .. }
                | AlterClause::DropForeignKey { .. }
                | AlterClause::DropCheck { .. }
                | AlterClause::RemovePartitioning
        )
    }

    /// Whether the clause drops or redefines column `name` (compared as
    /// the server compares column names, ignoring case).
    pub fn redefines_column(&self, name: &str) -> bool {
        match self {
            AlterClause::DropColumn { column } | AlterClause::ModifyColumn { column } => {
                column.eq_ignore_ascii_case(name)
            }
            AlterClause::ChangeColumn { from, .. } => from.eq_ignore_ascii_case(name),
            _ => false,
        }
    }
}

// Leaves the newer clause facts out of the JSON when false, so plans
// recorded before them read and write back unchanged.
fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_readably_and_round_trip() {
        let statement = PlannedStatement::new(
            "ALTER TABLE `__t` ADD COLUMN `b` int, DROP INDEX `k`",
            StatementKind::AlterTable {
                table: "__t".into(),
                clauses: vec![
                    AlterClause::AddColumn {
                        column: "b".into(),
                        at_end: false,
                    },
                    AlterClause::DropIndex { index: "k".into() },
                ],
            },
        );
        let json = serde_json::to_value(&statement).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "sql": "ALTER TABLE `__t` ADD COLUMN `b` int, DROP INDEX `k`",
                "kind": "alter_table",
                "table": "__t",
                "clauses": [
                    {"clause": "add_column", "column": "b"},
                    {"clause": "drop_index", "index": "k"},
                ],
            })
        );
        assert_eq!(
            serde_json::from_value::<PlannedStatement>(json).unwrap(),
            statement
        );
        assert!(statement.kind.is_destructive());
        assert_eq!(statement.to_string(), statement.sql);
    }

    #[test]
    fn column_redefinitions_ignore_case() {
        let change = AlterClause::ChangeColumn {
            from: "Id".into(),
            to: "id".into(),
        };
        assert!(change.redefines_column("ID"));
        assert!(AlterClause::ModifyColumn { column: "a".into() }.redefines_column("A"));
        assert!(!AlterClause::AddColumn {
            column: "a".into(),
            at_end: true
        }
        .redefines_column("a"));
    }
}
