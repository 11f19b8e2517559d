//! Columns in canonical form: type, nullability, charset and collation
//! against the table's defaults, and visibility spelled per engine.

use crate::engine::{default_collation, json_has_charset};
use crate::executor::Flavor;
use crate::model::*;

use super::defaults::{normalize_current_timestamp, normalize_default};
use super::options::{canonical_charset, canonical_collation, charset_of_collation};
use super::types::{normalize_type, CHARACTER_TYPES};

pub(super) fn normalize_column(
    col: &mut Column,
    in_pk: bool,
    flavor: Flavor,
    table_cs: Option<&str>,
    table_coll: Option<&str>,
) {
    let implied_charset = normalize_type(&mut col.data_type);
    let type_name = col.data_type.name.clone();
    // Character set and collation.
    // JSON has a character set on MariaDB (an alias of LONGTEXT) only;
    // MySQL and OceanBase reject one in a JSON column definition.
    let is_char = CHARACTER_TYPES.contains(&type_name.as_str())
        && (type_name != "json" || json_has_charset(flavor));
    if is_char {
        let mut cs = col
            .charset
            .as_deref()
            .map(canonical_charset)
            .or(implied_charset);
        let mut coll = col.collation.as_deref().map(canonical_collation);
        if col.data_type.binary_attr {
            // `BINARY` means the binary collation of the column's charset.
            let base = cs.clone().or_else(|| table_cs.map(str::to_string));
            if let Some(base) = base {
                coll = Some(format!("{base}_bin"));
            }
            col.data_type.binary_attr = false;
        }
        if cs.is_none() {
            cs = coll.as_deref().map(charset_of_collation);
        }
        match (&cs, &coll) {
            (None, None) => {
                cs = table_cs.map(str::to_string);
                coll = table_coll.map(str::to_string);
            }
            (Some(c), None) => {
                coll = if Some(c.as_str()) == table_cs && col.charset.is_none() {
                    table_coll.map(str::to_string)
                } else {
                    default_collation(c, flavor)
                };
            }
            _ => {}
        }
        col.charset = cs;
        col.collation = coll;
    } else {
        col.charset = None;
        col.collation = None;
        col.data_type.binary_attr = false;
    }
    // Nullability.
    let nullable = !(in_pk || col.nullable == Some(false));
    col.nullable = if nullable { None } else { Some(false) };
    // Defaults.
    if let Some(d) = col.default.take() {
        col.default = normalize_default(d, &type_name, nullable);
    }
    if let Some(u) = col.on_update.take() {
        col.on_update = Some(normalize_current_timestamp(&u).unwrap_or(u));
    }
    if let Some(g) = &mut col.generated {
        g.always_keyword = true;
        g.storage_written = true;
    }
    if col.comment.as_deref() == Some("") {
        col.comment = None;
    }
}

/// The flavor's own spelling of "invisible" for an index that is (`None`
/// for a visible one): statements rendered from the table use it.
pub(super) fn invisible_keyword(visible: bool, flavor: Flavor) -> Option<String> {
    (!visible).then(|| crate::engine::index_visibility_keyword(flavor, false).to_string())
}

/// Every index of `t` with invisibility spelled the way `flavor` spells it
/// (a table read from one engine, created on another).
pub fn spell_visibility(t: &mut Table, flavor: Flavor) {
    for index in &mut t.indexes {
        index.visibility_keyword = invisible_keyword(index.visible, flavor);
    }
}
