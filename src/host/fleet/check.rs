//! `check --fleet`: every database of a fleet checked read-only, the
//! verdicts rolled up per logical table.

use serde::Serialize;
use shadowsync_core::fleet::rollup::{roll_up, LogicalTable, Shard};
use shadowsync_core::fleet::{logical_name, source_shape};
use shadowsync_core::task::log::format_utc;
use shadowsync_core::{Millis, Result};

use super::{
    for_each_member, member_name, open_member, read_sessions, Fleet, FleetOptions, FleetServer,
};
use crate::host::check::{check_analysed, CheckCounts, CheckOptions};
use crate::host::view::SCHEMA_VERSION;

/// Check every database of `fleet` (read-only) as `options` say, at `now`.
/// A database that cannot be checked (unreachable, refused) is reported
/// with its error and makes the fleet not ready; it does not stop the
/// others.
pub fn check_fleet(fleet: &Fleet, options: &FleetOptions, now: Millis) -> Result<FleetCheckView> {
    let check = CheckOptions {
        analyze: fleet.analyze.clone(),
        app_user: None,
    };
    let members = for_each_member(fleet, options, |s, d| {
        check_member(fleet, &fleet.servers[s], d, &check, options, now)
    })?;
    Ok(FleetCheckView::of(fleet, members, now))
}

/// What checking one database gave.
struct MemberOutcome {
    shadow_schema: Option<String>,
    result: Result<(CheckCounts, bool, Vec<Shard>)>,
}

fn check_member(
    fleet: &Fleet,
    server: &FleetServer,
    d: usize,
    check: &CheckOptions,
    options: &FleetOptions,
    now: Millis,
) -> MemberOutcome {
    let schema = &server.schemas[d];
    let shadow_schema = fleet.shadow_schema_of(schema);
    let member = member_name(&server.url, schema);
    let result = (|| {
        let read = read_sessions(options, server.schemas.len());
        let (mut exec, _) = open_member(fleet, server, d, options.introspection, read)?;
        let (view, analysis) = check_analysed(exec.as_mut(), check, now, None)?;
        let shards = view
            .tables
            .iter()
            .map(|t| Shard {
                member: member.clone(),
                table: t.source.clone(),
                logical: logical_name(&t.source, &fleet.logical),
                verdict: t.verdict,
                shape: analysis
                    .tables
                    .iter()
                    .find(|a| a.source == t.source)
                    .and_then(|a| a.source_ddl.as_deref())
                    .and_then(source_shape),
            })
            .collect();
        Ok((view.counts, view.ready, shards))
    })();
    MemberOutcome {
        shadow_schema,
        result,
    }
}

/// A fleet check (kind `fleet_check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetCheckView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"fleet_check"`.
    pub kind: &'static str,
    /// When the check ran.
    pub checked_at: String,
    /// Every database was checked and every shard is ready (fails closed).
    pub ready: bool,
    /// Totals over the fleet.
    pub counts: FleetCounts,
    /// Per database, in the fleet file's order.
    pub members: Vec<FleetMemberView>,
    /// Per logical table, by name.
    pub logical_tables: Vec<LogicalTable>,
    /// What the operator must know: databases that could not be checked,
    /// logical tables whose sources differ across shards.
    pub warnings: Vec<String>,
}

/// Totals of a fleet check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FleetCounts {
    /// Databases in the fleet.
    pub members: usize,
    /// Databases that could not be checked.
    pub failed_members: usize,
    /// Shards (physical tables) checked.
    pub tables: usize,
    /// Shards whose shadow is ready.
    pub ready: usize,
    /// Shards whose shadow drifted.
    pub drifted: usize,
    /// Shards without a shadow.
    pub missing: usize,
    /// Shards the analysis refuses.
    pub refused: usize,
    /// Shards the checking account may not read.
    pub inaccessible: usize,
}

/// One database of a fleet check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetMemberView {
    /// The server, `host:port`, and database, as `host:port/schema`.
    pub member: String,
    /// The source database.
    pub schema: String,
    /// Database mode: its shadows' database.
    pub shadow_schema: Option<String>,
    /// Every selected shadow of this database is ready.
    pub ready: bool,
    /// Its verdict counts (`null` when it could not be checked).
    pub counts: Option<CheckCounts>,
    /// Why it could not be checked.
    pub error: Option<String>,
}

impl FleetCheckView {
    fn of(fleet: &Fleet, members: Vec<(usize, usize, MemberOutcome)>, now: Millis) -> Self {
        let mut counts = FleetCounts {
            members: members.len(),
            ..FleetCounts::default()
        };
        let mut shards = Vec::new();
        let mut views = Vec::new();
        let mut warnings = Vec::new();
        for (s, d, outcome) in members {
            let server = &fleet.servers[s];
            let schema = server.schemas[d].clone();
            let member = member_name(&server.url, &schema);
            let (ready, member_counts, error) = match outcome.result {
                Ok((c, ready, member_shards)) => {
                    counts.tables += c.total;
                    counts.ready += c.ready;
                    counts.drifted += c.drifted;
                    counts.missing += c.missing;
                    counts.refused += c.refused;
                    counts.inaccessible += c.inaccessible;
                    shards.extend(member_shards);
                    (ready, Some(c), None)
                }
                Err(e) => {
                    counts.failed_members += 1;
                    warnings.push(format!("{member}: not checked: {e}"));
                    (false, None, Some(e.to_string()))
                }
            };
            views.push(FleetMemberView {
                member,
                schema,
                shadow_schema: outcome.shadow_schema,
                ready,
                counts: member_counts,
                error,
            });
        }
        let logical_tables = roll_up(&shards);
        for t in logical_tables.iter().filter(|t| t.source_variants > 1) {
            warnings.push(format!(
                "the sources of `{}` differ across shards ({} definitions): {} differ from the \
                 most common one",
                t.name,
                t.source_variants,
                t.odd_sources.join(", ")
            ));
        }
        FleetCheckView {
            schema_version: SCHEMA_VERSION,
            kind: "fleet_check",
            checked_at: format_utc(now),
            ready: !views.is_empty() && views.iter().all(|m| m.ready),
            counts,
            members: views,
            logical_tables,
            warnings,
        }
    }
}
