//! The analysis side of task precheck and verify.

use super::{
    analyze_each_alone, analyze_snapshot, read_snapshot, Action, AnalysisRequest, Selection,
    TableAnalysis,
};
use crate::error::{Error, Result};
use crate::executor::{on_source, Executor};
use crate::fingerprint::fingerprint;
use crate::parse::parse_table;
use crate::plan::{FrozenPlan, PlannedTable, SkipReason};
use crate::shadow::NamingRule;
use crate::statement::{AlterClause, StatementKind};
use crate::task::{InspectorSource, SchemaInspector, Task};

/// Re-reads one table pair live and analyses it as the original analysis did.
#[derive(Debug, Clone)]
pub struct ShadowInspector {
    request: AnalysisRequest,
}

impl ShadowInspector {
    /// An inspector using the rule and policy of `request`.
    pub fn new(request: AnalysisRequest) -> Self {
        ShadowInspector { request }
    }

    /// The inspector for a task's plan: its naming rule and shadow policy.
    pub fn for_plan(plan: &FrozenPlan) -> Result<Self> {
        Ok(ShadowInspector::new(AnalysisRequest {
            rule: NamingRule::parse(&plan.naming_rule)?,
            // Narrowed to one table per call.
            selection: Selection::All,
            skip: Vec::new(),
            policy: plan.policy.clone(),
            // The inspector only compares: the shadows the approved plan
            // names are the task's own, marked yet or not (an adopted
            // shadow gets its marker from the plan's own statements).
            adopt: plan.tables.iter().map(|t| t.source.clone()).collect(),
        }))
    }

    fn one_table(&self, source: &str) -> AnalysisRequest {
        AnalysisRequest {
            selection: Selection::Tables(vec![source.to_string()]),
            skip: Vec::new(),
            ..self.request.clone()
        }
    }
}

/// Fingerprints of a table's `[source, shadow]` texts (`None`: missing).
fn pair_fingerprints(
    table: &PlannedTable,
    texts: &[Option<String>],
) -> Result<(String, Option<String>)> {
    let source = texts
        .first()
        .cloned()
        .flatten()
        .ok_or_else(|| Error::NotFound(format!("source table `{}`", table.source)))?;
    let shadow = texts.get(1).cloned().flatten();
    Ok((fingerprint(&source), shadow.as_deref().map(fingerprint)))
}

/// The texts of each table's source and shadow, as `[source, shadow]`
/// pairs in table order: one batch per database (sources from the source
/// side in database mode), so that the executor can batch each.
fn pair_texts(exec: &mut dyn Executor, tables: &[PlannedTable]) -> Result<Vec<Option<String>>> {
    if exec.source_side().is_none() {
        // Beside their sources: one batch of both.
        let both: Vec<String> = tables
            .iter()
            .flat_map(|t| [t.source.clone(), t.shadow.clone()])
            .collect();
        return exec.show_create_tables(&both);
    }
    let sources: Vec<String> = tables.iter().map(|t| t.source.clone()).collect();
    let shadows: Vec<String> = tables.iter().map(|t| t.shadow.clone()).collect();
    let source_texts = on_source(exec, |source| source.show_create_tables(&sources))?;
    let shadow_texts = exec.show_create_tables(&shadows)?;
    Ok(source_texts
        .into_iter()
        .zip(shadow_texts)
        .flat_map(|(a, b)| [a, b])
        .collect())
}

impl SchemaInspector for ShadowInspector {
    fn fingerprints(
        &mut self,
        exec: &mut dyn Executor,
        table: &PlannedTable,
    ) -> Result<(String, Option<String>)> {
        let texts = pair_texts(exec, std::slice::from_ref(table))?;
        pair_fingerprints(table, &texts)
    }

    fn remaining_changes(
        &mut self,
        exec: &mut dyn Executor,
        table: &PlannedTable,
    ) -> Result<Vec<String>> {
        let req = self.one_table(&table.source);
        let snapshot = read_snapshot(exec, &req)?;
        remaining_of(analyze_snapshot(&snapshot, &req).tables, table)
    }

    /// Read off the schema, by what the plan says `statement` does
    /// ([`PlannedTable::kind_of`]): a table created (a shadow, or a
    /// rebuild's new table) took effect when it exists; a foreign key added
    /// alone (how a foreign-key cycle is split across tables) when the table
    /// has a key of that name; a rebuild's rename away or drop when the
    /// table is gone; a rebuild's row copy by counting rows. A plan only
    /// creates absent tables and adds absent constraints, and a statement
    /// applies whole, so each answer is exact. Other statements, and plans
    /// stored before statements were tagged, are not read off (`None`).
    fn took_effect(
        &mut self,
        exec: &mut dyn Executor,
        table: &PlannedTable,
        statement: &str,
    ) -> Result<Option<bool>> {
        let Some(effect) = table.kind_of(statement).and_then(Effect::of) else {
            return Ok(None);
        };
        let text = match &effect {
            Effect::Copies { into, from } => return copy_took_effect(exec, into, from).map(Some),
            _ => exec
                .show_create_tables(&[effect.table().to_string()])?
                .into_iter()
                .next()
                .flatten(),
        };
        Ok(match (effect, text) {
            (Effect::Creates(_), text) => Some(text.is_some()),
            // The table renamed away, or dropped, is gone.
            (Effect::RenamesAway(_) | Effect::Drops(_), text) => Some(text.is_none()),
            // Answered above, before reading the table.
            (Effect::Copies { .. }, _) => None,
            (Effect::AddsForeignKeys { .. }, None) => Some(false),
            (Effect::AddsForeignKeys { constraints, .. }, Some(text)) => {
                let table = parse_table(&text)?;
                let has = |name: &String| {
                    table.foreign_keys.iter().any(|fk| {
                        fk.name
                            .as_deref()
                            .is_some_and(|n| n.eq_ignore_ascii_case(name))
                    })
                };
                let present = constraints.iter().filter(|c| has(c)).count();
                // All or none, as the statement applies whole; anything
                // else is not this statement's doing and is not guessed at.
                if present == constraints.len() {
                    Some(true)
                } else if present == 0 {
                    Some(false)
                } else {
                    None
                }
            }
        })
    }

    /// One read of every source and shadow, so that the executor can batch it.
    fn fingerprints_of_all(
        &mut self,
        exec: &mut dyn Executor,
        tables: &[PlannedTable],
    ) -> Vec<Result<(String, Option<String>)>> {
        match pair_texts(exec, tables) {
            Ok(texts) => tables
                .iter()
                .zip(texts.chunks(2))
                .map(|(table, pair)| pair_fingerprints(table, pair))
                .collect(),
            Err(e) => tables.iter().map(|_| Err(e.clone())).collect(),
        }
    }

    /// One snapshot of every table, then each table analysed alone on it,
    /// exactly as [`SchemaInspector::remaining_changes`] would (sharing the
    /// snapshot's indexes, so linear in the tables).
    fn remaining_changes_of_all(
        &mut self,
        exec: &mut dyn Executor,
        tables: &[PlannedTable],
    ) -> Vec<Result<Vec<String>>> {
        let all = AnalysisRequest {
            selection: Selection::Tables(tables.iter().map(|t| t.source.clone()).collect()),
            skip: Vec::new(),
            ..self.request.clone()
        };
        match read_snapshot(exec, &all) {
            Ok(snapshot) => {
                let sources: Vec<String> = tables.iter().map(|t| t.source.clone()).collect();
                analyze_each_alone(&snapshot, &self.request, &sources)
                    .into_iter()
                    .zip(tables)
                    .map(|(entries, table)| remaining_of(entries, table))
                    .collect()
            }
            Err(e) => tables.iter().map(|_| Err(e.clone())).collect(),
        }
    }
}

/// Whether a rebuild's row copy from `from` into `into` took effect: the
/// copy is one transaction, so `into` holds every row or none. An empty
/// `from` had nothing to copy (either answer is then exact).
fn copy_took_effect(exec: &mut dyn Executor, into: &str, from: &str) -> Result<bool> {
    let count = |exec: &mut dyn Executor, table: &str| {
        exec.row_count(table)?.ok_or_else(|| {
            Error::Executor(format!(
                "cannot tell whether the row copy into `{into}` took effect: this executor \
                 cannot count rows; compare `{into}` with `{from}` and finish the rebuild by hand"
            ))
        })
    };
    let copied = count(exec, into)?;
    Ok(copied > 0 || count(exec, from)? == 0)
}

/// What a planned statement visibly does, for the statements
/// [`ShadowInspector`] settles by looking.
#[derive(Debug, PartialEq, Eq)]
enum Effect<'a> {
    /// A table created: a shadow, or a rebuild's new table.
    Creates(&'a str),
    /// Named foreign keys added to a table, and nothing else.
    AddsForeignKeys {
        table: &'a str,
        constraints: Vec<&'a String>,
    },
    /// A rebuild's rename: the table is gone after.
    RenamesAway(&'a str),
    /// A table dropped (a rebuild's old shadow).
    Drops(&'a str),
    /// A rebuild's row copy.
    Copies { into: &'a str, from: &'a str },
}

impl<'a> Effect<'a> {
    /// The effect of a statement of `kind`, when it is one that shows.
    fn of(kind: &'a StatementKind) -> Option<Effect<'a>> {
        Some(match kind {
            StatementKind::CreateTable { table }
            | StatementKind::CreateRebuildTable { table, .. } => Effect::Creates(table),
            StatementKind::RenameSwap { from, .. } => Effect::RenamesAway(from),
            StatementKind::DropTable { table } | StatementKind::DropOldTable { table } => {
                Effect::Drops(table)
            }
            StatementKind::CopyRows { into, from } => Effect::Copies { into, from },
            StatementKind::AlterTable { table, clauses } => {
                let constraints = clauses
                    .iter()
                    .map(|clause| match clause {
                        AlterClause::AddForeignKey {
                            constraint: Some(name),
                        } => Some(name),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                if constraints.is_empty() {
                    return None;
                }
                Effect::AddsForeignKeys { table, constraints }
            }
        })
    }

    /// The table the statement changes.
    fn table(&self) -> &'a str {
        match self {
            Effect::Creates(table)
            | Effect::AddsForeignKeys { table, .. }
            | Effect::RenamesAway(table)
            | Effect::Drops(table)
            | Effect::Copies { into: table, .. } => table,
        }
    }
}

/// What `table` still needs according to `entries`, the analysis of that
/// table alone.
fn remaining_of(entries: Vec<TableAnalysis>, table: &PlannedTable) -> Result<Vec<String>> {
    let entry = entries
        .into_iter()
        .find(|t| t.source.eq_ignore_ascii_case(&table.source))
        .ok_or_else(|| Error::NotFound(format!("table `{}`", table.source)))?;
    match (entry.planned, entry.reason) {
        (Action::Skip, Some(SkipReason::Identical)) => Ok(Vec::new()),
        (Action::Skip, reason) => Err(Error::Refused {
            table: table.source.clone(),
            reason: reason.map_or_else(|| "skipped".to_string(), |r| r.to_string()),
        }),
        _ => Ok(entry.statements),
    }
}

/// The [`InspectorSource`] for [`crate::task::TaskCenter::run_due`] that gives
/// every task the inspector of its own plan (naming rule and shadow policy).
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanInspectors;

impl InspectorSource for PlanInspectors {
    fn inspector(&mut self, task: &Task) -> Result<Box<dyn SchemaInspector>> {
        Ok(Box::new(ShadowInspector::for_plan(&task.spec.plan)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_are_read_off_the_statement_kinds() {
        let create = StatementKind::CreateTable {
            table: "__t`x".into(),
        };
        assert_eq!(Effect::of(&create), Some(Effect::Creates("__t`x")));
        let fk = |name: Option<&str>| AlterClause::AddForeignKey {
            constraint: name.map(String::from),
        };
        let adds = StatementKind::AlterTable {
            table: "__dept".into(),
            clauses: vec![fk(Some("__fk")), fk(Some("__fk2"))],
        };
        let (fk1, fk2) = ("__fk".to_string(), "__fk2".to_string());
        assert_eq!(
            Effect::of(&adds),
            Some(Effect::AddsForeignKeys {
                table: "__dept",
                constraints: vec![&fk1, &fk2],
            })
        );
        let copy = StatementKind::CopyRows {
            into: "__t__ssnew".into(),
            from: "__t".into(),
        };
        assert_eq!(
            Effect::of(&copy),
            Some(Effect::Copies {
                into: "__t__ssnew",
                from: "__t"
            })
        );
        let swap = StatementKind::RenameSwap {
            from: "__t".into(),
            to: "__t__ssold".into(),
        };
        assert_eq!(Effect::of(&swap), Some(Effect::RenamesAway("__t")));
        for other in [
            StatementKind::alter(
                "__t",
                AlterClause::AddColumn {
                    column: "b".into(),
                    at_end: true,
                },
            ),
            StatementKind::alter(
                "__t",
                AlterClause::DropForeignKey {
                    constraint: "__fk".into(),
                },
            ),
            // An unnamed key cannot be looked for, nor a key added together
            // with other clauses.
            StatementKind::alter("__t", fk(None)),
            StatementKind::AlterTable {
                table: "__t".into(),
                clauses: vec![
                    AlterClause::DropIndex { index: "k".into() },
                    AlterClause::AddIndex {
                        index: Some("k".into()),
                        plain: true,
                    },
                    fk(Some("__fk")),
                ],
            },
        ] {
            assert_eq!(Effect::of(&other), None, "{other:?}");
        }
    }
}
