//! Sharded fleets through the host layer ([`shadowsync::host::fleet`]):
//! `check --fleet FILE` checks every shard read-only and rolls the
//! verdicts up per logical table; `plan --fleet FILE` shows what every
//! database would run; `sync --fleet FILE` submits one task per database
//! under one fleet id and runs them, all with bounded parallelism per
//! server. Each server URL's password is found as for `--url`.

use std::io::{self, Write};
use std::path::Path;

use shadowsync::host::{
    check_fleet, plan_fleet, read_fleet, run_fleet, submit_fleet, to_json, Fleet, FleetCheckView,
    FleetOptions, FleetPlan, FleetSyncView, SubmitOptions,
};
use shadowsync_core::{Clock, Error, Executor};
use shadowsync_mysql::{redact_url, Introspection};
use shadowsync_store::SystemClock;

use crate::check::Args;
use crate::config::mode::check_private;
use crate::config::Settings;
use crate::context::creator_for;
use crate::credentials::file_url;
use crate::failure::{Failure, Outcome};
use crate::launch::ask_to_run;
use crate::plan::{self, one_line, Format};
use crate::render::write_table;
use crate::runner::{crash_hook, worker_id, Center, Urls};

/// How many servers and connections per server a fleet command uses.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct FleetBounds {
    /// With --fleet: servers read (and run) at once.
    #[arg(long, value_name = "N", default_value_t = 4, requires = "fleet",
          value_parser = clap::value_parser!(u16).range(1..))]
    servers: u16,
    /// With --fleet: connections per server, one database each.
    #[arg(long, value_name = "N", default_value_t = 4, requires = "fleet",
          value_parser = clap::value_parser!(u16).range(1..))]
    connections: u16,
}

impl FleetBounds {
    /// These bounds, definitions read as `introspection` says.
    fn options(self, introspection: Introspection) -> FleetOptions {
        FleetOptions {
            introspection,
            ..FleetOptions::bounded(usize::from(self.servers), usize::from(self.connections))
        }
    }
}

/// Reads fleet file `path`, each URL's password found as for `--url`; a
/// file holding passwords must be private.
fn load(path: &Path, settings: &Settings) -> Result<Fleet, Failure> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("cannot read fleet file {shown}: {e}")))?;
    let mut fleet = read_fleet(&text, &shown).map_err(bad)?;
    let urls = fleet
        .servers
        .iter()
        .flat_map(|s| std::iter::once(&s.url).chain(&s.shadow_url));
    if urls.into_iter().any(|u| redact_url(u) != *u) {
        // Passwords in a file: only its owner may read it, as for config files.
        check_private(path, "fleet file")?;
    }
    for server in &mut fleet.servers {
        server.url = file_url(&server.url, settings)?;
        if let Some(shadow) = &server.shadow_url {
            server.shadow_url = Some(file_url(shadow, settings)?);
        }
    }
    Ok(fleet)
}

/// A request the fleet file or the options make invalid is bad input.
fn bad(e: Error) -> Failure {
    match e {
        Error::InvalidRequest(_) => Failure::BadInput(e.to_string()),
        other => Failure::from(other),
    }
}

/// Checks the fleet of file `path`; `Ok(true)` when every shard is ready.
pub fn check(path: &Path, args: &Args, settings: &Settings) -> Result<bool, Failure> {
    let fleet = load(path, settings)?;
    let options = args.bounds.options(args.introspection);
    let view = check_fleet(&fleet, &options, SystemClock.now()).map_err(bad)?;
    write_view(args.format, &view, write_text)?;
    Ok(view.ready)
}

/// The fleet of `path` with the command line's rebuild switch, and the
/// parallelism it asks for.
fn planned(
    path: &Path,
    args: &plan::Args,
    settings: &Settings,
) -> Result<(Fleet, FleetOptions, FleetPlan), Failure> {
    let mut fleet = load(path, settings)?;
    fleet.analyze.policy.rebuild = args.rebuild;
    let options = args.bounds.options(args.introspection);
    let plan = plan_fleet(&fleet, &options).map_err(bad)?;
    Ok((fleet, options, plan))
}

/// `plan --fleet`: what every database of the fleet would run. Exit 1 when
/// something would, 2 when a database could not be analysed or refuses
/// tables, as `plan` does for one.
pub fn plan(path: &Path, args: &plan::Args, settings: &Settings) -> Result<Outcome, Failure> {
    let (_, _, plan) = planned(path, args, settings)?;
    let view = FleetSyncView::of(&plan, None, &[], SystemClock.now());
    write_view(args.format, &view, write_members)?;
    if view.counts.failed_members > 0 || view.counts.refused > 0 {
        return Err(Failure::BadInput(format!(
            "{} databases not analysed, {} tables refused (see the warnings)",
            view.counts.failed_members, view.counts.refused
        )));
    }
    Ok(if plan.statements() == 0 {
        Outcome::Done
    } else {
        Outcome::Changes
    })
}

/// How `sync --fleet` submits and runs.
pub struct FleetRun<'a> {
    /// Submission options (creator, error strategy, parallelism, mode).
    pub submit: SubmitOptions,
    /// Confirmed on the command line.
    pub yes: bool,
    /// The task store.
    pub center: &'a Center,
    /// The creator asked for, if any (checked against each database's flow).
    pub creator: Option<&'a str>,
}

/// `sync --fleet`: analyse every database, confirm, submit one task per
/// database that has statements to run under one fleet id, and run the
/// due ones with the fleet's parallelism. Fails (exit 3) unless every
/// database was analysed, nothing was refused and every task succeeded.
pub fn sync(
    path: &Path,
    args: &plan::Args,
    settings: &Settings,
    run: FleetRun<'_>,
) -> Result<(), Failure> {
    let (fleet, options, plan) = planned(path, args, settings)?;
    let center = run.center;
    let before = FleetSyncView::of(&plan, None, &[], center.now());
    if args.format == Format::Text {
        let mut out = io::stdout().lock();
        write_members(&mut out, &before)
            .and_then(|()| out.flush())
            .map_err(Failure::Output)?;
    }
    let statements = plan.statements();
    if statements == 0 {
        if args.format == Format::Json {
            write_view(args.format, &before, write_members)?;
        } else {
            println!("\nNothing to run: no task submitted.");
        }
        return incomplete(&before);
    }
    let mut creator = run.submit.creator.clone();
    for member in &plan.members {
        if let Ok((analysis, connection)) = &member.analysis {
            if !analysis.preview().is_empty() {
                creator = creator_for(center, connection, &member.schema, run.creator)?;
            }
        }
    }
    let what = format!(
        "{statements} statements in {} databases of the fleet",
        plan.databases_to_change()
    );
    ask_to_run(run.yes, &what, |err| {
        // In JSON mode stdout is for the document: what is confirmed goes to stderr.
        match args.format {
            Format::Json => write_members(err, &before),
            Format::Text => Ok(()),
        }
    })?;
    let submit = SubmitOptions {
        creator,
        ..run.submit
    };
    let submission = submit_fleet(center, &plan, &submit).map_err(bad)?;
    let urls = Urls::given(
        fleet
            .servers
            .iter()
            .flat_map(|s| std::iter::once(s.url.clone()).chain(s.shadow_url.clone()))
            .collect(),
    );
    let crash_after = crash_hook()?;
    let ran = run_fleet(
        center,
        &fleet,
        &plan,
        &submission,
        &options,
        &worker_id(),
        |task, read| {
            urls.open_reading(task, crash_after, read)
                .map(|exec| Box::new(exec) as Box<dyn Executor + Send>)
        },
    )
    .map_err(bad)?;
    let view = FleetSyncView::of(&plan, Some(&submission), &ran, center.now());
    match args.format {
        Format::Json => write_view(args.format, &view, write_members)?,
        Format::Text => {
            let mut out = io::stdout().lock();
            writeln!(out)
                .and_then(|()| write_members(&mut out, &view))
                .and_then(|()| {
                    writeln!(
                        out,
                        "Fleet {}: `shadowsync task show ID` for each task; `shadowsync task \
                         run-due --url URL…` finishes any left executing or waiting.",
                        submission.id
                    )
                })
                .and_then(|()| out.flush())
                .map_err(Failure::Output)?;
        }
    }
    incomplete(&view)
}

/// Exit status of a fleet sync: success when it is complete, or when
/// nothing failed and the tasks not run wait for their approval or their
/// time (as `sync` succeeds on submitting such a task).
fn incomplete(view: &FleetSyncView) -> Result<(), Failure> {
    let c = &view.counts;
    let only_waiting = c.failed == 0
        && c.failed_members == 0
        && c.not_submitted == 0
        && c.refused == 0
        && view.members.iter().all(|m| m.error.is_none());
    if view.complete || only_waiting {
        return Ok(());
    }
    Err(Failure::Other(format!(
        "fleet sync incomplete: {} of {} tasks succeeded, {} failed, {} waiting; {} databases \
         not analysed, {} not submitted, {} tables refused (see the warnings)",
        c.succeeded, c.tasks, c.failed, c.waiting, c.failed_members, c.not_submitted, c.refused
    )))
}

/// `view` as text (`text`) or as its JSON document.
fn write_view<V: serde::Serialize>(
    format: Format,
    view: &V,
    text: fn(&mut dyn Write, &V) -> io::Result<()>,
) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match format {
        Format::Text => text(&mut out, view),
        Format::Json => to_json(view)
            .map_err(io::Error::other)
            .and_then(|text| out.write_all(text.as_bytes())),
    }
    .and_then(|()| out.flush())
    .map_err(Failure::Output)
}

/// One row per database: what it plans, its task and the task's status.
fn write_members(out: &mut dyn Write, view: &FleetSyncView) -> io::Result<()> {
    let dash = || "-".to_string();
    let rows: Vec<Vec<String>> = view
        .members
        .iter()
        .map(|m| {
            vec![
                m.member.clone(),
                m.shadow_schema.clone().unwrap_or_else(dash),
                m.statements.to_string(),
                m.refused.to_string(),
                m.task.map_or_else(dash, |id| id.to_string()),
                m.status.map_or_else(dash, |s| s.to_string()),
            ]
        })
        .collect();
    write_table(
        out,
        &[
            "DATABASE",
            "SHADOWS IN",
            "STATEMENTS",
            "REFUSED",
            "TASK",
            "STATUS",
        ],
        &rows,
    )?;
    let c = &view.counts;
    writeln!(
        out,
        "\n{} statements in {} databases ({} not analysed, {} tables refused); tasks: {} \
         submitted ({} databases not), {} succeeded, {} failed, {} waiting",
        c.statements,
        c.members,
        c.failed_members,
        c.refused,
        c.tasks,
        c.not_submitted,
        c.succeeded,
        c.failed,
        c.waiting
    )?;
    for warning in &view.warnings {
        writeln!(out, "warning: {}", one_line(warning))?;
    }
    Ok(())
}

fn write_text(out: &mut dyn Write, view: &FleetCheckView) -> io::Result<()> {
    let rows: Vec<Vec<String>> = view
        .logical_tables
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.total.to_string(),
                t.ready.to_string(),
                t.drifted.to_string(),
                t.missing.to_string(),
                t.refused.to_string(),
                t.inaccessible.to_string(),
                if t.odd.is_empty() {
                    "-".into()
                } else {
                    t.odd.join(", ")
                },
            ]
        })
        .collect();
    write_table(
        out,
        &[
            "LOGICAL",
            "SHARDS",
            "READY",
            "DRIFTED",
            "MISSING",
            "REFUSED",
            "INACCESSIBLE",
            "ODD",
        ],
        &rows,
    )?;
    let c = &view.counts;
    writeln!(
        out,
        "\n{}: {} shards in {} databases ({} not checked): {} ready, {} drifted, {} missing, \
         {} refused, {} inaccessible",
        if view.ready { "ready" } else { "NOT READY" },
        c.tables,
        c.members,
        c.failed_members,
        c.ready,
        c.drifted,
        c.missing,
        c.refused,
        c.inaccessible
    )?;
    for warning in &view.warnings {
        writeln!(out, "warning: {}", one_line(warning))?;
    }
    Ok(())
}
