//! Equivalence rules: turn a table as written (or as a server printed it)
//! into its canonical form, so that equal schemas compare equal.
//!
//! The canonical form is still valid DDL for the target flavor (the diff
//! renders statements from it), so every rule here rewrites a spelling into
//! another spelling the server treats identically:
//! - integer display widths dropped (`int(11)` ≡ `int`), except `tinyint(1)` and
//!   `ZEROFILL` columns; `bool` ≡ `tinyint(1)`; type aliases resolved
//!   (`integer`, `dec`, `numeric`, `double precision`, `character varying`, …);
//!   `YEAR(4)` ≡ `YEAR`; `DECIMAL` ≡ `DECIMAL(10,0)`; zero temporal precision dropped;
//! - `DEFAULT NULL` ≡ no default on nullable columns; `NULL` ≡ unstated;
//!   primary-key columns are `NOT NULL`; numeric defaults compared by value
//!   (`'0'` ≡ `0` ≡ `FALSE`, `'0.10'` ≡ `0.1`); every spelling of the current
//!   timestamp (`now()`, `current_timestamp()`, `localtime`, …) is one;
//! - charset and collation resolved against the table default (`utf8` ≡ `utf8mb3`);
//! - inline `PRIMARY KEY` / `UNIQUE` lifted into keys; unnamed keys named as the
//!   server names them; `USING BTREE` ≡ unstated; `ASC` ≡ unstated;
//! - foreign-key `RESTRICT` ≡ `NO ACTION` ≡ unstated; references into the table's
//!   own schema unqualified;
//! - `AUTO_INCREMENT=n` counters and empty comments ignored.

use crate::executor::Flavor;
use crate::model::*;

mod columns;
mod defaults;
mod keys;
mod options;
mod types;

use columns::normalize_column;
pub use columns::spell_visibility;
pub use defaults::canonical_number;
use keys::{lift_inline_keys, normalize_foreign_key, normalize_indexes};
pub use options::{canonical_charset, canonical_collation};
use options::{normalize_table_options, table_charset};

/// What normalization needs to know besides the table.
#[derive(Debug, Clone, Default)]
pub struct NormalizeContext {
    /// The server family the table is for.
    pub flavor: Flavor,
    /// The schema the table lives in (foreign keys into it are unqualified).
    pub schema: Option<String>,
}

/// The canonical form of `table`.
pub fn normalize(table: &Table, ctx: &NormalizeContext) -> Table {
    let mut t = table.clone();
    let (table_charset, table_collation) = table_charset(&t, ctx.flavor);
    normalize_table_options(&mut t, table_charset.as_deref(), table_collation.as_deref());
    lift_inline_keys(&mut t, ctx.flavor);
    let pk_columns: Vec<String> = t
        .primary_key()
        .map(|pk| {
            pk.parts
                .iter()
                .filter_map(|p| match &p.target {
                    IndexTarget::Column(c) => Some(c.to_lowercase()),
                    IndexTarget::Expr(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    for col in &mut t.columns {
        let in_pk = pk_columns.contains(&col.name.to_lowercase());
        normalize_column(
            col,
            in_pk,
            ctx.flavor,
            table_charset.as_deref(),
            table_collation.as_deref(),
        );
    }
    normalize_indexes(&mut t, ctx.flavor);
    for fk in &mut t.foreign_keys {
        normalize_foreign_key(fk, ctx.schema.as_deref());
    }
    t
}

#[cfg(test)]
mod tests;
