//! Indexes: dropped, added, renamed or switched in visibility, and
//! re-created around column changes that need it.

use std::collections::HashMap;

use crate::engine;
use crate::executor::Flavor;
use crate::model::*;
use crate::render::{self, quote_ident};
use crate::statement::AlterClause;

use super::alter::{Clause, TableAlter};
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
                alter.index_drops.push(drop_index(i));
                rebuilt.push(k);
            } else {
                alter.index_adds.push(Clause::new(
                    format!("RENAME INDEX {} TO {}", quote_ident(old), quote_ident(new)),
                    AlterClause::RenameIndex {
                        from: old.to_string(),
                        to: new.to_string(),
                    },
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
            alter.index_drops.push(drop_index(i));
        }
    }
    for i in &b.indexes {
        let k = index_key(i);
        let exists = from.get(&k).is_some_and(|f| indexes_equal(f, i));
        if (exists && !rebuilt.contains(&k)) || switched.contains(&k) {
            continue;
        }
        if i.visible || engine::honours_invisible_index_add(alter.flavor) {
            alter.index_adds.push(add_index(i));
        } else {
            // Created visible, then hidden: the engine ignores INVISIBLE in ADD.
            let shown = Index {
                visible: true,
                visibility_keyword: None,
                ..i.clone()
            };
            alter.index_adds.push(add_index(&shown));
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
fn alter_index_visibility(index: &Index, flavor: Flavor) -> Clause {
    let name = index.name.clone().unwrap_or_default();
    Clause::new(
        format!(
            "ALTER INDEX {} {}",
            quote_ident(&name),
            engine::index_visibility_keyword(flavor, index.visible)
        ),
        AlterClause::AlterIndexVisibility {
            index: name,
            visible: index.visible,
        },
    )
}

/// `ADD <index>` (a primary key included).
pub(super) fn add_index(index: &Index) -> Clause {
    let kind = match index.kind {
        IndexKind::Primary => AlterClause::AddPrimaryKey,
        _ => AlterClause::AddIndex {
            index: index.name.clone(),
            plain: index.kind == IndexKind::Plain,
        },
    };
    Clause::new(format!("ADD {}", render::index_definition(index)), kind)
}

/// `DROP PRIMARY KEY` or `DROP INDEX <name>`.
pub(super) fn drop_index(index: &Index) -> Clause {
    match index.kind {
        IndexKind::Primary => Clause::new("DROP PRIMARY KEY", AlterClause::DropPrimaryKey),
        _ => {
            let name = index.name.clone().unwrap_or_default();
            Clause::new(
                format!("DROP INDEX {}", quote_ident(&name)),
                AlterClause::DropIndex { index: name },
            )
        }
    }
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
        alter.index_drops.push(drop_index(index));
        alter.index_adds.push(add_index(index));
    }
}
