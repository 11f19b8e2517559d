//! `shadowsync`: the command-line interface.
//!
//! Each subcommand lives in its own module with an `Args` struct (its
//! options) and a `run` function; this file only parses the command line,
//! dispatches, and turns a [`failure::Outcome`] or a [`failure::Failure`]
//! into a message and an exit status ([`failure::EXIT_STATUS`]).

mod check;
mod clock;
mod config;
mod context;
mod credentials;
mod diff;
mod failure;
mod fleet;
mod flow;
mod input;
mod interrupt;
mod launch;
mod plan;
mod progress;
mod render;
mod runner;
mod sync;
mod task;
mod verbosity;
mod watch;
mod words;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Keep shadow tables schema-identical to their source tables.
#[derive(Debug, Parser)]
#[command(name = "shadowsync", version, about, after_help = failure::EXIT_STATUS)]
struct Cli {
    /// Say less on stderr: no warnings, no live progress line (errors still).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Say more on stderr: the library's info (-v), debug (-vv) and trace
    /// (-vvv) records.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Print the statements that turn the tables of one DDL file into those of another.
    Diff(diff::Args),
    /// Show what it takes to bring the shadow tables of a live database in line with their sources.
    Plan(plan::Command),
    /// Read-only readiness verdict per selected shadow and overall: exit 0
    /// ready, 1 not ready (drifted, missing, refused, inaccessible, or not
    /// usable by --app-user), 2 bad input.
    Check(check::Args),
    /// Analyse, confirm, then bring the shadow tables in line as a task (now or at --at).
    Sync(sync::Args),
    /// Keep the shadows in step: every --interval, analyse the selection and
    /// submit the plan of each new drift through the approval flow (once
    /// per drift across watchers sharing the store); --run also runs due tasks.
    Watch(watch::Args),
    /// The tasks `sync` submitted: list, show, approve, run due ones, logs, again.
    Task(task::Args),
    /// Print a completion script for a shell, e.g.
    /// `shadowsync completions bash > /etc/bash_completion.d/shadowsync`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The approval flows of the task store: set (from a file or the profile), list, show.
    Flow(flow::Args),
}

fn main() -> ExitCode {
    // clap echoes offending arguments; a stray URL must not show its password.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let text = shadowsync_core::task::redact_text(&err.render().to_string());
            let code = err.exit_code();
            // `--help | head` must not panic on the closed pipe.
            let _ = if err.use_stderr() {
                write!(io::stderr(), "{text}")
            } else {
                write!(io::stdout(), "{text}")
            };
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
    };
    verbosity::set_quiet(cli.quiet);
    let records = tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_max_level(verbosity::tracing_level(cli.quiet, cli.verbose))
        .with_ansi(verbosity::stderr_colour())
        .with_target(false);
    // Warnings of a command need no time stamp; `-v` records get one.
    if cli.verbose == 0 {
        records.without_time().init();
    } else {
        records.init();
    }
    interrupt::install();
    let result = match cli.command {
        Command::Diff(args) => diff::run(&args),
        Command::Plan(args) => plan::run(&args),
        // Not ready is an answer, not a failure: its own status, no message.
        Command::Check(args) => match check::run(&args) {
            Ok(false) => return ExitCode::from(check::NOT_READY),
            done => done.map(|_| failure::Outcome::Done),
        },
        Command::Sync(args) => sync::run(&args).map(|()| failure::Outcome::Done),
        Command::Watch(args) => watch::run(&args).map(|()| failure::Outcome::Done),
        Command::Task(args) => task::run(&args).map(|()| failure::Outcome::Done),
        Command::Flow(args) => flow::run(&args).map(|()| failure::Outcome::Done),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "shadowsync", &mut io::stdout());
            Ok(failure::Outcome::Done)
        }
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        // The reader of the output went away (`shadowsync plan | head`):
        // nothing to tell anyone, as for other Unix tools.
        Err(failure) if failure.is_broken_pipe() => ExitCode::SUCCESS,
        Err(failure) => {
            verbosity::error(&failure.to_string());
            ExitCode::from(failure.exit_code())
        }
    }
}
