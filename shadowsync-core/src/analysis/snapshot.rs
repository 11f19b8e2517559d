//! Reading a snapshot: the server facts, the relation list and the DDL of
//! the selected tables and their shadows, in as few requests as it takes.

use std::collections::{HashMap, HashSet};

use crate::error::Result;
use crate::executor::{CatalogFacts, Executor, Relation, RelationKind, ServerInfo};

use super::names::{select, Indexes};
use super::{exact, name_key, AnalysisRequest, SchemaSnapshot};

/// Read what [`super::analyze_snapshot`] needs: server facts, the relation list and
/// the DDL of the selected tables and their existing shadows, in one batch.
pub fn read_snapshot(exec: &mut dyn Executor, req: &AnalysisRequest) -> Result<SchemaSnapshot> {
    let server = exec.server_info()?;
    let relations = exec.list_relations()?;
    let names = names_to_read(&server, &relations, req);
    let (ddl, facts) = read_texts(exec, names)?;
    Ok(SchemaSnapshot {
        server,
        relations,
        ddl,
        facts,
    })
}

/// The tables whose texts the analysis of `req` needs: each selected source
/// and its shadow when that exists, by name as the server stores it.
pub(super) fn names_to_read(
    server: &ServerInfo,
    relations: &[Relation],
    req: &AnalysisRequest,
) -> Vec<String> {
    let fold = server.lower_case_table_names != 0;
    let existing: HashSet<String> = relations
        .iter()
        .filter(|r| r.kind == RelationKind::Table)
        .map(|r| name_key(&r.name, fold))
        .collect();
    let ix = Indexes::new(relations, fold, req);
    let plan = select(req, &req.selection, server, relations, &ix);
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
    names
}

/// The texts of `names` (absent tables left out) and the catalog facts of
/// those that print something inexactly.
pub(super) fn read_texts(
    exec: &mut dyn Executor,
    names: Vec<String>,
) -> Result<(HashMap<String, String>, HashMap<String, CatalogFacts>)> {
    if names.is_empty() {
        return Ok((HashMap::new(), HashMap::new()));
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
    Ok((ddl, facts))
}
