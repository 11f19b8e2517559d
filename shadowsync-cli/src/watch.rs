//! `shadowsync watch`: keep the shadows in step, in the foreground. Every
//! `--interval` it analyses the selection (through the task store's
//! snapshot cache, so a schema in step costs little), picks up new source
//! tables a pattern or `--all` selects, and when something has drifted
//! submits the repairing plan as a task through the approval flow
//! ([`shadowsync::host::watch_once`]): once per drift, however many
//! watchers share the store. With `--run` it also runs the due tasks, as
//! `task run-due` would.
//!
//! A failed pass (a server restarting, a store briefly away) is reported
//! and the next pass tries again on a new connection; Ctrl-C (or SIGTERM,
//! SIGHUP) between passes exits at once (status 130), during a run it
//! aborts the running task first and then exits 130 (see
//! [`crate::interrupt`]).

use std::io::{self, Write};
use std::time::Duration;

use shadowsync::host::{watch_once, WatchOptions, WatchOutcome, WatchView};
use shadowsync::host::{AnalyzeOptions, SubmitOptions};

use crate::config::Settings;
use crate::context::{creator_for, StoreArg};
use crate::failure::Failure;
use crate::plan::{self, analysis_failure, Format};
use crate::progress::Progress;
use crate::render::write_failed;
use crate::runner::{crash_hook, run_due, test_hook, worker_id, Center, Urls};

/// The shortest interval between passes: a watch is a schedule, not a poll.
const MIN_INTERVAL: Duration = Duration::from_secs(60);

/// Test hook (test builds only, as [`crate::runner::CRASH_AFTER_VAR`]): the
/// interval in milliseconds, so the loop's tests need not wait minutes.
const INTERVAL_VAR: &str = "SHADOWSYNC_TEST_INTERVAL_MS";

/// Options of `shadowsync watch`.
#[derive(Debug, clap::Args)]
// The flattened `plan::Args` already takes the implicit group named `Args`.
#[group(skip)]
pub struct Args {
    #[command(flatten)]
    plan: plan::Args,
    /// Time between the starts of two passes: `90s`, `5m`, `1h 30m`
    /// (at least one minute).
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_interval)]
    interval: Duration,
    /// One pass, then exit (for cron, or a scheduler of your own): a pass
    /// that fails is then the command's failure.
    #[arg(long)]
    once: bool,
    /// After each pass, run the tasks that are due (approved, and their
    /// time come) on this connection, as `task run-due` does.
    #[arg(long)]
    run: bool,
    #[command(flatten)]
    store: StoreArg,
    /// Who submits the tasks [default: the login name].
    #[arg(long, value_name = "NAME")]
    creator: Option<String>,
    /// Free text kept with each task.
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "submitted by shadowsync watch"
    )]
    remarks: String,
    /// What a failing table does to a task's other tables.
    #[arg(long, value_name = "abort|continue", default_value = "abort",
          value_parser = crate::words::error_strategy)]
    on_error: shadowsync_core::task::ErrorStrategy,
    /// How many statements each task may run at once (see `sync --parallel`).
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=32))]
    parallel: u32,
    /// How a `--run` shows its progress (see `sync --progress`).
    #[arg(long, value_enum, default_value_t = Progress::Off)]
    progress: Progress,
}

/// Watches until stopped (or once, with `--once`).
pub fn run(args: &Args) -> Result<(), Failure> {
    if args.plan.fleet.is_some() {
        return Err(Failure::BadInput(
            "--fleet is for plan, check and sync: a watch follows one database".into(),
        ));
    }
    let settings = args.plan.settings.load()?;
    let options = plan::checked_options(&args.plan, &settings)?;
    let (center, _) = args.store.open(settings.profile.as_ref())?;
    let interval = test_hook(INTERVAL_VAR)
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(args.interval, Duration::from_millis);
    let mut passes = Passes {
        args,
        settings: &settings,
        center: &center,
        analyze: options,
    };
    loop {
        let started = std::time::Instant::now();
        match passes.one() {
            Ok(()) => {}
            Err(failure) if args.once => return Err(failure),
            // The next pass tries again on a new connection.
            Err(failure) => eprintln!("shadowsync: watch pass failed: {failure}"),
        }
        // A signal during `--run` aborted the running task; the watch
        // stops with it rather than going on without running anything.
        crate::interrupt::exit_if_stop_requested();
        if args.once {
            return Ok(());
        }
        std::thread::sleep(interval.saturating_sub(started.elapsed()));
    }
}

/// What every pass shares.
struct Passes<'a> {
    args: &'a Args,
    settings: &'a Settings,
    center: &'a Center,
    analyze: AnalyzeOptions,
}

impl Passes<'_> {
    /// One pass on a new connection: watch, report, and run with `--run`.
    fn one(&mut self) -> Result<(), Failure> {
        let args = self.args;
        let mut connected = plan::connect(&args.plan, self.settings)?;
        let creator = creator_for(
            self.center,
            &connected.connection,
            &connected.database,
            args.creator.as_deref(),
        )?;
        let options = WatchOptions {
            analyze: self.analyze.clone(),
            submit: SubmitOptions {
                remarks: args.remarks.clone(),
                on_error: args.on_error,
                parallel: args.parallel,
                ..SubmitOptions::by(creator)
            },
        };
        let view = watch_once(
            connected.exec.as_mut(),
            self.center,
            &options,
            &connected.connection,
            self.center.now(),
        )
        .map_err(analysis_failure)?;
        drop(connected.exec);
        report(args.plan.format, &view)?;
        if args.run {
            let mut urls = vec![connected.url];
            urls.extend(connected.shadow_url.take());
            let observer = args.progress.observer();
            let pass = run_due(
                self.center,
                &worker_id(),
                &Urls::given(urls),
                crash_hook()?,
                &*observer,
            )?;
            for (id, status) in pass.resumed.iter().chain(&pass.report.finished) {
                eprintln!("shadowsync: task {id} ran: {status}");
            }
        }
        Ok(())
    }
}

/// One pass as text (a line, and one per table to change) or as one JSON
/// document on one line.
fn report(format: Format, view: &WatchView) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    let written = match format {
        Format::Json => serde_json::to_string(view)
            .map_err(|e| Failure::Other(format!("cannot encode the pass: {e}")))
            .and_then(|line| writeln!(out, "{line}").map_err(write_failed)),
        Format::Text => write_text(&mut out, view).map_err(write_failed),
    };
    written.and_then(|()| out.flush().map_err(write_failed))
}

fn write_text(out: &mut dyn Write, view: &WatchView) -> io::Result<()> {
    let counts = &view.plan.counts;
    let refused = match counts.refused {
        0 => String::new(),
        n => format!(", {n} refused (see `shadowsync check`)"),
    };
    let drift = view.drift.as_deref().unwrap_or_default();
    let task = view.task.as_ref();
    let task_words = |verb: &str| {
        task.map_or_else(String::new, |t| {
            format!("task {} {verb} ({})", t.id, t.status)
        })
    };
    match view.outcome {
        WatchOutcome::InStep => writeln!(
            out,
            "{}  in step: {} tables{refused}",
            view.watched_at, counts.total
        )?,
        WatchOutcome::Submitted => writeln!(
            out,
            "{}  {drift}: {}, {} to create, {} to alter{refused}",
            view.watched_at,
            task_words("submitted"),
            counts.create,
            counts.alter
        )?,
        WatchOutcome::Held => writeln!(
            out,
            "{}  {drift}: already {}",
            view.watched_at,
            task_words("holds it")
        )?,
    }
    if view.outcome == WatchOutcome::Submitted {
        if let Some(why) = &view.not_additive {
            writeln!(out, "  not additive: {why}")?;
        }
        for table in view.plan.tables.iter().filter(|t| !t.statements.is_empty()) {
            writeln!(out, "  {} `{}`", action_word(table), table.shadow)?;
        }
    }
    Ok(())
}

fn action_word(table: &shadowsync::host::view::PlanTableView) -> &'static str {
    match table.action {
        shadowsync_core::analysis::Action::Create => "create",
        shadowsync_core::analysis::Action::Alter => "alter",
        shadowsync_core::analysis::Action::Skip => "skip",
    }
}

/// `--interval`: a duration jiff reads (`90s`, `5m`, `1h 30m`, ISO 8601
/// `PT5M`), at least [`MIN_INTERVAL`].
fn parse_interval(text: &str) -> Result<Duration, String> {
    let parsed: jiff::SignedDuration = text
        .trim()
        .parse()
        .map_err(|e| format!("`{text}` is not a duration such as 90s, 5m or 1h 30m ({e})"))?;
    let interval = Duration::try_from(parsed)
        .map_err(|_| format!("`{text}` is negative: give a duration such as 5m"))?;
    if interval < MIN_INTERVAL {
        return Err(format!(
            "`{text}` is shorter than the shortest interval, one minute"
        ));
    }
    Ok(interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_durations_of_a_minute_or_more() {
        assert_eq!(parse_interval("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_interval("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_interval("1h 30m"), Ok(Duration::from_secs(5_400)));
        assert_eq!(parse_interval("PT2M"), Ok(Duration::from_secs(120)));
        for bad in ["59s", "0s", "-5m", "soon", ""] {
            let error = parse_interval(bad).expect_err(bad);
            assert!(error.contains(&format!("`{bad}`")), "{error}");
        }
    }
}
