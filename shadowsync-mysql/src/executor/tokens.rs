//! Change tokens for the snapshot cache ([`shadowsync_core::analysis::cache`]):
//! one query answering, per table of the current database, something that
//! changes whenever its `SHOW CREATE TABLE` text may have.
//!
//! - **OceanBase**: `oceanbase.__all_table`'s `table_id` (new on DROP and
//!   CREATE, and it moves with the table on RENAME) and `schema_version`,
//!   which every DDL on the table raises (its indexes' too, and a
//!   referenced parent's RENAME or RENAME COLUMN raises the child's), with
//!   the greatest `schema_version` of the table's index tables as well.
//! - **MariaDB**: `information_schema.TABLES.CREATE_TIME` of an InnoDB
//!   table is the `ctime` of its `.frm` file, and every DDL writes a new
//!   `.frm` or renames it (instant ADD COLUMN, COMMENT, SET DEFAULT, RENAME
//!   INDEX/COLUMN, partition operations, RENAME TABLE, DROP and CREATE):
//!   each sets the `ctime` to the time of the change. It has one-second
//!   resolution, so a table whose `CREATE_TIME` is less than
//!   [`RACY_SECONDS`] before the server's time of this read is not vouched
//!   for (a later change in the same second would leave it equal); any
//!   change after the read then lands in a later second. Engines other
//!   than InnoDB (MyISAM keeps its creation time in its own header, which
//!   metadata-only ALTERs leave alone) and tables without a `CREATE_TIME`
//!   are not vouched for. The token also holds the engine, collation, row
//!   format and create options, a bulk fingerprint of what the listing
//!   gives for free. The query runs on a connection of its own in UTC, so
//!   that `CREATE_TIME` is not a local time that repeats when clocks go back.
//! - **MySQL**: none (its `information_schema` caches table statistics
//!   for `information_schema_stats_expiry`, a day by default): no cache.
//!
//! `tests/snapshot_cache_live.rs` proves the rules on both engines with a
//! corpus of changes.

use mysql::prelude::Queryable;
use shadowsync_core::{ChangeTokens, Flavor, Result};

use super::MysqlExecutor;

/// Seconds a MariaDB table's `CREATE_TIME` must lie before the read for
/// its token to be trusted: one for the second's resolution, one for the
/// filesystem's coarse clock, which may lag the server's by a tick.
pub const RACY_SECONDS: f64 = 2.0;

/// Every base table of the current database with its id and schema
/// versions (`table_type = 3`: a user's base table; `session_id = 0`: not
/// a temporary table), and the greatest schema version of its index
/// tables (`data_table_id` links them), grouped once rather than looked up
/// per table.
const OCEANBASE_TOKENS: &str = "SELECT CONCAT(@@server_uuid, '@', @@hostname, ':', @@port), \
       t.table_name, t.table_id, t.schema_version, i.version \
     FROM oceanbase.__all_table t \
     LEFT JOIN (SELECT data_table_id, MAX(schema_version) AS version FROM oceanbase.__all_table \
                WHERE database_id = (SELECT d.database_id FROM oceanbase.__all_database d \
                                     WHERE d.database_name = DATABASE()) \
                  AND data_table_id <> 0 \
                GROUP BY data_table_id) i ON i.data_table_id = t.table_id \
     WHERE t.database_id = (SELECT d.database_id FROM oceanbase.__all_database d \
                            WHERE d.database_name = DATABASE()) \
       AND t.table_type = 3 AND t.session_id = 0";

/// The base tables of schema `?` with what their token is made of, the
/// server's time at the start of the statement and its identity.
const MARIADB_TOKENS: &str = "SELECT TABLE_NAME, ENGINE, UNIX_TIMESTAMP(CREATE_TIME), \
       TABLE_COLLATION, ROW_FORMAT, CREATE_OPTIONS, UNIX_TIMESTAMP(NOW(6)), \
       CONCAT(@@server_uid, '@', @@hostname, ':', @@port) \
     FROM information_schema.TABLES \
     WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'";

type MariadbRow = (
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    f64,
    String,
);

impl MysqlExecutor {
    /// The tokens as this server gives them (see the module documentation).
    pub(super) fn read_change_tokens(&mut self) -> Result<Option<ChangeTokens>> {
        let flavor = match self.flavor {
            Some(flavor) => flavor,
            None => shadowsync_core::Executor::server_info(self)?.flavor,
        };
        match flavor {
            Flavor::Oceanbase => self.oceanbase_tokens(),
            Flavor::Mariadb => self.mariadb_tokens(),
            Flavor::Mysql => Ok(None),
        }
    }

    fn oceanbase_tokens(&mut self) -> Result<Option<ChangeTokens>> {
        if self.catalog_unavailable.is_some() {
            return Ok(None);
        }
        self.endpoint.count();
        type Row = (String, String, i64, i64, Option<i64>);
        let rows: Vec<Row> = match self.main_conn().query(OCEANBASE_TOKENS) {
            Ok(rows) => rows,
            // Not readable for this user: no cache, as without tokens.
            Err(e) if crate::error::server_code(&e).is_some() => {
                tracing::debug!("no change tokens: {e}");
                return Ok(None);
            }
            Err(e) => return Err(self.endpoint.error("cannot read change tokens", &e)),
        };
        let Some(server) = rows.first().map(|row| identity(Flavor::Oceanbase, &row.0)) else {
            return Ok(None);
        };
        let mut tables: Vec<(String, String)> = Vec::with_capacity(rows.len());
        let mut seen = std::collections::HashMap::new();
        for (_, name, id, version, indexes) in rows {
            *seen.entry(name.clone()).or_insert(0) += 1;
            let indexes = indexes.unwrap_or(0);
            tables.push((name, format!("{id}:{version}:{indexes}")));
        }
        // A name listed twice is not trusted (as for reading texts).
        tables.retain(|(name, _)| seen.get(name) == Some(&1));
        Ok(Some(ChangeTokens { server, tables }))
    }

    fn mariadb_tokens(&mut self) -> Result<Option<ChangeTokens>> {
        let Some(database) = self.database().map(str::to_string) else {
            return Ok(None);
        };
        if self.token_conn.is_none() {
            let mut conn = self.endpoint.open()?;
            self.endpoint.count();
            conn.query_drop("SET SESSION time_zone = '+00:00'")
                .map_err(|e| {
                    self.endpoint
                        .error("cannot set up the token connection", &e)
                })?;
            self.token_conn = Some(conn);
        }
        let Some(conn) = self.token_conn.as_mut() else {
            return Ok(None);
        };
        self.endpoint.count();
        let rows: Vec<MariadbRow> = match conn.exec(MARIADB_TOKENS, (database,)) {
            Ok(rows) => rows,
            Err(e) => {
                // A connection that failed is not used again.
                self.token_conn = None;
                return Err(self.endpoint.error("cannot read change tokens", &e));
            }
        };
        let Some(server) = rows.first().map(|row| identity(Flavor::Mariadb, &row.7)) else {
            return Ok(None);
        };
        let tables = rows
            .into_iter()
            .filter_map(
                |(name, engine, created, collation, row_format, options, now, _)| {
                    let engine = engine?;
                    let created = created?;
                    if !engine.eq_ignore_ascii_case("InnoDB")
                        || (created as f64) + RACY_SECONDS > now
                    {
                        return None;
                    }
                    let token = format!(
                        "{created}:{engine}:{}:{}:{}",
                        collation.unwrap_or_default(),
                        row_format.unwrap_or_default(),
                        options.unwrap_or_default()
                    );
                    Some((name, token))
                },
            )
            .collect();
        Ok(Some(ChangeTokens { server, tables }))
    }
}

/// The server's own identity as the token queries give it on every row:
/// `@@server_uuid` (OceanBase) or MariaDB's `@@server_uid` (a hash of its
/// host and data directory), with the host name and port it reports.
fn identity(flavor: Flavor, reported: &str) -> String {
    format!("{}:{reported}", flavor.name())
}
