//! Partitioning: compared by its canonical text, extended by `ADD
//! PARTITION` where that is all that changed, else repartitioned whole.

use crate::model::*;
use crate::render;
use crate::statement::AlterClause;

use super::alter::{Clause, TableAlter};

/// Partitioning compared by its canonical text (methods, expressions, bounds,
/// names), ignoring per-partition `ENGINE` which servers print redundantly.
fn partition_key(p: &Partitioning) -> String {
    let mut p = p.clone();
    let strip = |defs: &mut Vec<PartitionDef>| {
        for d in defs.iter_mut() {
            d.options.retain(|o| o.key != "ENGINE");
            for s in d.subpartitions.iter_mut() {
                s.options.retain(|o| o.key != "ENGINE");
            }
        }
    };
    strip(&mut p.partitions);
    strip(&mut p.subpartition_template);
    crate::expr::SqlExpr::new(render::partitioning(&p))
        .token_key()
        .to_string()
}

/// The `ADD PARTITION` clause that turns `from` into `to` when new
/// partitions after the existing, unchanged ones are all that changed: it
/// touches only the new partitions, where a new `PARTITION BY` copies every
/// row of the shadow. `None`: repartition whole.
fn partition_steps(from: &Partitioning, to: &Partitioning) -> Option<Vec<Clause>> {
    let explicit = |p: &Partitioning| {
        matches!(
            p.scheme.method,
            PartitionMethod::Range | PartitionMethod::List
        ) && p.subpartition.is_none()
            && p.subpartition_template.is_empty()
            && !p.partitions.is_empty()
            && p.partitions.iter().all(|d| d.subpartitions.is_empty())
    };
    let scheme = |p: &Partitioning| {
        let mut only = p.clone();
        only.partitions.clear();
        partition_key(&only)
    };
    if !explicit(from) || !explicit(to) || scheme(from) != scheme(to) {
        return None;
    }
    let def_key = |d: &PartitionDef| {
        let mut d = d.clone();
        d.options.retain(|o| o.key != "ENGINE");
        crate::expr::SqlExpr::new(render::partition_definition(&d))
            .token_key()
            .to_string()
    };
    let named = |defs: &[PartitionDef], name: &str| {
        defs.iter().position(|d| d.name.eq_ignore_ascii_case(name))
    };
    let kept: Vec<&PartitionDef> = from
        .partitions
        .iter()
        .filter(|d| named(&to.partitions, &d.name).is_some())
        .collect();
    // The kept partitions open `to`, equal and in order; the rest is new.
    if kept.is_empty()
        || kept.len() > to.partitions.len()
        || kept
            .iter()
            .zip(&to.partitions)
            .any(|(k, t)| def_key(k) != def_key(t))
    {
        return None;
    }
    // A dropped partition would delete the shadow's rows in it; a new
    // `PARTITION BY` moves them (or fails loudly where they fit nowhere).
    if kept.len() != from.partitions.len() || kept.len() == to.partitions.len() {
        return None;
    }
    let added: Vec<String> = to.partitions[kept.len()..]
        .iter()
        .map(render::partition_definition)
        .collect();
    Some(vec![Clause::new(
        format!("ADD PARTITION ({})", added.join(", ")),
        AlterClause::AddPartitions,
    )])
}

pub(super) fn diff_partitioning(a: &Table, b: &Table, alter: &mut TableAlter) {
    let steps = match (&a.partitioning, &b.partitioning) {
        (None, None) => return,
        (Some(_), None) => vec![Clause::new(
            "REMOVE PARTITIONING",
            AlterClause::RemovePartitioning,
        )],
        (x, Some(to)) => {
            if x.as_ref().map(partition_key) == Some(partition_key(to)) {
                return;
            }
            match x.as_ref().and_then(|from| partition_steps(from, to)) {
                Some(steps) => steps,
                None => vec![Clause::new(
                    render::partitioning(to),
                    AlterClause::Repartition,
                )],
            }
        }
    };
    // Each step alone, whatever the engine takes in one statement.
    alter.partition = steps
        .iter()
        .map(|step| alter.statement(std::slice::from_ref(step)))
        .collect();
}
