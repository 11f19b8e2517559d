//! The view of a schema diff (`shadowsync diff --format json`): the
//! statements that turn one set of tables into another, each with the
//! table it changes and what it does.

use serde::Serialize;
use shadowsync_core::statement::{PlannedStatement, StatementKind};
use shadowsync_core::Flavor;

use super::SCHEMA_VERSION;

/// The statements of a diff, in the order they run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"diff"`.
    pub kind: &'static str,
    /// The server family the statements are for (`mysql`, `mariadb`,
    /// `oceanbase`).
    pub flavor: &'static str,
    /// How many statements of each kind.
    pub counts: DiffCounts,
    /// The statements, in order.
    pub statements: Vec<DiffStatementView>,
}

/// How many statements of a [`DiffView`] do what.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DiffCounts {
    /// Every statement.
    pub total: usize,
    /// `CREATE TABLE` statements.
    pub create: usize,
    /// `ALTER TABLE` statements.
    pub alter: usize,
    /// `DROP TABLE` statements.
    pub drop: usize,
    /// Statements that may drop data or structure (a dropped table or
    /// column, a narrowed type, …).
    pub destructive: usize,
}

/// One statement of a [`DiffView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffStatementView {
    /// The table it changes.
    pub table: String,
    /// What it does: `create_table`, `alter_table`, `drop_table` (or a
    /// rebuild's step: `create_rebuild_table`, `copy_rows`, `rename_swap`,
    /// `drop_old_table`).
    pub statement: &'static str,
    /// Whether it may drop data or structure.
    pub destructive: bool,
    /// The SQL, without a trailing `;`.
    pub sql: String,
}

impl DiffView {
    /// The view of `statements`, made for `flavor`.
    pub fn of(flavor: Flavor, statements: &[PlannedStatement]) -> DiffView {
        let mut counts = DiffCounts {
            total: statements.len(),
            ..DiffCounts::default()
        };
        for s in statements {
            match s.kind {
                StatementKind::CreateTable { .. } => counts.create += 1,
                StatementKind::AlterTable { .. } => counts.alter += 1,
                StatementKind::DropTable { .. } => counts.drop += 1,
                // A diff of two schemas never rebuilds.
                _ => {}
            }
            counts.destructive += usize::from(s.kind.is_destructive());
        }
        let statements = statements
            .iter()
            .map(|s| DiffStatementView {
                table: s.kind.table().to_string(),
                statement: kind_name(&s.kind),
                destructive: s.kind.is_destructive(),
                sql: s.sql.clone(),
            })
            .collect();
        DiffView {
            schema_version: SCHEMA_VERSION,
            kind: "diff",
            flavor: flavor.name(),
            counts,
            statements,
        }
    }
}

/// The word of `kind`, as the core's serde tag spells it.
fn kind_name(kind: &StatementKind) -> &'static str {
    match kind {
        StatementKind::CreateTable { .. } => "create_table",
        StatementKind::AlterTable { .. } => "alter_table",
        StatementKind::DropTable { .. } => "drop_table",
        StatementKind::CreateRebuildTable { .. } => "create_rebuild_table",
        StatementKind::CopyRows { .. } => "copy_rows",
        StatementKind::RenameSwap { .. } => "rename_swap",
        StatementKind::DropOldTable { .. } => "drop_old_table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shadowsync_core::statement::AlterClause;

    #[test]
    fn statements_keep_their_table_and_kind_and_are_counted() {
        let statements = [
            PlannedStatement::new(
                "CREATE TABLE `b` (`id` int)",
                StatementKind::CreateTable { table: "b".into() },
            ),
            PlannedStatement::new(
                "DROP TABLE `a`",
                StatementKind::DropTable { table: "a".into() },
            ),
        ];
        let view = DiffView::of(Flavor::Mariadb, &statements);
        assert_eq!(view.flavor, "mariadb");
        assert_eq!(
            view.counts,
            DiffCounts {
                total: 2,
                create: 1,
                alter: 0,
                drop: 1,
                destructive: 1
            }
        );
        assert_eq!(view.statements[1].table, "a");
        assert_eq!(view.statements[1].statement, "drop_table");
        assert!(view.statements[1].destructive);
        // The words are the core's serde tags.
        for s in &statements {
            let tagged = serde_json::to_value(&s.kind).unwrap();
            assert_eq!(tagged["kind"], kind_name(&s.kind));
        }
        let alter = StatementKind::alter("t", AlterClause::TableCharset);
        assert_eq!(
            serde_json::to_value(&alter).unwrap()["kind"],
            kind_name(&alter)
        );
    }
}
