//! Store tests: the contract (persistence across reopen among it) against
//! both stores, and what only the SQLite store promises (WAL, layout
//! versioning).

mod contract;
mod fakes;
mod sqlite;

use shadowsync_core::task::MemoryStore;
use shadowsync_store::SqliteStore;

use fakes::TempDb;

/// One test per contract function and store.
macro_rules! contract_tests {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $(
                #[test]
                fn $name() {
                    let store = super::MemoryStore::new();
                    super::contract::$name(move || store.clone());
                }
            )*
        }
        mod sqlite_contract {
            $(
                #[test]
                fn $name() {
                    let db = super::TempDb::new(stringify!($name));
                    super::contract::$name(|| super::SqliteStore::open(db.path()).unwrap());
                }
            )*
        }
    };
}

contract_tests!(
    ids_are_monotonic_and_missing_tasks_are_not_found,
    compare_and_set_applies_only_on_the_expected_revision,
    abort_flag_is_raised_only_while_executing,
    progress_timeline_logs_and_flows_round_trip,
    list_follows_the_reference_semantics,
    full_lifecycle_through_the_center,
    crash_at_any_write_resumes_without_repeating_statements,
    exactly_one_of_two_racing_workers_wins,
    abort_from_another_handle_stops_the_run,
    everything_survives_reopening,
    snapshot_cache_round_trips,
    a_drift_is_submitted_once,
);
