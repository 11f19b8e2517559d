//! `--progress`: how a run shows what it is doing while it runs, from the
//! task center's progress events. On a terminal a live line on stderr
//! (statement k of n, the table, a bar), cleared when the run ends; with
//! `json` one JSON object per event on stderr (stdout stays for the
//! command's own output); `off` nothing. The task's records in the store
//! are the same whichever is chosen.

use std::io::{self, IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use shadowsync_core::task::{Observer, Progress as Event, Unobserved};

/// The `--progress` choices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Progress {
    /// A live line when stderr is a terminal (and no `-q`), else nothing.
    #[default]
    Auto,
    /// Nothing.
    Off,
    /// One JSON object per event, on stderr.
    Json,
}

impl Progress {
    /// The observer that shows a run's events as chosen.
    pub fn observer(self) -> Box<dyn Observer> {
        match self {
            Progress::Json => Box::new(JsonLines),
            Progress::Auto if io::stderr().is_terminal() && !crate::verbosity::quiet() => {
                Box::new(LiveLine::new())
            }
            Progress::Off | Progress::Auto => Box::new(Unobserved),
        }
    }
}

/// `--progress json`: each event as one line of JSON.
struct JsonLines;

impl Observer for JsonLines {
    fn observe(&self, event: &Event) {
        if let Ok(line) = serde_json::to_string(event) {
            // A closed stderr must not stop the run.
            let _ = writeln!(io::stderr().lock(), "{line}");
        }
    }
}

/// The live line: a bar over the task's statements and what runs now.
struct LiveLine {
    bar: Mutex<Option<ProgressBar>>,
}

impl LiveLine {
    fn new() -> LiveLine {
        LiveLine {
            bar: Mutex::new(None),
        }
    }
}

impl Observer for LiveLine {
    fn observe(&self, event: &Event) {
        let mut slot = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            Event::TaskStarted {
                task, statements, ..
            } => {
                let bar = ProgressBar::with_draw_target(
                    Some(*statements as u64),
                    ProgressDrawTarget::stderr(),
                );
                bar.set_style(
                    ProgressStyle::with_template(
                        "task {prefix} [{bar:24}] {pos}/{len} statements  {wide_msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                bar.set_prefix(task.to_string());
                bar.enable_steady_tick(Duration::from_millis(250));
                *slot = Some(bar);
            }
            Event::PrecheckStarted { tables, .. } => {
                set(&slot, format!("precheck of {tables} tables"))
            }
            Event::StatementSent {
                table,
                statement,
                of,
                ..
            } => set(&slot, format!("{table}: statement {statement} of {of}")),
            Event::StatementFinished { .. } => {
                if let Some(bar) = slot.as_ref() {
                    bar.inc(1);
                }
            }
            Event::Verifying { tables, .. } => set(&slot, format!("verifying {tables} tables")),
            Event::LeaseLost { .. } => set(&slot, "lease lost: stopping".into()),
            Event::TaskFinished { .. } => {
                if let Some(bar) = slot.take() {
                    bar.finish_and_clear();
                }
            }
            _ => {}
        }
    }
}

fn set(slot: &Option<ProgressBar>, message: String) {
    if let Some(bar) = slot {
        bar.set_message(message);
    }
}

impl Drop for LiveLine {
    /// A run that ended without `task_finished` (an error) leaves no line.
    fn drop(&mut self) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}
