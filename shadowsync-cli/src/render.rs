//! How tasks are printed as text: the outcome of a run, the details of a
//! task, and task lists. Cells go through `plan`'s helpers so that every
//! table of the CLI aligns wide characters and escapes control characters
//! the same way.

use std::io::{self, Write};

use shadowsync::host::FleetTasksView;
use shadowsync_core::task::list::{TaskPage, TaskQuery};
use shadowsync_core::task::log::format_utc;
use shadowsync_core::task::{
    ExecutionMode, StatementStatus, TableProgress, TableStatus, Task, TimelineEvent,
};
use shadowsync_core::Millis;

use crate::failure::Failure;
use crate::plan::{one_line, width, write_row};

/// `rows` under `header`, columns aligned.
pub fn write_table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| one_line(cell)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    write_row(out, &header, &widths)?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    write_row(out, &rule, &widths)?;
    for row in &rows {
        write_row(out, row, &widths)?;
    }
    Ok(())
}

/// Statements of one table by outcome.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    planned: usize,
    applied: usize,
    failed: usize,
}

impl Counts {
    fn of(progress: &TableProgress) -> Counts {
        let count = |status| {
            progress
                .statements
                .iter()
                .filter(|s| s.status == status)
                .count()
        };
        Counts {
            planned: progress.statements.len(),
            applied: count(StatementStatus::Applied),
            failed: count(StatementStatus::Failed),
        }
    }
}

/// One line per table: status, statements applied and failed, error.
pub fn write_outcome(out: &mut dyn Write, task: &Task) -> io::Result<()> {
    writeln!(out, "Task {}: {}", task.id, task.state.status)?;
    let mut total = Counts::default();
    let rows: Vec<Vec<String>> = task
        .spec
        .plan
        .tables
        .iter()
        .zip(&task.tables)
        .map(|(planned, progress)| {
            let counts = Counts::of(progress);
            total.planned += counts.planned;
            total.applied += counts.applied;
            total.failed += counts.failed;
            vec![
                planned.source.clone(),
                planned.shadow.clone(),
                progress.status.to_string(),
                format!("{}/{}", counts.applied, counts.planned),
                counts.failed.to_string(),
                progress.error.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    write_table(
        out,
        &["SOURCE", "SHADOW", "STATUS", "APPLIED", "FAILED", "ERROR"],
        &rows,
    )?;
    let tables = |status| task.tables.iter().filter(|t| t.status == status).count();
    writeln!(
        out,
        "\n{} of {} statements applied, {} failed; tables: {} succeeded, {} failed, {} skipped",
        total.applied,
        total.planned,
        total.failed,
        tables(TableStatus::Succeeded),
        tables(TableStatus::Failed),
        tables(TableStatus::Skipped)
    )
}

/// Everything about a task: spec, state, per-table outcome, every statement
/// with its outcome, and the timeline.
pub fn write_details(
    out: &mut dyn Write,
    task: &Task,
    timeline: &[TimelineEvent],
) -> io::Result<()> {
    let spec = &task.spec;
    let state = &task.state;
    let time = |at: Option<Millis>| at.map_or_else(|| "-".to_string(), format_utc);
    let mode = match spec.mode {
        ExecutionMode::Immediate => "immediate".to_string(),
        ExecutionMode::Scheduled { at } => format!("scheduled at {}", format_utc(at)),
    };
    let mut fields = vec![
        ("connection", spec.plan.connection.clone()),
        ("database", spec.plan.database.clone()),
        ("naming rule", spec.plan.naming_rule.clone()),
        ("creator", spec.creator.clone()),
        ("created", format_utc(spec.created_at)),
        ("mode", mode),
        ("on error", format!("{:?}", spec.on_error).to_lowercase()),
        ("parallel", spec.parallel.to_string()),
        (
            "fleet",
            spec.fleet.as_ref().map_or_else(
                || "-".to_string(),
                |f| format!("{} ({}, {} of {})", f.id, f.member, f.index, f.of),
            ),
        ),
        (
            "flow",
            format!(
                "{} ({} of {} nodes decided)",
                spec.flow.name,
                state.approval_node,
                spec.flow.nodes.len()
            ),
        ),
        (
            "identities",
            format!(
                "{}; {}",
                if spec.flow.forbid_self_approval {
                    "the creator may not approve"
                } else {
                    "the creator may approve"
                },
                if spec.flow.allow_delegated_identity {
                    "--as allowed"
                } else {
                    "--as refused"
                }
            ),
        ),
        ("due", time(state.due_at)),
        ("worker", state.worker.clone().unwrap_or_else(|| "-".into())),
        ("started", time(state.started_at)),
        ("finished", time(state.finished_at)),
    ];
    if !spec.remarks.is_empty() {
        fields.push(("remarks", spec.remarks.clone()));
    }
    if let Some(old) = spec.initiated_from {
        fields.push(("again from", format!("task {old}")));
    }
    if task.abort_requested {
        fields.push(("abort", "requested".into()));
    }
    write_outcome(out, task)?;
    writeln!(out)?;
    for (name, value) in fields {
        writeln!(out, "  {name:<13}{}", one_line(&value))?;
    }
    writeln!(out, "\nStatements:")?;
    for (planned, progress) in spec.plan.tables.iter().zip(&task.tables) {
        if planned.statements.is_empty() {
            continue;
        }
        writeln!(
            out,
            "  {} -> {}: {}",
            one_line(&planned.source),
            one_line(&planned.shadow),
            progress.status
        )?;
        for (k, (sql, outcome)) in planned
            .statements
            .iter()
            .zip(&progress.statements)
            .enumerate()
        {
            writeln!(out, "    {}. [{}]", k + 1, outcome.status)?;
            for line in sql.lines() {
                writeln!(out, "       {line}")?;
            }
            if let Some(error) = &outcome.error {
                writeln!(out, "       error: {}", one_line(error))?;
            }
        }
    }
    writeln!(out, "\nTimeline:")?;
    write_timeline(out, timeline)
}

/// The tasks of one fleet submission, one row each, and their roll-up.
pub fn write_fleet_tasks(out: &mut dyn Write, view: &FleetTasksView) -> io::Result<()> {
    let rows: Vec<Vec<String>> = view
        .tasks
        .iter()
        .map(|t| {
            vec![
                t.index.to_string(),
                t.member.clone(),
                t.id.to_string(),
                t.status.to_string(),
                format!("{}/{}", t.applied, t.statements),
            ]
        })
        .collect();
    write_table(out, &["#", "DATABASE", "TASK", "STATUS", "APPLIED"], &rows)?;
    let c = &view.counts;
    writeln!(
        out,
        "\nFleet {}: {} tasks of {} databases, {} succeeded, {} waiting, {} executing, {} \
         unsuccessful{}",
        view.fleet,
        c.tasks,
        view.of,
        c.succeeded,
        c.waiting,
        c.executing,
        c.unsuccessful,
        if view.missing.is_empty() {
            String::new()
        } else {
            format!("; no task for database {:?} of the fleet", view.missing)
        }
    )
}

/// A task's timeline, one event per line.
pub fn write_timeline(out: &mut dyn Write, timeline: &[TimelineEvent]) -> io::Result<()> {
    for event in timeline {
        writeln!(out, "  {}", one_line(&event.to_string()))?;
    }
    Ok(())
}

/// A page of tasks, and where it sits in the whole list.
pub fn write_list(out: &mut dyn Write, page: &TaskPage, query: &TaskQuery) -> io::Result<()> {
    let rows: Vec<Vec<String>> = page
        .items
        .iter()
        .map(|t| {
            vec![
                t.id.to_string(),
                format_utc(t.created_at),
                t.status.to_string(),
                t.creator.clone(),
                t.database.clone(),
                t.connection.clone(),
                t.remarks.clone(),
            ]
        })
        .collect();
    write_table(
        out,
        &[
            "ID",
            "CREATED",
            "STATUS",
            "CREATOR",
            "DATABASE",
            "CONNECTION",
            "REMARKS",
        ],
        &rows,
    )?;
    let pages = page.total.div_ceil(query.page_size).max(1);
    writeln!(
        out,
        "\npage {} of {pages}: {} of {} matching tasks",
        query.page + 1,
        page.items.len(),
        page.total
    )
}

/// An output failure as a [`Failure`].
pub fn write_failed(e: io::Error) -> Failure {
    Failure::Output(e)
}

/// How a task waiting for execution gets run.
pub fn waiting_hint(out: &mut dyn Write, task: &Task) -> io::Result<()> {
    let due = task.state.due_at.map_or_else(String::new, format_utc);
    writeln!(
        out,
        "Due at {due}: run it then with `shadowsync task run-due --url URL` \
         (or with SHADOWSYNC_URL set), e.g. from cron."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_stay_on_one_line() {
        let mut out = Vec::new();
        write_table(
            &mut out,
            &["A", "B"],
            &[
                vec!["订单".into(), "x\ny".into()],
                vec!["a".into(), "b".into()],
            ],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A     B\n----  ----\n订单  x\\ny\na     b\n"
        );
    }
}
