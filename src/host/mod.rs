//! The host layer: what every front end (the CLI, the C ABI, the Python
//! package, a Rust host) does the same way around the pure core, so that
//! each front end only converts its arguments and maps errors.
//!
//! Running a task is the first part of it ([`run`]): a task always runs with
//! the naming rule and shadow policy its frozen plan recorded, under a
//! heartbeat ([`heartbeat`]) that renews the worker's lease and turns an
//! abort request into an interrupted statement. Requests are parsed once
//! ([`options`]) and every value is shown through one JSON view ([`view`]).
//! A connection the host already has becomes an executor through
//! [`session`].
//!
//! Opening the task store by its location ([`store`]) is the same rule
//! in every front end: a path or a `mysql://` URL; so is reading approval
//! flows ([`flows`]).
//!
//! The readiness check ([`check()`]) gives one verdict per selected table
//! and one overall, read-only.
//!
//! Shadow databases (database mode: the shadows in another database, on
//! the same server or another) are opened the same way everywhere too
//! ([`mapping`]).
//!
//! A recurring watch ([`watch_once`]) analyses on an interval and submits
//! the plan of each new drift through the approval flow, once per drift
//! however many watchers share the store.

pub mod check;
pub mod fleet;
pub mod flows;
pub mod heartbeat;
pub mod mapping;
pub mod options;
pub mod run;
pub mod session;
pub mod store;
pub mod view;
pub mod watch;

pub use check::{check, check_with, CheckOptions, CheckView};
pub use fleet::{
    check_fleet, decide_fleet, fleet_tasks, open_fleet_task, plan_fleet, read_fleet, run_fleet,
    submit_fleet, sync_fleet, Fleet, FleetCheckView, FleetDecision, FleetOptions, FleetPlan,
    FleetSubmission, FleetSyncView, FleetTasksView,
};
pub use flows::{read_flows, FlowSyntax};
pub use heartbeat::{request_stop, stop_requested, with_heartbeat, Running};
pub use mapping::{
    connect_mapped, map_shadows, open_task_executor, open_task_executor_reading, open_task_shadows,
    server_key, ShadowTarget,
};
pub use options::{AnalyzeOptions, SubmitOptions};
pub use run::{execute, resume, run_due, DuePass};
pub use session::{SessionExecutor, SqlSession};
pub use store::{is_server_location, open_store, shown_location, DynStore};
pub use view::{to_json, SCHEMA_VERSION};
pub use watch::{watch_once, WatchOptions, WatchOutcome, WatchView};
