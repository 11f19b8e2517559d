//! The host layer: what every front end (the CLI, the C ABI, the Python
//! package, a Rust host) does the same way around the pure core, so that
//! each front end only converts its arguments and maps errors.
//!
//! Running a task is the first part of it ([`run`]): a task always runs with
//! the naming rule and shadow policy its frozen plan recorded, under a
//! heartbeat ([`heartbeat`]) that renews the worker's lease and turns an
//! abort request into an interrupted statement.

pub mod heartbeat;
pub mod run;

pub use heartbeat::{request_stop, stop_requested, with_heartbeat, Running};
pub use run::{execute, resume, run_due};
