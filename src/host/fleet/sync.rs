//! Fleet syncs: every database of a fleet analysed with the fleet's bounded
//! parallelism per server ([`plan_fleet`]), one task per database that has
//! something to do submitted under one fleet id ([`submit_fleet`]), and the
//! tasks run the same way ([`run_fleet`]): each on connections to its own
//! server, at most `connections_per_server` databases of a server and
//! `servers_at_once` servers at a time.
//!
//! A database is a task of its own (its frozen plan, its approval, its
//! statements recorded before and after they run), so a shard that fails
//! leaves the others done, and one left executing by a crash is settled
//! and finished by `task run-due` alone, with nothing sent twice.

use std::collections::HashMap;

use serde::Serialize;
use shadowsync_core::analysis::Analysis;
use shadowsync_core::task::log::format_utc;
use shadowsync_core::task::{
    FleetMembership, Store, Task, TaskCenter, TaskId, TaskStatus, Unobserved,
};
use shadowsync_core::{Clock, Error, Executor, Millis, Result};

use shadowsync_mysql::OrphanPolicy;

use super::{
    for_each_member, for_each_of, member_name, open_member, read_sessions, Fleet, FleetOptions,
};
use crate::host::heartbeat::stop_requested;
use crate::host::mapping::{open_task_executor_reading, server_key};
use crate::host::options::SubmitOptions;
use crate::host::run::execute;
use crate::host::view::{PlanCounts, SCHEMA_VERSION};

/// One database of a fleet, analysed for a sync.
#[derive(Debug)]
pub struct FleetMemberPlan {
    /// Its server's index in [`Fleet::servers`].
    pub server: usize,
    /// Its index in that server's `schemas`.
    pub database: usize,
    /// `host:port/schema`.
    pub member: String,
    /// The source database.
    pub schema: String,
    /// Database mode: its shadows' database.
    pub shadow_schema: Option<String>,
    /// The analysis and the (redacted) connection its plan is frozen on,
    /// or why the database could not be analysed.
    pub analysis: Result<(Analysis, String)>,
}

impl FleetMemberPlan {
    /// The statements its task would run (none when not analysed).
    pub fn statements(&self) -> usize {
        self.analysis.as_ref().map_or(0, |(a, _)| a.preview().len())
    }
}

/// Every database of a fleet, analysed ([`plan_fleet`]).
#[derive(Debug)]
pub struct FleetPlan {
    /// In the fleet file's order.
    pub members: Vec<FleetMemberPlan>,
}

impl FleetPlan {
    /// The statements of every database.
    pub fn statements(&self) -> usize {
        self.members.iter().map(FleetMemberPlan::statements).sum()
    }

    /// The databases that have something to run.
    pub fn databases_to_change(&self) -> usize {
        self.members.iter().filter(|m| m.statements() > 0).count()
    }
}

/// Analyse every database of `fleet` (read-only) with the parallelism of
/// `options`. A database that cannot be analysed (unreachable, refused by
/// the identity guard, unknown) keeps its error; the others are analysed.
pub fn plan_fleet(fleet: &Fleet, options: &FleetOptions) -> Result<FleetPlan> {
    let analysed = for_each_member(fleet, options, |s, d| {
        let server = &fleet.servers[s];
        let read = read_sessions(options, server.schemas.len());
        let (mut exec, connection) = open_member(fleet, server, d, options.introspection, read)?;
        Ok((fleet.analyze.analyze(exec.as_mut())?, connection))
    })?;
    let members = analysed
        .into_iter()
        .map(|(s, d, analysis)| {
            let server = &fleet.servers[s];
            let schema = server.schemas[d].clone();
            FleetMemberPlan {
                server: s,
                database: d,
                member: member_name(&server.url, &schema),
                shadow_schema: fleet.shadow_schema_of(&schema),
                schema,
                analysis,
            }
        })
        .collect();
    Ok(FleetPlan { members })
}

/// The task among `unfinished` that changes database `schema` of the
/// server of `connection`, if any.
/// (A task of its own, submitted by a plain `sync`, counts: connections are
/// compared by server and user, [`server_key`].)
fn holding<'t>(unfinished: &'t [Task], connection: &str, schema: &str) -> Option<&'t Task> {
    let server = server_key(connection);
    unfinished
        .iter()
        .find(|t| server_key(&t.spec.plan.connection) == server && t.spec.plan.database == schema)
}

/// The tasks of one fleet submission ([`submit_fleet`]).
#[derive(Debug)]
pub struct FleetSubmission {
    /// The fleet id every task of it carries ([`FleetMembership::id`]).
    pub id: String,
    /// Per database with statements to run (index into
    /// [`FleetPlan::members`]): its task, or why it could not be submitted.
    pub tasks: Vec<(usize, Result<Task>)>,
}

/// Submit one task per database of `plan` that has statements to run,
/// each frozen on its own connection and database, with `options`, and all
/// carrying one fleet id. Databases not analysed, or in step already, get
/// none; nor does a database with a task not finished yet (waiting for
/// approval or to run, or executing: left by a crash, `task run-due`
/// finishes it), which is kept with that error. A submission the task
/// center refuses is kept with its error too; the other databases are
/// still submitted.
pub fn submit_fleet<S: Store, C: Clock>(
    center: &TaskCenter<S, C>,
    plan: &FleetPlan,
    options: &SubmitOptions,
) -> Result<FleetSubmission> {
    options.check()?;
    let changing: Vec<(usize, &Analysis, &str)> = plan
        .members
        .iter()
        .enumerate()
        .filter_map(|(i, m)| match &m.analysis {
            Ok((analysis, connection)) if !analysis.preview().is_empty() => {
                Some((i, analysis, connection.as_str()))
            }
            _ => None,
        })
        .collect();
    let Some(&(first, _, _)) = changing.first() else {
        return Err(Error::InvalidRequest(
            "no database of the fleet has anything to run".into(),
        ));
    };
    let id = format!("fleet-{}@{}", center.now(), plan.members[first].member);
    let of = u32::try_from(changing.len()).unwrap_or(u32::MAX);
    let unfinished = center.store().tasks_in(&[
        TaskStatus::PendingApproval,
        TaskStatus::WaitingForExecution,
        TaskStatus::Executing,
    ])?;
    let tasks = changing
        .into_iter()
        .zip(1u32..)
        .map(|((i, analysis, connection), index)| {
            let member = &plan.members[i];
            if let Some(holder) = holding(&unfinished, connection, &member.schema) {
                // A second task on a database whose first is not done would
                // race it (or, after a crash, plan around a statement its
                // recovery has still to settle).
                return (
                    i,
                    Err(Error::InvalidRequest(format!(
                        "task {} ({}) is not finished on this database: finish it first \
                         (`task run-due`, `task approve`) or cancel it",
                        holder.id, holder.state.status
                    ))),
                );
            }
            let request = options.request(analysis.freeze(connection)).map(|mut r| {
                r.fleet = Some(FleetMembership {
                    id: id.clone(),
                    member: plan.members[i].member.clone(),
                    index,
                    of,
                });
                r
            });
            (i, request.and_then(|r| center.submit(r)))
        })
        .collect();
    Ok(FleetSubmission { id, tasks })
}

/// Run the tasks of `submission` that are due now (approved, not
/// scheduled later) for `worker`, with the parallelism of `options`:
/// each on the executor `open` gives for it (and the connections it may
/// read over at once: [`FleetOptions::connections_per_server`] shared among
/// the server's tasks under way), under its own heartbeat. The
/// result is each run task's end (or why it could not run), by index into
/// [`FleetPlan::members`]; a task not due stays as it is and is not in it.
/// Once the process was asked to stop (Ctrl-C), no further task starts:
/// those come back as they are, waiting.
pub fn run_fleet<S, C>(
    center: &TaskCenter<S, C>,
    fleet: &Fleet,
    plan: &FleetPlan,
    submission: &FleetSubmission,
    options: &FleetOptions,
    worker: &str,
    open: impl Fn(&Task, usize) -> Result<Box<dyn Executor + Send>> + Sync,
) -> Result<Vec<(usize, Result<Task>)>>
where
    S: Store + Sync,
    C: Clock + Sync,
{
    let now = center.now();
    let mut due: Vec<Vec<usize>> = vec![Vec::new(); fleet.servers.len()];
    let mut ids = HashMap::new();
    for (i, task) in &submission.tasks {
        if let Some(task) = task.as_ref().ok().filter(|t| t.is_due(now)) {
            let member = &plan.members[*i];
            due[member.server].push(member.database);
            ids.insert((member.server, member.database), (*i, task.id));
        }
    }
    let ran = for_each_of(fleet, options, &due, |s, d| {
        let read = read_sessions(options, due[s].len());
        ids.get(&(s, d))
            .map(|&(i, id)| (i, run_member(center, id, worker, |task| open(task, read))))
    })?;
    Ok(ran
        .into_iter()
        .filter_map(|(_, _, outcome)| outcome)
        .collect())
}

/// The executor that runs fleet task `task`: on the fleet server whose
/// (redacted) URL is the task's connection, mapped to its shadows' server
/// in database mode, reading over at most `read_sessions` connections.
pub fn open_fleet_task(
    fleet: &Fleet,
    task: &Task,
    read_sessions: usize,
) -> Result<Box<dyn Executor + Send>> {
    let plan = &task.spec.plan;
    let server = fleet
        .servers
        .iter()
        .find(|s| server_key(&s.url) == server_key(&plan.connection))
        .ok_or_else(|| {
            Error::InvalidRequest(format!(
                "task {}: no server of the fleet is its connection {}",
                task.id, plan.connection
            ))
        })?;
    open_task_executor_reading(
        plan,
        &server.url,
        server.shadow_url.as_deref(),
        OrphanPolicy::Wait,
        read_sessions,
    )
}

/// Plan, submit and run `fleet` in one call, for hosts that have asked
/// their user already: [`plan_fleet`], then (when a database has
/// statements to run) [`submit_fleet`] with `submit` and [`run_fleet`] for
/// `worker` on the fleet's own servers ([`open_fleet_task`]).
pub fn sync_fleet<S, C>(
    center: &TaskCenter<S, C>,
    fleet: &Fleet,
    options: &FleetOptions,
    submit: &SubmitOptions,
    worker: &str,
) -> Result<FleetSyncView>
where
    S: Store + Sync,
    C: Clock + Sync,
{
    submit.check()?;
    let plan = plan_fleet(fleet, options)?;
    if plan.statements() == 0 {
        return Ok(FleetSyncView::of(&plan, None, &[], center.now()));
    }
    let submission = submit_fleet(center, &plan, submit)?;
    let ran = run_fleet(
        center,
        fleet,
        &plan,
        &submission,
        options,
        worker,
        |task, read| open_fleet_task(fleet, task, read),
    )?;
    Ok(FleetSyncView::of(
        &plan,
        Some(&submission),
        &ran,
        center.now(),
    ))
}

/// Task `id` run to its end on the executor `open` gives for it, unless
/// the process was asked to stop.
fn run_member<S, C>(
    center: &TaskCenter<S, C>,
    id: TaskId,
    worker: &str,
    open: impl Fn(&Task) -> Result<Box<dyn Executor + Send>>,
) -> Result<Task>
where
    S: Store + Sync,
    C: Clock + Sync,
{
    if stop_requested() {
        // Not started: it waits as it was, for `task run-due`.
        return center.task(id);
    }
    let mut exec = open(&center.task(id)?)?;
    execute(center, id, worker, exec.as_mut(), &Unobserved)
}

/// A fleet sync (kind `fleet_sync`): per database, what it planned and
/// what its task did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetSyncView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"fleet_sync"`.
    pub kind: &'static str,
    /// When the view was made.
    pub at: String,
    /// The fleet id of the submitted tasks (`null`: nothing submitted).
    pub fleet: Option<String>,
    /// Every database was analysed, nothing refused, and every submitted
    /// task succeeded (fails closed).
    pub complete: bool,
    /// Totals.
    pub counts: FleetSyncCounts,
    /// Per database, in the fleet file's order.
    pub members: Vec<FleetSyncMemberView>,
    /// What the operator must know: databases not analysed, refused tables,
    /// tasks not submitted, not run or not succeeded.
    pub warnings: Vec<String>,
}

/// Totals of a fleet sync.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FleetSyncCounts {
    /// Databases in the fleet.
    pub members: usize,
    /// Databases that could not be analysed.
    pub failed_members: usize,
    /// Statements planned over the fleet.
    pub statements: usize,
    /// Tables the analyses refuse.
    pub refused: usize,
    /// Tasks submitted.
    pub tasks: usize,
    /// Databases with statements to run that got no task (an earlier task
    /// not finished there, a request the task center refused).
    pub not_submitted: usize,
    /// Tasks that ran and succeeded.
    pub succeeded: usize,
    /// Tasks that ran and ended otherwise, or could not run.
    pub failed: usize,
    /// Tasks left for later: waiting for approval, scheduled, not started.
    pub waiting: usize,
}

/// One database of a [`FleetSyncView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetSyncMemberView {
    /// `host:port/schema`.
    pub member: String,
    /// The source database.
    pub schema: String,
    /// Database mode: its shadows' database.
    pub shadow_schema: Option<String>,
    /// Statements planned.
    pub statements: usize,
    /// Tables refused.
    pub refused: usize,
    /// Its task (`null`: none submitted).
    pub task: Option<TaskId>,
    /// Its task's status now (`null`: none).
    pub status: Option<TaskStatus>,
    /// Why it was not analysed, submitted or run.
    pub error: Option<String>,
}

impl FleetSyncView {
    /// The view of `plan`, its `submission` (if any) and the tasks `ran`.
    pub fn of(
        plan: &FleetPlan,
        submission: Option<&FleetSubmission>,
        ran: &[(usize, Result<Task>)],
        now: Millis,
    ) -> FleetSyncView {
        let mut counts = FleetSyncCounts {
            members: plan.members.len(),
            ..FleetSyncCounts::default()
        };
        let mut warnings = Vec::new();
        let mut members = Vec::new();
        for (i, m) in plan.members.iter().enumerate() {
            let mut view = FleetSyncMemberView {
                member: m.member.clone(),
                schema: m.schema.clone(),
                shadow_schema: m.shadow_schema.clone(),
                statements: m.statements(),
                refused: 0,
                task: None,
                status: None,
                error: None,
            };
            match &m.analysis {
                Ok((analysis, _)) => {
                    view.refused = PlanCounts::of(analysis).refused;
                    if view.refused > 0 {
                        warnings.push(format!(
                            "{}: {} tables refused (see `shadowsync plan` of that database)",
                            m.member, view.refused
                        ));
                    }
                }
                Err(e) => {
                    counts.failed_members += 1;
                    warnings.push(format!("{}: not analysed: {e}", m.member));
                    view.error = Some(e.to_string());
                }
            }
            let submitted = submission.and_then(|s| s.tasks.iter().find(|(j, _)| *j == i));
            match submitted.map(|(_, task)| task) {
                Some(Ok(task)) => {
                    counts.tasks += 1;
                    view.task = Some(task.id);
                    view.status = Some(task.state.status);
                }
                Some(Err(e)) => {
                    counts.not_submitted += 1;
                    warnings.push(format!("{}: not submitted: {e}", m.member));
                    view.error = Some(e.to_string());
                }
                None => {}
            }
            match ran
                .iter()
                .find(|(j, _)| *j == i)
                .map(|(_, outcome)| outcome)
            {
                Some(Ok(task)) => view.status = Some(task.state.status),
                Some(Err(e)) => {
                    warnings.push(format!("{}: task not run to its end: {e}", m.member));
                    view.error = Some(e.to_string());
                    view.status = None;
                }
                None => {}
            }
            if view.task.is_some() {
                match (view.status, &view.error) {
                    (Some(TaskStatus::Succeeded), _) => counts.succeeded += 1,
                    (Some(status), None) if !status.is_terminal() => counts.waiting += 1,
                    (status, _) => {
                        counts.failed += 1;
                        if let Some(status) = status {
                            warnings.push(format!(
                                "{}: task {} {status}",
                                m.member,
                                view.task.unwrap_or_default()
                            ));
                        }
                    }
                }
            }
            counts.statements += view.statements;
            counts.refused += view.refused;
            members.push(view);
        }
        let complete = counts.failed_members == 0
            && counts.not_submitted == 0
            && counts.refused == 0
            && counts.succeeded == counts.tasks
            && members.iter().all(|m| m.error.is_none());
        FleetSyncView {
            schema_version: SCHEMA_VERSION,
            kind: "fleet_sync",
            at: format_utc(now),
            fleet: submission.map(|s| s.id.clone()),
            complete,
            counts,
            members,
            warnings,
        }
    }
}
