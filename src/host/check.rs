//! The readiness check as every front end runs it: analyse the selection
//! (read-only), probe the tables the listing did not show, read the
//! application account's grants when asked, and give the verdicts as one
//! view ([`CheckView`], kind `check`).
//!
//! The verdicts are the core's ([`shadowsync_core::check`]); this module
//! only does the reads in order and shapes the result.

use std::collections::HashMap;

use serde::Serialize;
use shadowsync_core::access::{Account, TableProbe};
use shadowsync_core::analysis::Analysis;
use shadowsync_core::check::{
    self, AppGrants, Check, Grants, Probes, TableAccess, TableCheck, Verdict,
};
use shadowsync_core::task::log::format_utc;
use shadowsync_core::task::Store;
use shadowsync_core::{on_source, Error, Executor, Millis, Result};

use super::options::AnalyzeOptions;
use super::view::SCHEMA_VERSION;

/// What to check: the selection and naming as for a plan, and optionally
/// the application account whose privileges on the shadows are probed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// The selection, naming rule and shadow policy.
    pub analyze: AnalyzeOptions,
    /// The application account, as `'app'@'%'` or `app@%`.
    pub app_user: Option<String>,
}

/// Check `exec`'s database as `options` ask, at `now` (read-only: the
/// listing, `SHOW CREATE TABLE` and `SHOW GRANTS`). Bad options, an
/// unknown table or an unknown account are
/// [`shadowsync_core::Error::InvalidRequest`].
pub fn check(exec: &mut dyn Executor, options: &CheckOptions, now: Millis) -> Result<CheckView> {
    check_with(exec, options, now, None)
}

/// [`check`], reading the tables through the snapshot cache in `cache`
/// when given ([`AnalyzeOptions::analyze_with`]): the same verdicts, with
/// only the tables the server says changed read again.
pub fn check_with(
    exec: &mut dyn Executor,
    options: &CheckOptions,
    now: Millis,
    cache: Option<&dyn Store>,
) -> Result<CheckView> {
    check_analysed(exec, options, now, cache).map(|(view, _)| view)
}

/// [`check_with`], with the analysis the verdicts come from (a fleet
/// check compares the shards' sources on it).
pub(crate) fn check_analysed(
    exec: &mut dyn Executor,
    options: &CheckOptions,
    now: Millis,
    cache: Option<&dyn Store>,
) -> Result<(CheckView, Analysis)> {
    // A bad account is bad input, found before the server is read.
    let account = options
        .app_user
        .as_deref()
        .map(Account::parse)
        .transpose()?;
    let analysis = options.analyze.analyze_keeping_missing(exec, cache)?;
    let names = check::names_to_probe(&analysis);
    let probes = Probes {
        shadows: probe(exec, names.shadows)?,
        sources: on_source(exec, |source| probe(source, names.sources))?,
    };
    let grants = account
        .as_ref()
        .map(|account| app_grants(exec, account))
        .transpose()?;
    let app = account
        .as_ref()
        .zip(grants.as_ref())
        .map(|(account, grants)| AppGrants { account, grants });
    let result = check::check(&analysis, &probes, app)?;
    Ok((CheckView::of(result, now), analysis))
}

/// What probing each of `names` answers (no round trip for none).
fn probe(exec: &mut dyn Executor, names: Vec<String>) -> Result<HashMap<String, TableProbe>> {
    if names.is_empty() {
        return Ok(HashMap::new());
    }
    let answers = exec.probe_tables(&names)?;
    Ok(names.into_iter().zip(answers).collect())
}

/// `account`'s grants with those of its default role (MariaDB's `SET
/// DEFAULT ROLE`), and the roles granted to that role, merged in: the
/// roles active when the application connects. Other granted roles need a
/// `SET ROLE` and are not counted, nor is a default role that no longer
/// exists.
fn app_grants(exec: &mut dyn Executor, account: &Account) -> Result<Grants> {
    let mut grants = Grants::parse(&exec.account_grants(account)?);
    let mut pending: Vec<String> = grants.default_role.iter().cloned().collect();
    while let Some(role) = pending.pop() {
        if grants.expanded.contains(&role) {
            continue;
        }
        let granted = match exec.account_grants(&Account::role(&role)) {
            Ok(lines) => Grants::parse(&lines),
            // A default role dropped since: it grants nothing.
            Err(Error::InvalidRequest(_)) => {
                if !grants.roles.contains(&role) {
                    grants.roles.push(role);
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        pending.extend(granted.roles.iter().cloned());
        grants.absorb(&role, granted);
    }
    Ok(grants)
}

/// The readiness verdicts on a selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"check"`.
    pub kind: &'static str,
    /// When the check ran.
    pub checked_at: String,
    /// The database checked.
    pub database: String,
    /// Database mode: the database the shadows live in (`null`: beside
    /// their sources).
    pub shadow_database: Option<String>,
    /// The naming rule, as `prefix:__`, `suffix:_shadow` or `same`.
    pub naming_rule: String,
    /// The application account probed, as `'user'@'host'`.
    pub app_user: Option<String>,
    /// Every selected table is ready (and usable by the application
    /// account, when probed); fails closed.
    pub ready: bool,
    /// How many tables have each verdict.
    pub counts: CheckCounts,
    /// One verdict per selected table.
    pub tables: Vec<CheckTableView>,
    /// Selected tables the user skipped (no verdict).
    pub skipped: Vec<String>,
    /// How far the check sees, and why it is not ready beyond the verdicts.
    pub notes: Vec<String>,
}

/// How many of a check's tables have each verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CheckCounts {
    /// Tables with a verdict.
    pub total: usize,
    /// Shadows equal to their sources.
    pub ready: usize,
    /// Shadows that differ.
    pub drifted: usize,
    /// Shadows that do not exist.
    pub missing: usize,
    /// Tables the analysis refuses.
    pub refused: usize,
    /// Tables the checking account may not read.
    pub inaccessible: usize,
    /// Shadows the application account cannot fully use (0 unless probed).
    pub app_access_short: usize,
}

/// One table of a [`CheckView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckTableView {
    /// The source table.
    pub source: String,
    /// Its shadow.
    pub shadow: String,
    /// `ready`, `drifted`, `missing`, `refused` or `inaccessible`.
    pub verdict: Verdict,
    /// The verdict is ready and the application account (when probed) may
    /// use the shadow fully.
    pub ready: bool,
    /// Why it is refused or inaccessible.
    pub reason: Option<String>,
    /// The statements that would make the shadow match.
    pub statements: Vec<String>,
    /// The differences in words.
    pub differences: Vec<String>,
    /// What the application account may do with the shadow (when probed).
    pub app_access: Option<TableAccess>,
}

impl CheckView {
    /// The view of `check`, made at `now`.
    pub fn of(check: Check, now: Millis) -> CheckView {
        let mut counts = CheckCounts {
            total: check.tables.len(),
            ..CheckCounts::default()
        };
        for t in &check.tables {
            *match t.verdict {
                Verdict::Ready => &mut counts.ready,
                Verdict::Drifted => &mut counts.drifted,
                Verdict::Missing => &mut counts.missing,
                Verdict::Refused => &mut counts.refused,
                Verdict::Inaccessible => &mut counts.inaccessible,
            } += 1;
            if t.app_access.as_ref().is_some_and(|a| !a.full) {
                counts.app_access_short += 1;
            }
        }
        CheckView {
            schema_version: SCHEMA_VERSION,
            kind: "check",
            checked_at: format_utc(now),
            database: check.database,
            shadow_database: check.shadow_database,
            naming_rule: check.naming_rule,
            app_user: check.app_user,
            ready: check.ready,
            counts,
            tables: check.tables.into_iter().map(CheckTableView::of).collect(),
            skipped: check.skipped,
            notes: check.notes,
        }
    }
}

impl CheckTableView {
    /// The view of one table's verdict.
    pub fn of(t: TableCheck) -> CheckTableView {
        CheckTableView {
            source: t.source,
            shadow: t.shadow,
            verdict: t.verdict,
            ready: t.ready,
            reason: t.reason,
            statements: t.statements,
            differences: t.differences,
            app_access: t.app_access,
        }
    }
}
