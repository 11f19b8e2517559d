//! Diff two table models into the statements that turn one into the other.
//!
//! Both sides are normalized first ([`crate::normalize`]) so that equal
//! schemas produce no statement. Statements are ordered so that they run:
//! 1. foreign keys and CHECKs that change or go are dropped first, in their own
//!    `ALTER TABLE` (a constraint name cannot be dropped and re-added in one);
//! 2. one main `ALTER TABLE`: table charset first, then index drops, column
//!    drops, column adds and modifications in the target order with
//!    `FIRST`/`AFTER` (only columns outside the longest common subsequence
//!    move), key adds (so `AUTO_INCREMENT` lands together with its key),
//!    CHECK adds, other table options;
//! 3. foreign keys are added last, in their own `ALTER TABLE`;
//! 4. partitioning changes come last and alone.
//!
//! Across tables ([`diff_schemas`]): constraint drops, then removed tables
//! (children first), then new tables (parents first), then the main alters,
//! then foreign-key adds. On OceanBase every clause is its own statement.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::engine;
use crate::error::{Error, Result};
use crate::executor::Flavor;
use crate::expr::SqlExpr;
use crate::model::*;
use crate::normalize::{normalize, NormalizeContext};
use crate::render::{self, quote_ident};

/// Context of a diff.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Server family the statements are for.
    pub flavor: Flavor,
    /// Schema the `from` tables live in: foreign keys that name it are treated as unqualified.
    pub from_schema: Option<String>,
    /// Schema the `to` tables live in: foreign keys that name it are treated as unqualified.
    pub to_schema: Option<String>,
    /// Whether tables present in `from` but not in `to` are dropped by [`diff_schemas`].
    pub drop_tables: bool,
}

impl DiffOptions {
    fn context(&self, schema: &Option<String>) -> NormalizeContext {
        NormalizeContext {
            flavor: self.flavor,
            schema: schema.clone(),
        }
    }
}

/// Statements (without trailing `;`) that turn table `from` into table `to`;
/// empty when they are equivalent. The statements name `from`'s table.
pub fn diff_tables(from: &Table, to: &Table, opts: &DiffOptions) -> Result<Vec<String>> {
    Ok(table_alter(from, to, opts)?.into_statements())
}

/// The change from `from` to `to` the engine cannot make in place, if any
/// (see [`engine::incapable`]): what [`diff_tables`] refuses the table for.
pub fn incapable_change(from: &Table, to: &Table, opts: &DiffOptions) -> Option<engine::Incapable> {
    let a = normalize(from, &opts.context(&opts.from_schema));
    let b = normalize(to, &opts.context(&opts.to_schema));
    engine::incapable(&a, &b, opts.flavor)
}

/// Every clause that turns `from` into `to`, grouped by statement.
fn table_alter(from: &Table, to: &Table, opts: &DiffOptions) -> Result<TableAlter> {
    // The common case in shadow sync is a shadow already in step: the same
    // definition as written means no statement, without normalizing. (Only
    // schema-qualified FK references could still differ in meaning, when the
    // two sides live in different schemas.)
    let same_context = opts.from_schema == opts.to_schema
        || from.foreign_keys.iter().all(|fk| fk.ref_schema.is_none());
    if same_context && same_definition(from, to) {
        let mut alter = TableAlter::new(&from.name, opts.flavor);
        alter.flatten_main();
        return Ok(alter);
    }
    let a = normalize(from, &opts.context(&opts.from_schema));
    let b = normalize(to, &opts.context(&opts.to_schema));
    if let Some(cannot) = engine::incapable(&a, &b, opts.flavor) {
        return Err(Error::Refused {
            table: a.name.clone(),
            reason: cannot.to_string(),
        });
    }
    let mut alter = TableAlter::new(&a.name, opts.flavor);
    diff_charset(&a, &b, &mut alter);
    diff_checks(&a, &b, opts.flavor, &mut alter);
    diff_foreign_keys(&a, &b, &mut alter);
    diff_indexes(&a, &b, &mut alter);
    release_foreign_keys_of_dropped_indexes(&a, &b, &mut alter);
    recreate_implicit_fk_indexes(&a, &b, &mut alter);
    let changed = diff_columns(&a, &b, &mut alter);
    recreate_indexes_over_changed_columns(&a, &b, &changed, &mut alter);
    diff_options(&a, &b, &mut alter)?;
    diff_partitioning(&a, &b, &mut alter);
    alter.flatten_main();
    Ok(alter)
}

/// Whether two tables are written identically, their names aside.
fn same_definition(a: &Table, b: &Table) -> bool {
    a.columns == b.columns
        && a.indexes == b.indexes
        && a.foreign_keys == b.foreign_keys
        && a.checks == b.checks
        && a.options == b.options
        && a.partitioning == b.partitioning
}

/// Statements that turn the set of tables `from` into `to`: CREATE for new
/// tables (parents before children; foreign keys of a cycle added afterwards),
/// ALTER for changed ones, DROP for removed ones when
/// [`DiffOptions::drop_tables`] is set.
pub fn diff_schemas(from: &[Table], to: &[Table], opts: &DiffOptions) -> Result<Vec<String>> {
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
                partitions.extend(alter.partition.iter().cloned());
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
pub fn create_statements(tables: &[&Table], opts: &DiffOptions) -> (Vec<String>, Vec<String>) {
    let (creates, deferred) = indexed_create_statements(tables, opts);
    (creates.into_iter().map(|(_, sql)| sql).collect(), deferred)
}

/// [`create_statements`], each `CREATE TABLE` with the index in `tables` of
/// the table it creates (so no caller reads a table name back out of SQL).
pub fn indexed_create_statements(
    tables: &[&Table],
    opts: &DiffOptions,
) -> (Vec<(usize, String)>, Vec<String>) {
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
            deferred.push(format!(
                "ALTER TABLE {} ADD {}",
                quote_ident(&t.name),
                render::foreign_key_definition(&fk)
            ));
        }
        creates.push((i, render::create_table(&t)));
        done.insert(t.name.to_lowercase());
    }
    (creates, deferred)
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
/// foreign keys reference (as far as cycles allow), otherwise keeping input order.
///
/// Each step takes the first table, in input order, whose referenced tables
/// are all placed; in a cycle, the first table not placed yet. Done as a
/// topological sort (linear in tables and keys): searching the tables
/// afresh at each step was quadratic in them, which a plan creating
/// thousands of shadows felt.
fn parents_first(tables: &[&Table]) -> Vec<usize> {
    let names: Vec<String> = tables.iter().map(|t| t.name.to_lowercase()).collect();
    // The first table of each name, as a search from the start finds it.
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        position.entry(name.as_str()).or_insert(i);
    }
    // How many references to tables not placed yet each table waits on,
    // and which tables wait on each.
    let mut waiting_for = vec![0usize; tables.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); tables.len()];
    for (i, table) in tables.iter().enumerate() {
        for fk in table
            .foreign_keys
            .iter()
            .filter(|fk| fk.ref_schema.is_none())
        {
            let target = fk.ref_table.to_lowercase();
            if target == names[i] {
                continue;
            }
            if let Some(&j) = position.get(target.as_str()) {
                waiting_for[i] += 1;
                children[j].push(i);
            }
        }
    }
    let mut ready: BTreeSet<usize> = (0..tables.len()).filter(|&i| waiting_for[i] == 0).collect();
    let mut placed = vec![false; tables.len()];
    let mut first_unplaced = 0;
    let mut order = Vec::with_capacity(tables.len());
    while order.len() < tables.len() {
        let i = match ready.pop_first() {
            Some(i) => i,
            // A cycle: take the first remaining table; its cyclic FKs are deferred.
            None => {
                while placed[first_unplaced] {
                    first_unplaced += 1;
                }
                first_unplaced
            }
        };
        placed[i] = true;
        order.push(i);
        for &child in &children[i] {
            waiting_for[child] -= 1;
            if waiting_for[child] == 0 && !placed[child] {
                ready.insert(child);
            }
        }
    }
    order
}

fn drop_statements(tables: &[&Table]) -> Vec<String> {
    let mut order = parents_first(tables);
    order.reverse();
    order
        .into_iter()
        .map(|i| format!("DROP TABLE {}", quote_ident(&tables[i].name)))
        .collect()
}

/// Clauses collected for one table, grouped by the statement they go in.
struct TableAlter {
    table: String,
    flavor: Flavor,
    pre: Vec<String>,
    main: Vec<String>,
    fk_adds: Vec<String>,
    /// Partitioning statements, last and each alone.
    partition: Vec<String>,
    // Main-statement clauses by phase, flattened in `into_statements`.
    charset: Vec<String>,
    index_drops: Vec<String>,
    column_drops: Vec<String>,
    /// Drops of columns re-added under the same name (VIRTUAL↔STORED, …).
    column_recreate_drops: Vec<String>,
    column_changes: Vec<String>,
    index_adds: Vec<String>,
    /// OceanBase only: `AUTO_INCREMENT` given to columns once their key exists.
    late_modifies: Vec<String>,
    check_adds: Vec<String>,
    options: Vec<String>,
}

impl TableAlter {
    fn new(table: &str, flavor: Flavor) -> Self {
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
    fn statements(&self, clauses: &[String]) -> Vec<String> {
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

    fn flatten_main(&mut self) {
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

    fn into_statements(self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        out.extend(self.statements(&self.pre));
        out.extend(self.statements(&self.main));
        out.extend(self.statements(&self.fk_adds));
        out.extend(self.partition.iter().cloned());
        out
    }
}

fn table_charset(t: &Table) -> (Option<String>, Option<String>) {
    (
        t.option("DEFAULT CHARSET").map(|o| o.value.text()),
        t.option("COLLATE").map(|o| o.value.text()),
    )
}

fn diff_charset(a: &Table, b: &Table, alter: &mut TableAlter) {
    let (from_cs, from_coll) = table_charset(a);
    let (to_cs, to_coll) = table_charset(b);
    if to_cs.is_some() && (from_cs != to_cs || (to_coll.is_some() && from_coll != to_coll)) {
        let mut clause = format!("DEFAULT CHARSET={}", to_cs.unwrap_or_default());
        if let Some(coll) = to_coll {
            clause.push_str(&format!(" COLLATE={coll}"));
        }
        alter.charset.push(clause);
    }
}

/// A CHECK's identity: what it checks, not what it is called (names are per schema).
fn check_key(c: &Check) -> (String, bool, Option<String>) {
    (
        c.expr.canonical().to_string(),
        c.not_enforced,
        c.column.as_ref().map(|c| c.to_lowercase()),
    )
}

fn diff_checks(a: &Table, b: &Table, flavor: Flavor, alter: &mut TableAlter) {
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
            alter.pre.push(format!("DROP {kw} {}", quote_ident(name)));
        }
    }
    for c in added {
        alter
            .check_adds
            .push(format!("ADD {}", render::check_definition(&c)));
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
fn recreate_implicit_fk_indexes(a: &Table, b: &Table, alter: &mut TableAlter) {
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
            let mut clauses = vec![
                format!("DROP INDEX {}", quote_ident(name)),
                format!("ADD {}", render::index_definition(index)),
            ];
            clauses.append(&mut alter.fk_adds);
            alter.fk_adds = clauses;
        }
    }
}

fn diff_foreign_keys(a: &Table, b: &Table, alter: &mut TableAlter) {
    let (gone, added) = unmatched(&a.foreign_keys, &b.foreign_keys, fk_key);
    for fk in gone {
        if let Some(name) = &fk.name {
            alter
                .pre
                .push(format!("DROP FOREIGN KEY {}", quote_ident(name)));
        }
    }
    for fk in added {
        alter
            .fk_adds
            .push(format!("ADD {}", render::foreign_key_definition(&fk)));
    }
}

/// OceanBase will not drop an index a foreign key could use, even when
/// another index serves the key: each such kept foreign key is dropped
/// first and added again after (checked on seekdb).
fn release_foreign_keys_of_dropped_indexes(a: &Table, b: &Table, alter: &mut TableAlter) {
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
            alter
                .pre
                .push(format!("DROP FOREIGN KEY {}", quote_ident(name)));
            alter
                .fk_adds
                .push(format!("ADD {}", render::foreign_key_definition(kept)));
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

fn index_key(i: &Index) -> String {
    match (&i.kind, &i.name) {
        (IndexKind::Primary, _) => "PRIMARY".to_string(),
        (_, Some(n)) => n.to_lowercase(),
        (_, None) => String::new(),
    }
}

fn diff_indexes(a: &Table, b: &Table, alter: &mut TableAlter) {
    let from: HashMap<String, &Index> = a.indexes.iter().map(|i| (index_key(i), i)).collect();
    let to: HashMap<String, &Index> = b.indexes.iter().map(|i| (index_key(i), i)).collect();
    // An index that differs only in visibility is switched in place.
    let mut switched: Vec<String> = Vec::new();
    // Kept indexes whose name changes only in letter case, re-created
    // (OceanBase refuses `RENAME INDEX k TO K` as a duplicate name).
    let mut rebuilt: Vec<String> = Vec::new();
    for i in &a.indexes {
        let k = index_key(i);
        let keep = to.get(&k).is_some_and(|t| indexes_equal(i, t));
        if let Some(target) = to
            .get(&k)
            .filter(|t| keep && i.kind != IndexKind::Primary && t.name != i.name)
        {
            let (old, new) = (
                i.name.as_deref().unwrap_or_default(),
                target.name.as_deref().unwrap_or_default(),
            );
            if !engine::renames_indexes(alter.flavor) {
                alter
                    .index_drops
                    .push(format!("DROP INDEX {}", quote_ident(old)));
                rebuilt.push(k);
            } else {
                alter.index_adds.push(format!(
                    "RENAME INDEX {} TO {}",
                    quote_ident(old),
                    quote_ident(new)
                ));
            }
            continue;
        }
        if let Some(target) = to
            .get(&k)
            .filter(|t| !keep && only_visibility_differs(i, t))
        {
            alter
                .index_adds
                .push(alter_index_visibility(target, alter.flavor));
            switched.push(k);
            continue;
        }
        if !keep {
            alter.index_drops.push(match i.kind {
                IndexKind::Primary => "DROP PRIMARY KEY".to_string(),
                _ => format!(
                    "DROP INDEX {}",
                    quote_ident(i.name.as_deref().unwrap_or_default())
                ),
            });
        }
    }
    for i in &b.indexes {
        let k = index_key(i);
        let exists = from.get(&k).is_some_and(|f| indexes_equal(f, i));
        if (exists && !rebuilt.contains(&k)) || switched.contains(&k) {
            continue;
        }
        if i.visible || engine::honours_invisible_index_add(alter.flavor) {
            alter
                .index_adds
                .push(format!("ADD {}", render::index_definition(i)));
        } else {
            // Created visible, then hidden: the engine ignores INVISIBLE in ADD.
            let shown = Index {
                visible: true,
                visibility_keyword: None,
                ..i.clone()
            };
            alter
                .index_adds
                .push(format!("ADD {}", render::index_definition(&shown)));
            alter
                .index_adds
                .push(alter_index_visibility(i, alter.flavor));
        }
    }
}

/// Whether two indexes on the same key differ in visibility alone.
fn only_visibility_differs(a: &Index, b: &Index) -> bool {
    a.visible != b.visible
        && a.kind != IndexKind::Primary
        && indexes_equal(
            a,
            &Index {
                visible: a.visible,
                ..b.clone()
            },
        )
}

/// `ALTER INDEX <name> <visibility>` in the flavor's spelling.
fn alter_index_visibility(index: &Index, flavor: Flavor) -> String {
    format!(
        "ALTER INDEX {} {}",
        quote_ident(index.name.as_deref().unwrap_or_default()),
        engine::index_visibility_keyword(flavor, index.visible)
    )
}

fn indexes_equal(a: &Index, b: &Index) -> bool {
    let lower_parts = |i: &Index| -> Vec<IndexPart> {
        i.parts
            .iter()
            .map(|p| IndexPart {
                target: match &p.target {
                    IndexTarget::Column(c) => IndexTarget::Column(c.to_lowercase()),
                    IndexTarget::Expr(e) => IndexTarget::Expr(canonical(e)),
                },
                ..p.clone()
            })
            .collect()
    };
    a.kind == b.kind
        && lower_parts(a) == lower_parts(b)
        && a.using == b.using
        && a.comment == b.comment
        && a.visible == b.visible
        && a.parser.as_deref().map(str::to_lowercase) == b.parser.as_deref().map(str::to_lowercase)
        && a.key_block_size == b.key_block_size
        && a.vendor_options == b.vendor_options
}

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
fn canonical(e: &SqlExpr) -> SqlExpr {
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
struct ChangedColumns {
    recreated: Vec<String>,
    modified: Vec<String>,
}

/// Kept indexes over changed columns, dropped before the column phase and
/// added after it: an index over a column that is dropped and added again
/// goes with the drop (and nothing else would add it back); OceanBase
/// refuses to modify a column under a prefix or FULLTEXT index
/// ("Alter column that the prefix index column depends on not supported").
fn recreate_indexes_over_changed_columns(
    a: &Table,
    b: &Table,
    changed: &ChangedColumns,
    alter: &mut TableAlter,
) {
    for index in &b.indexes {
        let kept = a
            .indexes
            .iter()
            .any(|i| index_key(i) == index_key(index) && indexes_equal(i, index));
        if !kept {
            continue;
        }
        let over = |names: &[String], part: &IndexPart| match &part.target {
            IndexTarget::Column(c) => names.contains(&c.to_lowercase()),
            IndexTarget::Expr(_) => false,
        };
        let over_recreated = index.parts.iter().any(|p| over(&changed.recreated, p));
        let blocks_modify = engine::index_blocks_column_modify(alter.flavor)
            && index.parts.iter().any(|p| {
                over(&changed.modified, p)
                    && (p.prefix.is_some() || index.kind == IndexKind::Fulltext)
            });
        if !(over_recreated || blocks_modify) {
            continue;
        }
        alter.index_drops.push(match index.kind {
            IndexKind::Primary => "DROP PRIMARY KEY".to_string(),
            _ => format!(
                "DROP INDEX {}",
                quote_ident(index.name.as_deref().unwrap_or_default())
            ),
        });
        alter
            .index_adds
            .push(format!("ADD {}", render::index_definition(index)));
    }
}

fn diff_columns(a: &Table, b: &Table, alter: &mut TableAlter) -> ChangedColumns {
    let lower = |c: &Column| c.name.to_lowercase();
    let from_names: Vec<String> = a.columns.iter().map(lower).collect();
    let to_names: Vec<String> = b.columns.iter().map(lower).collect();
    let charset_changes = !alter.charset.is_empty();
    let mut recreated: Vec<String> = Vec::new();
    let mut changed_columns = ChangedColumns::default();
    for col in &a.columns {
        let name = lower(col);
        match b.columns.iter().find(|c| lower(c) == name) {
            None => alter
                .column_drops
                .push(format!("DROP COLUMN {}", quote_ident(&col.name))),
            Some(target) if needs_recreate(col, target, alter.flavor) => {
                alter
                    .column_recreate_drops
                    .push(format!("DROP COLUMN {}", quote_ident(&col.name)));
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
            alter.late_modifies.push(format!("MODIFY COLUMN {def}"));
            let plain = Column {
                auto_increment: false,
                ..col.clone()
            };
            def = column_for_statement(&plain, &spec);
        }
        let verb = match (existing, renamed) {
            (_, Some(old)) => format!("CHANGE COLUMN {}", quote_ident(&old.name)),
            (Some(_), None) => "MODIFY COLUMN".to_string(),
            (None, None) => "ADD COLUMN".to_string(),
        };
        alter.column_changes.push(format!("{verb} {def}{position}"));
        if existing.is_some() {
            changed_columns.modified.push(name);
        }
    }
    changed_columns
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

fn option_value_key(v: &OptionValue) -> String {
    match v {
        OptionValue::String(s) => format!("'{s}"),
        other => other.text().to_lowercase(),
    }
}

fn diff_options(a: &Table, b: &Table, alter: &mut TableAlter) -> Result<()> {
    let skip = |k: &str| k == "DEFAULT CHARSET" || k == "COLLATE";
    for o in b.options.iter().filter(|o| !skip(&o.key)) {
        let same = a
            .option(&o.key)
            .is_some_and(|f| option_value_key(&f.value) == option_value_key(&o.value));
        if !same {
            alter.options.push(render::table_option(o));
        }
    }
    for o in a.options.iter().filter(|o| !skip(&o.key)) {
        if b.option(&o.key).is_some() {
            continue;
        }
        let reset = match o.key.as_str() {
            // Unstated means the server's default engine: nothing to say.
            "ENGINE" => continue,
            "COMMENT" => "COMMENT=''".to_string(),
            "ROW_FORMAT" => "ROW_FORMAT=DEFAULT".to_string(),
            "KEY_BLOCK_SIZE" => "KEY_BLOCK_SIZE=0".to_string(),
            // Zero is "unset" for these (checked on MariaDB 10.11: the
            // option leaves SHOW CREATE TABLE).
            "CHECKSUM" | "MAX_ROWS" | "MIN_ROWS" | "AVG_ROW_LENGTH" | "DELAY_KEY_WRITE" => {
                format!("{}=0", o.key)
            }
            "STATS_PERSISTENT" | "STATS_AUTO_RECALC" | "STATS_SAMPLE_PAGES" | "PACK_KEYS"
            | "TRANSACTIONAL" => format!("{}=DEFAULT", o.key),
            // MariaDB's engine-defined options (printed back-quoted):
            // `=DEFAULT` removes each.
            "PAGE_COMPRESSED" | "PAGE_COMPRESSION_LEVEL" | "ENCRYPTED" | "ENCRYPTION_KEY_ID" => {
                format!("{}=DEFAULT", quote_ident(&o.key))
            }
            _ => return Err(option_cannot_be_removed(&a.name, &o.key)),
        };
        alter.options.push(reset);
    }
    Ok(())
}

fn option_cannot_be_removed(table: &str, key: &str) -> Error {
    Error::Refused {
        table: table.to_string(),
        reason: format!(
            "table option {key} would have to be removed, which the server cannot do in place"
        ),
    }
}

/// Partitioning compared by its canonical text (methods, expressions, bounds,
/// names), ignoring per-partition `ENGINE` which servers print redundantly.
fn partition_key(p: &Partitioning) -> String {
    let mut p = p.clone();
    let strip = |defs: &mut Vec<PartitionDef>| {
        for d in defs.iter_mut() {
            d.options.retain(|o| o.key != "ENGINE");
            for s in d.subpartitions.iter_mut() {
                s.options.retain(|o| o.key != "ENGINE");
            }
        }
    };
    strip(&mut p.partitions);
    strip(&mut p.subpartition_template);
    crate::expr::SqlExpr::new(render::partitioning(&p))
        .token_key()
        .to_string()
}

/// The `ADD PARTITION` clause that turns `from` into `to` when new
/// partitions after the existing, unchanged ones are all that changed: it
/// touches only the new partitions, where a new `PARTITION BY` copies every
/// row of the shadow. `None`: repartition whole.
fn partition_steps(from: &Partitioning, to: &Partitioning) -> Option<Vec<String>> {
    let explicit = |p: &Partitioning| {
        matches!(
            p.scheme.method,
            PartitionMethod::Range | PartitionMethod::List
        ) && p.subpartition.is_none()
            && p.subpartition_template.is_empty()
            && !p.partitions.is_empty()
            && p.partitions.iter().all(|d| d.subpartitions.is_empty())
    };
    let scheme = |p: &Partitioning| {
        let mut only = p.clone();
        only.partitions.clear();
        partition_key(&only)
    };
    if !explicit(from) || !explicit(to) || scheme(from) != scheme(to) {
        return None;
    }
    let def_key = |d: &PartitionDef| {
        let mut d = d.clone();
        d.options.retain(|o| o.key != "ENGINE");
        crate::expr::SqlExpr::new(render::partition_definition(&d))
            .token_key()
            .to_string()
    };
    let named = |defs: &[PartitionDef], name: &str| {
        defs.iter().position(|d| d.name.eq_ignore_ascii_case(name))
    };
    let kept: Vec<&PartitionDef> = from
        .partitions
        .iter()
        .filter(|d| named(&to.partitions, &d.name).is_some())
        .collect();
    // The kept partitions open `to`, equal and in order; the rest is new.
    if kept.is_empty()
        || kept.len() > to.partitions.len()
        || kept
            .iter()
            .zip(&to.partitions)
            .any(|(k, t)| def_key(k) != def_key(t))
    {
        return None;
    }
    // A dropped partition would delete the shadow's rows in it; a new
    // `PARTITION BY` moves them (or fails loudly where they fit nowhere).
    if kept.len() != from.partitions.len() || kept.len() == to.partitions.len() {
        return None;
    }
    let added: Vec<String> = to.partitions[kept.len()..]
        .iter()
        .map(render::partition_definition)
        .collect();
    Some(vec![format!("ADD PARTITION ({})", added.join(", "))])
}

fn diff_partitioning(a: &Table, b: &Table, alter: &mut TableAlter) {
    let table = quote_ident(&a.name);
    match (&a.partitioning, &b.partitioning) {
        (None, None) => {}
        (Some(_), None) => {
            alter.partition = vec![format!("ALTER TABLE {table} REMOVE PARTITIONING")]
        }
        (x, Some(to)) => {
            if x.as_ref().map(partition_key) != Some(partition_key(to)) {
                alter.partition = match x.as_ref().and_then(|from| partition_steps(from, to)) {
                    Some(steps) => steps
                        .into_iter()
                        .map(|step| format!("ALTER TABLE {table} {step}"))
                        .collect(),
                    None => vec![format!("ALTER TABLE {table} {}", render::partitioning(to))],
                };
            }
        }
    }
}

#[cfg(test)]
mod tests;
