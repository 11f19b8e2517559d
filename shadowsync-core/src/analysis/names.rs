//! Names in a snapshot: which tables a request selects, and the indexes
//! of folded names every analysis of one snapshot looks names up in.

use std::collections::{HashMap, HashSet};

use crate::executor::{Relation, RelationKind, ServerInfo};
use crate::plan::SkipReason;

use super::{name_key, AnalysisRequest, SchemaSnapshot, Selection};

/// The selected source names and the names to read, or an error for a bad request.
pub(super) struct Plan {
    pub(super) sources: Vec<String>,
    /// Chosen names that are not sources, with the reason.
    pub(super) rejected: Vec<(String, SkipReason)>,
}

pub(super) fn select(
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
                    None => rejected.push((name.clone(), SkipReason::NoSuchTable)),
                    Some((RelationKind::View, _)) => {
                        rejected.push((name.clone(), SkipReason::SourceIsView))
                    }
                    Some(_) if req.rule.is_shadow_name(name, fold) => rejected.push((
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

/// What every analysis of one snapshot under one request looks names up
/// in, built once: [`analyze_each_alone`] runs one analysis per table, and
/// rebuilding these per analysis made verify quadratic in the tables.
pub(super) struct Indexes<'a> {
    /// Relation kinds by folded name.
    pub(super) kinds: HashMap<String, RelationKind>,
    /// Stored (server-spelled) names by folded name.
    pub(super) stored: HashMap<String, &'a str>,
    /// [`AnalysisRequest::skip`], folded.
    pub(super) skip_keys: HashSet<String>,
    /// [`AnalysisRequest::adopt`] (looked up per table).
    pub(super) adopt: HashSet<&'a str>,
}

impl<'a> Indexes<'a> {
    pub(super) fn for_snapshot(snapshot: &'a SchemaSnapshot, req: &'a AnalysisRequest) -> Self {
        let fold = snapshot.server.lower_case_table_names != 0;
        Indexes::new(&snapshot.relations, fold, req)
    }

    pub(super) fn new(relations: &'a [Relation], fold: bool, req: &'a AnalysisRequest) -> Self {
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
