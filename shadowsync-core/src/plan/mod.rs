//! The frozen plan: what the analysis hands the task center, as it was when
//! the task was submitted. It never changes afterwards; a different plan is
//! a new task.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::executor::DatabaseDefaults;
use crate::shadow::ShadowPolicy;
use crate::statement::StatementKind;

mod reason;
mod watch;

pub use reason::SkipReason;

/// The analysis of one connection and database, frozen into a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenPlan {
    /// The connection the analysis read (stored redacted, see [`crate::task::redact_url`]).
    pub connection: String,
    /// The database (schema) analysed.
    pub database: String,
    /// How shadow names are derived, e.g. `prefix:__`.
    pub naming_rule: String,
    /// The shadow rewriting switches the analysis used (precheck and verify
    /// re-analyse with the same ones).
    #[serde(default)]
    pub policy: ShadowPolicy,
    /// Every selected table, in execution order.
    pub tables: Vec<PlannedTable>,
    /// Tables the shadows' foreign keys reference that are not shadows of
    /// this plan (production parents without a shadow, parents in other
    /// schemas, shadows of unselected parents). The statement guard lets a
    /// statement name them after `REFERENCES` only, never change them.
    #[serde(default)]
    pub read_only_parents: Vec<TableRef>,
    /// Database mode: where the shadows live, when not beside their
    /// sources in [`FrozenPlan::database`]. Then every statement runs
    /// there, and `connection` and `database` only serve reading sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadows: Option<ShadowPlace>,
}

/// Where a plan's shadows live in database mode (see [`FrozenPlan::shadows`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShadowPlace {
    /// The connection the shadows were read through (redacted; `None`: the
    /// executor did not say, and the shadows are reached through
    /// [`FrozenPlan::connection`]'s server).
    pub connection: Option<String>,
    /// The shadows' database.
    pub database: String,
    /// The source server's identity at the analysis, as it said it.
    pub source_identity: Option<String>,
    /// The shadow server's identity at the analysis.
    pub shadow_identity: Option<String>,
    /// The shadows' database did not exist at the analysis: it is created
    /// with these defaults (the source database's) before the first
    /// statement ([`crate::guard::create_database_statement`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_with: Option<DatabaseDefaults>,
}

impl FrozenPlan {
    /// The database the plan's statements run in: the shadows' database.
    pub fn shadow_database(&self) -> &str {
        self.shadows
            .as_ref()
            .map_or(self.database.as_str(), |s| s.database.as_str())
    }
}

/// A table named by schema (`None`: the plan's own database) and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TableRef {
    /// Its schema, when not the plan's own database.
    pub schema: Option<String>,
    /// Its name.
    pub table: String,
}

/// What the analysis decided for one source table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedTable {
    /// Source table name.
    pub source: String,
    /// Shadow table name.
    pub shadow: String,
    /// What to do with the shadow.
    pub action: PlannedAction,
    /// Why a skip runs nothing (`None` for a create or an alter), as the
    /// message users read: what the task's records show for the table.
    pub reason: Option<String>,
    /// The same reason, typed; its message is [`PlannedTable::reason`].
    /// `None` in plans stored before reasons were typed: see
    /// [`PlannedTable::typed_reason`].
    #[serde(default)]
    pub skip_reason: Option<SkipReason>,
    /// The statements to run, in order (empty for a skip): the exact text
    /// the guard checks and the executor sends.
    pub statements: Vec<String>,
    /// What each of [`PlannedTable::statements`] does, in the same order;
    /// empty in plans stored before statements were tagged (whose crash
    /// recovery then compares what the table still needs instead).
    #[serde(default)]
    pub kinds: Vec<StatementKind>,
    /// Fingerprint of the source table as the analysis read it.
    pub source_fingerprint: String,
    /// Fingerprint of the shadow table as read; `None` when it did not exist.
    pub shadow_fingerprint: Option<String>,
    /// The user adopted the existing, unmarked shadow (`AnalysisRequest::adopt`):
    /// the only case in which an altered shadow may lack the shadow marker
    /// when the task starts.
    #[serde(default)]
    pub adopted: bool,
    /// The statements rebuild the shadow under temporary names (policy
    /// `rebuild`): the statement guard then admits the copy, the swap and
    /// the drop of the old shadow, for this table alone.
    #[serde(default)]
    pub rebuild: bool,
}

/// The action planned for a shadow table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlannedAction {
    /// The shadow does not exist: create it.
    Create,
    /// The shadow differs: alter it.
    Alter,
    /// Nothing to run (already in step, or refused by the analysis).
    Skip,
}

impl PlannedTable {
    /// Why the table is skipped: [`PlannedTable::skip_reason`], or for a
    /// plan stored before reasons were typed, the recorded message (as
    /// the case it names when that case has no facts, else as
    /// [`SkipReason::Recorded`]).
    pub fn typed_reason(&self) -> Option<SkipReason> {
        self.skip_reason
            .clone()
            .or_else(|| self.reason.clone().map(SkipReason::from_recorded))
    }

    /// What `statement`, one of [`PlannedTable::statements`], does (`None`:
    /// not a statement of this table, or a plan stored before statements
    /// were tagged). Found by its text: the same text does the same thing.
    pub fn kind_of(&self, statement: &str) -> Option<&StatementKind> {
        let at = self.statements.iter().position(|s| s == statement)?;
        self.kinds.get(at)
    }
}

impl FrozenPlan {
    /// Refuse a plan that could not be executed as written: no table, a
    /// repeated source table, a create/alter without statements or a skip
    /// with some, statement kinds or a typed reason that do not match the
    /// statements or the reason.
    pub fn validate(&self) -> Result<()> {
        if self.tables.is_empty() {
            return Err(Error::InvalidRequest("the plan has no table".into()));
        }
        let mut seen = BTreeSet::new();
        for table in &self.tables {
            if !seen.insert(table.source.as_str()) {
                return Err(Error::InvalidRequest(format!(
                    "table `{}` appears twice in the plan",
                    table.source
                )));
            }
            if !table.kinds.is_empty() && table.kinds.len() != table.statements.len() {
                return Err(Error::InvalidRequest(format!(
                    "table `{}`: {} statements but {} statement kinds",
                    table.source,
                    table.statements.len(),
                    table.kinds.len()
                )));
            }
            if let Some(typed) = &table.skip_reason {
                if table.reason.as_deref() != Some(typed.to_string().as_str()) {
                    return Err(Error::InvalidRequest(format!(
                        "table `{}`: its reason and typed reason differ",
                        table.source
                    )));
                }
            }
            let runs = table.action != PlannedAction::Skip;
            if runs == table.statements.is_empty() {
                return Err(Error::InvalidRequest(format!(
                    "table `{}`: a {:?} must {}have statements",
                    table.source,
                    table.action,
                    if runs { "" } else { "not " }
                )));
            }
        }
        Ok(())
    }

    /// The selected source tables, in a canonical order (what "initiate
    /// again" must keep).
    pub fn selection(&self) -> BTreeSet<&str> {
        self.tables.iter().map(|t| t.source.as_str()).collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::statement::AlterClause;

    /// The statement labelled `label` on the shadow of `source`: a real
    /// `ALTER TABLE` (so the statement guard lets it through) whose label the
    /// test doubles read back with [`label_of`].
    pub(crate) fn labelled(source: &str, label: &str) -> String {
        format!("ALTER TABLE `__{source}` COMMENT '{label}'")
    }

    /// The label of a statement made by [`labelled`]; other text as it is.
    pub(crate) fn label_of(sql: &str) -> &str {
        sql.strip_prefix("ALTER TABLE `")
            .and_then(|rest| rest.split_once("` COMMENT '"))
            .and_then(|(_, label)| label.strip_suffix('\''))
            .unwrap_or(sql)
    }

    /// A planned table with the given statements, each [`labelled`] (a
    /// skip when there are none).
    pub(crate) fn table(source: &str, statements: &[&str]) -> PlannedTable {
        PlannedTable {
            source: source.into(),
            shadow: format!("__{source}"),
            action: if statements.is_empty() {
                PlannedAction::Skip
            } else {
                PlannedAction::Alter
            },
            reason: None,
            skip_reason: None,
            statements: statements.iter().map(|s| labelled(source, s)).collect(),
            kinds: statements
                .iter()
                .map(|_| {
                    let option = "COMMENT".to_string();
                    StatementKind::alter(
                        &format!("__{source}"),
                        AlterClause::TableOption { option },
                    )
                })
                .collect(),
            source_fingerprint: format!("src-{source}"),
            shadow_fingerprint: Some(format!("shd-{source}")),
            adopted: false,
            rebuild: false,
        }
    }

    /// A plan on `conn`/`shop` with the given tables.
    pub(crate) fn plan(connection: &str, tables: Vec<PlannedTable>) -> FrozenPlan {
        FrozenPlan {
            connection: connection.into(),
            database: "shop".into(),
            naming_rule: "prefix:__".into(),
            policy: ShadowPolicy::default(),
            tables,
            read_only_parents: Vec::new(),
            shadows: None,
        }
    }

    #[test]
    fn validate_accepts_a_sound_plan() {
        let p = plan("c", vec![table("a", &["ALTER a"]), table("b", &[])]);
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn validate_refuses_unrunnable_plans() {
        assert!(plan("c", vec![]).validate().is_err());
        let twice = plan("c", vec![table("a", &["x"]), table("a", &["y"])]);
        assert!(twice.validate().is_err());
        let mut empty_alter = table("a", &[]);
        empty_alter.action = PlannedAction::Alter;
        assert!(plan("c", vec![empty_alter]).validate().is_err());
        let mut busy_skip = table("a", &["x"]);
        busy_skip.action = PlannedAction::Skip;
        assert!(plan("c", vec![busy_skip]).validate().is_err());
    }

    #[test]
    fn plan_round_trips_through_json() {
        let p = plan("c", vec![table("a", &["ALTER a"])]);
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"action\":\"alter\""));
        assert_eq!(serde_json::from_str::<FrozenPlan>(&json).unwrap(), p);
    }

    #[test]
    fn validate_refuses_kinds_that_do_not_match_the_statements() {
        let mut t = table("a", &["x", "y"]);
        t.kinds.pop();
        assert!(plan("c", vec![t.clone()]).validate().is_err());
        t.kinds.clear();
        assert_eq!(plan("c", vec![t]).validate(), Ok(()), "an untagged plan");
    }

    #[test]
    fn validate_refuses_a_typed_reason_that_is_not_the_reason() {
        let mut t = table("a", &[]);
        t.skip_reason = Some(SkipReason::Identical);
        assert!(plan("c", vec![t.clone()]).validate().is_err());
        t.reason = Some("identical".into());
        assert_eq!(plan("c", vec![t.clone()]).validate(), Ok(()));
        assert_eq!(t.typed_reason(), Some(SkipReason::Identical));
    }

    #[test]
    fn statements_are_found_by_their_text() {
        let t = table("a", &["x", "y"]);
        assert_eq!(t.kind_of(&t.statements[1]), Some(&t.kinds[1]));
        assert_eq!(t.kind_of("ALTER TABLE `__a` COMMENT 'z'"), None);
    }

    /// A plan as a release before typed statements and reasons stored it:
    /// string reasons, no statement kinds.
    #[test]
    fn a_plan_stored_before_kinds_and_typed_reasons_loads() {
        let stored = r#"{
            "connection": "mysql://u@h:3306/shop",
            "database": "shop",
            "naming_rule": "prefix:__",
            "policy": {"redirect_foreign_keys": true, "copy_auto_increment": false},
            "tables": [
                {"source": "a", "shadow": "__a", "action": "alter", "reason": null,
                 "statements": ["ALTER TABLE `__a` ADD COLUMN `b` int"],
                 "source_fingerprint": "1", "shadow_fingerprint": "2"},
                {"source": "b", "shadow": "__b", "action": "skip", "reason": "identical",
                 "statements": [], "source_fingerprint": "3", "shadow_fingerprint": "4"},
                {"source": "c", "shadow": "__c", "action": "skip", "reason": "user",
                 "statements": [], "source_fingerprint": "5", "shadow_fingerprint": null},
                {"source": "d", "shadow": "__d", "action": "skip",
                 "reason": "refused: collision: `__d` exists but carries no shadowsync marker",
                 "statements": [], "source_fingerprint": "6", "shadow_fingerprint": "7"}
            ]
        }"#;
        let plan: FrozenPlan = serde_json::from_str(stored).unwrap();
        assert_eq!(plan.validate(), Ok(()));
        assert!(plan.tables[0].kinds.is_empty());
        assert_eq!(plan.tables[0].kind_of(&plan.tables[0].statements[0]), None);
        assert!(plan.tables.iter().all(|t| t.skip_reason.is_none()));
        let reasons: Vec<_> = plan.tables.iter().map(|t| t.typed_reason()).collect();
        assert_eq!(
            reasons,
            [
                None,
                Some(SkipReason::Identical),
                Some(SkipReason::User),
                Some(SkipReason::Recorded {
                    message: "refused: collision: `__d` exists but carries no shadowsync marker"
                        .into()
                }),
            ]
        );
        assert_eq!(
            plan.tables[3].typed_reason().unwrap().to_string(),
            plan.tables[3].reason.clone().unwrap()
        );
        let again = serde_json::to_string(&plan).unwrap();
        assert_eq!(serde_json::from_str::<FrozenPlan>(&again).unwrap(), plan);
    }
}
