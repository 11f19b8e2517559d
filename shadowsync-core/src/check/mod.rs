//! The readiness check: from an [`Analysis`] and what the server told the
//! checking account about the tables the analysis found absent, one verdict
//! per selected table and one overall, failing closed (pure: the reads
//! are the host's, through the [`crate::Executor`]).
//!
//! A shadow is ready exactly when the analysis finds nothing to change
//! ([`SkipReason::Identical`]), so the check has the diff's full fidelity:
//! columns, defaults, indexes, keys, comments, options, partitions. A
//! shadow the analysis would create is missing, unless the server would not
//! tell the account whether it exists (inaccessible); one it would alter
//! is drifted, the statements being the differences; one it refuses is
//! refused. With an application account's grants, a shadow that account
//! cannot SELECT, INSERT, UPDATE and DELETE also keeps the overall verdict
//! from ready.

pub mod grants;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use grants::{Grants, TableAccess};

use crate::access::{Account, TableProbe};
use crate::analysis::{Action, Analysis, TableAnalysis};
use crate::error::{Error, Result};
use crate::plan::SkipReason;
use crate::statement::{AlterClause, StatementKind};

/// The state of one selected table's shadow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The shadow equals its source in everything the diff models.
    Ready,
    /// The shadow differs: the statements would fix it.
    Drifted,
    /// There is no shadow.
    Missing,
    /// The analysis refuses the table (see the reason).
    Refused,
    /// The checking account may not read the source or the shadow.
    Inaccessible,
}

/// The verdict on one selected table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableCheck {
    /// The source table.
    pub source: String,
    /// Its shadow.
    pub shadow: String,
    /// The shadow's state.
    pub verdict: Verdict,
    /// Why it is refused or inaccessible.
    pub reason: Option<String>,
    /// The statements that would make the shadow match (drifted, missing).
    pub statements: Vec<String>,
    /// The differences in words, one per change.
    pub differences: Vec<String>,
    /// What the application account may do with the shadow (when asked).
    pub app_access: Option<TableAccess>,
    /// Whether this table is ready: verdict ready, and the application
    /// account (when asked) may use the shadow fully.
    pub ready: bool,
}

/// The application account and its grants, for the privilege probe.
#[derive(Debug, Clone)]
pub struct AppGrants<'a> {
    /// The account.
    pub account: &'a Account,
    /// Its grants (active roles merged in).
    pub grants: &'a Grants,
}

/// The verdicts on a selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The database checked.
    pub database: String,
    /// Database mode: the shadows' database (`None`: beside their sources).
    pub shadow_database: Option<String>,
    /// The naming rule, as `prefix:__`.
    pub naming_rule: String,
    /// The application account probed, as `'user'@'host'`.
    pub app_user: Option<String>,
    /// Every selected table ready (and usable by the application account).
    pub ready: bool,
    /// One verdict per selected table, in the analysis's order.
    pub tables: Vec<TableCheck>,
    /// The selected tables the user skipped (no verdict).
    pub skipped: Vec<String>,
    /// What the reader should know about how far the check sees.
    pub notes: Vec<String>,
}

/// The names whose `SHOW CREATE TABLE` answer the check needs beyond the
/// analysis: the shadows it found absent (the listing hides the tables an
/// account has no privilege on) and the selected sources it found absent
/// (an unknown name is bad input, a hidden one inaccessible). They are
/// apart because in database mode each lives in its own database, under
/// the same name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProbeNames {
    /// Shadows to probe, in the shadows' database.
    pub shadows: Vec<String>,
    /// Sources to probe, in the sources' database.
    pub sources: Vec<String>,
}

/// The answers to [`ProbeNames`], by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probes {
    /// What probing each shadow answered.
    pub shadows: HashMap<String, TableProbe>,
    /// What probing each source answered.
    pub sources: HashMap<String, TableProbe>,
}

/// The tables of `analysis` to probe (see [`ProbeNames`]).
pub fn names_to_probe(analysis: &Analysis) -> ProbeNames {
    let mut names = ProbeNames::default();
    for t in analysis.tables.iter().filter(|t| !t.user_skipped) {
        match (t.planned, &t.reason) {
            (Action::Create, _) => names.shadows.push(t.shadow.clone()),
            (Action::Skip, Some(SkipReason::NoSuchTable)) => names.sources.push(t.source.clone()),
            _ => {}
        }
    }
    names
}

/// The verdicts on `analysis`'s selection, given the `probes` of
/// [`names_to_probe`] by name and, for the privilege probe, the
/// application account's grants. A selected source that does not exist is
/// [`Error::InvalidRequest`].
pub fn check(analysis: &Analysis, probes: &Probes, app: Option<AppGrants<'_>>) -> Result<Check> {
    let fold = analysis.snapshot.server.lower_case_table_names != 0;
    // The application reaches the shadows in their own database.
    let shadow_database = analysis.snapshot.shadow_server().database.as_str();
    let mut unknown = Vec::new();
    let mut tables = Vec::new();
    let mut skipped = Vec::new();
    for t in &analysis.tables {
        if t.user_skipped {
            skipped.push(t.source.clone());
            continue;
        }
        let (verdict, reason) = verdict_of(t, probes);
        if verdict == Verdict::Missing && t.planned == Action::Skip {
            unknown.push(t.source.clone());
            continue;
        }
        let app_access = app
            .as_ref()
            .map(|app| app.grants.access(shadow_database, &t.shadow, fold));
        let fixes = matches!(verdict, Verdict::Drifted | Verdict::Missing);
        tables.push(TableCheck {
            source: t.source.clone(),
            shadow: t.shadow.clone(),
            verdict,
            reason,
            statements: if fixes {
                t.statements.clone()
            } else {
                Vec::new()
            },
            differences: if fixes { differences(t) } else { Vec::new() },
            ready: verdict == Verdict::Ready && app_access.as_ref().is_none_or(|a| a.full),
            app_access,
        });
    }
    if !unknown.is_empty() {
        return Err(Error::InvalidRequest(format!(
            "tables names tables that do not exist in `{}`: {}",
            analysis.database,
            unknown.join(", ")
        )));
    }
    let mut notes = Vec::new();
    if analysis.request.selection.is_listed() {
        notes.push(
            "all: the tables the checking account has no privilege on are not listed, so not \
             checked"
                .to_string(),
        );
    }
    if let Some(app) = &app {
        let unused: Vec<&str> = app
            .grants
            .roles
            .iter()
            .filter(|r| !app.grants.expanded.contains(r))
            .map(String::as_str)
            .collect();
        if !unused.is_empty() {
            notes.push(format!(
                "app user {}: roles not active by default (or no longer existing) are not counted: {}",
                app.account,
                unused.join(", ")
            ));
        }
        let short = tables
            .iter()
            .filter(|t| t.app_access.as_ref().is_some_and(|a| !a.full));
        let short: Vec<&str> = short.map(|t| t.shadow.as_str()).collect();
        if !short.is_empty() {
            notes.push(format!(
                "not ready: app user {} cannot SELECT, INSERT, UPDATE and DELETE {}",
                app.account,
                short.join(", ")
            ));
        }
    }
    Ok(Check {
        database: analysis.database.clone(),
        shadow_database: analysis
            .snapshot
            .is_mapped()
            .then(|| shadow_database.to_string()),
        naming_rule: analysis.rule.to_string(),
        app_user: app.map(|a| a.account.to_string()),
        ready: !tables.is_empty() && tables.iter().all(|t| t.ready),
        tables,
        skipped,
        notes,
    })
}

/// The verdict on one analysed table, with its reason; an absent source
/// comes back as missing for the caller to report as unknown.
fn verdict_of(t: &TableAnalysis, probes: &Probes) -> (Verdict, Option<String>) {
    let denied = |name: &str, message: &str| {
        Some(format!(
            "the checking account may not read `{name}`, so cannot tell whether it exists or \
             matches: {message}"
        ))
    };
    match (t.planned, &t.reason) {
        (Action::Skip, Some(SkipReason::Identical)) => (Verdict::Ready, None),
        (Action::Alter, _) => (Verdict::Drifted, None),
        (Action::Create, _) => match probes.shadows.get(&t.shadow) {
            None | Some(TableProbe::Absent) => (Verdict::Missing, None),
            Some(TableProbe::Denied { message }) => {
                (Verdict::Inaccessible, denied(&t.shadow, message))
            }
            // Not listed, yet readable: created since, or listed apart.
            Some(TableProbe::Readable) => (
                Verdict::Inaccessible,
                Some(format!(
                    "`{}` was not listed but reads now (created meanwhile?): check again",
                    t.shadow
                )),
            ),
        },
        (Action::Skip, Some(SkipReason::NoSuchTable)) => match probes.sources.get(&t.source) {
            None | Some(TableProbe::Absent) => (Verdict::Missing, None),
            Some(TableProbe::Denied { message }) => {
                (Verdict::Inaccessible, denied(&t.source, message))
            }
            Some(TableProbe::Readable) => (
                Verdict::Inaccessible,
                Some(format!(
                    "`{}` was not listed but reads now (created meanwhile?): check again",
                    t.source
                )),
            ),
        },
        (Action::Skip, reason) => (
            Verdict::Refused,
            Some(
                reason
                    .as_ref()
                    .map_or_else(|| "skipped".to_string(), |r| r.to_string()),
            ),
        ),
    }
}

/// What `t`'s statements change, in words.
fn differences(t: &TableAnalysis) -> Vec<String> {
    if t.planned == Action::Create {
        return vec![format!("`{}` does not exist", t.shadow)];
    }
    let mut out = Vec::new();
    for kind in &t.kinds {
        match kind {
            StatementKind::AlterTable { clauses, .. } => out.extend(clauses.iter().map(describe)),
            StatementKind::CreateRebuildTable { .. } => {
                out.push("the shadow is rebuilt: the server cannot change it in place".into())
            }
            _ => {}
        }
    }
    out
}

fn describe(clause: &AlterClause) -> String {
    match clause {
        AlterClause::TableCharset => "table character set or collation differs".into(),
        AlterClause::TableOption { option } => format!("table option {option} differs"),
        AlterClause::AddColumn { column, .. } => format!("column `{column}` is missing"),
        AlterClause::DropColumn { column } => format!("column `{column}` is extra"),
        AlterClause::ModifyColumn { column } => format!("column `{column}` differs"),
        AlterClause::ChangeColumn { from, to } => {
            format!("column `{from}` differs (the source spells it `{to}`)")
        }
        AlterClause::AddPrimaryKey => "primary key is missing or differs".into(),
        AlterClause::DropPrimaryKey => "primary key is extra or differs".into(),
        AlterClause::AddIndex { index, .. } => format!(
            "index {} is missing or differs",
            index
                .as_deref()
                .map_or("(unnamed)".into(), |i| format!("`{i}`"))
        ),
        AlterClause::DropIndex { index } => format!("index `{index}` is extra or differs"),
        AlterClause::RenameIndex { from, to } => {
            format!("index `{from}` is named `{to}` in the source")
        }
        AlterClause::AlterIndexVisibility { index, .. } => {
            format!("index `{index}` visibility differs")
        }
        AlterClause::AddForeignKey { constraint } => format!(
            "foreign key {} is missing or differs",
            constraint
                .as_deref()
                .map_or("(unnamed)".into(), |c| format!("`{c}`"))
        ),
        AlterClause::DropForeignKey { constraint } => {
            format!("foreign key `{constraint}` is extra or differs")
        }
        AlterClause::AddCheck { constraint } => format!(
            "check constraint {} is missing or differs",
            constraint
                .as_deref()
                .map_or("(unnamed)".into(), |c| format!("`{c}`"))
        ),
        AlterClause::DropCheck { constraint } => {
            format!("check constraint `{constraint}` is extra or differs")
        }
        AlterClause::AddPartitions => "partitions are missing".into(),
        AlterClause::Repartition => "partitioning differs".into(),
        AlterClause::RemovePartitioning => "partitioning is extra".into(),
    }
}

#[cfg(test)]
mod tests;
