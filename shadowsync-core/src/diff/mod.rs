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

use crate::engine;
use crate::error::{Error, Result};
use crate::executor::Flavor;
use crate::model::*;
use crate::normalize::{normalize, NormalizeContext};
use crate::statement::PlannedStatement;

mod alter;
mod columns;
mod constraints;
mod indexes;
mod options;
mod partitioning;
mod schema;

use alter::TableAlter;
use columns::diff_columns;
use constraints::{
    diff_checks, diff_foreign_keys, recreate_implicit_fk_indexes,
    release_foreign_keys_of_dropped_indexes,
};
use indexes::{diff_indexes, recreate_indexes_over_changed_columns};
use options::{diff_charset, diff_options};
use partitioning::diff_partitioning;
pub use schema::{
    add_foreign_key_statement, create_statements, diff_schemas, indexed_create_statements,
};

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

/// Statements (without trailing `;`) that turn table `from` into table `to`,
/// each with what it does; empty when they are equivalent. The statements
/// name `from`'s table.
pub fn diff_tables(from: &Table, to: &Table, opts: &DiffOptions) -> Result<Vec<PlannedStatement>> {
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

#[cfg(test)]
mod tests;
