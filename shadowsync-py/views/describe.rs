//! The machine-readable description of the host layer's JSON views
//! (`shadowsync::host::view`) that the Python package's typed results are
//! generated from: `views/views.json`, turned into
//! `python/shadowsync/_views.py` by `views/generate.py`.
//!
//! The description is read off the Rust types, not written beside them:
//! each record is listed with an exhaustive destructuring pattern and each
//! enum with an exhaustive `match`, so a field or variant added to a view
//! stops this test from compiling until it is described; field types come
//! from the fields themselves ([`Describe`]), and enum values and tags from
//! serde. The test fails when the checked-in `views.json` differs from what
//! it describes; `SHADOWSYNC_BLESS=1 cargo test -p shadowsync-py --test views`
//! rewrites it (then run `python3 shadowsync-py/views/generate.py`).

use serde::Serialize;
use serde_json::{json, Value};
use shadowsync::core::analysis::Action;
use shadowsync::core::check::{TableAccess, Verdict};
use shadowsync::core::fleet::rollup::LogicalTable;
use shadowsync::core::task::{
    ErrorStrategy, FleetMembership, LogLevel, PlannedAction, StatementStatus, TableStatus,
    TaskStatus, TimelineAction,
};
use shadowsync::host::fleet::{
    FleetCheckView, FleetCounts, FleetMemberView, FleetSyncCounts, FleetSyncMemberView,
    FleetSyncView, FleetTaskCounts, FleetTaskView, FleetTasksView,
};
use shadowsync::host::view::{
    CheckCounts, CheckTableView, CheckView, DiffCounts, DiffStatementView, DiffView, DueReportView,
    EventView, FlowListView, FlowNodeView, FlowRuleView, FlowView, LogLineView, LogsView,
    PlanCounts, PlanTableView, PlanView, StatementView, SyncView, TableCounts, TableResultView,
    TaskNote, TaskOutcome, TaskPageView, TaskSummaryView, TaskView, TimelineView,
};
use shadowsync::host::watch::{WatchOutcome, WatchView};
use shadowsync::host::SCHEMA_VERSION;

/// A field's type in the description: `int`, `str`, `bool`, `time` (an RFC
/// 3339 string), `{"optional": T}`, `{"list": T}`, `{"enum": NAME}`,
/// `{"record": NAME}`, `{"tagged": NAME}`.
trait Describe {
    fn describe() -> Value;
}

macro_rules! describe_as {
    ($word:literal => $($ty:ty),*) => {
        $(impl Describe for $ty {
            fn describe() -> Value {
                json!($word)
            }
        })*
    };
    ($kind:ident $name:literal => $($ty:ty),*) => {
        $(impl Describe for $ty {
            fn describe() -> Value {
                json!({ stringify!($kind): $name })
            }
        })*
    };
}

describe_as!("int" => u32, u64, usize);
describe_as!("str" => String, &'static str);
describe_as!("bool" => bool);
describe_as!(enum "TaskStatus" => TaskStatus);
describe_as!(enum "TableStatus" => TableStatus);
describe_as!(enum "StatementStatus" => StatementStatus);
// The analysis and the frozen plan say the same three words.
describe_as!(enum "Action" => Action, PlannedAction);
describe_as!(enum "LogLevel" => LogLevel);
describe_as!(enum "Verdict" => Verdict);
describe_as!(enum "WatchOutcome" => WatchOutcome);
describe_as!(record "AppAccess" => TableAccess);
describe_as!(record "CheckCounts" => CheckCounts);
describe_as!(record "CheckTable" => CheckTableView);
describe_as!(enum "ErrorStrategy" => ErrorStrategy);
describe_as!(tagged "TimelineAction" => TimelineAction);
describe_as!(record "PlanTable" => PlanTableView);
describe_as!(record "PlanCounts" => PlanCounts);
describe_as!(record "Plan" => PlanView);
describe_as!(record "Task" => TaskView);
describe_as!(record "FleetMembership" => FleetMembership);
describe_as!(record "FleetSyncCounts" => FleetSyncCounts);
describe_as!(record "FleetSyncMember" => FleetSyncMemberView);
describe_as!(record "FleetTaskCounts" => FleetTaskCounts);
describe_as!(record "FleetTask" => FleetTaskView);
describe_as!(record "DiffCounts" => DiffCounts);
describe_as!(record "DiffStatement" => DiffStatementView);
describe_as!(record "TableCounts" => TableCounts);
describe_as!(record "TaskTable" => TableResultView);
describe_as!(record "Statement" => StatementView);
describe_as!(record "TimelineEvent" => EventView);
describe_as!(record "LogEntry" => LogLineView);
describe_as!(record "TaskSummary" => TaskSummaryView);
describe_as!(record "TaskOutcome" => TaskOutcome);
describe_as!(record "TaskNote" => TaskNote);
describe_as!(record "FlowNode" => FlowNodeView);
describe_as!(record "FlowRule" => FlowRuleView);
describe_as!(record "Flow" => FlowView);
describe_as!(record "LogicalTable" => LogicalTable);
describe_as!(record "FleetCounts" => FleetCounts);
describe_as!(record "FleetMember" => FleetMemberView);

impl<T: Describe> Describe for Option<T> {
    fn describe() -> Value {
        json!({ "optional": T::describe() })
    }
}

impl<T: Describe> Describe for Vec<T> {
    fn describe() -> Value {
        json!({ "list": T::describe() })
    }
}

/// The type of the field `project` takes out of a `V` (never called).
fn field_type<V, T: Describe>(_project: impl FnOnce(V) -> T) -> Value {
    T::describe()
}

/// `ty` with its strings read as times.
fn as_time(ty: Value) -> Value {
    match ty {
        Value::String(s) if s == "str" => json!("time"),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, as_time(v))).collect())
        }
        other => other,
    }
}

/// A record: its Python name, the Rust view, its `kind` when it is a whole
/// view, and each field (`name @time` for a time).
macro_rules! record {
    ($py:literal $(kind $kind:literal)?, $ty:ident { $($field:ident $(@$time:ident)?),* $(,)? }) => {{
        #[allow(dead_code, unused_variables)]
        fn exhaustive(view: $ty) {
            let $ty { $($field),* } = view;
        }
        let fields: Vec<Value> = vec![$({
            let ty = field_type(|v: $ty| v.$field);
            let ty = if stringify!($($time)?).is_empty() { ty } else { as_time(ty) };
            json!({ "name": stringify!($field), "type": ty })
        }),*];
        let kind: Option<&str> = None $(.or(Some($kind)))?;
        json!({ "name": $py, "rust": stringify!($ty), "kind": kind, "fields": fields })
    }};
}

/// An enum of words: its Python name and every variant, exhaustively.
macro_rules! words {
    ($py:literal, $ty:ident [$($variant:ident),* $(,)?]) => {{
        #[allow(dead_code)]
        fn exhaustive(value: $ty) {
            match value {
                $($ty::$variant)|* => {}
            }
        }
        json!({ "name": $py, "values": [$(word(&$ty::$variant)),*] })
    }};
}

/// `value` as the word serde writes for it.
fn word<T: Serialize>(value: &T) -> Value {
    let word = serde_json::to_value(value).expect("a unit variant serializes");
    assert!(word.is_string(), "{word} is not a word");
    word
}

/// A value of a field type, to serialize a variant with.
trait Sample {
    fn sample() -> Self;
}

impl Sample for String {
    fn sample() -> Self {
        String::new()
    }
}

impl Sample for usize {
    fn sample() -> Self {
        0
    }
}

impl Sample for TaskStatus {
    fn sample() -> Self {
        TaskStatus::Succeeded
    }
}

/// An internally tagged enum: its Python name, its tag, and each variant
/// with its fields and their types, exhaustively; each variant's tag is
/// read from serde.
macro_rules! tagged {
    ($py:literal, $tag:literal, $ty:ident { $($variant:ident $({ $($field:ident : $fty:ty),* })?),* $(,)? }) => {{
        #[allow(dead_code, unused_variables)]
        fn exhaustive(value: $ty) {
            match value {
                $($ty::$variant $({ $($field),* })? => { $($(let _: $fty = $field;)*)? })*
            }
        }
        let variants: Vec<Value> = vec![$({
            let value = $ty::$variant $({ $($field: <$fty as Sample>::sample()),* })?;
            let shown = serde_json::to_value(&value).expect("a variant serializes");
            let fields: Vec<Value> = vec![$($(json!({
                "name": stringify!($field),
                "type": <$fty as Describe>::describe(),
            })),*)?];
            json!({ "tag": shown[$tag], "fields": fields })
        }),*];
        json!({ "name": $py, "tag": $tag, "variants": variants })
    }};
}

/// The whole description.
fn description() -> Value {
    let planned: Vec<Value> = [
        PlannedAction::Create,
        PlannedAction::Alter,
        PlannedAction::Skip,
    ]
    .iter()
    .map(word)
    .collect();
    let actions = words!("Action", Action[Create, Alter, Skip]);
    assert_eq!(
        actions["values"],
        json!(planned),
        "Action and PlannedAction differ"
    );
    json!({
        "schema_version": SCHEMA_VERSION,
        "enums": [
            words!("TaskStatus", TaskStatus[
                PendingApproval, Rejected, ApprovalExpired, WaitingForExecution,
                ExecutionExpired, Cancelled, Executing, PrecheckFailed, Succeeded,
                PartiallySucceeded, Failed, Aborted,
            ]),
            words!("TableStatus", TableStatus[Waiting, Running, Succeeded, Failed, Skipped]),
            words!("StatementStatus", StatementStatus[Pending, Running, Applied, Failed, Skipped]),
            actions,
            words!("LogLevel", LogLevel[Info, Warn, Error]),
            words!("ErrorStrategy", ErrorStrategy[Abort, Continue]),
            words!("Verdict", Verdict[Ready, Drifted, Missing, Refused, Inaccessible]),
            words!("WatchOutcome", WatchOutcome[InStep, Submitted, Held]),
        ],
        "tagged": [
            tagged!("TimelineAction", "kind", TimelineAction {
                Submitted { flow: String },
                Approved { node: usize, name: String },
                AutoApproved { node: usize },
                Rejected { node: usize },
                ApprovalExpired,
                Cancelled,
                ExecutionExpired,
                Started,
                Resumed,
                PrecheckPassed,
                PrecheckFailed,
                TableStarted { table: String },
                TableSucceeded { table: String },
                TableFailed { table: String },
                AbortRequested,
                Finished { status: TaskStatus },
            }),
        ],
        // Records before the records that hold them.
        "records": [
            record!("PlanTable", PlanTableView {
                source, shadow, action, reason, refused, statements, warnings, adopted, rebuild,
            }),
            record!("PlanCounts", PlanCounts { total, create, alter, refused, skipped }),
            record!("Plan" kind "plan", PlanView {
                schema_version, kind, database, shadow_database, naming_rule, counts, tables,
            }),
            record!("DiffCounts", DiffCounts { total, create, alter, drop, destructive }),
            record!("DiffStatement", DiffStatementView { table, statement, destructive, sql }),
            record!("Diff" kind "diff", DiffView {
                schema_version, kind, flavor, counts, statements,
            }),
            record!("TableCounts", TableCounts { total, waiting, running, succeeded, failed, skipped }),
            record!("Statement", StatementView { sql, status, error }),
            record!("FleetMembership", FleetMembership { id, member, index, of }),
            record!("TaskTable", TableResultView { source, shadow, action, status, error, statements }),
            record!("Task" kind "task", TaskView {
                schema_version, kind, id, status, creator, remarks, connection, database,
                naming_rule, on_error, parallel, fleet, mode, scheduled_at @time, flow, approval_node,
                initiated_from, created_at @time, due_at @time, started_at @time,
                finished_at @time, worker, lease_until @time, abort_requested, counts, tables,
            }),
            record!("SyncResult" kind "sync", SyncView { schema_version, kind, plan, task }),
            record!("TimelineEvent", EventView { at @time, actor, action, comment }),
            record!("Timeline" kind "timeline", TimelineView { schema_version, kind, task, events }),
            record!("LogEntry", LogLineView { at @time, level, message }),
            record!("Logs" kind "logs", LogsView { schema_version, kind, task, entries }),
            record!("TaskSummary", TaskSummaryView {
                id, status, creator, connection, database, created_at @time, remarks,
            }),
            record!("TaskPage" kind "task_page", TaskPageView { schema_version, kind, total, items }),
            record!("TaskOutcome", TaskOutcome { id, status }),
            record!("TaskNote", TaskNote { id, reason }),
            record!("DueReport" kind "due_report", DueReportView {
                schema_version, kind, expired, resumed, held, finished, not_claimed, not_started,
                interrupted,
            }),
            record!("FlowNode", FlowNodeView { name, approvers, role, users }),
            record!("FlowRule", FlowRuleView { connection, database }),
            record!("Flow" kind "flow", FlowView {
                schema_version, kind, name, priority, nodes, rules, approval_expiry_ms,
                execution_expiry_ms, forbid_self_approval, allow_delegated_identity, auto_approve,
            }),
            record!("FlowList" kind "flow_list", FlowListView { schema_version, kind, flows }),
            record!("AppAccess", TableAccess { select, insert, update, delete, full, notes }),
            record!("CheckCounts", CheckCounts {
                total, ready, drifted, missing, refused, inaccessible, app_access_short,
            }),
            record!("CheckTable", CheckTableView {
                source, shadow, verdict, ready, reason, statements, differences, app_access,
            }),
            record!("Check" kind "check", CheckView {
                schema_version, kind, checked_at @time, database, shadow_database, naming_rule,
                app_user, ready,
                counts, tables, skipped, notes,
            }),
            record!("LogicalTable", LogicalTable {
                name, total, ready, drifted, missing, refused, inaccessible, odd, source_variants,
                odd_sources,
            }),
            record!("FleetCounts", FleetCounts {
                members, failed_members, tables, ready, drifted, missing, refused, inaccessible,
            }),
            record!("FleetMember", FleetMemberView {
                member, schema, shadow_schema, ready, counts, error,
            }),
            record!("FleetCheck" kind "fleet_check", FleetCheckView {
                schema_version, kind, checked_at @time, ready, counts, members, logical_tables,
                warnings,
            }),
            record!("FleetSyncCounts", FleetSyncCounts {
                members, failed_members, statements, refused, tasks, not_submitted, succeeded,
                failed, waiting,
            }),
            record!("FleetSyncMember", FleetSyncMemberView {
                member, schema, shadow_schema, statements, refused, task, status, error,
            }),
            record!("FleetSync" kind "fleet_sync", FleetSyncView {
                schema_version, kind, at @time, fleet, complete, counts, members, warnings,
            }),
            record!("FleetTaskCounts", FleetTaskCounts {
                tasks, succeeded, waiting, executing, unsuccessful,
            }),
            record!("FleetTask", FleetTaskView { id, member, index, status, applied, statements }),
            record!("FleetTasks" kind "fleet_tasks", FleetTasksView {
                schema_version, kind, at @time, fleet, complete, of, missing, counts, tasks,
            }),
            record!("WatchPass" kind "watch", WatchView {
                schema_version, kind, watched_at @time, outcome, drift, not_additive, plan, task,
            }),
        ],
    })
}

#[test]
fn the_checked_in_description_is_the_views() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("views/views.json");
    let mut text = serde_json::to_string_pretty(&description()).expect("the description encodes");
    text.push('\n');
    if std::env::var_os("SHADOWSYNC_BLESS").is_some() {
        std::fs::write(&path, &text).expect("views.json is writable");
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == text,
        "{} is stale: run `SHADOWSYNC_BLESS=1 cargo test -p shadowsync-py --test views`, \
         then `python3 shadowsync-py/views/generate.py`",
        path.display()
    );
}
