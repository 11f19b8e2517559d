//! `shadowsync`: the command-line interface.
//!
//! Each subcommand lives in its own module with an `Args` struct (its
//! options) and a `run` function; this file only parses the command line,
//! dispatches, and turns a [`failure::Outcome`] or a [`failure::Failure`]
//! into a message and an exit status ([`failure::EXIT_STATUS`]).

mod clock;
mod context;
mod diff;
mod failure;
mod input;
mod interrupt;
mod launch;
mod plan;
mod progress;
mod render;
mod runner;
mod sync;
mod task;
mod words;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Keep shadow tables schema-identical to their source tables.
#[derive(Debug, Parser)]
#[command(name = "shadowsync", version, about, after_help = failure::EXIT_STATUS)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Print the statements that turn the tables of one DDL file into those of another.
    Diff(diff::Args),
    /// Show what it takes to bring the shadow tables of a live database in line with their sources.
    Plan(plan::Args),
    /// Analyse, confirm, then bring the shadow tables in line as a task (now or at --at).
    Sync(sync::Args),
    /// The tasks `sync` submitted: list, show, approve, run due ones, logs, again.
    Task(task::Args),
}

fn main() -> ExitCode {
    // clap echoes offending arguments; a stray URL must not show its password.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let text = shadowsync_core::task::redact_text(&err.render().to_string());
            let code = err.exit_code();
            if err.use_stderr() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::WARN)
        .with_target(false)
        .init();
    interrupt::install();
    let result = match cli.command {
        Command::Diff(args) => diff::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Sync(args) => sync::run(&args).map(|()| failure::Outcome::Done),
        Command::Task(args) => task::run(&args).map(|()| failure::Outcome::Done),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(failure) => {
            eprintln!("shadowsync: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}
