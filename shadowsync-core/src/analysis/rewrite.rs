//! Shadow-specific rewriting: the desired shadow table derived from its source.
//!
//! Each rule is a [`ShadowPolicy`] switch with the default a load-testing
//! user wants:
//! - foreign keys of a shadow point at the parent's shadow when the parent is
//!   in the selection or already has a shadow; otherwise they keep the source
//!   reference and a warning says so (test traffic would then touch the
//!   production parent). A shadow in another database (database mode) keeps
//!   it schema-qualified, so that it still names the production parent;
//! - FK and CHECK names get the naming rule applied, shortened
//!   deterministically to the identifier limit (they are unique per schema);
//! - the source's `AUTO_INCREMENT` counter is not copied (option to copy);
//! - the table comment carries the shadow marker
//!   ([`crate::shadow::marker`]) after the source's own comment;
//! - partitions, vendor table options and index options are kept as they are.

use crate::model::Table;
use crate::shadow::marker::mark;
use crate::shadow::{NamingRule, ShadowPolicy};

/// Where a shadow is made: its server's identifier limit, and in database
/// mode the sources' schema (`None`: the shadow lives beside its source).
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    /// Longest identifier the shadow's server accepts.
    pub max_identifier_length: usize,
    /// The sources' schema when the shadow lives in another one.
    pub source_schema: Option<&'a str>,
}

impl Placement<'_> {
    /// A shadow beside its source, on a server accepting identifiers of
    /// `max_identifier_length` characters.
    pub fn beside(max_identifier_length: usize) -> Self {
        Placement {
            max_identifier_length,
            source_schema: None,
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
    placement: &Placement<'_>,
    has_shadow: &dyn Fn(&str) -> bool,
) -> (Table, Vec<String>) {
    let max_identifier_length = placement.max_identifier_length;
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
            if own_schema {
                fk.ref_schema = placement.source_schema.map(str::to_string);
            }
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
