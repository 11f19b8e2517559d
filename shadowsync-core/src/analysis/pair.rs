//! The analysis of one source and its shadow: refused, identical, created,
//! altered or rebuilt, with warnings and the parents it references.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::diff::{diff_tables, DiffOptions};
use crate::executor::{CatalogFacts, ServerInfo};
use crate::model::Table;
use crate::parse::parse_table;
use crate::plan::{SkipReason, TableRef};
use crate::shadow::is_marked_shadow;
use crate::shadow::marker::marked_comment_overflow;
use crate::shadow::naming::rebuild_names;
use crate::statement::PlannedStatement;

use super::rewrite::{shadow_table, Placement};
use super::{exact, rebuild, AnalysisRequest, TableAnalysis};

/// A parsed source or shadow, with foreign keys into its own schema unqualified
/// (OceanBase prints every reference schema-qualified).
fn parse_in_schema(
    ddl: &str,
    info: &ServerInfo,
    facts: Option<&CatalogFacts>,
) -> std::result::Result<Table, SkipReason> {
    let database = info.database.as_str();
    let unreadable = |message: String| SkipReason::Unreadable { message };
    let mut t = parse_table(ddl).map_err(|e| unreadable(e.to_string()))?;
    exact::make_exact(&mut t, ddl, info.flavor, facts).map_err(unreadable)?;
    for fk in &mut t.foreign_keys {
        fk.unqualify_own_schema(Some(database));
    }
    Ok(t)
}

/// What the analysis of one pair adds to its entry beside the action: the
/// warnings, and the tables the desired shadow's foreign keys reference.
type Notes = (Vec<String>, Vec<TableRef>, bool);

pub(super) enum PairOutcome {
    Identical(Notes),
    Alter(Vec<PlannedStatement>, Notes),
    /// Statements that rebuild the shadow ([`rebuild`]).
    Rebuild(Vec<PlannedStatement>, Notes),
    Create(Box<Table>, Notes),
}

/// Every table `desired`'s foreign keys reference, once each.
fn references_of(desired: &Table) -> Vec<TableRef> {
    let refs: BTreeSet<TableRef> = desired
        .foreign_keys
        .iter()
        .map(|fk| TableRef {
            schema: fk.ref_schema.clone(),
            table: fk.ref_table.clone(),
        })
        .collect();
    refs.into_iter().collect()
}

/// Where the source and the shadow of a pair live: the same server and
/// database, or (`mapped`, database mode) each its own.
pub(super) struct Sides<'a> {
    pub(super) source: &'a ServerInfo,
    pub(super) shadow: &'a ServerInfo,
    pub(super) source_facts: &'a HashMap<String, CatalogFacts>,
    pub(super) shadow_facts: &'a HashMap<String, CatalogFacts>,
    pub(super) mapped: bool,
}

/// What [`analyse_pair`] asks about other tables' names.
pub(super) struct NameLookups<'a> {
    /// Whether a parent table has (or will have) a shadow.
    pub(super) has_shadow: &'a dyn Fn(&str) -> bool,
    /// Whether a relation of that name exists in the database.
    pub(super) exists: &'a dyn Fn(&str) -> bool,
}

pub(super) fn analyse_pair(
    entry: &TableAnalysis,
    req: &AnalysisRequest,
    adopt: &HashSet<&str>,
    sides: &Sides<'_>,
    names: &NameLookups<'_>,
    opts: &DiffOptions,
) -> std::result::Result<PairOutcome, SkipReason> {
    let (has_shadow, exists) = (names.has_shadow, names.exists);
    let Some(source_ddl) = &entry.source_ddl else {
        return Err(SkipReason::SourceVanished);
    };
    let info = sides.shadow;
    let source = parse_in_schema(
        source_ddl,
        sides.source,
        sides.source_facts.get(&entry.source),
    )?;
    if let Some(problem) = marker_problem(&source).or_else(|| remote_engine_problem(&source)) {
        return Err(problem);
    }
    let (desired, mut warnings) = shadow_table(
        &source,
        &req.rule,
        &req.policy,
        &Placement {
            max_identifier_length: info.max_identifier_length,
            source_schema: sides.mapped.then_some(sides.source.database.as_str()),
        },
        has_shadow,
    );
    let references = references_of(&desired);
    match &entry.shadow_ddl {
        None => Ok(PairOutcome::Create(
            Box::new(desired),
            (warnings, references, false),
        )),
        Some(shadow_ddl) => {
            let current = parse_in_schema(shadow_ddl, info, sides.shadow_facts.get(&entry.shadow))?;
            let adopted = !is_marked_shadow(&current);
            if adopted && !adopt.contains(source.name.as_str()) {
                return Err(SkipReason::Collision {
                    shadow: current.name.clone(),
                    source: source.name.clone(),
                });
            }
            if !shares_a_column(&current, &desired) {
                return Err(SkipReason::NotItsShadow {
                    shadow: current.name.clone(),
                    source: source.name.clone(),
                });
            }
            if req.policy.rebuild {
                if let Some(cannot) = crate::diff::incapable_change(&current, &desired, opts) {
                    if let Some(problem) = rebuild::rebuild_problem(&current, &desired, info.flavor)
                    {
                        return Err(SkipReason::NotRebuilt {
                            change: cannot.to_string(),
                            problem,
                        });
                    }
                    let names = rebuild_names(&current.name, info.max_identifier_length);
                    for name in [&names.0, &names.1] {
                        if exists(name) {
                            return Err(SkipReason::RebuildLeftover {
                                change: cannot.to_string(),
                                leftover: name.clone(),
                            });
                        }
                    }
                    warnings.push(format!(
                        "rebuilt ({cannot}): `{}` is created anew as `{}`, its rows copied, \
                         swapped in, the old one dropped; writes to it during the copy are lost",
                        current.name, names.0
                    ));
                    let statements = rebuild::rebuild_statements(&current, &desired, &names);
                    return Ok(PairOutcome::Rebuild(
                        statements,
                        (warnings, references, adopted),
                    ));
                }
            }
            let statements =
                diff_tables(&current, &desired, opts).map_err(|e| SkipReason::Undiffable {
                    message: e.to_string(),
                })?;
            if adopted {
                warnings.push(format!(
                    "adopting `{}` as the shadow of `{}` (it had no shadowsync marker): \
                     it is altered to match and marked",
                    current.name, source.name
                ));
                for statement in statements.iter().filter(|s| s.kind.is_destructive()) {
                    warnings.push(format!(
                        "destructive on adopted shadow `{}`: {statement}",
                        current.name
                    ));
                }
            }
            if statements.is_empty() {
                Ok(PairOutcome::Identical((warnings, references, adopted)))
            } else {
                Ok(PairOutcome::Alter(
                    statements,
                    (warnings, references, adopted),
                ))
            }
        }
    }
}

/// Why `source` cannot be shadowed with a marked comment, if it cannot.
fn marker_problem(source: &Table) -> Option<SkipReason> {
    marked_comment_overflow(source).map(|length| SkipReason::NoRoomForMarker {
        source: source.name.clone(),
        length,
    })
}

/// Storage engines whose table is a window on other tables (another
/// server's, another schema's, a file): a shadow copying the source's
/// options would read and write production data itself.
const REMOTE_ENGINES: [&str; 6] = [
    "FEDERATED",
    "FEDERATEDX",
    "CONNECT",
    "SPIDER",
    "MRG_MYISAM",
    "MERGE",
];

/// Why `source` cannot have a shadow because of what its engine reaches.
fn remote_engine_problem(source: &Table) -> Option<SkipReason> {
    let engine = source
        .options
        .iter()
        .find(|o| o.key == "ENGINE")
        .map(|o| o.value.text().to_ascii_uppercase());
    let points_elsewhere = engine
        .as_deref()
        .is_some_and(|e| REMOTE_ENGINES.contains(&e))
        || source
            .options
            .iter()
            .any(|o| o.key == "CONNECTION" || o.key == "UNION");
    points_elsewhere.then(|| SkipReason::RemoteEngine {
        source: source.name.clone(),
        engine: engine.unwrap_or_else(|| "options".into()),
    })
}

fn shares_a_column(a: &Table, b: &Table) -> bool {
    a.columns.iter().any(|c| b.column(&c.name).is_some())
}
