//! Whole tables built from the parts, and helpers for readable failures.

use std::collections::HashSet;

use proptest::prelude::*;
use shadowsync_core::parse::parse_table;
use shadowsync_core::render::create_table;
use shadowsync_core::*;

use crate::columns::{check, column};
use crate::idents::{ident, uniquify};
use crate::keys::{foreign_key, primary_key, secondary_index};
use crate::options::{partitioning, table_options};
use crate::Mode;

pub(crate) fn table(mode: Mode) -> BoxedStrategy<Table> {
    (ident(), prop::collection::vec(ident(), 1..12))
        .prop_flat_map(move |(name, col_names)| {
            let cols = uniquify(col_names);
            let columns: Vec<BoxedStrategy<(Column, Option<Check>)>> = cols
                .iter()
                .map(|c| column(c.clone(), cols.clone(), mode))
                .collect();
            (
                Just(name),
                columns,
                prop::option::weighted(0.75, primary_key(cols.clone(), mode)),
                prop::collection::vec(secondary_index(cols.clone(), mode), 0..5),
                prop::collection::vec(foreign_key(cols.clone(), mode), 0..3),
                prop::collection::vec(check(&cols, None, mode), 0..3),
                table_options(),
                prop::option::weighted(0.25, partitioning(cols.clone())),
            )
        })
        .prop_map(
            |(name, columns, pk, secondary, foreign_keys, table_checks, options, partitioning)| {
                let (mut columns, column_checks): (Vec<Column>, Vec<Option<Check>>) =
                    columns.into_iter().unzip();
                // One primary key at most: an explicit one, or one inline PRIMARY KEY.
                let mut has_pk = pk.is_some();
                for c in &mut columns {
                    if c.inline_primary_key {
                        c.inline_primary_key = !has_pk;
                        has_pk = true;
                    }
                }
                let mut indexes: Vec<Index> = pk.into_iter().collect();
                let mut names = HashSet::new();
                for (i, mut index) in secondary.into_iter().enumerate() {
                    if let Some(n) = &mut index.name {
                        while n.eq_ignore_ascii_case("primary") || !names.insert(n.to_lowercase()) {
                            *n = format!("{n}_{i}");
                        }
                    }
                    indexes.push(index);
                }
                // The parser lists column-level CHECKs first (in column order), then table-level ones.
                let checks = column_checks
                    .into_iter()
                    .flatten()
                    .chain(table_checks)
                    .collect();
                Table {
                    name,
                    columns,
                    indexes,
                    foreign_keys,
                    checks,
                    options,
                    partitioning,
                }
            },
        )
        .boxed()
}

/// The first place where two tables differ, for readable failures.
pub(crate) fn first_difference(a: &Table, b: &Table) -> String {
    if a.name != b.name {
        return format!("name: {:?} vs {:?}", a.name, b.name);
    }
    fn list<T: PartialEq + std::fmt::Debug>(what: &str, a: &[T], b: &[T]) -> Option<String> {
        if a.len() != b.len() {
            return Some(format!(
                "{what}: {} vs {} items\n  {a:?}\n  {b:?}",
                a.len(),
                b.len()
            ));
        }
        a.iter()
            .zip(b)
            .position(|(x, y)| x != y)
            .map(|i| format!("{what}[{i}]:\n  {:?}\n  {:?}", a[i], b[i]))
    }
    list("columns", &a.columns, &b.columns)
        .or_else(|| list("indexes", &a.indexes, &b.indexes))
        .or_else(|| list("foreign_keys", &a.foreign_keys, &b.foreign_keys))
        .or_else(|| list("checks", &a.checks, &b.checks))
        .or_else(|| list("options", &a.options, &b.options))
        .unwrap_or_else(|| {
            format!(
                "partitioning:\n  {:?}\n  {:?}",
                a.partitioning, b.partitioning
            )
        })
}

pub(crate) fn reparse(t: &Table) -> Result<(String, Table), TestCaseError> {
    let text = create_table(t);
    match parse_table(&text) {
        Ok(again) => Ok((text, again)),
        Err(e) => Err(TestCaseError::fail(format!(
            "rendered DDL does not parse: {e}\n{text}"
        ))),
    }
}
