//! Names in a snapshot: which tables a request selects, and the indexes
//! of folded names every analysis of one snapshot looks names up in.

use std::collections::{HashMap, HashSet};

use crate::executor::{Relation, RelationKind, ServerInfo};
use crate::plan::SkipReason;

use super::pattern::matches;
use super::{name_key, AnalysisRequest, SchemaSnapshot, Selection};

/// The selected source names and the names to read, or an error for a bad request.
pub(super) struct Plan {
    pub(super) sources: Vec<String>,
    /// Chosen names that are not sources, with the reason.
    pub(super) rejected: Vec<(String, SkipReason)>,
}

/// The sources `selection` picks among `relations`. Beside their sources
/// (`mapped` false) a table with the shape of a shadow is never a source;
/// in another database (`mapped`) the sources' database holds no shadows.
pub(super) fn select(
    req: &AnalysisRequest,
    selection: &Selection,
    info: &ServerInfo,
    relations: &[Relation],
    ix: &Indexes,
    mapped: bool,
) -> Plan {
    let fold = info.lower_case_table_names != 0;
    let mut sources = Vec::new();
    let mut rejected = Vec::new();
    match selection {
        Selection::All | Selection::Matching { .. } => {
            for r in relations {
                if r.kind == RelationKind::Table
                    && (mapped || !req.rule.is_shadow_name(&r.name, fold))
                    && is_matched(selection, &r.name, fold)
                {
                    sources.push(r.name.clone());
                }
            }
        }
        Selection::Tables(names) => {
            for name in names {
                let key = name_key(name, fold);
                match ix.kinds.get(&key).zip(ix.stored.get(&key)) {
                    None => rejected.push((name.clone(), SkipReason::NoSuchTable)),
                    Some((RelationKind::View, _)) => {
                        rejected.push((name.clone(), SkipReason::SourceIsView))
                    }
                    Some(_) if !mapped && req.rule.is_shadow_name(name, fold) => rejected.push((
                        name.clone(),
                        SkipReason::SourceIsShadow {
                            source: name.clone(),
                            rule: req.rule.to_string(),
                        },
                    )),
                    Some((_, stored)) => sources.push(stored.to_string()),
                }
            }
        }
    }
    Plan { sources, rejected }
}

/// Whether `name` is in a listed selection's patterns (always for `All`).
fn is_matched(selection: &Selection, name: &str, fold: bool) -> bool {
    match selection {
        Selection::Matching { include, exclude } => {
            (include.is_empty() || include.iter().any(|p| matches(p, name, fold)))
                && !exclude.iter().any(|p| matches(p, name, fold))
        }
        _ => true,
    }
}

/// What every analysis of one snapshot under one request looks names up
/// in, built once: [`analyze_each_alone`] runs one analysis per table, and
/// rebuilding these per analysis made verify quadratic in the tables.
pub(super) struct Indexes<'a> {
    /// Relation kinds by folded name.
    pub(super) kinds: HashMap<String, RelationKind>,
    /// Stored (server-spelled) names by folded name.
    pub(super) stored: HashMap<String, &'a str>,
    /// Relation kinds of the shadows' database by folded name (the same
    /// as [`Indexes::kinds`] when shadows live beside their sources).
    pub(super) shadow_kinds: HashMap<String, RelationKind>,
    /// Stored names of the shadows' database by folded name.
    pub(super) shadow_stored: HashMap<String, &'a str>,
    /// Whether the shadows' database folds names.
    pub(super) shadow_fold: bool,
    /// [`AnalysisRequest::skip`], folded.
    pub(super) skip_keys: HashSet<String>,
    /// [`AnalysisRequest::adopt`] (looked up per table).
    pub(super) adopt: HashSet<&'a str>,
}

impl<'a> Indexes<'a> {
    pub(super) fn for_snapshot(snapshot: &'a SchemaSnapshot, req: &'a AnalysisRequest) -> Self {
        let fold = snapshot.server.lower_case_table_names != 0;
        let mut ix = Indexes::new(&snapshot.relations, fold, req);
        if let Some(side) = &snapshot.shadows {
            let shadow_fold = side.server.lower_case_table_names != 0;
            (ix.shadow_kinds, ix.shadow_stored) = by_key(&side.relations, shadow_fold);
            ix.shadow_fold = shadow_fold;
        }
        ix
    }

    /// The indexes of one database holding both sources and shadows.
    pub(super) fn new(relations: &'a [Relation], fold: bool, req: &'a AnalysisRequest) -> Self {
        let (kinds, stored) = by_key(relations, fold);
        Indexes {
            shadow_kinds: kinds.clone(),
            shadow_stored: stored.clone(),
            shadow_fold: fold,
            kinds,
            stored,
            skip_keys: req.skip.iter().map(|s| name_key(s, fold)).collect(),
            adopt: req.adopt.iter().map(String::as_str).collect(),
        }
    }

    /// The kind of the shadow-side relation `name`, if there is one.
    pub(super) fn shadow_kind(&self, name: &str) -> Option<RelationKind> {
        self.shadow_kinds
            .get(&name_key(name, self.shadow_fold))
            .copied()
    }

    /// The stored spelling of shadow-side relation `name` (else `name`).
    pub(super) fn shadow_stored_name(&self, name: &str) -> String {
        self.shadow_stored
            .get(&name_key(name, self.shadow_fold))
            .map_or_else(|| name.to_string(), |s| s.to_string())
    }
}

type KeyMaps<'a> = (HashMap<String, RelationKind>, HashMap<String, &'a str>);

/// Relation kinds and stored names by folded name.
fn by_key(relations: &[Relation], fold: bool) -> KeyMaps<'_> {
    (
        relations
            .iter()
            .map(|r| (name_key(&r.name, fold), r.kind))
            .collect(),
        relations
            .iter()
            .map(|r| (name_key(&r.name, fold), r.name.as_str()))
            .collect(),
    )
}
