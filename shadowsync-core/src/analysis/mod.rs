//! Shadow analysis: select source tables, name their shadows, read both sides
//! and decide per table whether the shadow is created, altered or skipped.
//!
//! [`read_snapshot`] reads only what the analysis needs through the
//! [`Executor`] (one listing, one batched `SHOW CREATE TABLE` request);
//! [`analyze_snapshot`] is pure and also serves hosts that supply DDL
//! themselves.

pub mod cache;
pub mod exact;
mod inspector;
mod names;
mod order;
mod pair;
pub mod pattern;
pub mod rebuild;
pub mod rewrite;
pub(crate) mod snapshot;
mod tables;

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

pub use inspector::{PlanInspectors, ShadowInspector};
use names::Indexes;
pub use snapshot::read_snapshot;
use tables::analyse_selection;
pub(crate) use tables::analyze_each_alone;

use crate::error::{Error, Result};
use crate::executor::{CatalogFacts, DatabaseDefaults, Executor, Relation, ServerInfo};
use crate::plan::{FrozenPlan, PlannedAction, PlannedTable, ShadowPlace, SkipReason, TableRef};
use crate::shadow::{NamingRule, ShadowPolicy};
use crate::statement::{PlannedStatement, StatementKind};

/// Which tables to sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Selection {
    /// Every base table that is not itself a shadow under the rule.
    All,
    /// These tables.
    Tables(Vec<String>),
    /// Every base table that is not itself a shadow, whose name matches
    /// one of `include` (every name when empty) and none of `exclude`
    /// ([`pattern`]: `*` any characters, `?` one, compared as the server
    /// compares table names).
    Matching {
        /// Patterns a table must match one of (none: every table).
        include: Vec<String>,
        /// Patterns no selected table matches.
        exclude: Vec<String>,
    },
}

impl Selection {
    /// Whether the selection is picked from the listing (all tables, or
    /// those matching patterns) rather than named.
    pub fn is_listed(&self) -> bool {
        !matches!(self, Selection::Tables(_))
    }
}

/// What the user asks the analysis for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalysisRequest {
    /// How shadows are named.
    pub rule: NamingRule,
    /// Which tables.
    pub selection: Selection,
    /// Tables the user skips from the start.
    pub skip: Vec<String>,
    /// Shadow rewriting switches.
    pub policy: ShadowPolicy,
    /// Source tables whose existing shadow has no shadowsync marker (made
    /// by hand, or by shadowsync before it marked shadows) and which the
    /// user declares a shadow all the same: it is altered to match, marker
    /// included. Every other unmarked table under a shadow name is a
    /// collision and is never altered.
    #[serde(default)]
    pub adopt: Vec<String>,
}

/// The schema facts an analysis works on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaSnapshot {
    /// The server and database.
    pub server: ServerInfo,
    /// Every table and view of the database.
    pub relations: Vec<Relation>,
    /// `SHOW CREATE TABLE` text of the selected tables and their existing shadows.
    pub ddl: HashMap<String, String>,
    /// What the catalog states exactly about those tables, where their text
    /// may not be exact (see [`exact`]).
    #[serde(default)]
    pub facts: HashMap<String, CatalogFacts>,
    /// Database mode: the shadows live in another database, described
    /// here, and the fields above describe the sources' database only.
    /// `None`: the shadows live beside their sources.
    #[serde(default)]
    pub shadows: Option<ShadowSide>,
}

/// The database the shadows live in, in database mode (see
/// [`SchemaSnapshot::shadows`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShadowSide {
    /// The shadows' server and database.
    pub server: ServerInfo,
    /// Every table and view of that database.
    pub relations: Vec<Relation>,
    /// `SHOW CREATE TABLE` text of the existing shadows.
    pub ddl: HashMap<String, String>,
    /// What the catalog states exactly about them (see [`exact`]).
    #[serde(default)]
    pub facts: HashMap<String, CatalogFacts>,
    /// The source server's identity ([`Executor::server_identity`]).
    #[serde(default)]
    pub source_identity: Option<String>,
    /// The shadow server's identity.
    #[serde(default)]
    pub shadow_identity: Option<String>,
    /// Where the shadows' executor is connected ([`Executor::location`],
    /// redacted), when it says.
    #[serde(default)]
    pub connection: Option<String>,
    /// The shadows' database does not exist yet: the source database's
    /// defaults, which it is to be created with.
    #[serde(default)]
    pub create_with: Option<DatabaseDefaults>,
}

impl SchemaSnapshot {
    /// The server and database the shadows live in.
    pub fn shadow_server(&self) -> &ServerInfo {
        self.shadows.as_ref().map_or(&self.server, |s| &s.server)
    }

    /// The relations of the shadows' database.
    pub fn shadow_relations(&self) -> &[Relation] {
        self.shadows
            .as_ref()
            .map_or(&self.relations, |s| &s.relations)
    }

    /// The texts of the existing shadows (among others' beside their sources).
    pub fn shadow_ddl(&self) -> &HashMap<String, String> {
        self.shadows.as_ref().map_or(&self.ddl, |s| &s.ddl)
    }

    /// The catalog facts of the existing shadows.
    pub fn shadow_facts(&self) -> &HashMap<String, CatalogFacts> {
        self.shadows.as_ref().map_or(&self.facts, |s| &s.facts)
    }

    /// Whether the shadows live in another database (database mode).
    pub fn is_mapped(&self) -> bool {
        self.shadows.is_some()
    }
}

/// What happens to a shadow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// No shadow yet: create it.
    Create,
    /// The shadow differs: alter it.
    Alter,
    /// Nothing runs (see the reason).
    Skip,
}

/// The analysis of one source table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableAnalysis {
    /// Source table.
    pub source: String,
    /// Shadow table.
    pub shadow: String,
    /// What the analysis found (before any user skip).
    pub planned: Action,
    /// Why a skip (`None` for create/alter).
    pub reason: Option<SkipReason>,
    /// The user skipped this table (undo with [`Analysis::unskip`]).
    pub user_skipped: bool,
    /// Source DDL as read.
    pub source_ddl: Option<String>,
    /// Shadow DDL as read (`None`: no shadow yet).
    pub shadow_ddl: Option<String>,
    /// Statements that make the shadow match (empty for a skip).
    pub statements: Vec<String>,
    /// What each of [`TableAnalysis::statements`] does, in the same order.
    #[serde(default)]
    pub kinds: Vec<StatementKind>,
    /// Things the user should know (e.g. an FK still pointing at production).
    pub warnings: Vec<String>,
    /// The tables the desired shadow's foreign keys reference.
    #[serde(default)]
    pub references: Vec<TableRef>,
    /// The existing shadow had no marker and the user adopted it.
    #[serde(default)]
    pub adopted: bool,
    /// The statements rebuild the shadow (policy `rebuild`: see [`rebuild`]).
    #[serde(default)]
    pub rebuild: bool,
    /// Fingerprint of the source DDL.
    pub source_fingerprint: String,
    /// Fingerprint of the shadow DDL.
    pub shadow_fingerprint: Option<String>,
}

impl TableAnalysis {
    /// The effective action, user skips included.
    pub fn action(&self) -> Action {
        if self.user_skipped {
            Action::Skip
        } else {
            self.planned
        }
    }

    /// The effective reason, user skips included.
    pub fn effective_reason(&self) -> Option<SkipReason> {
        if self.user_skipped {
            Some(SkipReason::User)
        } else {
            self.reason.clone()
        }
    }

    /// The statements that will run (none when skipped).
    pub fn effective_statements(&self) -> &[String] {
        if self.action() == Action::Skip {
            &[]
        } else {
            &self.statements
        }
    }

    /// What each of [`TableAnalysis::effective_statements`] does.
    pub fn effective_kinds(&self) -> &[StatementKind] {
        if self.action() == Action::Skip {
            &[]
        } else {
            &self.kinds
        }
    }

    /// Appends `statement`: its text to the statements, its kind to the kinds.
    fn push_statement(&mut self, statement: PlannedStatement) {
        self.statements.push(statement.sql);
        self.kinds.push(statement.kind);
    }
}

/// The analysis of a whole selection, in execution order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    /// The database analysed.
    pub database: String,
    /// The naming rule used.
    pub rule: NamingRule,
    /// Per table, in the order statements run (created parents first).
    pub tables: Vec<TableAnalysis>,
    /// The request, kept so skips can be applied and undone.
    pub request: AnalysisRequest,
    /// What was read, kept so skips re-analyse without reading again.
    pub snapshot: SchemaSnapshot,
}

impl Analysis {
    /// Skip `source` (undo with [`Analysis::unskip`]). The other tables are
    /// re-analysed: a child no longer points its foreign keys at the shadow of
    /// a skipped parent that has none.
    pub fn skip(&mut self, source: &str) -> Result<()> {
        self.require(source)?;
        if !self.request.skip.iter().any(|s| s == source) {
            self.request.skip.push(source.to_string());
        }
        *self = analyze_snapshot(&self.snapshot, &self.request);
        Ok(())
    }

    /// Undo a user skip of `source`.
    pub fn unskip(&mut self, source: &str) -> Result<()> {
        self.require(source)?;
        self.request.skip.retain(|s| s != source);
        *self = analyze_snapshot(&self.snapshot, &self.request);
        Ok(())
    }

    fn require(&self, source: &str) -> Result<()> {
        if self.tables.iter().any(|t| t.source == source) {
            Ok(())
        } else {
            Err(Error::NotFound(format!(
                "table `{source}` is not in this analysis"
            )))
        }
    }

    /// Every statement that would run, in order.
    pub fn preview(&self) -> Vec<String> {
        self.tables
            .iter()
            .flat_map(|t| t.effective_statements().iter().cloned())
            .collect()
    }

    /// The tables the shadows' foreign keys reference that no table of
    /// this analysis creates or alters (see [`FrozenPlan::read_only_parents`]).
    fn read_only_parents(&self) -> Vec<TableRef> {
        let fold = self.snapshot.server.lower_case_table_names != 0;
        let changed: HashSet<String> = self
            .tables
            .iter()
            .filter(|t| t.action() != Action::Skip)
            .map(|t| name_key(&t.shadow, fold))
            .collect();
        let parents: BTreeSet<TableRef> = self
            .tables
            .iter()
            .filter(|t| t.action() != Action::Skip)
            .flat_map(|t| t.references.iter())
            .filter(|r| r.schema.is_some() || !changed.contains(&name_key(&r.table, fold)))
            .cloned()
            .collect();
        parents.into_iter().collect()
    }

    /// Freeze into a task plan for `connection` (pass it redacted).
    pub fn freeze(&self, connection: &str) -> FrozenPlan {
        FrozenPlan {
            shadows: self.snapshot.shadows.as_ref().map(|side| ShadowPlace {
                connection: side.connection.clone(),
                database: side.server.database.clone(),
                source_identity: side.source_identity.clone(),
                shadow_identity: side.shadow_identity.clone(),
                create_with: side.create_with.clone(),
            }),
            connection: connection.to_string(),
            database: self.database.clone(),
            naming_rule: self.rule.to_string(),
            policy: self.request.policy.clone(),
            read_only_parents: self.read_only_parents(),
            tables: self
                .tables
                .iter()
                .map(|t| PlannedTable {
                    source: t.source.clone(),
                    shadow: t.shadow.clone(),
                    action: match t.action() {
                        Action::Create => PlannedAction::Create,
                        Action::Alter => PlannedAction::Alter,
                        Action::Skip => PlannedAction::Skip,
                    },
                    reason: t.effective_reason().map(|r| r.to_string()),
                    skip_reason: t.effective_reason(),
                    statements: t.effective_statements().to_vec(),
                    kinds: t.effective_kinds().to_vec(),
                    source_fingerprint: t.source_fingerprint.clone(),
                    shadow_fingerprint: t.shadow_fingerprint.clone(),
                    adopted: t.adopted,
                    rebuild: t.rebuild,
                })
                .collect(),
        }
    }
}

/// Names folded the way the server compares table names.
fn name_key(name: &str, fold_case: bool) -> String {
    if fold_case {
        name.to_lowercase()
    } else {
        name.to_string()
    }
}

/// Analyse a snapshot (pure).
pub fn analyze_snapshot(snapshot: &SchemaSnapshot, req: &AnalysisRequest) -> Analysis {
    let ix = Indexes::for_snapshot(snapshot, req);
    Analysis {
        database: snapshot.server.database.clone(),
        rule: req.rule.clone(),
        tables: analyse_selection(snapshot, req, &req.selection, &ix),
        request: req.clone(),
        snapshot: snapshot.clone(),
    }
}

/// Analyse live: read a snapshot through `exec`, then analyse it.
pub fn analyze(exec: &mut dyn Executor, req: &AnalysisRequest) -> Result<Analysis> {
    let snapshot = read_snapshot(exec, req)?;
    Ok(analyze_snapshot(&snapshot, req))
}

/// [`analyze`] with the texts read through the snapshot cache in `store`
/// ([`cache`]): the same analysis, reading only the tables that changed.
pub fn analyze_cached(
    exec: &mut dyn Executor,
    req: &AnalysisRequest,
    store: &dyn crate::task::Store,
) -> Result<(Analysis, cache::CacheReport)> {
    let (snapshot, report) = cache::read_snapshot_cached(exec, req, store)?;
    Ok((analyze_snapshot(&snapshot, req), report))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod mapped_tests;
