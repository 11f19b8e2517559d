//! Columns: drops, adds and modifications in the target order, moving
//! only the columns outside the longest common subsequence.

use crate::engine;
use crate::executor::Flavor;
use crate::expr::SqlExpr;
use crate::model::*;
use crate::render::{self, quote_ident};
use crate::statement::AlterClause;

use super::alter::{Clause, TableAlter};
use super::constraints::check_key;
use super::options::table_charset;

/// What a column definition for ADD/MODIFY/CHANGE depends on besides the column.
struct ColumnSpec<'a> {
    /// The table the column will belong to (its defaults are inherited).
    table: &'a Table,
    /// The column's own CHECKs (MariaDB column-level constraints).
    checks: &'a [&'a Check],
    /// Whether the table's charset changes in the same statement.
    charset_changes: bool,
    /// Whether an invisible column becomes visible and the engine needs
    /// `VISIBLE` said ([`engine::column_needs_visible_keyword`]).
    reveal: bool,
}

/// A column definition for ADD/MODIFY: charset and collation are left out
/// when they equal the table's (unchanged) defaults, which they then inherit.
fn column_for_statement(col: &Column, spec: &ColumnSpec) -> String {
    let mut col = col.clone();
    let (cs, coll) = table_charset(spec.table);
    if !spec.charset_changes && col.charset == cs && col.collation == coll {
        col.charset = None;
        col.collation = None;
    }
    let mut def = render::column_definition(&col);
    if spec.reveal {
        def.push_str(" VISIBLE");
    }
    for c in spec.checks {
        def.push(' ');
        def.push_str(&render::check_definition(c));
    }
    def
}

fn column_checks<'t>(t: &'t Table, column: &str) -> Vec<&'t Check> {
    t.checks
        .iter()
        .filter(|c| {
            c.column
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(column))
        })
        .collect()
}

/// An expression replaced by its canonical form, for comparisons only
/// (statements keep the server's own text).
pub(super) fn canonical(e: &SqlExpr) -> SqlExpr {
    SqlExpr::new(e.canonical())
}

/// A column with its expressions in canonical form and its name lower-cased.
fn comparable_column(c: &Column) -> Column {
    let mut c = c.clone();
    c.name = c.name.to_lowercase();
    if let Some(ColumnDefault::Expr(e)) = &c.default {
        c.default = Some(ColumnDefault::Expr(canonical(e)));
    }
    c.on_update = c.on_update.as_ref().map(canonical);
    if let Some(g) = &mut c.generated {
        g.expr = canonical(&g.expr);
    }
    c
}

fn columns_equal(a: &Column, b: &Column, a_checks: &[&Check], b_checks: &[&Check]) -> bool {
    let same_checks = a_checks.len() == b_checks.len()
        && a_checks
            .iter()
            .zip(b_checks)
            .all(|(x, y)| x.expr == y.expr && x.not_enforced == y.not_enforced);
    // Identical text is the common case: skip the canonical forms then.
    if a == b && same_checks {
        return true;
    }
    let keys = |cs: &[&Check]| cs.iter().map(|c| check_key(c)).collect::<Vec<_>>();
    comparable_column(a) == comparable_column(b) && keys(a_checks) == keys(b_checks)
}

/// Whether turning `a` into `b` needs DROP + ADD: servers refuse to change a
/// column between plain, VIRTUAL and STORED in place (MySQL error 3106),
/// and OceanBase refuses any change of a generated column's definition
/// ("Modify generated column definition not supported").
fn needs_recreate(a: &Column, b: &Column, flavor: Flavor) -> bool {
    match (&a.generated, &b.generated) {
        (None, None) => false,
        (Some(x), Some(y)) if x.stored != y.stored => true,
        (Some(x), Some(y)) => {
            engine::generated_change_needs_recreate(flavor)
                && (canonical(&x.expr) != canonical(&y.expr) || a.data_type != b.data_type)
        }
        _ => true,
    }
}

/// Names (lower case) of the columns the column phase changes: dropped
/// and added again, or modified in place.
#[derive(Default)]
pub(super) struct ChangedColumns {
    pub(super) recreated: Vec<String>,
    pub(super) modified: Vec<String>,
}

pub(super) fn diff_columns(a: &Table, b: &Table, alter: &mut TableAlter) -> ChangedColumns {
    let lower = |c: &Column| c.name.to_lowercase();
    let from_names: Vec<String> = a.columns.iter().map(lower).collect();
    let to_names: Vec<String> = b.columns.iter().map(lower).collect();
    let charset_changes = !alter.charset.is_empty();
    let mut recreated: Vec<String> = Vec::new();
    let mut changed_columns = ChangedColumns::default();
    for col in &a.columns {
        let name = lower(col);
        match b.columns.iter().find(|c| lower(c) == name) {
            None => alter.column_drops.push(drop_column(col)),
            Some(target) if needs_recreate(col, target, alter.flavor) => {
                alter.column_recreate_drops.push(drop_column(col));
                recreated.push(name);
            }
            Some(_) => {}
        }
    }
    changed_columns.recreated = recreated.clone();
    // Columns kept in place: the longest common subsequence of the kept columns.
    let common_from: Vec<&String> = from_names
        .iter()
        .filter(|n| to_names.contains(n) && !recreated.contains(n))
        .collect();
    let common_to: Vec<&String> = to_names
        .iter()
        .filter(|n| from_names.contains(n) && !recreated.contains(n))
        .collect();
    let stable = longest_common_subsequence(&common_from, &common_to);
    for (i, col) in b.columns.iter().enumerate() {
        let name = lower(col);
        let b_checks = column_checks(b, &col.name);
        let existing = a
            .columns
            .iter()
            .find(|c| lower(c) == name)
            .filter(|_| !recreated.contains(&name));
        // Only columns that are added, moved or changed are rendered.
        // A name that differs only in letter case is renamed too: a shadow
        // looks like its source.
        let renamed = existing.filter(|old| old.name != col.name);
        let (moved, changed) = match existing {
            None => (true, true),
            Some(old) => (
                !stable.contains(&name),
                renamed.is_some()
                    || !columns_equal(old, col, &column_checks(a, &old.name), &b_checks),
            ),
        };
        if !moved && !changed {
            continue;
        }
        let position = match (moved, i) {
            (false, _) => String::new(),
            (true, 0) => " FIRST".to_string(),
            (true, _) => format!(" AFTER {}", quote_ident(&b.columns[i - 1].name)),
        };
        let reveal = existing.is_some_and(|old| old.invisible && !col.invisible)
            && engine::column_needs_visible_keyword(alter.flavor);
        let spec = ColumnSpec {
            table: b,
            checks: &b_checks,
            charset_changes,
            reveal,
        };
        let mut def = column_for_statement(col, &spec);
        // OceanBase refuses AUTO_INCREMENT before its key exists even within
        // one statement: create the column plain, give it AUTO_INCREMENT last.
        let gains_auto_increment =
            col.auto_increment && !existing.is_some_and(|old| old.auto_increment);
        if gains_auto_increment
            && engine::auto_increment_after_index_adds(alter.flavor)
            && !alter.index_adds.is_empty()
        {
            alter.late_modifies.push(Clause::new(
                format!("MODIFY COLUMN {def}"),
                AlterClause::ModifyColumn {
                    column: col.name.clone(),
                },
            ));
            let plain = Column {
                auto_increment: false,
                ..col.clone()
            };
            def = column_for_statement(&plain, &spec);
        }
        let column = col.name.clone();
        let (verb, kind) = match (existing, renamed) {
            (_, Some(old)) => (
                format!("CHANGE COLUMN {}", quote_ident(&old.name)),
                AlterClause::ChangeColumn {
                    from: old.name.clone(),
                    to: column,
                },
            ),
            (Some(_), None) => (
                "MODIFY COLUMN".to_string(),
                AlterClause::ModifyColumn { column },
            ),
            (None, None) => {
                // After every column the shadow keeps: each later column is new too.
                let at_end = b.columns[i + 1..].iter().all(|later| {
                    let later = lower(later);
                    recreated.contains(&later) || !a.columns.iter().any(|c| lower(c) == later)
                });
                (
                    "ADD COLUMN".to_string(),
                    AlterClause::AddColumn { column, at_end },
                )
            }
        };
        alter
            .column_changes
            .push(Clause::new(format!("{verb} {def}{position}"), kind));
        if existing.is_some() {
            changed_columns.modified.push(name);
        }
    }
    changed_columns
}

/// `DROP COLUMN <col>`.
fn drop_column(col: &Column) -> Clause {
    Clause::new(
        format!("DROP COLUMN {}", quote_ident(&col.name)),
        AlterClause::DropColumn {
            column: col.name.clone(),
        },
    )
}

/// The longest common subsequence of two name lists (as a set of names).
fn longest_common_subsequence(a: &[&String], b: &[&String]) -> Vec<String> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n && j < m {
        if a[i] == b[j] {
            out.push(a[i].clone());
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}
