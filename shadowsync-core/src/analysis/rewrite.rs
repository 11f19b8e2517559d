//! Shadow-specific rewriting: the desired shadow table derived from its source.
//!
//! Each rule is a [`ShadowPolicy`] switch with the default a load-testing
//! user wants:
//! - foreign keys of a shadow point at the parent's shadow when the parent is
//!   in the selection or already has a shadow; otherwise they keep the source
//!   reference and a warning says so (test traffic would then touch the
//!   production parent);
//! - FK and CHECK names get the naming rule applied, shortened
//!   deterministically to the identifier limit (they are unique per schema);
//! - the source's `AUTO_INCREMENT` counter is not copied (option to copy);
//! - the table comment carries [`SHADOW_MARKER`] after the source's own
//!   comment: the proof, read back from the server by any host, that the
//!   table is a shadow shadowsync made (or was told to adopt), so a
//!   production table that merely matches the naming rule is never altered;
//! - partitions, vendor table options and index options are kept as they are.

use serde::{Deserialize, Serialize};

use super::naming::NamingRule;
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

/// Why `source` cannot be shadowed with a marked comment, if it cannot.
pub fn marker_problem(source: &Table) -> Option<String> {
    let len = marked_comment(&comment_of(source)).chars().count();
    (len > MAX_TABLE_COMMENT).then(|| {
        format!(
            "refused: the table comment of `{}` leaves no room for the shadow marker \
             ({len} characters with it, over {MAX_TABLE_COMMENT})",
            source.name
        )
    })
}

/// Sets the table comment of `t` to its marked form.
fn mark(t: &mut Table) {
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

/// Switches for the shadow rewriting rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShadowPolicy {
    /// Point foreign keys at the parent's shadow where there is one (default true).
    pub redirect_foreign_keys: bool,
    /// Copy the source's `AUTO_INCREMENT` counter into a created shadow (default false).
    pub copy_auto_increment: bool,
    /// Rebuild a shadow whose change the engine cannot make in place
    /// (create the new one under a temporary name, copy the rows, swap):
    /// see [`super::rebuild`] (default false: such a table is refused).
    #[serde(default)]
    pub rebuild: bool,
}

impl Default for ShadowPolicy {
    fn default() -> Self {
        ShadowPolicy {
            redirect_foreign_keys: true,
            copy_auto_increment: false,
            rebuild: false,
        }
    }
}

/// The desired shadow of `source`, and warnings about what could not follow
/// the rules. `has_shadow(parent)` says whether a parent table is in the
/// selection or already has a shadow.
pub fn shadow_table(
    source: &Table,
    rule: &NamingRule,
    policy: &ShadowPolicy,
    max_identifier_length: usize,
    has_shadow: &dyn Fn(&str) -> bool,
) -> (Table, Vec<String>) {
    let mut t = source.clone();
    let mut warnings = Vec::new();
    t.name = rule.shadow_name(&source.name);
    for fk in &mut t.foreign_keys {
        if let Some(name) = &fk.name {
            fk.name = Some(rule.constraint_name(name, max_identifier_length));
        }
        let own_schema = fk.ref_schema.is_none();
        if policy.redirect_foreign_keys && own_schema && has_shadow(&fk.ref_table) {
            fk.ref_table = rule.shadow_name(&fk.ref_table);
        } else {
            let target = match &fk.ref_schema {
                Some(s) => format!("{s}.{}", fk.ref_table),
                None => fk.ref_table.clone(),
            };
            warnings.push(format!(
                "foreign key {} of `{}` keeps referencing the source table `{target}`: it has no shadow in this sync",
                fk.name.as_deref().map(|n| format!("`{n}`")).unwrap_or_default(),
                t.name
            ));
        }
    }
    for check in &mut t.checks {
        if let Some(name) = &check.name {
            check.name = Some(rule.constraint_name(name, max_identifier_length));
        }
    }
    if !policy.copy_auto_increment {
        t.options.retain(|o| o.key != "AUTO_INCREMENT");
    }
    mark(&mut t);
    (t, warnings)
}
