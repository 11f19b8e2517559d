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

use shadowsync::host::{open_task_executor, SubmitOptions};
use shadowsync_core::task::ExecutionMode;
use shadowsync_core::Millis;
use shadowsync_mysql::OrphanPolicy;

use crate::clock::parse_time;
use crate::context::{creator_for, StoreArg};
use crate::failure::Failure;
use crate::fleet::FleetRun;
use crate::launch::{launch, Launch};
use crate::plan;
use crate::progress::Progress;

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
    #[arg(long, value_name = "abort|continue", default_value = "abort",
          value_parser = crate::words::error_strategy)]
    on_error: shadowsync_core::task::ErrorStrategy,
    /// How many statements the task may run at once, each on a connection
    /// of its own (1 to 32). Statements of one table, and of tables a
    /// foreign key joins, keep the plan's order.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=32))]
    parallel: u32,
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
    /// How the run shows its progress: a live line on a terminal (`auto`),
    /// JSON lines on stderr (`json`), or nothing (`off`).
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    progress: Progress,
}

/// Analyses, confirms, submits and runs.
pub fn run(args: &Args) -> Result<(), Failure> {
    let settings = args.plan.settings.load()?;
    let (center, store) = args.store.open(settings.profile.as_ref())?;
    if let Some(path) = &args.plan.fleet {
        plan::refuse_stray(&args.plan.stray)?;
        let submit = SubmitOptions {
            remarks: args.remarks.clone(),
            on_error: args.on_error,
            parallel: args.parallel,
            mode: args
                .at
                .map_or(ExecutionMode::Immediate, |at| ExecutionMode::Scheduled {
                    at,
                }),
            // The creator is settled per database in `fleet::sync`.
            ..SubmitOptions::by(String::new())
        };
        let run = FleetRun {
            submit,
            yes: args.yes,
            center: &center,
            creator: args.creator.as_deref(),
        };
        return crate::fleet::sync(path, &args.plan, &settings, run);
    }
    // A sync reads every table afresh: its plan becomes a task.
    let plan::Analysed {
        connected:
            plan::Connected {
                exec,
                url,
                shadow_url,
                connection,
                database,
            },
        analysis,
    } = plan::analyse(&args.plan, &settings, None)?;
    let creator = creator_for(&center, &connection, &database, args.creator.as_deref())?;
    let submit = SubmitOptions {
        remarks: args.remarks.clone(),
        on_error: args.on_error,
        parallel: args.parallel,
        ..SubmitOptions::by(creator)
    };
    let options = Launch {
        format: args.plan.format,
        yes: args.yes,
        at: args.at,
        run: true,
        store: &store,
        progress: args.progress,
    };
    launch(
        &center,
        &options,
        &analysis,
        // Beside their sources the plan runs on the connection it was read
        // through; in database mode on its shadows' database, created
        // first if it was missing.
        |plan| match plan.shadows {
            None => Ok(exec),
            Some(_) => open_task_executor(plan, &url, shadow_url.as_deref(), OrphanPolicy::Wait),
        },
        &connection,
        |plan, mode| center.submit(SubmitOptions { mode, ..submit }.request(plan)?),
    )
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
