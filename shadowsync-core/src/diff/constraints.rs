//! Foreign keys and CHECK constraints: matched by what they say, not by
//! name; dropped first, added last, released around index drops where the
//! engine needs it.

use crate::engine;
use crate::executor::Flavor;
use crate::model::*;
use crate::render::{self, quote_ident};
use crate::statement::AlterClause;

use super::alter::{Clause, TableAlter};
use super::indexes::{add_index, drop_index, index_key, indexes_equal};

/// A CHECK's identity: what it checks, not what it is called (names are per schema).
pub(super) fn check_key(c: &Check) -> (String, bool, Option<String>) {
    (
        c.expr.canonical().to_string(),
        c.not_enforced,
        c.column.as_ref().map(|c| c.to_lowercase()),
    )
}

pub(super) fn diff_checks(a: &Table, b: &Table, flavor: Flavor, alter: &mut TableAlter) {
    // MariaDB column-level checks belong to their column and are diffed with it.
    let table_level = |t: &Table| -> Vec<Check> {
        t.checks
            .iter()
            .filter(|c| c.column.is_none())
            .cloned()
            .collect()
    };
    let (gone, added) = unmatched(&table_level(a), &table_level(b), check_key);
    for c in gone {
        if let Some(name) = &c.name {
            let kw = engine::check_drop_keyword(flavor);
            alter.pre.push(Clause::new(
                format!("DROP {kw} {}", quote_ident(name)),
                AlterClause::DropCheck {
                    constraint: name.clone(),
                },
            ));
        }
    }
    for c in added {
        alter.check_adds.push(Clause::new(
            format!("ADD {}", render::check_definition(&c)),
            AlterClause::AddCheck {
                constraint: c.name.clone(),
            },
        ));
    }
}

/// A foreign key's identity: its definition, not its name.
fn fk_key(fk: &ForeignKey) -> String {
    let lower = |v: &[String]| {
        v.iter()
            .map(|s| s.to_lowercase())
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "{}>{}.{}({})d{:?}u{:?}",
        lower(&fk.columns),
        fk.ref_schema.clone().unwrap_or_default().to_lowercase(),
        fk.ref_table.to_lowercase(),
        lower(&fk.ref_columns),
        fk.on_delete,
        fk.on_update
    )
}

/// MySQL and MariaDB replace the index they created implicitly for a foreign
/// key when a foreign key is added on the same columns, renaming it after the
/// constraint. Re-creating the supporting index explicitly in the statement
/// that adds the foreign key keeps the index name the target has.
pub(super) fn recreate_implicit_fk_indexes(a: &Table, b: &Table, alter: &mut TableAlter) {
    if !engine::fk_add_replaces_implicit_index(alter.flavor) {
        return;
    }
    let (_, added) = unmatched(&a.foreign_keys, &b.foreign_keys, fk_key);
    let mut recreated: Vec<String> = Vec::new();
    for fk in added {
        let cols: Vec<String> = fk.columns.iter().map(|c| c.to_lowercase()).collect();
        let supports = |i: &Index| {
            i.kind != IndexKind::Primary
                && i.parts.len() >= cols.len()
                && i.parts.iter().zip(&cols).all(|(p, c)| {
                    matches!(&p.target, IndexTarget::Column(n) if n.to_lowercase() == *c)
                        && p.prefix.is_none()
                })
        };
        let Some(index) = b.indexes.iter().find(|i| supports(i)) else {
            continue;
        };
        let kept = a
            .indexes
            .iter()
            .any(|i| index_key(i) == index_key(index) && indexes_equal(i, index));
        let name = index.name.as_deref().unwrap_or_default();
        if kept && !recreated.iter().any(|r| r == name) {
            recreated.push(name.to_string());
            let mut clauses = vec![drop_index(index), add_index(index)];
            clauses.append(&mut alter.fk_adds);
            alter.fk_adds = clauses;
        }
    }
}

pub(super) fn diff_foreign_keys(a: &Table, b: &Table, alter: &mut TableAlter) {
    let (gone, added) = unmatched(&a.foreign_keys, &b.foreign_keys, fk_key);
    for fk in gone {
        if let Some(name) = &fk.name {
            alter.pre.push(drop_foreign_key(name));
        }
    }
    for fk in added {
        alter.fk_adds.push(add_foreign_key(&fk));
    }
}

/// `DROP FOREIGN KEY <name>`.
fn drop_foreign_key(name: &str) -> Clause {
    Clause::new(
        format!("DROP FOREIGN KEY {}", quote_ident(name)),
        AlterClause::DropForeignKey {
            constraint: name.to_string(),
        },
    )
}

/// `ADD <foreign key>`.
pub(super) fn add_foreign_key(fk: &ForeignKey) -> Clause {
    Clause::new(
        format!("ADD {}", render::foreign_key_definition(fk)),
        AlterClause::AddForeignKey {
            constraint: fk.name.clone(),
        },
    )
}

/// OceanBase will not drop an index a foreign key could use, even when
/// another index serves the key: each such kept foreign key is dropped
/// first and added again after (checked on seekdb).
pub(super) fn release_foreign_keys_of_dropped_indexes(
    a: &Table,
    b: &Table,
    alter: &mut TableAlter,
) {
    if !engine::index_drop_needs_fk_release(alter.flavor) {
        return;
    }
    let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
    let dropped: Vec<Vec<String>> = a
        .indexes
        .iter()
        .filter(|i| i.kind != IndexKind::Primary)
        .filter(|i| {
            !b.indexes
                .iter()
                .any(|t| index_key(t) == index_key(i) && indexes_equal(i, t))
        })
        .map(|i| {
            i.parts
                .iter()
                .map(|p| match &p.target {
                    IndexTarget::Column(c) => c.to_lowercase(),
                    IndexTarget::Expr(_) => String::new(),
                })
                .collect()
        })
        .collect();
    for fk in &a.foreign_keys {
        let Some(name) = &fk.name else { continue };
        let kept = b.foreign_keys.iter().find(|t| fk_key(t) == fk_key(fk));
        let columns = lower(&fk.columns);
        let uses_a_dropped_index = dropped.iter().any(|parts| parts.starts_with(&columns));
        if let (Some(kept), true) = (kept, uses_a_dropped_index) {
            alter.pre.push(drop_foreign_key(name));
            alter.fk_adds.push(add_foreign_key(kept));
        }
    }
}

/// Items of `from` with no equal item in `to` and vice versa, matched as multisets by `key`.
fn unmatched<T: Clone, K: PartialEq>(
    from: &[T],
    to: &[T],
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Vec<T>) {
    let mut to_left: Vec<Option<&T>> = to.iter().map(Some).collect();
    let mut gone = Vec::new();
    for f in from {
        let k = key(f);
        match to_left.iter_mut().find(|t| t.is_some_and(|t| key(t) == k)) {
            Some(slot) => *slot = None,
            None => gone.push(f.clone()),
        }
    }
    let added = to_left.into_iter().flatten().cloned().collect();
    (gone, added)
}
