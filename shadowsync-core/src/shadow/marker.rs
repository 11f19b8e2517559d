//! The shadow marker: what a shadow's table comment ends with, the proof,
//! read back from the server by any host, that shadowsync made the table
//! (or was told to adopt it) as a shadow, so a production table that merely
//! matches the naming rule is never altered.

use crate::model::{OptionValue, Table, TableOption};

/// What every shadow's table comment ends with (after the source's own
/// comment and a space, if it has one).
pub const SHADOW_MARKER: &str = "[shadowsync:shadow]";

/// Longest table comment MySQL and MariaDB keep (OceanBase keeps more):
/// a source comment that leaves no room for the marker cannot be shadowed.
pub const MAX_TABLE_COMMENT: usize = 2048;

/// The table comment of `table` ("" when it has none).
fn comment_of(table: &Table) -> String {
    table
        .options
        .iter()
        .find(|o| o.key == "COMMENT")
        .map(|o| o.value.text())
        .unwrap_or_default()
}

/// Whether `table` carries the shadow marker: shadowsync created it, or was
/// told to adopt it, as a shadow.
pub fn is_marked_shadow(table: &Table) -> bool {
    let comment = comment_of(table);
    comment == SHADOW_MARKER || comment.ends_with(&format!(" {SHADOW_MARKER}"))
}

/// The shadow comment for a source comment.
fn marked_comment(source_comment: &str) -> String {
    if source_comment.is_empty() {
        SHADOW_MARKER.to_string()
    } else {
        format!("{source_comment} {SHADOW_MARKER}")
    }
}

/// How many characters the marked comment of `source` has, when that is
/// over [`MAX_TABLE_COMMENT`] (then `source` cannot be shadowed).
pub fn marked_comment_overflow(source: &Table) -> Option<usize> {
    let len = marked_comment(&comment_of(source)).chars().count();
    (len > MAX_TABLE_COMMENT).then_some(len)
}

/// Sets the table comment of `t` to its marked form.
pub fn mark(t: &mut Table) {
    let comment = marked_comment(&comment_of(t));
    match t.options.iter_mut().find(|o| o.key == "COMMENT") {
        Some(option) => option.value = OptionValue::String(comment),
        None => t.options.push(TableOption {
            key: "COMMENT".into(),
            value: OptionValue::String(comment),
            spelling: "COMMENT".into(),
            equals: true,
        }),
    }
}
