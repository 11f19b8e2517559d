//! The tables of an SQLite store and their versioning: the layout version
//! is the file's `PRAGMA user_version`.

use rusqlite::{Connection, TransactionBehavior};
use shadowsync_core::Result;

use super::db_error;
use crate::layout::{newer_layout, STORE_LAYOUT_VERSION as VERSION};

/// Version 2 over version 1: the worker's lease on an executing task.
const LEASES: &str = "ALTER TABLE tasks ADD COLUMN lease_until INTEGER;";

/// Version 1 (then [`LEASES`]). The spec of a task is JSON (it never changes); the columns a
/// list filters on are copied out of it. The state columns are only written
/// by a compare-and-set on `revision`.
const LAYOUT: &str = "
CREATE TABLE tasks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids are never reused
    spec            TEXT    NOT NULL,
    creator         TEXT    NOT NULL,
    connection      TEXT    NOT NULL,
    database_name   TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    remarks         TEXT    NOT NULL,
    revision        INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    approval_node   INTEGER NOT NULL,
    due_at          INTEGER,
    worker          TEXT,
    started_at      INTEGER,
    finished_at     INTEGER,
    abort_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_by_created ON tasks (created_at);
CREATE INDEX tasks_by_status ON tasks (status);

CREATE TABLE task_tables (
    task_id  INTEGER NOT NULL REFERENCES tasks (id),
    position INTEGER NOT NULL,
    status   TEXT    NOT NULL,
    error    TEXT,
    PRIMARY KEY (task_id, position)
) WITHOUT ROWID;

CREATE TABLE task_statements (
    task_id        INTEGER NOT NULL REFERENCES tasks (id),
    table_position INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    status         TEXT    NOT NULL,
    error          TEXT,
    PRIMARY KEY (task_id, table_position, position)
) WITHOUT ROWID;

CREATE TABLE task_events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks (id),
    event   TEXT    NOT NULL
);
CREATE INDEX task_events_by_task ON task_events (task_id, seq);

CREATE TABLE task_logs (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks (id),
    at      INTEGER NOT NULL,
    level   TEXT    NOT NULL,
    message TEXT    NOT NULL
);
CREATE INDEX task_logs_by_task ON task_logs (task_id, seq);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// The snapshot cache (any version: added without a version of its own,
/// since builds that do not know it never read it).
const SNAPSHOT_CACHE: &str = "
CREATE TABLE IF NOT EXISTS snapshot_cache (
    server      TEXT NOT NULL,
    schema_name TEXT NOT NULL,
    table_name  TEXT NOT NULL,
    entry       TEXT NOT NULL,
    PRIMARY KEY (server, schema_name, table_name)
);
";

/// Which task fixes each drift (any version, as the snapshot cache).
const DRIFT_CLAIMS: &str = "
CREATE TABLE IF NOT EXISTS drift_claims (
    drift   TEXT    NOT NULL PRIMARY KEY,
    task_id INTEGER NOT NULL
);
";

/// Bring the database to the current layout, refusing a newer one (`shown`
/// names the file in that error). Runs in an immediate transaction so that
/// processes opening a new file at once create it once.
pub(super) fn migrate(conn: &mut Connection, shown: &str) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db_error)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(db_error)?;
    match version {
        0 => {
            tx.execute_batch(LAYOUT).map_err(db_error)?;
            tx.execute_batch(LEASES).map_err(db_error)?;
            tx.pragma_update(None, "user_version", VERSION)
                .map_err(db_error)?;
        }
        1 => {
            tx.execute_batch(LEASES).map_err(db_error)?;
            tx.pragma_update(None, "user_version", VERSION)
                .map_err(db_error)?;
        }
        VERSION => {}
        newer => return Err(newer_layout(shown, newer)),
    }
    tx.execute_batch(SNAPSHOT_CACHE).map_err(db_error)?;
    tx.execute_batch(DRIFT_CLAIMS).map_err(db_error)?;
    tx.commit().map_err(db_error)
}
