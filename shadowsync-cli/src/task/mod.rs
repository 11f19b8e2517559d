//! `shadowsync task`: the tasks `sync` submitted, in the task store (a SQLite
//! file, or a database on a server that several hosts share) — list, show,
//! approve, reject or cancel, run the due ones, take over an interrupted
//! one, abort, read the logs, and initiate one again.
//!
//! Commands that run statements (`run-due`, `resume`, `again`) need the
//! server's URL with its password, which tasks never store: pass `--url`,
//! set `SHADOWSYNC_URL`, or use a profile ([`crate::credentials`]). Who acts is the OS user ([`crate::context`]).
//!
//! With `--format json` every subcommand prints the host layer's view of
//! what it shows (`shadowsync::host::view`), the same text as the C and
//! Python front ends give.

use std::fs;
use std::io::{self, Write};

use clap::Subcommand;
use serde::Serialize;
use shadowsync::host::options::again_request;
use shadowsync::host::view::{DueReportView, LogsView, TaskPageView, TaskView, TimelineView};
use shadowsync::host::{
    decide_fleet, fleet_tasks, map_shadows, open_task_executor, to_json, FleetDecision,
    ShadowTarget,
};
use shadowsync_core::analysis::analyze;
use shadowsync_core::task::list::{ListWindow, SortKey, TaskQuery};
use shadowsync_core::task::{LogFilter, Task, TaskId, TaskStatus};
use shadowsync_core::{Executor, Millis};
use shadowsync_mysql::{redact_url, Introspection, MysqlExecutor, OrphanPolicy};

use crate::clock::parse_time;
use crate::config::{Settings, SettingsArgs};
use crate::context::{actor_for, creator_for, StoreArg};
use crate::failure::Failure;
use crate::launch::{finished, launch, Launch};
use crate::plan::Format;
use crate::progress::Progress;
use crate::render::{self, waiting_hint, write_failed};
use crate::runner::{crash_hook, run_due, worker_id, Center, Urls};

/// Options of `shadowsync task`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArg,
    #[command(flatten)]
    settings: SettingsArgs,
    #[command(subcommand)]
    command: TaskCommand,
}

#[derive(Debug, Subcommand)]
enum TaskCommand {
    /// List tasks (those created in the last 48 hours unless --all-time).
    List(ListArgs),
    /// Show a task: spec, status, per-table and per-statement outcome, timeline.
    Show(ShowArgs),
    /// Show a task's timeline: who did what, when.
    Timeline(ShowArgs),
    /// Show every task of one `sync --fleet` submission (its fleet id) and where each stands.
    Fleet(FleetArgs),
    /// Approve the approval node a task waits at.
    Approve(DecideArgs),
    /// Reject a task at the approval node it waits at.
    Reject(DecideArgs),
    /// Withdraw a task that waits for approval or execution.
    Cancel(CancelArgs),
    /// Expire overdue tasks, finish tasks whose process died on this machine, run due tasks.
    RunDue(RunDueArgs),
    /// Take over an executing task whose process is known to be gone, and finish it.
    Resume(ResumeArgs),
    /// Ask an executing task to stop before its next statement.
    Abort(AbortArgs),
    /// Print (or export) a task's log.
    Logs(LogsArgs),
    /// Analyse again with a task's selection and naming rule, submit a new task, and run it.
    Again(AgainArgs),
}

/// How `task` subcommands print (`plan::Format` describes plans).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Output {
    /// Aligned tables and lines, for people.
    Text,
    /// One JSON document, for programs.
    Json,
}

impl Output {
    fn format(self) -> Format {
        match self {
            Output::Text => Format::Text,
            Output::Json => Format::Json,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Sort {
    /// Creation time.
    Created,
    /// Status, in lifecycle order.
    Status,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Every task, not only those of the last 48 hours.
    #[arg(long)]
    all_time: bool,
    /// Only tasks on this connection (a URL; its password is ignored).
    #[arg(long, value_name = "URL")]
    connection: Option<String>,
    /// Only tasks on this database.
    #[arg(long, value_name = "DB")]
    database: Option<String>,
    /// Only tasks of this creator.
    #[arg(long, value_name = "NAME")]
    creator: Option<String>,
    /// Only tasks in these statuses (comma-separated, e.g. failed,partially_succeeded).
    #[arg(long, value_name = "STATUS", value_delimiter = ',', value_parser = parse_status)]
    status: Vec<TaskStatus>,
    /// Sort key (newest or latest-in-lifecycle first).
    #[arg(long, value_enum, default_value_t = Sort::Created)]
    sort: Sort,
    /// Sort oldest (or earliest-in-lifecycle) first.
    #[arg(long)]
    ascending: bool,
    /// Page to show, from 1.
    #[arg(long, value_name = "N", default_value_t = 1)]
    page: usize,
    /// Tasks per page.
    #[arg(long, value_name = "N", default_value_t = 20)]
    page_size: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

fn parse_status(name: &str) -> Result<TaskStatus, String> {
    TaskStatus::from_name(name.trim()).ok_or_else(|| {
        let names: Vec<&str> = TaskStatus::ALL.iter().map(|s| s.as_str()).collect();
        format!(
            "unknown status `{name}`: expected one of {}",
            names.join(", ")
        )
    })
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    /// Task id.
    id: TaskId,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

#[derive(Debug, clap::Args)]
struct DecideArgs {
    /// Task id.
    #[arg(required_unless_present = "fleet", conflicts_with = "fleet")]
    id: Option<TaskId>,
    /// Every task of this fleet (the id `sync --fleet` printed) that waits
    /// for approval, each at its node.
    #[arg(long, value_name = "FLEET_ID")]
    fleet: Option<String>,
    /// Decide as USER instead of the OS user; refused unless the task's
    /// flow allows delegated identities.
    #[arg(long = "as", value_name = "USER")]
    actor: Option<String>,
    /// A role the deciding user holds (repeatable), for nodes approved by
    /// role. Asserted, not verified: limit who may open the task store.
    #[arg(long = "role", value_name = "R")]
    roles: Vec<String>,
    /// Why; kept in the timeline.
    #[arg(long, value_name = "TEXT")]
    comment: String,
    /// Output format (`json`: the task after the decision).
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

#[derive(Debug, clap::Args)]
struct CancelArgs {
    /// Task id.
    id: TaskId,
    /// Cancel as USER instead of the OS user; refused unless the task's
    /// flow allows delegated identities.
    #[arg(long = "as", value_name = "USER")]
    actor: Option<String>,
    /// Why; kept in the timeline.
    #[arg(long, value_name = "TEXT")]
    comment: String,
    /// Output format (`json`: the task after the cancellation).
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

#[derive(Debug, clap::Args)]
struct RunDueArgs {
    /// Server URL (repeatable: one per server the due tasks are on)
    /// [default: $SHADOWSYNC_URL, else the profile's]; a URL without a
    /// password gets $SHADOWSYNC_PASSWORD's or the profile's.
    #[arg(long = "url", value_name = "URL")]
    urls: Vec<String>,
    /// A dead worker's statement still running on the server: wait for it,
    /// or interrupt it (KILL QUERY); either way it is then settled from the
    /// schema and never sent twice.
    #[arg(long, value_enum, default_value_t = Orphans::Wait)]
    orphans: Orphans,
    /// How runs show their progress: a live line on a terminal (`auto`),
    /// JSON lines on stderr (`json`), or nothing (`off`).
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    progress: Progress,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

/// What `--orphans` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Orphans {
    /// Wait for it to end (at most 10 minutes).
    Wait,
    /// Interrupt it, then send it again if it had not taken effect.
    Kill,
}

impl Orphans {
    fn policy(self) -> shadowsync_mysql::OrphanPolicy {
        match self {
            Orphans::Wait => shadowsync_mysql::OrphanPolicy::Wait,
            Orphans::Kill => shadowsync_mysql::OrphanPolicy::Kill,
        }
    }
}

#[derive(Debug, clap::Args)]
struct ResumeArgs {
    /// Task id.
    id: TaskId,
    /// Server URL [default: $SHADOWSYNC_URL, else the profile's]; its
    /// password, if not in it, from $SHADOWSYNC_PASSWORD or the profile.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// A dead worker's statement still running on the server: wait for it,
    /// or interrupt it (KILL QUERY); either way it is then settled from the
    /// schema and never sent twice.
    #[arg(long, value_enum, default_value_t = Orphans::Wait)]
    orphans: Orphans,
    /// How runs show their progress: a live line on a terminal (`auto`),
    /// JSON lines on stderr (`json`), or nothing (`off`).
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    progress: Progress,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

#[derive(Debug, clap::Args)]
struct AbortArgs {
    /// Task id.
    id: TaskId,
    /// Ask as USER instead of the OS user; refused unless the task's flow
    /// allows delegated identities.
    #[arg(long = "as", value_name = "USER")]
    actor: Option<String>,
    /// Why; kept in the timeline.
    #[arg(long, value_name = "TEXT", default_value = "")]
    comment: String,
    /// Output format (`json`: the task once the abort is requested).
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

#[derive(Debug, clap::Args)]
struct LogsArgs {
    /// Task id.
    id: TaskId,
    /// Only warnings and errors.
    #[arg(long)]
    alerts: bool,
    /// Only entries containing this text (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
    /// Write the entries to this file instead of printing them.
    #[arg(long, value_name = "FILE")]
    export: Option<std::path::PathBuf>,
    /// Output format (`json`: the log view; not with --export).
    #[arg(long, value_enum, default_value_t = Output::Text, conflicts_with = "export")]
    format: Output,
}

#[derive(Debug, clap::Args)]
struct AgainArgs {
    /// The task to initiate again.
    id: TaskId,
    /// Server URL [default: $SHADOWSYNC_URL, else the profile's]; its
    /// password, if not in it, from $SHADOWSYNC_PASSWORD or the profile.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Run without asking for confirmation (needed when stdin is not a terminal).
    #[arg(long)]
    yes: bool,
    /// Submit only; leave the task to `task run-due`.
    #[arg(long)]
    no_run: bool,
    /// Run at this time instead of now (see `sync --at`).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: Option<Millis>,
    /// Submit the new task as NAME instead of the OS user; refused unless
    /// the flow the new task falls under allows delegated identities.
    #[arg(long, value_name = "NAME")]
    creator: Option<String>,
    /// How the run shows its progress (see `sync --progress`).
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    progress: Progress,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

/// Runs one `task` subcommand.
pub fn run(args: &Args) -> Result<(), Failure> {
    let settings = args.settings.load()?;
    let (center, store) = args.store.open(settings.profile.as_ref())?;
    let mut out = io::stdout().lock();
    match &args.command {
        TaskCommand::List(a) => list(&center, a, &mut out),
        TaskCommand::Show(a) => show(&center, a, &mut out),
        TaskCommand::Timeline(a) => timeline(&center, a, &mut out),
        TaskCommand::Fleet(a) => fleet(&center, a, &mut out),
        TaskCommand::Approve(a) => decide(&center, a, Decision::Approve, &mut out),
        TaskCommand::Reject(a) => decide(&center, a, Decision::Reject, &mut out),
        TaskCommand::Cancel(a) => cancel(&center, a, &mut out),
        TaskCommand::RunDue(a) => due(&center, a, &settings, &mut out),
        TaskCommand::Resume(a) => resume(&center, a, &settings, &mut out),
        TaskCommand::Abort(a) => abort(&center, a, &mut out),
        TaskCommand::Logs(a) => logs(&center, a, &mut out),
        TaskCommand::Again(a) => again(&center, &store, a, &settings),
    }
}

/// `view` as the host layer prints it.
fn print_json<T: Serialize>(out: &mut dyn Write, view: &T) -> Result<(), Failure> {
    out.write_all(to_json(view)?.as_bytes())
        .map_err(write_failed)
}

/// `task` as text (`text`) or as its view.
fn print_task(
    out: &mut dyn Write,
    format: Output,
    task: &Task,
    text: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    match format {
        Output::Text => text(out).map_err(write_failed),
        Output::Json => print_json(out, &TaskView::of(task)),
    }
}

fn list(center: &Center, args: &ListArgs, out: &mut dyn Write) -> Result<(), Failure> {
    if args.page == 0 {
        return Err(Failure::BadInput("pages are counted from 1".into()));
    }
    let query = TaskQuery {
        window: if args.all_time {
            ListWindow::All
        } else {
            ListWindow::Recent
        },
        // Connections are stored redacted: compare like with like.
        connection: args.connection.as_deref().map(redact_url),
        database: args.database.clone(),
        creator: args.creator.clone(),
        statuses: args.status.clone(),
        sort: match args.sort {
            Sort::Created => SortKey::CreatedAt,
            Sort::Status => SortKey::Status,
        },
        descending: !args.ascending,
        page: args.page - 1,
        page_size: args.page_size,
    };
    let page = center.list(&query)?;
    match args.format {
        Output::Text => render::write_list(out, &page, &query).map_err(write_failed),
        Output::Json => print_json(out, &TaskPageView::of(&page)),
    }
}

fn show(center: &Center, args: &ShowArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let task = center.task(args.id)?;
    match args.format {
        Output::Text => {
            let timeline = center.timeline(args.id)?;
            render::write_details(out, &task, &timeline).map_err(write_failed)
        }
        Output::Json => print_json(out, &TaskView::of(&task)),
    }
}

#[derive(Debug, clap::Args)]
struct FleetArgs {
    /// The fleet id `sync --fleet` printed (`fleet-…`).
    fleet: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

fn fleet(center: &Center, args: &FleetArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let view = fleet_tasks(center, &args.fleet)?;
    match args.format {
        Output::Text => render::write_fleet_tasks(out, &view).map_err(write_failed),
        Output::Json => print_json(out, &view),
    }
}

fn timeline(center: &Center, args: &ShowArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let events = center.timeline(args.id)?;
    match args.format {
        Output::Text => render::write_timeline(out, &events).map_err(write_failed),
        Output::Json => print_json(out, &TimelineView::of(args.id, &events)),
    }
}

/// What `approve` and `reject` do.
#[derive(Debug, Clone, Copy)]
enum Decision {
    Approve,
    Reject,
}

fn decide(
    center: &Center,
    args: &DecideArgs,
    decision: Decision,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let id = match (&args.fleet, args.id) {
        (Some(fleet), _) => return decide_a_fleet(center, args, fleet, decision, out),
        (None, Some(id)) => id,
        (None, None) => return Err(Failure::BadInput("a task id or --fleet is needed".into())),
    };
    let actor = actor_for(center, id, args.actor.as_deref(), &args.roles)?;
    let task = match decision {
        Decision::Approve => center.approve(id, &actor, &args.comment)?,
        Decision::Reject => center.reject(id, &actor, &args.comment)?,
    };
    print_task(out, args.format, &task, |out| {
        writeln!(out, "Task {}: {}", task.id, task.state.status)?;
        if task.state.status == TaskStatus::WaitingForExecution {
            waiting_hint(out, &task)?;
        }
        Ok(())
    })
}

/// `approve`/`reject --fleet`: every waiting task of the fleet, each as
/// `actor_for` allows for its own flow.
fn decide_a_fleet(
    center: &Center,
    args: &DecideArgs,
    fleet: &str,
    decision: Decision,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let actor_of = |task: &Task| {
        actor_for(center, task.id, args.actor.as_deref(), &args.roles)
            .map_err(|failure| shadowsync_core::Error::InvalidRequest(failure.to_string()))
    };
    let decision = match decision {
        Decision::Approve => FleetDecision::Approve,
        Decision::Reject => FleetDecision::Reject,
    };
    let view = decide_fleet(center, fleet, decision, actor_of, &args.comment)?;
    match args.format {
        Output::Text => render::write_fleet_tasks(out, &view).map_err(write_failed),
        Output::Json => print_json(out, &view),
    }
}

fn cancel(center: &Center, args: &CancelArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let actor = actor_for(center, args.id, args.actor.as_deref(), &[])?;
    let task = center.cancel(args.id, &actor, &args.comment)?;
    print_task(out, args.format, &task, |out| {
        writeln!(out, "Task {}: {}", task.id, task.state.status)
    })
}

fn due(
    center: &Center,
    args: &RunDueArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let urls = Urls::from_args(&args.urls, settings)?.with_orphans(args.orphans.policy());
    let crash_after = crash_hook()?;
    let observer = args.progress.observer();
    let pass = run_due(center, &worker_id(), &urls, crash_after, &*observer)?;
    let report = &pass.report;
    let ran: Vec<(TaskId, TaskStatus)> = pass
        .resumed
        .iter()
        .chain(&report.finished)
        .copied()
        .collect();
    match args.format {
        Output::Json => print_json(out, &DueReportView::of(&pass))?,
        Output::Text => {
            let mut text = || -> io::Result<()> {
                for (id, status) in &report.expired {
                    writeln!(out, "task {id}: {status}")?;
                }
                for (id, why) in pass.not_resumed.iter().chain(&report.not_started) {
                    writeln!(out, "task {id}: not started: {why}")?;
                }
                for id in &report.not_claimed {
                    writeln!(out, "task {id}: taken by another worker")?;
                }
                for (id, why) in &pass.held {
                    writeln!(out, "task {id}: left alone: {why}")?;
                }
                for (id, why) in &report.interrupted {
                    writeln!(
                        out,
                        "task {id}: interrupted, left executing to be resumed: {why}"
                    )?;
                }
                for (id, _) in &ran {
                    let resumed = if pass.resumed.iter().any(|(r, _)| r == id) {
                        " (resumed: its worker's lease had expired)"
                    } else {
                        ""
                    };
                    writeln!(out, "\nRan task {id}{resumed}:")?;
                    render::write_outcome(out, &center.task(*id).map_err(io::Error::other)?)?;
                }
                if ran.is_empty() && report.expired.is_empty() && pass.held.is_empty() {
                    writeln!(out, "No task was due.")?;
                }
                Ok(())
            };
            text().map_err(write_failed)?;
        }
    }
    let unfinished: Vec<String> = ran
        .iter()
        .filter(|(_, status)| *status != TaskStatus::Succeeded)
        .map(|(id, status)| format!("task {id} {status}"))
        .chain(
            pass.not_resumed
                .iter()
                .chain(&report.not_started)
                .map(|(id, _)| format!("task {id} not started")),
        )
        .collect();
    if unfinished.is_empty() {
        Ok(())
    } else {
        Err(Failure::Other(unfinished.join("; ")))
    }
}

fn resume(
    center: &Center,
    args: &ResumeArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let urls = Urls::from_args(args.url.as_slice(), settings)?.with_orphans(args.orphans.policy());
    let task = center.task(args.id)?;
    let crash_after = crash_hook()?;
    let observer = args.progress.observer();
    let done = crate::runner::resume(center, &task, &worker_id(), &urls, crash_after, &*observer)?;
    print_task(out, args.format, &done, |out| {
        render::write_outcome(out, &done)
    })?;
    finished(&done)
}

fn abort(center: &Center, args: &AbortArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let actor = actor_for(center, args.id, args.actor.as_deref(), &[])?;
    center.abort(args.id, &actor, &args.comment)?;
    let task = center.task(args.id)?;
    print_task(out, args.format, &task, |out| {
        writeln!(
            out,
            "Task {}: abort requested; it stops before its next statement (the one running completes).",
            args.id
        )
    })
}

fn logs(center: &Center, args: &LogsArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let filter = LogFilter {
        alerts_only: args.alerts,
        contains: args.search.clone(),
    };
    if args.format == Output::Json {
        return print_json(out, &LogsView::of(args.id, &center.logs(args.id, &filter)?));
    }
    let text = center.export_logs(args.id, &filter)?;
    match &args.export {
        Some(file) => {
            fs::write(file, &text)
                .map_err(|e| Failure::Other(format!("cannot write {}: {e}", file.display())))?;
            writeln!(
                out,
                "{} log entries of task {} written to {}",
                text.lines().count(),
                args.id,
                file.display()
            )
            .map_err(write_failed)
        }
        None => out.write_all(text.as_bytes()).map_err(write_failed),
    }
}

fn again(
    center: &Center,
    store: &str,
    args: &AgainArgs,
    settings: &Settings,
) -> Result<(), Failure> {
    let old = center.task(args.id)?;
    let plan = &old.spec.plan;
    // Checked before touching the server. The new task gets the flow chosen
    // now for the same connection and database (barring an edit of the
    // flows in between, which the admin makes).
    let creator = creator_for(
        center,
        &plan.connection,
        &plan.database,
        args.creator.as_deref(),
    )?;
    let urls = Urls::from_args(args.url.as_slice(), settings)?;
    let url = urls.for_connection(&plan.connection).ok_or_else(|| {
        Failure::BadInput(format!(
            "task {} ran on {}: give a URL for that server",
            old.id, plan.connection
        ))
    })?;
    let shadow_url = match plan.shadows.as_ref().and_then(|s| s.connection.as_deref()) {
        Some(shadows) => Some(urls.for_connection(shadows).ok_or_else(|| {
            Failure::BadInput(format!(
                "task {} has its shadows on {shadows}: give a URL for that server too",
                old.id
            ))
        })?),
        None => None,
    };
    let source = MysqlExecutor::connect(url)?.with_database(&plan.database)?;
    let mut exec = match &plan.shadows {
        None => Box::new(source) as Box<dyn Executor + Send>,
        Some(place) => map_shadows(
            source,
            url,
            &ShadowTarget {
                url: shadow_url.map(str::to_string),
                database: Some(place.database.clone()),
            },
            Introspection::Auto,
        )?,
    };
    let analysis = analyze(exec.as_mut(), &again_request(plan)?)?;
    let options = Launch {
        format: args.format.format(),
        yes: args.yes,
        at: args.at,
        run: !args.no_run,
        store,
        progress: args.progress,
    };
    // The old task's connection, already redacted, is the one the new task
    // must have.
    launch(
        center,
        &options,
        &analysis,
        |frozen| match frozen.shadows {
            None => Ok(exec),
            Some(_) => open_task_executor(frozen, url, shadow_url, OrphanPolicy::Wait),
        },
        &plan.connection,
        |frozen, mode| center.initiate_again(old.id, &creator, frozen, mode),
    )
}
