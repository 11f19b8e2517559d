//! The order statements run in across tables: created shadows parents
//! first, then altered ones parents first, foreign keys deferred where a
//! parent's alter must run before them.

use std::collections::{HashMap, HashSet};

use crate::diff::{add_foreign_key_statement, indexed_create_statements, DiffOptions};
use crate::model::Table;
use crate::parse::parse_table;
use crate::shadow::NamingRule;
use crate::statement::PlannedStatement;
use crate::topo::dependencies_first;

use super::{Action, TableAnalysis};

/// Put the statements in an order that runs: created shadows first, parents
/// before children; then altered shadows, parents before children. A created
/// shadow's foreign key into a shadow that this plan alters (its key may be
/// added by that alter) is added after that alter, with the altered table's
/// statements; foreign keys closing a cycle of creates are added by the last
/// table of the cycle to be created.
pub(super) fn order_statements(
    tables: &mut Vec<TableAnalysis>,
    mut creates: Vec<(usize, Table)>,
    opts: &DiffOptions,
    rule: &NamingRule,
) {
    let altered: HashMap<String, usize> = tables
        .iter()
        .enumerate()
        .filter(|(_, t)| t.planned == Action::Alter)
        .map(|(i, t)| (t.shadow.to_lowercase(), i))
        .collect();
    let current_shadows: HashMap<usize, Table> = altered
        .values()
        .filter_map(|&i| {
            let ddl = tables[i].shadow_ddl.as_deref()?;
            Some((i, parse_table(ddl).ok()?))
        })
        .collect();
    // Whether the alter of the referenced shadow must run before this FK can
    // be created: the shadow lacks a key on the referenced columns yet, or the
    // alter drops or redefines one of them.
    let needs_alter_first = |fk: &crate::model::ForeignKey, target: usize| -> bool {
        let Some(current) = current_shadows.get(&target) else {
            return true;
        };
        let touched = tables[target]
            .kinds
            .iter()
            .flat_map(|kind| kind.clauses())
            .any(|clause| fk.ref_columns.iter().any(|c| clause.redefines_column(c)));
        touched || !has_key_on(current, &fk.ref_columns)
    };
    let mut after_alter: Vec<(usize, PlannedStatement)> = Vec::new();
    for (_, desired) in &mut creates {
        let (keep, defer): (Vec<_>, Vec<_>) = desired.foreign_keys.drain(..).partition(|fk| {
            fk.ref_schema.is_some()
                || altered
                    .get(&fk.ref_table.to_lowercase())
                    .is_none_or(|&target| !needs_alter_first(fk, target))
        });
        desired.foreign_keys = keep;
        for fk in defer {
            let target = altered[&fk.ref_table.to_lowercase()];
            after_alter.push((target, add_foreign_key_statement(&desired.name, &fk)));
        }
    }
    let refs: Vec<&Table> = creates.iter().map(|(_, t)| t).collect();
    let (statements, deferred) = indexed_create_statements(&refs, opts);
    let mut order = Vec::new();
    for (created, stmt) in statements {
        let i = creates[created].0;
        tables[i].push_statement(stmt);
        order.push(i);
    }
    if let Some(&last) = order.last() {
        deferred
            .into_iter()
            .for_each(|s| tables[last].push_statement(s));
    }
    for (target, stmt) in after_alter {
        tables[target].push_statement(stmt);
    }
    order.extend(alters_parents_first(tables, rule));
    let placed: HashSet<usize> = order.iter().copied().collect();
    order.extend((0..tables.len()).filter(|i| !placed.contains(i)));
    let mut slots: Vec<Option<TableAnalysis>> =
        std::mem::take(tables).into_iter().map(Some).collect();
    *tables = order.into_iter().filter_map(|i| slots[i].take()).collect();
}

/// Whether `table` has a key whose leading columns are `columns` (what a
/// foreign key referencing them needs).
fn has_key_on(table: &Table, columns: &[String]) -> bool {
    table.indexes.iter().any(|index| {
        index.parts.len() >= columns.len()
            && index.parts.iter().zip(columns).all(|(part, col)| {
                matches!(&part.target, crate::model::IndexTarget::Column(c) if c.eq_ignore_ascii_case(col))
            })
    })
}

/// Indexes of altered tables, a parent's alter before its children's (as far
/// as the source's foreign keys tell), otherwise by shadow name
/// ([`crate::topo::dependencies_first`]).
fn alters_parents_first(tables: &[TableAnalysis], rule: &NamingRule) -> Vec<usize> {
    let altered: Vec<usize> = (0..tables.len())
        .filter(|&i| tables[i].planned == Action::Alter)
        .collect();
    let names: Vec<String> = altered
        .iter()
        .map(|&i| tables[i].shadow.to_lowercase())
        .collect();
    let position: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(k, name)| (name.as_str(), k))
        .collect();
    let mut edges = Vec::new();
    for (k, &i) in altered.iter().enumerate() {
        let Some(source) = tables[i]
            .source_ddl
            .as_deref()
            .and_then(|d| parse_table(d).ok())
        else {
            continue;
        };
        for fk in &source.foreign_keys {
            let parent = rule.shadow_name(&fk.ref_table).to_lowercase();
            if let Some(&j) = position.get(parent.as_str()) {
                edges.push((k, j));
            }
        }
    }
    dependencies_first(&names, &edges)
        .into_iter()
        .map(|k| altered[k])
        .collect()
}
