//! The analysis side of task precheck and verify.

use super::fingerprint::fingerprint;
use super::naming::NamingRule;
use super::{analyze_snapshot, read_snapshot, Action, AnalysisRequest, Selection};
use crate::error::{Error, Result};
use crate::executor::Executor;
use crate::task::inspect::SchemaInspector;
use crate::task::plan::{FrozenPlan, PlannedTable};
use crate::task::InspectorSource;
use crate::task::Task;

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

impl SchemaInspector for ShadowInspector {
    fn fingerprints(
        &mut self,
        exec: &mut dyn Executor,
        table: &PlannedTable,
    ) -> Result<(String, Option<String>)> {
        let texts = exec.show_create_tables(&[table.source.clone(), table.shadow.clone()])?;
        let source = texts
            .first()
            .cloned()
            .flatten()
            .ok_or_else(|| Error::NotFound(format!("source table `{}`", table.source)))?;
        let shadow = texts.get(1).cloned().flatten();
        Ok((fingerprint(&source), shadow.as_deref().map(fingerprint)))
    }

    fn remaining_changes(
        &mut self,
        exec: &mut dyn Executor,
        table: &PlannedTable,
    ) -> Result<Vec<String>> {
        let req = self.one_table(&table.source);
        let snapshot = read_snapshot(exec, &req)?;
        let analysis = analyze_snapshot(&snapshot, &req);
        let entry = analysis
            .tables
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
