//! How an analysis becomes a task and runs, for `sync` and `task again`:
//! the plan shown, the user's confirmation, the submission, the run when
//! it is due now, and the report (text, or one JSON document).

use std::io::{self, BufRead, IsTerminal, Write};

use shadowsync::host::to_json;
use shadowsync::host::view::{PlanView, SyncView, TaskView, SCHEMA_VERSION};
use shadowsync_core::analysis::Analysis;
use shadowsync_core::task::{ExecutionMode, FrozenPlan, Task, TaskStatus};
use shadowsync_core::{Executor, Millis};

use crate::failure::Failure;
use crate::plan::{write_text, Format};
use crate::progress::Progress;
use crate::render::{self, waiting_hint, write_failed};
use crate::runner::{crash_hook, worker_id, Center, TaskExecutor};

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
    /// How the run's progress is shown.
    pub progress: Progress,
}

/// Print the plan of `analysis`; unless nothing would run, confirm, submit
/// it frozen on `connection` (redacted) through `submit`, and run it on
/// the executor `open` gives for the plan if it is due and `options.run`. Fails (exit status 3) when the
/// task ran and did not succeed.
pub fn launch(
    center: &Center,
    options: &Launch<'_>,
    analysis: &Analysis,
    open: impl FnOnce(&FrozenPlan) -> shadowsync_core::Result<Box<dyn Executor + Send>>,
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
        Format::Json => Some(PlanView::of(analysis)),
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
    let runs_now = options.run && task.is_due(center.now());
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
    let mut exec = TaskExecutor::new(open(&task.spec.plan)?, crash_hook()?);
    let observer = options.progress.observer();
    let outcome = shadowsync::host::execute(center, task.id, &worker_id(), &mut exec, &*observer);
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

/// Print the end of a run: `text` in text mode; in JSON mode one document
/// with the plan and the task (`null` when none was submitted).
fn report(
    options: &Launch<'_>,
    json_plan: Option<PlanView>,
    task: Option<&Task>,
    text: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match (options.format, json_plan) {
        (Format::Json, Some(plan)) => {
            let view = SyncView {
                schema_version: SCHEMA_VERSION,
                kind: "sync",
                plan,
                task: task.map(TaskView::of),
            };
            out.write_all(to_json(&view)?.as_bytes())
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
    let what = format!("{statements} statements on {connection}");
    ask_to_run(options.yes, &what, |err| {
        if options.format == Format::Json {
            write_text(err, analysis)?;
        }
        Ok(())
    })
}

/// Go ahead only when `yes`, or when the user types "y" on the terminal to
/// "Run WHAT?" (asked on stderr, after what `before` writes there); without
/// a terminal to ask on, bad input telling to pass `--yes`.
pub(crate) fn ask_to_run(
    yes: bool,
    what: &str,
    before: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        return Err(Failure::BadInput(format!(
            "{what} would run, but stdin is not a terminal to confirm them: pass --yes"
        )));
    }
    let mut err = io::stderr().lock();
    before(&mut err)
        .and_then(|()| write!(err, "\nRun {what}? [y/N] "))
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
