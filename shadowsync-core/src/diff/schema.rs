//! Diffs across tables ([`diff_schemas`]): new tables created parents
//! first (the foreign keys of a cycle added after), removed ones dropped
//! children first, changed ones altered.

use std::collections::{HashMap, HashSet};

use crate::error::Result;
use crate::model::*;
use crate::render::{self, quote_ident};
use crate::statement::{PlannedStatement, StatementKind};
use crate::topo::dependencies_first;

use super::constraints::add_foreign_key;
use super::{table_alter, DiffOptions};

/// Statements that turn the set of tables `from` into `to`: CREATE for new
/// tables (parents before children; foreign keys of a cycle added afterwards),
/// ALTER for changed ones, DROP for removed ones when
/// [`DiffOptions::drop_tables`] is set.
pub fn diff_schemas(
    from: &[Table],
    to: &[Table],
    opts: &DiffOptions,
) -> Result<Vec<PlannedStatement>> {
    let key = |t: &Table| t.name.to_lowercase();
    let from_by_name: HashMap<String, &Table> = from.iter().map(|t| (key(t), t)).collect();
    let to_names: Vec<String> = to.iter().map(key).collect();

    let mut pre = Vec::new();
    let mut main = Vec::new();
    let mut fk_adds = Vec::new();
    let mut partitions = Vec::new();
    let mut created: Vec<&Table> = Vec::new();
    for t in to {
        match from_by_name.get(&key(t)) {
            Some(f) => {
                let alter = table_alter(f, t, opts)?;
                pre.extend(alter.statements(&alter.pre));
                main.extend(alter.statements(&alter.main));
                fk_adds.extend(alter.statements(&alter.fk_adds));
                partitions.extend(alter.partition);
            }
            None => created.push(t),
        }
    }
    let (creates, deferred_fks) = create_statements(&created, opts);
    let mut out = pre;
    // Removed tables go before any alter: a column they reference may be dropped.
    if opts.drop_tables {
        let removed: Vec<Table> = from
            .iter()
            .filter(|t| !to_names.contains(&key(t)))
            .map(|t| unqualify_references(t, opts.from_schema.as_deref()))
            .collect();
        let removed: Vec<&Table> = removed.iter().collect();
        out.extend(drop_statements(&removed));
    }
    out.extend(creates);
    out.extend(main);
    out.extend(fk_adds);
    out.extend(deferred_fks);
    out.extend(partitions);
    Ok(out)
}

/// `CREATE TABLE` statements for `tables`, parents first. Foreign keys that
/// close a cycle among them are left out and returned as `ALTER TABLE … ADD`.
pub fn create_statements(
    tables: &[&Table],
    opts: &DiffOptions,
) -> (Vec<PlannedStatement>, Vec<PlannedStatement>) {
    let (creates, deferred) = indexed_create_statements(tables, opts);
    (creates.into_iter().map(|(_, s)| s).collect(), deferred)
}

/// [`create_statements`], each `CREATE TABLE` with the index in `tables` of
/// the table it creates (so no caller reads a table name back out of SQL).
pub fn indexed_create_statements(
    tables: &[&Table],
    opts: &DiffOptions,
) -> (Vec<(usize, PlannedStatement)>, Vec<PlannedStatement>) {
    let unqualified: Vec<Table> = tables
        .iter()
        .map(|t| unqualify_references(t, opts.to_schema.as_deref()))
        .collect();
    let tables: Vec<&Table> = unqualified.iter().collect();
    let tables = tables.as_slice();
    let order = parents_first(tables);
    // Sets, not lists: looked up for every foreign key of every table.
    let mut done: HashSet<String> = HashSet::new();
    let mut creates = Vec::new();
    let mut deferred = Vec::new();
    let pending: HashSet<String> = tables.iter().map(|t| t.name.to_lowercase()).collect();
    for &i in &order {
        let mut t = tables[i].clone();
        crate::normalize::spell_visibility(&mut t, opts.flavor);
        let (now, later): (Vec<ForeignKey>, Vec<ForeignKey>) =
            t.foreign_keys.drain(..).partition(|fk| {
                let target = fk.ref_table.to_lowercase();
                fk.ref_schema.is_some()
                    || target == t.name.to_lowercase()
                    || done.contains(&target)
                    || !pending.contains(&target)
            });
        t.foreign_keys = now;
        for fk in later {
            deferred.push(add_foreign_key_statement(&t.name, &fk));
        }
        let create = PlannedStatement::new(
            render::create_table(&t),
            StatementKind::CreateTable {
                table: t.name.clone(),
            },
        );
        creates.push((i, create));
        done.insert(t.name.to_lowercase());
    }
    (creates, deferred)
}

/// `ALTER TABLE <table> ADD <fk>`: a foreign key added on its own, after
/// the tables it joins exist.
pub fn add_foreign_key_statement(table: &str, fk: &ForeignKey) -> PlannedStatement {
    let clause = add_foreign_key(fk);
    PlannedStatement::new(
        format!("ALTER TABLE {} {}", quote_ident(table), clause.text),
        StatementKind::alter(table, clause.kind),
    )
}

/// `table` with foreign keys into `schema` unqualified (OceanBase qualifies them all).
fn unqualify_references(table: &Table, schema: Option<&str>) -> Table {
    let mut t = table.clone();
    for fk in &mut t.foreign_keys {
        fk.unqualify_own_schema(schema);
    }
    t
}

/// Indexes into `tables` ordered so that a table comes after the tables its
/// foreign keys reference (as far as cycles allow), otherwise by name
/// ([`crate::topo::dependencies_first`]; a name given twice is the first
/// table of that name).
pub(super) fn parents_first(tables: &[&Table]) -> Vec<usize> {
    let names: Vec<String> = tables.iter().map(|t| t.name.to_lowercase()).collect();
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        position.entry(name.as_str()).or_insert(i);
    }
    let mut edges = Vec::new();
    for (i, table) in tables.iter().enumerate() {
        for fk in table
            .foreign_keys
            .iter()
            .filter(|fk| fk.ref_schema.is_none())
        {
            let parent = fk.ref_table.to_lowercase();
            // A table referencing its own name waits for no other.
            if parent == names[i] {
                continue;
            }
            if let Some(&j) = position.get(parent.as_str()) {
                edges.push((i, j));
            }
        }
    }
    dependencies_first(&names, &edges)
}

fn drop_statements(tables: &[&Table]) -> Vec<PlannedStatement> {
    let mut order = parents_first(tables);
    order.reverse();
    order
        .into_iter()
        .map(|i| {
            let table = tables[i].name.clone();
            PlannedStatement::new(
                format!("DROP TABLE {}", quote_ident(&table)),
                StatementKind::DropTable { table },
            )
        })
        .collect()
}
