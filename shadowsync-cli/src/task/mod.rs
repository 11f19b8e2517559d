//! `shadowsync task`: the tasks `sync` submitted, in the task store (a SQLite
//! file, or a database on a server that several hosts share) — list, show,
//! approve, reject or cancel, run the due ones, take over an interrupted
//! one, abort, read the logs, and initiate one again.
//!
//! Commands that run statements (`run-due`, `resume`, `again`) need the
//! server's URL with its password, which tasks never store: pass `--url`, or
//! set `SHADOWSYNC_URL`.
//!
//! Who acts: the CLI is the host that vouches for identities, and the task
//! center records and checks whatever identity it is handed. So `approve`,
//! `reject`, `cancel` and `abort` act as the OS user running the process
//! ([`os_identity`]), never as a name from the environment, and `--as USER`
//! is refused unless the task's flow sets `allow_delegated_identity`.
//! Roles (`--role`) are asserted, not verified: anyone who may run the CLI
//! on a store may claim any role, so who may open the store (the SQLite
//! file's permissions, the server store's grants) is who may approve.

pub mod render;
pub mod runner;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;
use shadowsync::host::{is_server_location, open_store, shown_location};
use shadowsync_core::analysis::naming::NamingRule;
use shadowsync_core::analysis::rewrite::ShadowPolicy;
use shadowsync_core::analysis::{analyze, AnalysisRequest, Selection};
use shadowsync_core::task::flow::{select_flow, Approvers};
use shadowsync_core::task::list::{ListWindow, SortKey, TaskQuery};
use shadowsync_core::task::log::format_utc;
use shadowsync_core::task::{
    Actor, LogFilter, PlannedAction, Task, TaskCenter, TaskId, TaskStatus,
};
use shadowsync_core::Millis;
use shadowsync_mysql::{redact_url, MysqlExecutor};
use shadowsync_store::SystemClock;

use crate::clock::parse_time;
use crate::failure::Failure;
use crate::plan::Format;
use crate::sync::{finished, launch, Launch};
use runner::{crash_hook, run_due, worker_id, Center, Urls};

/// Environment variable naming the task database.
pub const STORE_VAR: &str = "SHADOWSYNC_STORE";

/// Where the task store is.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArg {
    /// Task store: a SQLite file, or a `mysql://user:pass@host:port/db` URL
    /// for a store several hosts share [default: $SHADOWSYNC_STORE, else
    /// $XDG_DATA_HOME/shadowsync/tasks.db, else ~/.local/share/shadowsync/tasks.db].
    #[arg(long, value_name = "PATH|URL", global = true)]
    store: Option<String>,
}

impl StoreArg {
    /// The store's location, from the option or the environment.
    fn location(&self) -> Result<String, Failure> {
        if let Some(location) = self.store.clone() {
            return Ok(location);
        }
        if let Some(location) = env_text(STORE_VAR)? {
            return Ok(location);
        }
        // The XDG base directory rules ignore a relative XDG_DATA_HOME.
        let xdg = env_text("XDG_DATA_HOME")?
            .map(PathBuf::from)
            .filter(|p| p.is_absolute());
        let data = match xdg {
            Some(dir) => Some(dir),
            None => env_text("HOME")?.map(|home| Path::new(&home).join(".local/share")),
        }
        .ok_or_else(|| {
            Failure::BadInput(format!(
                "no place for the task store: pass --store PATH|URL or set {STORE_VAR}"
            ))
        })?;
        Ok(data
            .join("shadowsync")
            .join("tasks.db")
            .to_string_lossy()
            .into_owned())
    }

    /// The task center on the store (a file is created, with its directory,
    /// if needed), and the store's location as it may be shown (no password).
    pub fn open(&self) -> Result<(Center, String), Failure> {
        let location = self.location()?;
        let shown = shown_location(&location);
        if !is_server_location(&location) {
            if let Some(dir) = Path::new(&location)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                fs::create_dir_all(dir).map_err(|e| {
                    Failure::Other(format!("cannot create directory {}: {e}", dir.display()))
                })?;
            }
        }
        let store = open_store(&location)
            .map_err(|e| Failure::Other(format!("cannot open the task store {shown}: {e}")))?;
        Ok((
            TaskCenter::new(store, SystemClock).with_lease(runner::lease()?),
            shown,
        ))
    }
}

/// The environment variable `name`, if set and not empty; an error when it
/// is not UTF-8 (rather than silently using another store).
fn env_text(name: &str) -> Result<Option<String>, Failure> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(Some(value)),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::BadInput(format!("{name} is not valid UTF-8")))
        }
    }
}

/// The user this process runs as: the user database's name for its
/// effective user id (through `whoami`). The actor of every decision the
/// CLI makes. Environment variables such as `USER` are not consulted:
/// anyone can set them, and a forged name would defeat
/// `forbid_self_approval`.
pub fn os_identity() -> Result<String, Failure> {
    let name = whoami::username().map_err(|e| {
        Failure::Other(format!(
            "cannot tell which user runs shadowsync (the effective user id has no usable \
             name in the user database: {e}); approvals, rejections, cancellations and \
             aborts need one"
        ))
    })?;
    if name.trim().is_empty() {
        return Err(Failure::Other(
            "the user database gives the user running shadowsync an empty name".into(),
        ));
    }
    Ok(name)
}

/// The creator of tasks submitted without `--creator`: [`os_identity`], so
/// that self-approval is compared with the name approvals are made under.
/// Where the process's user has no name (some containers) submitting still
/// works, as the login name from the environment, else `unknown`; such a
/// process cannot decide on tasks at all.
pub fn os_user() -> String {
    os_identity()
        .ok()
        .or_else(|| {
            ["USER", "LOGNAME", "USERNAME"]
                .into_iter()
                .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The actor of a decision on task `id`: the OS user, or the `--as` name
/// when the task's flow allows delegated identities. The task's own copy of
/// its flow decides (fixed at submission), so editing the templates later
/// does not change who may act on a task under way.
fn actor_for(
    center: &Center,
    id: TaskId,
    delegated: Option<&str>,
    roles: &[String],
) -> Result<Actor, Failure> {
    let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
    let Some(name) = delegated else {
        return Ok(Actor::new(os_identity()?, &roles));
    };
    let flow = center.task(id)?.spec.flow;
    if !flow.allow_delegated_identity {
        return Err(Failure::BadInput(format!(
            "--as is refused for task {id}: its flow `{}` does not allow delegated \
             identities (allow_delegated_identity); leave --as out to act as {}",
            flow.name,
            you()
        )));
    }
    if name.trim().is_empty() {
        return Err(Failure::BadInput(format!(
            "--as needs a user name for task {id} (it is empty)"
        )));
    }
    Ok(Actor::new(name, &roles))
}

/// The OS user, as named in messages.
fn you() -> String {
    os_identity().map_or_else(
        |_| "the OS user".into(),
        |name| format!("the OS user `{name}`"),
    )
}

/// Options of `shadowsync task`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArg,
    #[command(subcommand)]
    command: TaskCommand,
}

#[derive(Debug, Subcommand)]
enum TaskCommand {
    /// List tasks (those created in the last 48 hours unless --all-time).
    List(ListArgs),
    /// Show a task: spec, status, per-table and per-statement outcome, timeline.
    Show(ShowArgs),
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
    TaskStatus::from_name(name).ok_or_else(|| {
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
    id: TaskId,
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
}

#[derive(Debug, clap::Args)]
struct RunDueArgs {
    /// Server URL with password (repeatable: one per server the due tasks
    /// are on) [default: $SHADOWSYNC_URL].
    #[arg(long = "url", value_name = "URL")]
    urls: Vec<String>,
    /// A dead worker's statement still running on the server: wait for it,
    /// or interrupt it (KILL QUERY); either way it is then settled from the
    /// schema and never sent twice.
    #[arg(long, value_enum, default_value_t = Orphans::Wait)]
    orphans: Orphans,
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
    /// Server URL with password [default: $SHADOWSYNC_URL].
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// A dead worker's statement still running on the server: wait for it,
    /// or interrupt it (KILL QUERY); either way it is then settled from the
    /// schema and never sent twice.
    #[arg(long, value_enum, default_value_t = Orphans::Wait)]
    orphans: Orphans,
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
    export: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct AgainArgs {
    /// The task to initiate again.
    id: TaskId,
    /// Server URL with password [default: $SHADOWSYNC_URL].
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

/// Runs one `task` subcommand.
pub fn run(args: &Args) -> Result<(), Failure> {
    let (center, store) = args.store.open()?;
    let mut out = io::stdout().lock();
    match &args.command {
        TaskCommand::List(a) => list(&center, a, &mut out),
        TaskCommand::Show(a) => show(&center, a, &mut out),
        TaskCommand::Approve(a) => decide(&center, a, Decision::Approve, &mut out),
        TaskCommand::Reject(a) => decide(&center, a, Decision::Reject, &mut out),
        TaskCommand::Cancel(a) => cancel(&center, a, &mut out),
        TaskCommand::RunDue(a) => due(&center, a, &mut out),
        TaskCommand::Resume(a) => resume(&center, a, &mut out),
        TaskCommand::Abort(a) => abort(&center, a, &mut out),
        TaskCommand::Logs(a) => logs(&center, a, &mut out),
        TaskCommand::Again(a) => again(&center, &store, a),
    }
}

/// An output failure as a [`Failure`].
pub fn write_failed(e: io::Error) -> Failure {
    Failure::Other(format!("cannot write the output: {e}"))
}

fn print_json(out: &mut dyn Write, value: &serde_json::Value) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value)
        .map_err(io::Error::other)
        .and_then(|()| writeln!(out))
        .map_err(write_failed)
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
        Output::Json => print_json(out, &json!(page)),
    }
}

fn show(center: &Center, args: &ShowArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let task = center.task(args.id)?;
    let timeline = center.timeline(args.id)?;
    match args.format {
        Output::Text => render::write_details(out, &task, &timeline).map_err(write_failed),
        Output::Json => print_json(out, &json!({ "task": task, "timeline": timeline })),
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
    let actor = actor_for(center, args.id, args.actor.as_deref(), &args.roles)?;
    let task = match decision {
        Decision::Approve => center.approve(args.id, &actor, &args.comment)?,
        Decision::Reject => center.reject(args.id, &actor, &args.comment)?,
    };
    writeln!(out, "Task {}: {}", task.id, task.state.status).map_err(write_failed)?;
    if task.state.status == TaskStatus::WaitingForExecution {
        waiting_hint(out, &task).map_err(write_failed)?;
    }
    Ok(())
}

fn cancel(center: &Center, args: &CancelArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let actor = actor_for(center, args.id, args.actor.as_deref(), &[])?;
    let task = center.cancel(args.id, &actor, &args.comment)?;
    writeln!(out, "Task {}: {}", task.id, task.state.status).map_err(write_failed)
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

fn due(center: &Center, args: &RunDueArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let urls = Urls::from_args(&args.urls)?.with_orphans(args.orphans.policy());
    let pass = run_due(center, &worker_id(), &urls, crash_hook()?)?;
    let report = &pass.report;
    let ran: Vec<(TaskId, TaskStatus)> = pass
        .resumed
        .iter()
        .chain(&report.finished)
        .copied()
        .collect();
    match args.format {
        Output::Json => print_json(
            out,
            &json!({
                "expired": pairs(&report.expired),
                "resumed": pairs(&pass.resumed),
                "finished": pairs(&report.finished),
                "not_claimed": report.not_claimed,
                "not_started": pass.not_resumed.iter().chain(&report.not_started)
                    .map(|(id, why)| json!({ "id": id, "reason": why }))
                    .collect::<Vec<_>>(),
                "held": pass.held.iter()
                    .map(|(id, why)| json!({ "id": id, "reason": why }))
                    .collect::<Vec<_>>(),
                "interrupted": report.interrupted.iter()
                    .map(|(id, why)| json!({ "id": id, "reason": why }))
                    .collect::<Vec<_>>(),
            }),
        )?,
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

fn pairs(items: &[(TaskId, TaskStatus)]) -> Vec<serde_json::Value> {
    items
        .iter()
        .map(|(id, status)| json!({ "id": id, "status": status }))
        .collect()
}

fn resume(center: &Center, args: &ResumeArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let urls = Urls::from_args(args.url.as_slice())?.with_orphans(args.orphans.policy());
    let task = center.task(args.id)?;
    let done = runner::resume(center, &task, &worker_id(), &urls, crash_hook()?)?;
    match args.format {
        Output::Text => render::write_outcome(out, &done).map_err(write_failed)?,
        Output::Json => print_json(out, &json!({ "task": done }))?,
    }
    finished(&done)
}

fn abort(center: &Center, args: &AbortArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let actor = actor_for(center, args.id, args.actor.as_deref(), &[])?;
    center.abort(args.id, &actor, &args.comment)?;
    writeln!(
        out,
        "Task {}: abort requested; it stops before its next statement (the one running completes).",
        args.id
    )
    .map_err(write_failed)
}

fn logs(center: &Center, args: &LogsArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let filter = LogFilter {
        alerts_only: args.alerts,
        contains: args.search.clone(),
    };
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

/// Who submits a new task on `connection`/`database`: the OS user, or the
/// `--creator` name when the flow the task will fall under allows delegated
/// identities or approves by itself (every node automatic). Otherwise a creator
/// could submit as someone else and approve the task as itself. Checked
/// before touching the server.
pub(crate) fn creator_for(
    center: &Center,
    connection: &str,
    database: &str,
    requested: Option<&str>,
) -> Result<String, Failure> {
    let Some(name) = requested else {
        return Ok(os_user());
    };
    let flow = select_flow(&center.flows()?, connection, database);
    let approves_itself = flow
        .nodes
        .iter()
        .all(|node| matches!(node.approvers, Approvers::Auto));
    if !flow.allow_delegated_identity && !approves_itself {
        return Err(Failure::BadInput(format!(
            "--creator is refused: flow `{}`, which the new task would fall under, \
             does not allow delegated identities (allow_delegated_identity); leave \
             --creator out to submit as {}",
            flow.name,
            you()
        )));
    }
    if name.trim().is_empty() {
        return Err(Failure::BadInput(
            "--creator needs a user name (it is empty)".into(),
        ));
    }
    Ok(name.to_string())
}

fn again(center: &Center, store: &str, args: &AgainArgs) -> Result<(), Failure> {
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
    let urls = Urls::from_args(args.url.as_slice())?;
    let url = urls.for_connection(&plan.connection).ok_or_else(|| {
        Failure::BadInput(format!(
            "task {} ran on {}: give a URL for that server",
            old.id, plan.connection
        ))
    })?;
    let mut exec = MysqlExecutor::connect(url)?.with_database(&plan.database)?;
    // The same tables, the same user skips: what "initiate again" keeps.
    let request = AnalysisRequest {
        rule: NamingRule::parse(&plan.naming_rule)?,
        selection: Selection::Tables(plan.tables.iter().map(|t| t.source.clone()).collect()),
        skip: plan
            .tables
            .iter()
            .filter(|t| t.action == PlannedAction::Skip && t.reason.as_deref() == Some("user"))
            .map(|t| t.source.clone())
            .collect(),
        policy: ShadowPolicy::default(),
        // Shadows the old task created or adopted carry the marker now.
        adopt: Vec::new(),
    };
    let analysis = analyze(&mut exec, &request)?;
    let options = Launch {
        format: args.format.format(),
        yes: args.yes,
        at: args.at,
        run: !args.no_run,
        store,
    };
    // The old task's connection, already redacted, is the one the new task
    // must have.
    launch(
        center,
        &options,
        &analysis,
        exec,
        &plan.connection,
        |frozen, mode| center.initiate_again(old.id, &creator, frozen, mode),
    )
}
