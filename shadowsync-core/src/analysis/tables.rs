//! The analysis of a selection's tables: each source paired with its
//! shadow, a refused parent's children analysed again, and the statements
//! put in an order that runs.

use std::collections::{HashMap, HashSet};

use crate::diff::DiffOptions;
use crate::executor::{RelationKind, ServerInfo};
use crate::fingerprint;
use crate::model::Table;
use crate::plan::SkipReason;

use super::names::{select, Indexes};
use super::order::order_statements;
use super::pair::{analyse_pair, NameLookups, PairOutcome, Sides};
use super::{name_key, Action, AnalysisRequest, SchemaSnapshot, Selection, TableAnalysis};

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
pub(super) fn analyse_selection(
    snapshot: &SchemaSnapshot,
    req: &AnalysisRequest,
    selection: &Selection,
    ix: &Indexes,
) -> Vec<TableAnalysis> {
    let info = &snapshot.server;
    let fold = info.lower_case_table_names != 0;
    let plan = select(
        req,
        selection,
        info,
        &snapshot.relations,
        ix,
        snapshot.is_mapped(),
    );
    let ctx = Context::new(snapshot, req, ix, &plan.sources);
    // A parent refused by the analysis gets no shadow, so its children must
    // keep their production reference: refusals are known after a first pass.
    let (mut tables, mut creates) = ctx.analyse_sources(&plan.sources, &HashSet::new());
    let refused: HashSet<String> = tables
        .iter()
        .filter(|t| t.planned == Action::Skip && t.reason != Some(SkipReason::Identical))
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
            kinds: Vec::new(),
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
    pub(super) fn new(
        snapshot: &'a SchemaSnapshot,
        req: &'a AnalysisRequest,
        ix: &'a Indexes<'a>,
        sources: &[String],
    ) -> Self {
        let info = &snapshot.server;
        let fold = info.lower_case_table_names != 0;
        // Statements change shadows, so they are read in the shadows' schema.
        let shadow_info = snapshot.shadow_server();
        Context {
            snapshot,
            req,
            fold,
            ix,
            source_keys: sources.iter().map(|s| name_key(s, fold)).collect(),
            opts: DiffOptions {
                flavor: shadow_info.flavor,
                from_schema: Some(shadow_info.database.clone()),
                to_schema: Some(shadow_info.database.clone()),
                drop_tables: false,
            },
        }
    }

    /// Whether `parent` has (or will have) a shadow its children can reference.
    fn has_shadow(&self, parent: &str, refused: &HashSet<String>) -> bool {
        let key = name_key(parent, self.fold);
        if refused.contains(&key) {
            return false;
        }
        let will_be_synced = self.source_keys.contains(&key) && !self.ix.skip_keys.contains(&key);
        let shadow = self.req.rule.shadow_name(parent);
        will_be_synced || self.ix.shadow_kind(&shadow) == Some(RelationKind::Table)
    }

    fn analyse_sources(
        &self,
        sources: &[String],
        refused: &HashSet<String>,
    ) -> (Vec<TableAnalysis>, Vec<(usize, Table)>) {
        let info = &self.snapshot.server;
        let shadow_info = self.snapshot.shadow_server();
        let has_shadow = |parent: &str| self.has_shadow(parent, refused);
        let mut shadow_owner: HashMap<String, String> = HashMap::new();
        let mut tables = Vec::with_capacity(sources.len());
        let mut creates = Vec::new();
        for source in sources {
            let shadow = self.req.rule.shadow_name(source);
            let shadow_stored = self.ix.shadow_stored_name(&shadow);
            let source_ddl = self.snapshot.ddl.get(source).cloned();
            let shadow_ddl = self.snapshot.shadow_ddl().get(&shadow_stored).cloned();
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
                kinds: Vec::new(),
                warnings: Vec::new(),
                references: Vec::new(),
                adopted: false,
                rebuild: false,
            };
            let problem = name_problem(
                &shadow,
                source,
                shadow_info,
                self.ix,
                (!self.snapshot.is_mapped()).then_some(&self.source_keys),
                &mut shadow_owner,
            );
            let outcome = match problem {
                Some(p) => Err(p),
                None => analyse_pair(
                    &entry,
                    self.req,
                    &self.ix.adopt,
                    &Sides {
                        source: info,
                        shadow: shadow_info,
                        source_facts: &self.snapshot.facts,
                        shadow_facts: self.snapshot.shadow_facts(),
                        mapped: self.snapshot.is_mapped(),
                    },
                    &NameLookups {
                        has_shadow: &has_shadow,
                        exists: &|name: &str| self.ix.shadow_kind(name).is_some(),
                    },
                    &self.opts,
                ),
            };
            match outcome {
                Ok(PairOutcome::Identical(notes)) => {
                    entry.reason = Some(SkipReason::Identical);
                    (entry.warnings, entry.references, entry.adopted) = notes;
                }
                Ok(PairOutcome::Alter(statements, notes)) => {
                    entry.planned = Action::Alter;
                    statements.into_iter().for_each(|s| entry.push_statement(s));
                    (entry.warnings, entry.references, entry.adopted) = notes;
                }
                Ok(PairOutcome::Rebuild(statements, notes)) => {
                    entry.planned = Action::Alter;
                    statements.into_iter().for_each(|s| entry.push_statement(s));
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
            entry.reason = Some(SkipReason::RebuildReferenced {
                shadow: entry.shadow.clone(),
            });
            entry.planned = Action::Skip;
            entry.statements.clear();
            entry.kinds.clear();
            entry.rebuild = false;
        }
    }
}

/// Why `shadow` cannot be the shadow of `source`, if it cannot. `sources`
/// are the selection's names when shadows live beside them (`None` in
/// database mode, where a shadow's name is its source's, elsewhere).
fn name_problem(
    shadow: &str,
    source: &str,
    info: &ServerInfo,
    ix: &Indexes,
    sources: Option<&HashSet<String>>,
    owners: &mut HashMap<String, String>,
) -> Option<SkipReason> {
    let shadow = shadow.to_string();
    let length = shadow.chars().count();
    if length > info.max_identifier_length {
        return Some(SkipReason::ShadowNameTooLong {
            shadow,
            length,
            max: info.max_identifier_length,
        });
    }
    if ix.shadow_kind(&shadow) == Some(RelationKind::View) {
        return Some(SkipReason::ShadowNameIsView { shadow });
    }
    let key = name_key(&shadow, ix.shadow_fold);
    if sources.is_some_and(|s| s.contains(&key)) {
        return Some(SkipReason::ShadowNameIsSource { shadow });
    }
    if let Some(other) = owners.insert(key, source.to_string()) {
        return Some(SkipReason::ShadowNameShared { shadow, other });
    }
    None
}
