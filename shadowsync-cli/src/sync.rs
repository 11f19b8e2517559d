//! `shadowsync sync`: analyse like `plan`, show the plan, ask for
//! confirmation, submit the plan as a task in the task store, and run it —
//! now, or at `--at` through `shadowsync task run-due`.
//!
//! The task goes through the approval flow that matches its connection; the
//! built-in flow approves automatically. Progress is recorded before and
//! after every statement, so a run interrupted by a crash is finished by
//! `task run-due` (or `task resume`) without sending anything twice.
//!
//! The password of the URL is never printed nor stored: the task keeps the
//! redacted URL, which is why later runs need `--url` (or `SHADOWSYNC_URL`)
//! again.

use std::io::{self, BufRead, IsTerminal, Write};

use serde_json::{json, Value};
use shadowsync_core::analysis::Analysis;
use shadowsync_core::task::{
    ErrorStrategy, ExecutionMode, FrozenPlan, SubmitRequest, Task, TaskStatus,
};
use shadowsync_core::{Clock, Millis};
use shadowsync_mysql::MysqlExecutor;
use shadowsync_store::SystemClock;

use crate::clock::parse_time;
use crate::failure::Failure;
use crate::plan::{self, write_json, write_text, Format};
use crate::task::runner::{crash_hook, worker_id, Center, TaskExecutor};
use crate::task::{creator_for, render, waiting_hint, write_failed, StoreArg};

/// Options of `shadowsync sync`.
#[derive(Debug, clap::Args)]
// The flattened `plan::Args` already takes the implicit group named `Args`.
#[group(skip)]
pub struct Args {
    #[command(flatten)]
    plan: plan::Args,
    /// Run without asking for confirmation (needed when stdin is not a terminal).
    #[arg(long)]
    yes: bool,
    /// What a failing table does: `abort` skips the remaining tables,
    /// `continue` runs them (the task then ends partially succeeded).
    #[arg(long, value_enum, default_value_t = OnError::Abort)]
    on_error: OnError,
    /// Run at this time rather than now, through `shadowsync task run-due`:
    /// RFC 3339 (2025-06-01T02:30:00Z, 2025-06-01T10:30:00+08:00) or
    /// `YYYY-MM-DD HH:MM[:SS]` in UTC.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: Option<Millis>,
    #[command(flatten)]
    store: StoreArg,
    /// Who submits the task [default: the login name].
    #[arg(long, value_name = "NAME")]
    creator: Option<String>,
    /// Free text kept with the task.
    #[arg(long, value_name = "TEXT", default_value = "")]
    remarks: String,
}

/// The `--on-error` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnError {
    /// Stop at the first failing table; the others are skipped.
    Abort,
    /// Run the other tables anyway.
    Continue,
}

/// Analyses, confirms, submits and runs.
pub fn run(args: &Args) -> Result<(), Failure> {
    let (center, store) = args.store.open()?;
    let (exec, analysis) = plan::analyse(&args.plan)?;
    let connection = exec.redacted_url().to_string();
    let creator = creator_for(
        &center,
        exec.redacted_url(),
        exec.database().unwrap_or_default(),
        args.creator.as_deref(),
    )?;
    let on_error = match args.on_error {
        OnError::Abort => ErrorStrategy::Abort,
        OnError::Continue => ErrorStrategy::Continue,
    };
    let options = Launch {
        format: args.plan.format,
        yes: args.yes,
        at: args.at,
        run: true,
        store: &store,
    };
    launch(
        &center,
        &options,
        &analysis,
        exec,
        &connection,
        |plan, mode| {
            center.submit(SubmitRequest {
                plan,
                creator,
                mode,
                on_error,
                remarks: args.remarks.clone(),
            })
        },
    )
}

/// How an analysis becomes a task and runs (shared by `sync` and `task again`).
pub struct Launch<'a> {
    /// Output format.
    pub format: Format,
    /// Confirmed on the command line.
    pub yes: bool,
    /// Scheduled time, if any.
    pub at: Option<Millis>,
    /// Run the task now if it is due; otherwise leave it to `task run-due`.
    pub run: bool,
    /// The task store, named in hints (no password).
    pub store: &'a str,
}

/// Print the plan of `analysis`; unless nothing would run, confirm, submit
/// it frozen on `connection` (redacted) through `submit`, and run it on
/// `exec` if it is due and `options.run`. Fails (exit status 1) when the
/// task ran and did not succeed.
pub fn launch(
    center: &Center,
    options: &Launch<'_>,
    analysis: &Analysis,
    exec: MysqlExecutor,
    connection: &str,
    submit: impl FnOnce(FrozenPlan, ExecutionMode) -> shadowsync_core::Result<Task>,
) -> Result<(), Failure> {
    let json_plan = match options.format {
        Format::Text => {
            let mut out = io::stdout().lock();
            write_text(&mut out, analysis)
                .and_then(|()| out.flush())
                .map_err(write_failed)?;
            None
        }
        Format::Json => Some(plan_json(analysis)?),
    };
    let statements = analysis.preview().len();
    if statements == 0 {
        return report(options, json_plan, None, |out| {
            writeln!(out, "\nNothing to run: no task submitted.")
        });
    }
    confirm(options, analysis, statements, connection)?;
    let mode = options
        .at
        .map_or(ExecutionMode::Immediate, |at| ExecutionMode::Scheduled {
            at,
        });
    let task = submit(analysis.freeze(connection), mode)?;
    let runs_now = options.run && task.is_due(SystemClock.now());
    if !runs_now {
        return report(options, json_plan, Some(&task), |out| {
            writeln!(out, "\nTask {} submitted: {}", task.id, task.state.status)?;
            match task.state.status {
                TaskStatus::PendingApproval => writeln!(
                    out,
                    "It waits for approval: `shadowsync task approve {} --as USER --comment TEXT`.",
                    task.id
                ),
                _ => waiting_hint(out, &task),
            }
        });
    }
    let mut exec = TaskExecutor::new(exec, crash_hook()?);
    let outcome = shadowsync::host::execute(center, task.id, &worker_id(), &mut exec);
    let done = match outcome {
        Ok(done) => done,
        // Someone changed the task between its submission and now (a
        // `task run-due` elsewhere claimed it, or it was cancelled): it is
        // not this process's to run, and it may be running elsewhere.
        Err(error @ shadowsync_core::Error::InvalidTransition { .. }) => {
            return Err(Failure::Other(format!(
                "task {} could not be started here ({error}); follow it with \
                 `shadowsync task show {}`",
                task.id, task.id
            )))
        }
        // The statement in flight may or may not have run: the task stays
        // executing, and the next worker settles it from the schema.
        Err(lost @ shadowsync_core::Error::ConnectionLost(_)) => {
            return Err(Failure::Other(format!(
                "{lost}; task {} is left executing, resumable: `shadowsync task run-due --url URL` \
                 (or `task resume {}`) finishes it",
                task.id, task.id
            )))
        }
        Err(other) => return Err(other.into()),
    };
    report(options, json_plan, Some(&done), |out| {
        writeln!(out)?;
        render::write_outcome(out, &done)?;
        writeln!(
            out,
            "Details: shadowsync task show {} --store {}",
            done.id, options.store
        )
    })?;
    finished(&done)
}

/// Exit status of a task that ran: success only when it succeeded.
pub fn finished(task: &Task) -> Result<(), Failure> {
    match task.state.status {
        TaskStatus::Succeeded => Ok(()),
        status => Err(Failure::Other(format!("task {} {status}", task.id))),
    }
}

/// The plan as `plan --format json` prints it, as a value to embed.
fn plan_json(analysis: &Analysis) -> Result<Value, Failure> {
    let mut buffer = Vec::new();
    write_json(&mut buffer, analysis).map_err(write_failed)?;
    serde_json::from_slice(&buffer)
        .map_err(|e| Failure::Other(format!("cannot re-read the plan as JSON: {e}")))
}

/// Print the end of a run: `text` in text mode; in JSON mode one document
/// with the plan and the task (`null` when none was submitted).
fn report(
    options: &Launch<'_>,
    json_plan: Option<Value>,
    task: Option<&Task>,
    text: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match (options.format, json_plan) {
        (Format::Json, Some(plan)) => {
            serde_json::to_writer_pretty(&mut out, &json!({ "plan": plan, "task": task }))
                .map_err(io::Error::other)
                .and_then(|()| writeln!(out))
        }
        _ => text(&mut out),
    }
    .and_then(|()| out.flush())
    .map_err(write_failed)
}

/// Go ahead only with `--yes` or a "y" typed on the terminal. In JSON mode
/// stdout is for the document, so the plan the user confirms goes to stderr.
fn confirm(
    options: &Launch<'_>,
    analysis: &Analysis,
    statements: usize,
    connection: &str,
) -> Result<(), Failure> {
    if options.yes {
        return Ok(());
    }
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        return Err(Failure::BadInput(format!(
            "{statements} statements would run on {connection}, but stdin is not a terminal \
             to confirm them: pass --yes"
        )));
    }
    let mut err = io::stderr().lock();
    if options.format == Format::Json {
        write_text(&mut err, analysis).map_err(write_failed)?;
    }
    write!(err, "\nRun {statements} statements on {connection}? [y/N] ")
        .and_then(|()| err.flush())
        .map_err(write_failed)?;
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::Other(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::Other("not confirmed: no task submitted".into()))
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        // clap checks name clashes between flattened option sets only when a
        // subcommand is first parsed; this makes it check all of them now.
        crate::Cli::command().debug_assert();
    }
}
