//! Keys in canonical form: inline `PRIMARY KEY` / `UNIQUE` lifted into
//! keys, unnamed keys named as the server names them, index and
//! foreign-key spellings that mean the same made one.

use crate::engine::keeps_column_checks;
use crate::executor::Flavor;
use crate::model::*;

use super::columns::invisible_keyword;

/// Inline `PRIMARY KEY` / `UNIQUE` become keys; column-level CHECKs become
/// table-level ones except on MariaDB, which keeps them part of the column.
pub(super) fn lift_inline_keys(t: &mut Table, flavor: Flavor) {
    let mut new_indexes = Vec::new();
    for col in &mut t.columns {
        let part = IndexPart {
            target: IndexTarget::Column(col.name.clone()),
            prefix: None,
            descending: false,
            asc_written: false,
        };
        if col.inline_primary_key {
            col.inline_primary_key = false;
            new_indexes.push(bare_index(None, IndexKind::Primary, part.clone()));
        }
        if col.inline_unique {
            col.inline_unique = false;
            new_indexes.push(bare_index(None, IndexKind::Unique, part));
        }
    }
    // Servers list the primary key first.
    let (pk, other): (Vec<_>, Vec<_>) = new_indexes
        .into_iter()
        .partition(|i| i.kind == IndexKind::Primary);
    let mut indexes = pk;
    indexes.append(&mut t.indexes);
    indexes.extend(other);
    t.indexes = indexes;
    if !keeps_column_checks(flavor) {
        for check in &mut t.checks {
            check.column = None;
        }
    }
}

fn bare_index(name: Option<String>, kind: IndexKind, part: IndexPart) -> Index {
    Index {
        name,
        kind,
        parts: vec![part],
        using: None,
        using_before_parts: false,
        comment: None,
        visible: true,
        visibility_keyword: None,
        parser: None,
        key_block_size: None,
        vendor_options: Vec::new(),
        constraint_name: None,
    }
}

pub(super) fn normalize_indexes(t: &mut Table, flavor: Flavor) {
    let mut used_names: Vec<String> = t
        .indexes
        .iter()
        .filter_map(|i| i.name.as_ref().map(|n| n.to_lowercase()))
        .collect();
    for index in &mut t.indexes {
        if index.kind == IndexKind::Primary {
            index.name = None;
            index.constraint_name = None;
        } else if index.name.is_none() {
            // Servers name an unnamed key after its first column, then _2, _3, …
            let base = match index.parts.first().map(|p| &p.target) {
                Some(IndexTarget::Column(c)) => c.clone(),
                _ => "functional_index".to_string(),
            };
            let mut name = base.clone();
            let mut n = 2;
            while used_names.contains(&name.to_lowercase()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            used_names.push(name.to_lowercase());
            index.name = Some(name);
        }
        index.constraint_name = None;
        let default_using = match index.kind {
            IndexKind::Spatial => "RTREE",
            IndexKind::Fulltext => "",
            _ => "BTREE",
        };
        if index
            .using
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(default_using))
            || index.kind == IndexKind::Fulltext
        {
            index.using = None;
        }
        index.using_before_parts = false;
        index.visibility_keyword = invisible_keyword(index.visible, flavor);
        if index.comment.as_deref() == Some("") {
            index.comment = None;
        }
        for part in &mut index.parts {
            part.asc_written = false;
        }
    }
}

pub(super) fn normalize_foreign_key(fk: &mut ForeignKey, schema: Option<&str>) {
    let is_default = |a: Option<FkAction>| {
        matches!(
            a,
            None | Some(FkAction::Restrict) | Some(FkAction::NoAction)
        )
    };
    if is_default(fk.on_delete) {
        fk.on_delete = None;
    }
    if is_default(fk.on_update) {
        fk.on_update = None;
    }
    fk.update_first = false;
    fk.index_name = None;
    fk.unqualify_own_schema(schema);
}
