//! The analysis side of task precheck and verify.

use super::{
    analyze_each_alone, analyze_snapshot, read_snapshot, Action, AnalysisRequest, Selection,
    TableAnalysis,
};
use crate::error::{Error, Result};
use crate::executor::Executor;
use crate::fingerprint::fingerprint;
use crate::lex::{tokenize, TokenKind};
use crate::parse::parse_table;
use crate::plan::{FrozenPlan, PlannedTable};
use crate::shadow::NamingRule;
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

impl SchemaInspector for ShadowInspector {
    fn fingerprints(
        &mut self,
        exec: &mut dyn Executor,
        table: &PlannedTable,
    ) -> Result<(String, Option<String>)> {
        let texts = exec.show_create_tables(&[table.source.clone(), table.shadow.clone()])?;
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

    /// Read off the schema for the two statements a foreign-key cycle splits
    /// across tables: `CREATE TABLE t` took effect when `t` exists, and
    /// `ALTER TABLE t ADD CONSTRAINT c FOREIGN KEY …` when `t` has a foreign
    /// key `c`. A plan only creates absent tables and adds absent constraints,
    /// and a statement applies whole, so either answer is exact.
    fn took_effect(
        &mut self,
        exec: &mut dyn Executor,
        _table: &PlannedTable,
        statement: &str,
    ) -> Result<Option<bool>> {
        let Some(effect) = Effect::of(statement) else {
            return Ok(None);
        };
        let text = match &effect {
            Effect::Copies { into, from } => return copy_took_effect(exec, into, from).map(Some),
            _ => exec
                .show_create_tables(std::slice::from_ref(effect.table()))?
                .into_iter()
                .next()
                .flatten(),
        };
        Ok(Some(match (effect, text) {
            (Effect::Creates(_), text) => text.is_some(),
            // The table renamed away, or dropped, is gone.
            (Effect::RenamesAway(_) | Effect::Drops(_), text) => text.is_none(),
            // Answered above, before reading the table.
            (Effect::Copies { .. }, _) => false,
            (Effect::AddsForeignKey { .. }, None) => false,
            (Effect::AddsForeignKey { constraint, .. }, Some(text)) => {
                let table = parse_table(&text)?;
                table.foreign_keys.iter().any(|fk| {
                    fk.name
                        .as_deref()
                        .is_some_and(|name| name.eq_ignore_ascii_case(&constraint))
                })
            }
        }))
    }

    /// One read of every source and shadow, so that the executor can batch it.
    fn fingerprints_of_all(
        &mut self,
        exec: &mut dyn Executor,
        tables: &[PlannedTable],
    ) -> Vec<Result<(String, Option<String>)>> {
        let names: Vec<String> = tables
            .iter()
            .flat_map(|t| [t.source.clone(), t.shadow.clone()])
            .collect();
        match exec.show_create_tables(&names) {
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
enum Effect {
    /// `CREATE TABLE t …`.
    Creates(String),
    /// `ALTER TABLE t ADD CONSTRAINT c FOREIGN KEY …`.
    AddsForeignKey { table: String, constraint: String },
    /// `ALTER TABLE t RENAME TO u` (a rebuild's swap): `t` is gone after.
    RenamesAway(String),
    /// `DROP TABLE t` (a rebuild's old shadow).
    Drops(String),
    /// `INSERT INTO into (…) SELECT … FROM from` (a rebuild's row copy).
    Copies { into: String, from: String },
}

impl Effect {
    /// The effect of `statement`, when it is one of those forms (as the
    /// diff renders them: quoted names, one clause).
    fn of(statement: &str) -> Option<Effect> {
        let tokens = tokenize(statement).ok()?;
        let name = |i: usize| {
            tokens
                .get(i)
                .filter(|t| t.kind == TokenKind::QuotedIdent)
                .map(|t| t.text.clone())
        };
        let kw = |i: usize, word: &str| tokens.get(i).is_some_and(|t| t.is_kw(word));
        if kw(0, "CREATE") && kw(1, "TABLE") && tokens.get(3).is_some_and(|t| t.is_punct("(")) {
            return name(2).map(Effect::Creates);
        }
        if kw(0, "ALTER") && kw(1, "TABLE") && kw(3, "RENAME") && kw(4, "TO") && tokens.len() == 6 {
            return name(2).map(Effect::RenamesAway);
        }
        if kw(0, "DROP") && kw(1, "TABLE") && tokens.len() == 3 {
            return name(2).map(Effect::Drops);
        }
        if kw(0, "INSERT") && kw(1, "INTO") {
            let from = tokens.iter().rposition(|t| t.is_kw("FROM"))?;
            return Some(Effect::Copies {
                into: name(2)?,
                from: name(from + 1)?,
            });
        }
        let adds_fk = kw(0, "ALTER")
            && kw(1, "TABLE")
            && kw(3, "ADD")
            && kw(4, "CONSTRAINT")
            && kw(6, "FOREIGN")
            && kw(7, "KEY");
        if adds_fk {
            return Some(Effect::AddsForeignKey {
                table: name(2)?,
                constraint: name(5)?,
            });
        }
        None
    }

    /// The table the statement changes.
    fn table(&self) -> &String {
        match self {
            Effect::Creates(table)
            | Effect::AddsForeignKey { table, .. }
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
    match (entry.planned, entry.reason.as_deref()) {
        (Action::Skip, Some("identical")) => Ok(Vec::new()),
        (Action::Skip, reason) => Err(Error::Refused {
            table: table.source.clone(),
            reason: reason.unwrap_or("skipped").to_string(),
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
    fn effects_are_read_off_the_rendered_statements() {
        assert_eq!(
            Effect::of("CREATE TABLE `__t``x` (\n  `id` int NOT NULL\n)"),
            Some(Effect::Creates("__t`x".into()))
        );
        assert_eq!(
            Effect::of(
                "ALTER TABLE `__dept` ADD CONSTRAINT `__fk` FOREIGN KEY (`m`) REFERENCES `__emp` (`id`)"
            ),
            Some(Effect::AddsForeignKey {
                table: "__dept".into(),
                constraint: "__fk".into()
            })
        );
        for other in [
            "ALTER TABLE `__t` ADD COLUMN `b` int",
            "ALTER TABLE `__t` DROP FOREIGN KEY `__fk`",
            "ALTER TABLE `__t` ADD CONSTRAINT `c` CHECK (a > 0)",
            "CREATE TABLE t (a int)",
            "CREATE TABLE `t` LIKE `u`",
            "not sql at all '",
        ] {
            assert_eq!(Effect::of(other), None, "{other}");
        }
    }
}
