//! Indexes: dropped, added, renamed or switched in visibility, and
//! re-created around column changes that need it.

use std::collections::HashMap;

use crate::engine;
use crate::executor::Flavor;
use crate::model::*;
use crate::render::{self, quote_ident};

use super::alter::TableAlter;
use super::columns::{canonical, ChangedColumns};

pub(super) fn index_key(i: &Index) -> String {
    match (&i.kind, &i.name) {
        (IndexKind::Primary, _) => "PRIMARY".to_string(),
        (_, Some(n)) => n.to_lowercase(),
        (_, None) => String::new(),
    }
}

pub(super) fn diff_indexes(a: &Table, b: &Table, alter: &mut TableAlter) {
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
pub(super) fn only_visibility_differs(a: &Index, b: &Index) -> bool {
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
pub(super) fn alter_index_visibility(index: &Index, flavor: Flavor) -> String {
    format!(
        "ALTER INDEX {} {}",
        quote_ident(index.name.as_deref().unwrap_or_default()),
        engine::index_visibility_keyword(flavor, index.visible)
    )
}

pub(super) fn indexes_equal(a: &Index, b: &Index) -> bool {
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

/// Kept indexes over changed columns, dropped before the column phase and
/// added after it: an index over a column that is dropped and added again
/// goes with the drop (and nothing else would add it back); OceanBase
/// refuses to modify a column under a prefix or FULLTEXT index
/// ("Alter column that the prefix index column depends on not supported").
pub(super) fn recreate_indexes_over_changed_columns(
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
