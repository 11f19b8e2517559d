//! Shadow analysis: select source tables, name their shadows, read both sides
//! and decide per table whether the shadow is created, altered or skipped.
//!
//! [`read_snapshot`] reads only what the analysis needs through the
//! [`Executor`] (one listing, one batched `SHOW CREATE TABLE` request);
//! [`analyze_snapshot`] is pure and also serves hosts that supply DDL
//! themselves.

pub mod exact;
mod inspector;
pub mod rebuild;
pub mod rewrite;

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

pub use inspector::{PlanInspectors, ShadowInspector};
use rewrite::shadow_table;

use crate::diff::{diff_tables, indexed_create_statements, DiffOptions};
use crate::error::{Error, Result};
use crate::executor::{CatalogFacts, Executor, Relation, RelationKind, ServerInfo};
use crate::fingerprint;
use crate::model::Table;
use crate::parse::parse_table;
use crate::plan::{FrozenPlan, PlannedAction, PlannedTable, TableRef};
use crate::shadow::marker::{marked_comment_overflow, MAX_TABLE_COMMENT};
use crate::shadow::naming::rebuild_names;
use crate::shadow::{is_marked_shadow, NamingRule, ShadowPolicy};

/// Which tables to sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Selection {
    /// Every base table that is not itself a shadow under the rule.
    All,
    /// These tables.
    Tables(Vec<String>),
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
    /// Why a skip: `identical`, `refused: …`, `missing: …`, … (`None` for create/alter).
    pub reason: Option<String>,
    /// The user skipped this table (undo with [`Analysis::unskip`]).
    pub user_skipped: bool,
    /// Source DDL as read.
    pub source_ddl: Option<String>,
    /// Shadow DDL as read (`None`: no shadow yet).
    pub shadow_ddl: Option<String>,
    /// Statements that make the shadow match (empty for a skip).
    pub statements: Vec<String>,
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
    pub fn effective_reason(&self) -> Option<String> {
        if self.user_skipped {
            Some("user".to_string())
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

    /// The tables as JSON values: each table's fields as serialized, plus its
    /// effective `action`, `effective_reason` and `effective_statements`
    /// (user skips applied) — the form the bindings hand to their hosts.
    pub fn tables_json(&self) -> Vec<serde_json::Value> {
        self.tables
            .iter()
            .map(|table| {
                let mut value = serde_json::to_value(table).unwrap_or(serde_json::Value::Null);
                if let serde_json::Value::Object(fields) = &mut value {
                    fields.insert("action".into(), serde_json::json!(table.action()));
                    fields.insert(
                        "effective_reason".into(),
                        serde_json::json!(table.effective_reason()),
                    );
                    fields.insert(
                        "effective_statements".into(),
                        serde_json::json!(table.effective_statements()),
                    );
                }
                value
            })
            .collect()
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
                    reason: t.effective_reason(),
                    statements: t.effective_statements().to_vec(),
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

/// The selected source names and the names to read, or an error for a bad request.
struct Plan {
    sources: Vec<String>,
    /// Chosen names that are not sources, with the reason.
    rejected: Vec<(String, String)>,
}

fn select(
    req: &AnalysisRequest,
    selection: &Selection,
    info: &ServerInfo,
    relations: &[Relation],
    ix: &Indexes,
) -> Plan {
    let fold = info.lower_case_table_names != 0;
    let mut sources = Vec::new();
    let mut rejected = Vec::new();
    match selection {
        Selection::All => {
            for r in relations {
                if r.kind == RelationKind::Table && !req.rule.is_shadow_name(&r.name, fold) {
                    sources.push(r.name.clone());
                }
            }
        }
        Selection::Tables(names) => {
            for name in names {
                let key = name_key(name, fold);
                match ix.kinds.get(&key).zip(ix.stored.get(&key)) {
                    None => rejected.push((name.clone(), "missing: no such table".into())),
                    Some((RelationKind::View, _)) => {
                        rejected.push((name.clone(), "refused: a view is never a source".into()))
                    }
                    Some(_) if req.rule.is_shadow_name(name, fold) => rejected.push((
                        name.clone(),
                        format!(
                            "refused: `{name}` is itself a shadow under rule {}",
                            req.rule
                        ),
                    )),
                    Some((_, stored)) => sources.push(stored.to_string()),
                }
            }
        }
    }
    Plan { sources, rejected }
}

/// Read what [`analyze_snapshot`] needs: server facts, the relation list and
/// the DDL of the selected tables and their existing shadows, in one batch.
pub fn read_snapshot(exec: &mut dyn Executor, req: &AnalysisRequest) -> Result<SchemaSnapshot> {
    let server = exec.server_info()?;
    let relations = exec.list_relations()?;
    let fold = server.lower_case_table_names != 0;
    let existing: HashSet<String> = relations
        .iter()
        .filter(|r| r.kind == RelationKind::Table)
        .map(|r| name_key(&r.name, fold))
        .collect();
    let ix = Indexes::new(&relations, fold, req);
    let plan = select(req, &req.selection, &server, &relations, &ix);
    let stored = &ix.stored;
    let mut names = Vec::new();
    for source in &plan.sources {
        names.push(source.clone());
        let shadow_key = name_key(&req.rule.shadow_name(source), fold);
        if existing.contains(&shadow_key) {
            names.push(
                stored
                    .get(&shadow_key)
                    .map_or(shadow_key.clone(), |s| s.to_string()),
            );
        }
    }
    let texts = exec.show_create_tables(&names)?;
    // Only the texts that print something inexactly somewhere need the
    // catalog (see `exact`): most schemas cost no extra round trip.
    let inexact: Vec<String> = names
        .iter()
        .zip(&texts)
        .filter(|(_, text)| text.as_deref().is_some_and(exact::may_print_inexactly))
        .map(|(name, _)| name.clone())
        .collect();
    let facts = if inexact.is_empty() {
        HashMap::new()
    } else {
        inexact
            .iter()
            .cloned()
            .zip(exec.catalog_facts(&inexact)?)
            .filter_map(|(n, f)| f.map(|f| (n, f)))
            .collect()
    };
    let ddl = names
        .into_iter()
        .zip(texts)
        .filter_map(|(n, t)| t.map(|t| (n, t)))
        .collect();
    Ok(SchemaSnapshot {
        server,
        relations,
        ddl,
        facts,
    })
}

/// A parsed source or shadow, with foreign keys into its own schema unqualified
/// (OceanBase prints every reference schema-qualified).
fn parse_in_schema(
    ddl: &str,
    info: &ServerInfo,
    facts: Option<&CatalogFacts>,
) -> std::result::Result<Table, String> {
    let database = info.database.as_str();
    let mut t = parse_table(ddl).map_err(|e| format!("refused: {e}"))?;
    exact::make_exact(&mut t, ddl, info.flavor, facts)?;
    for fk in &mut t.foreign_keys {
        fk.unqualify_own_schema(Some(database));
    }
    Ok(t)
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

/// The entries [`analyze_snapshot`] gives each of `sources` analysed
/// alone (with [`Selection::Tables`] of that one table and no skips), as
/// verify checks the tables of a task, on one snapshot of them all. The
/// snapshot's indexes are built once and neither the snapshot nor the
/// request is copied per table, so the cost is linear in the tables:
/// calling `analyze_snapshot` per table costs the whole snapshot each time.
pub(crate) fn analyze_each_alone(
    snapshot: &SchemaSnapshot,
    req: &AnalysisRequest,
    sources: &[String],
) -> Vec<Vec<TableAnalysis>> {
    let req = AnalysisRequest {
        selection: Selection::All,
        skip: Vec::new(),
        rule: req.rule.clone(),
        policy: req.policy.clone(),
        adopt: req.adopt.clone(),
    };
    let ix = Indexes::for_snapshot(snapshot, &req);
    sources
        .iter()
        .map(|source| {
            let one = Selection::Tables(vec![source.clone()]);
            analyse_selection(snapshot, &req, &one, &ix)
        })
        .collect()
}

/// The entries of the analysis of `selection` (in place of the request's).
fn analyse_selection(
    snapshot: &SchemaSnapshot,
    req: &AnalysisRequest,
    selection: &Selection,
    ix: &Indexes,
) -> Vec<TableAnalysis> {
    let info = &snapshot.server;
    let fold = info.lower_case_table_names != 0;
    let plan = select(req, selection, info, &snapshot.relations, ix);
    let ctx = Context::new(snapshot, req, ix, &plan.sources);
    // A parent refused by the analysis gets no shadow, so its children must
    // keep their production reference: refusals are known after a first pass.
    let (mut tables, mut creates) = ctx.analyse_sources(&plan.sources, &HashSet::new());
    let refused: HashSet<String> = tables
        .iter()
        .filter(|t| t.planned == Action::Skip && t.reason.as_deref() != Some("identical"))
        .map(|t| name_key(&t.source, fold))
        .collect();
    if !refused.is_empty() {
        (tables, creates) = ctx.analyse_sources(&plan.sources, &refused);
    }
    order_statements(&mut tables, creates, &ctx.opts, &req.rule);
    for (name, reason) in plan.rejected {
        tables.push(TableAnalysis {
            shadow: req.rule.shadow_name(&name),
            source: name,
            planned: Action::Skip,
            reason: Some(reason),
            user_skipped: false,
            source_ddl: None,
            shadow_ddl: None,
            statements: Vec::new(),
            warnings: Vec::new(),
            references: Vec::new(),
            adopted: false,
            rebuild: false,
            source_fingerprint: String::new(),
            shadow_fingerprint: None,
        });
    }
    tables
}

/// What every analysis of one snapshot under one request looks names up
/// in, built once: [`analyze_each_alone`] runs one analysis per table, and
/// rebuilding these per analysis made verify quadratic in the tables.
struct Indexes<'a> {
    /// Relation kinds by folded name.
    kinds: HashMap<String, RelationKind>,
    /// Stored (server-spelled) names by folded name.
    stored: HashMap<String, &'a str>,
    /// [`AnalysisRequest::skip`], folded.
    skip_keys: HashSet<String>,
    /// [`AnalysisRequest::adopt`] (looked up per table).
    adopt: HashSet<&'a str>,
}

impl<'a> Indexes<'a> {
    fn for_snapshot(snapshot: &'a SchemaSnapshot, req: &'a AnalysisRequest) -> Self {
        let fold = snapshot.server.lower_case_table_names != 0;
        Indexes::new(&snapshot.relations, fold, req)
    }

    fn new(relations: &'a [Relation], fold: bool, req: &'a AnalysisRequest) -> Self {
        Indexes {
            kinds: relations
                .iter()
                .map(|r| (name_key(&r.name, fold), r.kind))
                .collect(),
            stored: relations
                .iter()
                .map(|r| (name_key(&r.name, fold), r.name.as_str()))
                .collect(),
            skip_keys: req.skip.iter().map(|s| name_key(s, fold)).collect(),
            adopt: req.adopt.iter().map(String::as_str).collect(),
        }
    }
}

/// What every per-table analysis of one selection shares.
struct Context<'a> {
    snapshot: &'a SchemaSnapshot,
    req: &'a AnalysisRequest,
    fold: bool,
    ix: &'a Indexes<'a>,
    source_keys: HashSet<String>,
    opts: DiffOptions,
}

impl<'a> Context<'a> {
    fn new(
        snapshot: &'a SchemaSnapshot,
        req: &'a AnalysisRequest,
        ix: &'a Indexes<'a>,
        sources: &[String],
    ) -> Self {
        let info = &snapshot.server;
        let fold = info.lower_case_table_names != 0;
        Context {
            snapshot,
            req,
            fold,
            ix,
            source_keys: sources.iter().map(|s| name_key(s, fold)).collect(),
            opts: DiffOptions {
                flavor: info.flavor,
                from_schema: Some(info.database.clone()),
                to_schema: Some(info.database.clone()),
                drop_tables: false,
            },
        }
    }

    fn stored_name(&self, name: &str) -> String {
        self.ix
            .stored
            .get(&name_key(name, self.fold))
            .map_or_else(|| name.to_string(), |s| s.to_string())
    }

    /// Whether `parent` has (or will have) a shadow its children can reference.
    fn has_shadow(&self, parent: &str, refused: &HashSet<String>) -> bool {
        let key = name_key(parent, self.fold);
        if refused.contains(&key) {
            return false;
        }
        let will_be_synced = self.source_keys.contains(&key) && !self.ix.skip_keys.contains(&key);
        let shadow_key = name_key(&self.req.rule.shadow_name(parent), self.fold);
        will_be_synced || self.ix.kinds.get(&shadow_key) == Some(&RelationKind::Table)
    }

    fn analyse_sources(
        &self,
        sources: &[String],
        refused: &HashSet<String>,
    ) -> (Vec<TableAnalysis>, Vec<(usize, Table)>) {
        let info = &self.snapshot.server;
        let has_shadow = |parent: &str| self.has_shadow(parent, refused);
        let mut shadow_owner: HashMap<String, String> = HashMap::new();
        let mut tables = Vec::with_capacity(sources.len());
        let mut creates = Vec::new();
        for source in sources {
            let shadow = self.req.rule.shadow_name(source);
            let shadow_stored = self.stored_name(&shadow);
            let source_ddl = self.snapshot.ddl.get(source).cloned();
            let shadow_ddl = self.snapshot.ddl.get(&shadow_stored).cloned();
            let mut entry = TableAnalysis {
                source: source.clone(),
                shadow: shadow_stored,
                planned: Action::Skip,
                reason: None,
                user_skipped: self.ix.skip_keys.contains(&name_key(source, self.fold)),
                source_fingerprint: source_ddl
                    .as_deref()
                    .map(fingerprint::fingerprint)
                    .unwrap_or_default(),
                shadow_fingerprint: shadow_ddl.as_deref().map(fingerprint::fingerprint),
                source_ddl,
                shadow_ddl,
                statements: Vec::new(),
                warnings: Vec::new(),
                references: Vec::new(),
                adopted: false,
                rebuild: false,
            };
            let problem = name_problem(
                &shadow,
                source,
                info,
                &self.ix.kinds,
                &self.source_keys,
                &mut shadow_owner,
                self.fold,
            );
            let outcome = match problem {
                Some(p) => Err(p),
                None => analyse_pair(
                    &entry,
                    self.req,
                    &self.ix.adopt,
                    info,
                    &self.snapshot.facts,
                    &NameLookups {
                        has_shadow: &has_shadow,
                        exists: &|name: &str| {
                            self.ix.kinds.contains_key(&name_key(name, self.fold))
                        },
                    },
                    &self.opts,
                ),
            };
            match outcome {
                Ok(PairOutcome::Identical(notes)) => {
                    entry.reason = Some("identical".into());
                    (entry.warnings, entry.references, entry.adopted) = notes;
                }
                Ok(PairOutcome::Alter(statements, notes)) => {
                    entry.planned = Action::Alter;
                    entry.statements = statements;
                    (entry.warnings, entry.references, entry.adopted) = notes;
                }
                Ok(PairOutcome::Rebuild(statements, notes)) => {
                    entry.planned = Action::Alter;
                    entry.statements = statements;
                    entry.rebuild = true;
                    (entry.warnings, entry.references, entry.adopted) = notes;
                }
                Ok(PairOutcome::Create(desired, notes)) => {
                    entry.planned = Action::Create;
                    (entry.warnings, entry.references, entry.adopted) = notes;
                    creates.push((tables.len(), *desired));
                }
                Err(reason) => entry.reason = Some(reason),
            }
            tables.push(entry);
        }
        refuse_referenced_rebuilds(&mut tables);
        (tables, creates)
    }
}

/// A shadow that other shadows' foreign keys reference is not rebuilt
/// (renaming it would take their constraints along to the old table): its
/// rebuild becomes a refusal.
fn refuse_referenced_rebuilds(tables: &mut [TableAnalysis]) {
    let referenced: HashSet<String> = tables
        .iter()
        .flat_map(|t| t.references.iter())
        .filter(|r| r.schema.is_none())
        .map(|r| r.table.to_lowercase())
        .collect();
    for entry in tables.iter_mut().filter(|t| t.rebuild) {
        if referenced.contains(&entry.shadow.to_lowercase()) {
            entry.reason = Some(format!(
                "refused: not rebuilt: other shadows' foreign keys reference `{}`",
                entry.shadow
            ));
            entry.planned = Action::Skip;
            entry.statements.clear();
            entry.rebuild = false;
        }
    }
}

/// Why `shadow` cannot be the shadow of `source`, if it cannot.
fn name_problem(
    shadow: &str,
    source: &str,
    info: &ServerInfo,
    relations: &HashMap<String, RelationKind>,
    sources: &HashSet<String>,
    owners: &mut HashMap<String, String>,
    fold: bool,
) -> Option<String> {
    let len = shadow.chars().count();
    if len > info.max_identifier_length {
        return Some(format!(
            "refused: shadow name `{shadow}` has {len} characters, over the server's limit of {}",
            info.max_identifier_length
        ));
    }
    let key = name_key(shadow, fold);
    if relations.get(&key) == Some(&RelationKind::View) {
        return Some(format!(
            "refused: shadow name `{shadow}` is taken by a view"
        ));
    }
    if sources.contains(&key) {
        return Some(format!(
            "refused: shadow name `{shadow}` is taken by a selected source table"
        ));
    }
    if let Some(other) = owners.insert(key, source.to_string()) {
        return Some(format!(
            "refused: shadow name `{shadow}` is also the shadow name of `{other}` (names differ only in case)"
        ));
    }
    None
}

/// What the analysis of one pair adds to its entry beside the action: the
/// warnings, and the tables the desired shadow's foreign keys reference.
type Notes = (Vec<String>, Vec<TableRef>, bool);

enum PairOutcome {
    Identical(Notes),
    Alter(Vec<String>, Notes),
    /// Statements that rebuild the shadow ([`rebuild`]).
    Rebuild(Vec<String>, Notes),
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

/// What [`analyse_pair`] asks about other tables' names.
struct NameLookups<'a> {
    /// Whether a parent table has (or will have) a shadow.
    has_shadow: &'a dyn Fn(&str) -> bool,
    /// Whether a relation of that name exists in the database.
    exists: &'a dyn Fn(&str) -> bool,
}

fn analyse_pair(
    entry: &TableAnalysis,
    req: &AnalysisRequest,
    adopt: &HashSet<&str>,
    info: &ServerInfo,
    facts: &HashMap<String, CatalogFacts>,
    names: &NameLookups<'_>,
    opts: &DiffOptions,
) -> std::result::Result<PairOutcome, String> {
    let (has_shadow, exists) = (names.has_shadow, names.exists);
    let Some(source_ddl) = &entry.source_ddl else {
        return Err("missing: the source table vanished while reading".into());
    };
    let source = parse_in_schema(source_ddl, info, facts.get(&entry.source))?;
    if let Some(problem) = marker_problem(&source).or_else(|| remote_engine_problem(&source)) {
        return Err(problem);
    }
    let (desired, mut warnings) = shadow_table(
        &source,
        &req.rule,
        &req.policy,
        info.max_identifier_length,
        has_shadow,
    );
    let references = references_of(&desired);
    match &entry.shadow_ddl {
        None => Ok(PairOutcome::Create(
            Box::new(desired),
            (warnings, references, false),
        )),
        Some(shadow_ddl) => {
            let current = parse_in_schema(shadow_ddl, info, facts.get(&entry.shadow))?;
            let adopted = !is_marked_shadow(&current);
            if adopted && !adopt.contains(source.name.as_str()) {
                return Err(format!(
                    "refused: collision: `{}` exists but carries no shadowsync marker, so it is not \
                     known to be the shadow of `{}` and is never altered (adopt it explicitly if it is)",
                    current.name, source.name
                ));
            }
            if !shares_a_column(&current, &desired) {
                return Err(format!(
                    "refused: existing table `{}` shares no column with `{}`; it is not its shadow (rename or drop it)",
                    current.name, source.name
                ));
            }
            if req.policy.rebuild {
                if let Some(cannot) = crate::diff::incapable_change(&current, &desired, opts) {
                    if let Some(problem) = rebuild::rebuild_problem(&current, &desired, info.flavor)
                    {
                        return Err(format!("refused: {cannot}; not rebuilt: {problem}"));
                    }
                    let names = rebuild_names(&current.name, info.max_identifier_length);
                    for name in [&names.0, &names.1] {
                        if exists(name) {
                            return Err(format!(
                                "refused: {cannot}; not rebuilt: `{name}` exists (left by an \
                                 earlier rebuild? drop it once nothing uses it)"
                            ));
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
                diff_tables(&current, &desired, opts).map_err(|e| format!("refused: {e}"))?;
            if adopted {
                warnings.push(format!(
                    "adopting `{}` as the shadow of `{}` (it had no shadowsync marker): \
                     it is altered to match and marked",
                    current.name, source.name
                ));
                for statement in statements.iter().filter(|s| is_destructive(s)) {
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
fn marker_problem(source: &Table) -> Option<String> {
    marked_comment_overflow(source).map(|len| {
        format!(
            "refused: the table comment of `{}` leaves no room for the shadow marker \
             ({len} characters with it, over {MAX_TABLE_COMMENT})",
            source.name
        )
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
fn remote_engine_problem(source: &Table) -> Option<String> {
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
    points_elsewhere.then(|| {
        format!(
            "refused: `{}` uses engine {} whose table reads or writes other tables: a shadow of it \
             would reach production data",
            source.name,
            engine.unwrap_or_else(|| "options".into())
        )
    })
}

/// Whether `statement` may drop data or structure of the table it alters:
/// drops of columns, keys, constraints or partitions, and column
/// redefinitions (which may narrow a type). Read off the statement text, so
/// it errs towards saying yes (a comment that quotes these words counts).
fn is_destructive(statement: &str) -> bool {
    const CLAUSES: [&str; 6] = [
        " DROP ",
        " MODIFY COLUMN ",
        " CHANGE COLUMN ",
        " REMOVE PARTITIONING",
        " TRUNCATE PARTITION ",
        " COALESCE PARTITION ",
    ];
    let upper = statement.to_ascii_uppercase();
    CLAUSES.iter().any(|clause| upper.contains(clause))
}

fn shares_a_column(a: &Table, b: &Table) -> bool {
    a.columns.iter().any(|c| b.column(&c.name).is_some())
}

/// Put the statements in an order that runs: created shadows first, parents
/// before children; then altered shadows, parents before children. A created
/// shadow's foreign key into a shadow that this plan alters (its key may be
/// added by that alter) is added after that alter, with the altered table's
/// statements; foreign keys closing a cycle of creates are added by the last
/// table of the cycle to be created.
fn order_statements(
    tables: &mut Vec<TableAnalysis>,
    mut creates: Vec<(usize, Table)>,
    opts: &DiffOptions,
    rule: &NamingRule,
) {
    let altered: HashMap<String, usize> = tables
        .iter()
        .enumerate()
        .filter(|(_, t)| t.planned == Action::Alter)
        .map(|(i, t)| (t.shadow.to_lowercase(), i))
        .collect();
    let current_shadows: HashMap<usize, Table> = altered
        .values()
        .filter_map(|&i| {
            let ddl = tables[i].shadow_ddl.as_deref()?;
            Some((i, parse_table(ddl).ok()?))
        })
        .collect();
    // Whether the alter of the referenced shadow must run before this FK can
    // be created: the shadow lacks a key on the referenced columns yet, or the
    // alter touches one of them.
    let needs_alter_first = |fk: &crate::model::ForeignKey, target: usize| -> bool {
        let Some(current) = current_shadows.get(&target) else {
            return true;
        };
        let touched = tables[target].statements.iter().any(|stmt| {
            fk.ref_columns.iter().any(|c| {
                let col = crate::render::quote_ident(c);
                stmt.contains(&format!("MODIFY COLUMN {col}"))
                    || stmt.contains(&format!("DROP COLUMN {col}"))
            })
        });
        touched || !has_key_on(current, &fk.ref_columns)
    };
    let mut after_alter: Vec<(usize, String)> = Vec::new();
    for (_, desired) in &mut creates {
        let (keep, defer): (Vec<_>, Vec<_>) = desired.foreign_keys.drain(..).partition(|fk| {
            fk.ref_schema.is_some()
                || altered
                    .get(&fk.ref_table.to_lowercase())
                    .is_none_or(|&target| !needs_alter_first(fk, target))
        });
        desired.foreign_keys = keep;
        for fk in defer {
            let target = altered[&fk.ref_table.to_lowercase()];
            after_alter.push((
                target,
                format!(
                    "ALTER TABLE {} ADD {}",
                    crate::render::quote_ident(&desired.name),
                    crate::render::foreign_key_definition(&fk)
                ),
            ));
        }
    }
    let refs: Vec<&Table> = creates.iter().map(|(_, t)| t).collect();
    let (statements, deferred) = indexed_create_statements(&refs, opts);
    let mut order = Vec::new();
    for (created, stmt) in statements {
        let i = creates[created].0;
        tables[i].statements.push(stmt);
        order.push(i);
    }
    if let Some(&last) = order.last() {
        tables[last].statements.extend(deferred);
    }
    for (target, stmt) in after_alter {
        tables[target].statements.push(stmt);
    }
    order.extend(alters_parents_first(tables, rule));
    let placed: HashSet<usize> = order.iter().copied().collect();
    order.extend((0..tables.len()).filter(|i| !placed.contains(i)));
    let mut slots: Vec<Option<TableAnalysis>> =
        std::mem::take(tables).into_iter().map(Some).collect();
    *tables = order.into_iter().filter_map(|i| slots[i].take()).collect();
}

/// Whether `table` has a key whose leading columns are `columns` (what a
/// foreign key referencing them needs).
fn has_key_on(table: &Table, columns: &[String]) -> bool {
    table.indexes.iter().any(|index| {
        index.parts.len() >= columns.len()
            && index.parts.iter().zip(columns).all(|(part, col)| {
                matches!(&part.target, crate::model::IndexTarget::Column(c) if c.eq_ignore_ascii_case(col))
            })
    })
}

/// Indexes of altered tables, a parent's alter before its children's (as far
/// as the source's foreign keys tell): each step takes the first table, in
/// input order, whose altered parents are all placed; inside a cycle, the
/// first table not placed yet. Linear in tables and keys (a topological
/// sort), as a long chain of keys is walked once rather than once per table.
fn alters_parents_first(tables: &[TableAnalysis], rule: &NamingRule) -> Vec<usize> {
    let altered: Vec<usize> = (0..tables.len())
        .filter(|&i| tables[i].planned == Action::Alter)
        .collect();
    let position: HashMap<String, usize> = altered
        .iter()
        .enumerate()
        .map(|(k, &i)| (tables[i].shadow.to_lowercase(), k))
        .collect();
    // For each altered table, how many parents' alters it still waits for,
    // and whose alters wait for it.
    let mut waiting_for = vec![0usize; altered.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); altered.len()];
    for (k, &i) in altered.iter().enumerate() {
        let Some(source) = tables[i]
            .source_ddl
            .as_deref()
            .and_then(|d| parse_table(d).ok())
        else {
            continue;
        };
        for fk in &source.foreign_keys {
            let parent = rule.shadow_name(&fk.ref_table).to_lowercase();
            if let Some(&j) = position.get(&parent).filter(|&&j| j != k) {
                waiting_for[k] += 1;
                children[j].push(k);
            }
        }
    }
    let mut ready: BTreeSet<usize> = (0..altered.len())
        .filter(|&k| waiting_for[k] == 0)
        .collect();
    let mut placed = vec![false; altered.len()];
    let mut first_unplaced = 0;
    let mut out = Vec::with_capacity(altered.len());
    while out.len() < altered.len() {
        let k = match ready.pop_first() {
            Some(k) => k,
            None => {
                while placed[first_unplaced] {
                    first_unplaced += 1;
                }
                first_unplaced
            }
        };
        placed[k] = true;
        out.push(altered[k]);
        for &child in &children[k] {
            waiting_for[child] -= 1;
            if waiting_for[child] == 0 && !placed[child] {
                ready.insert(child);
            }
        }
    }
    out
}

/// Analyse live: read a snapshot through `exec`, then analyse it.
pub fn analyze(exec: &mut dyn Executor, req: &AnalysisRequest) -> Result<Analysis> {
    let snapshot = read_snapshot(exec, req)?;
    Ok(analyze_snapshot(&snapshot, req))
}

#[cfg(test)]
mod tests;
