//! Reading a snapshot: the server facts, the relation list and the DDL of
//! the selected tables and their shadows, in as few requests as it takes.
//! In database mode (an executor with a [`Executor::source_side`]) the
//! sources are read from their database and the shadows from theirs, and
//! a mapping whose shadow database is the source database itself is
//! refused before anything is analysed.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Result};
use crate::executor::{CatalogFacts, Executor, Relation, RelationKind, ServerInfo};

use super::names::{select, Indexes};
use super::{exact, name_key, AnalysisRequest, SchemaSnapshot, ShadowSide};

/// Read what [`super::analyze_snapshot`] needs: server facts, the relation list and
/// the DDL of the selected tables and their existing shadows, in one batch
/// per database.
pub fn read_snapshot(exec: &mut dyn Executor, req: &AnalysisRequest) -> Result<SchemaSnapshot> {
    read_snapshot_with(exec, req, &mut |exec, _, names| read_texts(exec, names))
}

/// How a snapshot's texts are read in one database: through `exec`, whose
/// server facts are `server`, the texts of `names` (see [`read_texts`]).
/// The snapshot cache reads some of them from the task store instead.
pub(super) type TextReader<'a> =
    dyn FnMut(&mut dyn Executor, &ServerInfo, Vec<String>) -> Result<Texts> + 'a;

/// [`read_snapshot`] with the texts read by `read`.
pub(super) fn read_snapshot_with(
    exec: &mut dyn Executor,
    req: &AnalysisRequest,
    read: &mut TextReader<'_>,
) -> Result<SchemaSnapshot> {
    if exec.source_side().is_some() {
        return read_mapped(exec, req, read);
    }
    if req.rule.is_same() {
        return Err(Error::InvalidRequest(
            "the naming rule `same` keeps the sources' names, so it needs the shadows in \
             another database (a shadow schema or shadow server)"
                .into(),
        ));
    }
    let server = exec.server_info()?;
    let relations = exec.list_relations()?;
    let names = names_to_read(&server, &relations, req);
    let (ddl, facts) = read(exec, &server, names)?;
    Ok(SchemaSnapshot {
        server,
        relations,
        ddl,
        facts,
        shadows: None,
    })
}

/// The tables whose texts the analysis of `req` needs in one database:
/// each selected source and its shadow when that exists, by name as the
/// server stores it.
pub(super) fn names_to_read(
    server: &ServerInfo,
    relations: &[Relation],
    req: &AnalysisRequest,
) -> Vec<String> {
    let fold = server.lower_case_table_names != 0;
    let existing = table_keys(relations, fold);
    let ix = Indexes::new(relations, fold, req);
    let plan = select(req, &req.selection, server, relations, &ix, false);
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

/// Database mode: the sources from the source side, the shadows from `exec`.
fn read_mapped(
    exec: &mut dyn Executor,
    req: &AnalysisRequest,
    read: &mut TextReader<'_>,
) -> Result<SchemaSnapshot> {
    let shadow_server = exec.server_info()?;
    let shadow_identity = exec.server_identity()?;
    let shadow_relations = exec.list_relations()?;
    let shadow_database_exists = exec.database_exists()?;
    let connection = exec.location();
    let source = exec
        .source_side()
        .ok_or_else(|| Error::Executor("the source side went away".into()))?;
    let server = source.server_info()?;
    let source_identity = source.server_identity()?;
    // A shadow database still to be made is made like the source's.
    let create_with = if shadow_database_exists {
        None
    } else {
        Some(source.database_defaults()?.ok_or_else(|| {
            Error::InvalidRequest(format!(
                "the shadow database `{}` does not exist and the source database's character                  set and collation, which it would be created with, cannot be read",
                shadow_server.database
            ))
        })?)
    };
    refuse_same_place(
        &server,
        source_identity.as_deref(),
        &shadow_server,
        shadow_identity.as_deref(),
    )?;
    let relations = source.list_relations()?;
    let fold = server.lower_case_table_names != 0;
    let ix = Indexes::new(&relations, fold, req);
    let plan = select(req, &req.selection, &server, &relations, &ix, true);
    let (ddl, facts) = read(source, &server, plan.sources.clone())?;
    let shadow_fold = shadow_server.lower_case_table_names != 0;
    let stored: HashMap<String, &str> = shadow_relations
        .iter()
        .filter(|r| r.kind == RelationKind::Table)
        .map(|r| (name_key(&r.name, shadow_fold), r.name.as_str()))
        .collect();
    let shadow_names: Vec<String> = plan
        .sources
        .iter()
        .filter_map(|s| stored.get(&name_key(&req.rule.shadow_name(s), shadow_fold)))
        .map(|s| s.to_string())
        .collect();
    let (shadow_ddl, shadow_facts) = read(exec, &shadow_server, shadow_names)?;
    Ok(SchemaSnapshot {
        server,
        relations,
        ddl,
        facts,
        shadows: Some(ShadowSide {
            server: shadow_server,
            relations: shadow_relations,
            ddl: shadow_ddl,
            facts: shadow_facts,
            source_identity,
            shadow_identity,
            create_with,
            connection,
        }),
    })
}

/// The identity guard: a mapping whose shadow database is the source
/// database on the same server is refused, whatever addresses reached the
/// two (a second host name, a proxy, a replica address of the same server).
/// Databases of different names are different databases; under one name,
/// only two servers that say who they are, and differ, prove it.
pub fn refuse_same_place(
    source: &ServerInfo,
    source_identity: Option<&str>,
    shadow: &ServerInfo,
    shadow_identity: Option<&str>,
) -> Result<()> {
    let fold = source.lower_case_table_names != 0 || shadow.lower_case_table_names != 0;
    let same_name = name_key(&source.database, fold) == name_key(&shadow.database, fold);
    if !same_name {
        return Ok(());
    }
    match (source_identity, shadow_identity) {
        (Some(a), Some(b)) if a != b => Ok(()),
        (Some(_), Some(_)) => Err(Error::InvalidRequest(format!(
            "the shadow database `{}` is the source database itself (the same server): \
             shadows would replace their sources",
            shadow.database
        ))),
        _ => Err(Error::InvalidRequest(format!(
            "the shadow database `{}` has the source database's name and the servers do not \
             say who they are, so it may be the source database itself",
            shadow.database
        ))),
    }
}

fn table_keys(relations: &[Relation], fold: bool) -> HashSet<String> {
    relations
        .iter()
        .filter(|r| r.kind == RelationKind::Table)
        .map(|r| name_key(&r.name, fold))
        .collect()
}

pub(super) type Texts = (HashMap<String, String>, HashMap<String, CatalogFacts>);

/// The texts of `names` (those that exist) and the catalog facts of those
/// that print something inexactly.
pub(super) fn read_texts(exec: &mut dyn Executor, names: Vec<String>) -> Result<Texts> {
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
