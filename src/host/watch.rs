//! One pass of a recurring watch, as every front end runs it (the CLI's
//! `shadowsync watch` loop, or a host's own scheduler calling
//! [`watch_once`]): analyse the selection, and when a shadow has drifted
//! or a new source table has appeared, submit the plan that repairs it
//! through the approval flow, once per drift however many watchers share
//! the task store.
//!
//! A pass reads through the store's snapshot cache, so a schema in step
//! costs only the server's change tokens; when the cached read finds
//! something to do, the selection is read again afresh before the plan is
//! frozen, as `sync` does, because that plan becomes a task.

use serde::Serialize;
use shadowsync_core::task::log::{format_utc, redact_url};
use shadowsync_core::task::{Store, TaskCenter};
use shadowsync_core::{Clock, Executor, Millis, Result};

use super::options::{AnalyzeOptions, SubmitOptions};
use super::view::{PlanView, TaskView, SCHEMA_VERSION};

/// What a watch pass looks at and how it submits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchOptions {
    /// The selection, naming rule and shadow policy, as for a plan: a
    /// selection by patterns (or all tables) picks up new source tables.
    pub analyze: AnalyzeOptions,
    /// Who submits the repairing tasks, and how they run.
    pub submit: SubmitOptions,
}

/// What one pass found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WatchOutcome {
    /// Nothing to run: every selected shadow matches (refused tables
    /// aside, which the plan lists).
    InStep,
    /// This pass submitted a task for the drift.
    Submitted,
    /// A task already holds this drift (submitted by an earlier pass or
    /// another watcher, and not succeeded or expired: it waits, runs, or
    /// was rejected, cancelled or failed); nothing was submitted.
    Held,
}

/// One watch pass (kind `watch`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"watch"`.
    pub kind: &'static str,
    /// When the pass ran.
    pub watched_at: String,
    /// What it found and did.
    pub outcome: WatchOutcome,
    /// The drift's identity (`drift:` and 16 hex digits) when there is
    /// something to run; the same for every watcher that sees the same
    /// drift.
    pub drift: Option<String>,
    /// Why the plan is not additive, so that a flow with
    /// `auto_approve = "additive"` still asks its approvers (`null`: it is
    /// additive, or there is nothing to run).
    pub not_additive: Option<String>,
    /// The plan of this pass (refused tables included).
    pub plan: PlanView,
    /// The task submitted, or the one holding the drift.
    pub task: Option<TaskView>,
}

/// Watch `exec`'s database once, at `now` (the time shown): analyse as
/// `options.analyze` asks, through `center`'s store as the snapshot cache,
/// and submit the plan frozen on `connection` (stored and identified
/// redacted) unless nothing
/// runs or a task holds its drift already ([`TaskCenter::submit_drift`]).
/// Whether the task then needs an approver is the matching flow's rule.
pub fn watch_once<S, C>(
    exec: &mut dyn Executor,
    center: &TaskCenter<S, C>,
    options: &WatchOptions,
    connection: &str,
    now: Millis,
) -> Result<WatchView>
where
    S: Store,
    C: Clock,
{
    // A watcher that could never submit must say so on its first pass,
    // not on the day a drift appears.
    options.submit.check()?;
    let cached = options.analyze.analyze_with(exec, Some(center.store()))?;
    let analysis = if cached.preview().is_empty() {
        cached
    } else {
        options.analyze.analyze(exec)?
    };
    let plan_view = PlanView::of(&analysis);
    let view = |outcome, drift, not_additive, task: Option<TaskView>| WatchView {
        schema_version: SCHEMA_VERSION,
        kind: "watch",
        watched_at: format_utc(now),
        outcome,
        drift,
        not_additive,
        plan: plan_view.clone(),
        task,
    };
    if analysis.preview().is_empty() {
        return Ok(view(WatchOutcome::InStep, None, None, None));
    }
    // Redacted: the task keeps the connection, and a password must never
    // reach a store (the drift identity ignores it either way).
    let plan = analysis.freeze(&redact_url(connection));
    let drift = plan.drift_identity();
    let not_additive = plan.not_additive();
    let (task, created) = center.submit_drift(options.submit.request(plan)?, &drift)?;
    let outcome = if created {
        WatchOutcome::Submitted
    } else {
        WatchOutcome::Held
    };
    Ok(view(
        outcome,
        Some(drift),
        not_additive,
        Some(TaskView::of(&task)),
    ))
}
