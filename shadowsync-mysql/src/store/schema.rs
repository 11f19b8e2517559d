//! The tables of a MySQL-family store and their versioning: the layout
//! version is a row of `shadowsync_meta`. JSON is stored as `LONGTEXT`;
//! creating and migrating is idempotent, so several hosts may open one
//! store at once.

use mysql::prelude::Queryable;
use mysql::PooledConn;
use shadowsync_core::{Error, Result};
use shadowsync_store::{newer_layout, STORE_LAYOUT_VERSION};

use super::transaction::db;
use crate::error::server_code;

/// `ER_NO_SUCH_TABLE`.
const NO_SUCH_TABLE: u16 = 1146;

/// Name of the layout version row in `shadowsync_meta`.
const VERSION_KEY: &str = "layout_version";

/// Name of the task id counter row in `shadowsync_meta`.
pub(super) const LAST_TASK_KEY: &str = "last_task_id";

/// Table options: binary collation, so that filters compare exactly as the
/// other stores do (`Ann` is not `ann`).
const TABLE_OPTIONS: &str = "ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin";

/// `shadowsync_meta` first: it holds the version that says whether the rest
/// may be created or used.
const META: &str = "CREATE TABLE IF NOT EXISTS shadowsync_meta (
    name  VARCHAR(64) NOT NULL PRIMARY KEY,
    value BIGINT      NOT NULL
)";

/// Version 2 of the layout (version 1 without `lease_until`, which
/// [`upgrade_from_1`] adds to a version 1 store). The state columns of a
/// task are only written by a compare-and-set on `revision` (and
/// `abort_requested` by an abort).
const LAYOUT: [&str; 8] = [
    "CREATE TABLE IF NOT EXISTS shadowsync_tasks (
        id              BIGINT       NOT NULL PRIMARY KEY,
        spec            LONGTEXT     NOT NULL,
        creator         VARCHAR(255) NOT NULL,
        connection      VARCHAR(255) NOT NULL,
        database_name   VARCHAR(255) NOT NULL,
        created_at      BIGINT       NOT NULL,
        remarks         LONGTEXT     NOT NULL,
        revision        BIGINT       NOT NULL,
        status          VARCHAR(32)  NOT NULL,
        approval_node   BIGINT       NOT NULL,
        due_at          BIGINT       NULL,
        worker          VARCHAR(255) NULL,
        started_at      BIGINT       NULL,
        finished_at     BIGINT       NULL,
        lease_until     BIGINT       NULL,
        abort_requested TINYINT      NOT NULL DEFAULT 0,
        event_count     BIGINT       NOT NULL DEFAULT 0,
        log_count       BIGINT       NOT NULL DEFAULT 0,
        KEY shadowsync_tasks_by_created (created_at),
        KEY shadowsync_tasks_by_status (status)
    )",
    "CREATE TABLE IF NOT EXISTS shadowsync_task_tables (
        task_id  BIGINT      NOT NULL,
        position BIGINT      NOT NULL,
        status   VARCHAR(32) NOT NULL,
        error    LONGTEXT    NULL,
        PRIMARY KEY (task_id, position)
    )",
    "CREATE TABLE IF NOT EXISTS shadowsync_task_statements (
        task_id        BIGINT      NOT NULL,
        table_position BIGINT      NOT NULL,
        position       BIGINT      NOT NULL,
        status         VARCHAR(32) NOT NULL,
        error          LONGTEXT    NULL,
        PRIMARY KEY (task_id, table_position, position)
    )",
    "CREATE TABLE IF NOT EXISTS shadowsync_events (
        task_id BIGINT   NOT NULL,
        seq     BIGINT   NOT NULL,
        event   LONGTEXT NOT NULL,
        PRIMARY KEY (task_id, seq)
    )",
    "CREATE TABLE IF NOT EXISTS shadowsync_logs (
        task_id BIGINT      NOT NULL,
        seq     BIGINT      NOT NULL,
        at      BIGINT      NOT NULL,
        level   VARCHAR(16) NOT NULL,
        message LONGTEXT    NOT NULL,
        PRIMARY KEY (task_id, seq)
    )",
    "CREATE TABLE IF NOT EXISTS shadowsync_flows (
        id    INT      NOT NULL PRIMARY KEY,
        flows LONGTEXT NOT NULL
    )",
    // The snapshot cache, added without a layout version of its own: builds
    // that do not know it never read it.
    "CREATE TABLE IF NOT EXISTS shadowsync_snapshot_cache (
        server      VARCHAR(255) NOT NULL,
        schema_name VARCHAR(64)  NOT NULL,
        table_name  VARCHAR(64)  NOT NULL,
        entry       LONGTEXT     NOT NULL,
        PRIMARY KEY (server, schema_name, table_name)
    )",
    // Which task fixes each drift (`watch`), added as the snapshot cache.
    "CREATE TABLE IF NOT EXISTS shadowsync_drift_claims (
        drift   VARCHAR(64) NOT NULL,
        task_id BIGINT      NOT NULL,
        PRIMARY KEY (drift)
    )",
];

/// Create what is missing of the layout in the database of `conn`,
/// refusing a newer one (`shown` is the store's redacted URL). Safe to run
/// from several hosts at once: every step is idempotent.
pub(super) fn migrate(conn: &mut PooledConn, shown: &str) -> Result<()> {
    conn.query_drop(META).map_err(db)?;
    seed_meta(conn)?;
    let version = conn
        .exec_first::<i64, _, _>(
            "SELECT value FROM shadowsync_meta WHERE name = ?",
            (VERSION_KEY,),
        )
        .map_err(db)?;
    match version {
        Some(STORE_LAYOUT_VERSION) => {}
        Some(1) => upgrade_from_1(conn)?,
        Some(newer) if newer > STORE_LAYOUT_VERSION => return Err(newer_layout(shown, newer)),
        other => {
            return Err(Error::Store(format!(
                "the task store at {shown} has an unknown layout version {other:?}"
            )))
        }
    }
    for ddl in LAYOUT {
        conn.query_drop(format!("{ddl} {TABLE_OPTIONS}"))
            .map_err(db)?;
    }
    Ok(())
}

/// How long [`seed_meta`] waits for a `shadowsync_meta` that another host
/// has just created to become visible to this session.
const NEW_TABLE_VISIBLE_WITHIN: std::time::Duration = std::time::Duration::from_secs(10);

/// The version and task counter rows, unless there. On OceanBase a table
/// another session has just created can already make `CREATE TABLE IF NOT
/// EXISTS` a no-op here while this session cannot use it yet (error 1146,
/// seen with several hosts opening one fresh store): that is waited out.
fn seed_meta(conn: &mut PooledConn) -> Result<()> {
    let started = std::time::Instant::now();
    loop {
        match conn.exec_drop(
            "INSERT IGNORE INTO shadowsync_meta (name, value) VALUES (?, ?), (?, 0)",
            (VERSION_KEY, STORE_LAYOUT_VERSION, LAST_TASK_KEY),
        ) {
            Err(e)
                if server_code(&e) == Some(NO_SUCH_TABLE)
                    && started.elapsed() < NEW_TABLE_VISIBLE_WITHIN =>
            {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            done => return done.map_err(db),
        }
    }
}

/// Version 1 → 2: the worker's lease. The version row moves only when
/// the column was added (by this host or a concurrent one).
fn upgrade_from_1(conn: &mut PooledConn) -> Result<()> {
    let has_lease: Option<i64> = conn
        .query_first(
            "SELECT COUNT(*) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'shadowsync_tasks' \
             AND COLUMN_NAME = 'lease_until'",
        )
        .map_err(db)?;
    if has_lease.unwrap_or(0) == 0 {
        conn.query_drop("ALTER TABLE shadowsync_tasks ADD COLUMN lease_until BIGINT NULL")
            .map_err(db)?;
    }
    conn.exec_drop(
        "UPDATE shadowsync_meta SET value = ? WHERE name = ? AND value = 1",
        (STORE_LAYOUT_VERSION, VERSION_KEY),
    )
    .map_err(db)
}
