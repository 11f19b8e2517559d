//! Which server and database an executor is on, as the server says: its
//! identity (what the database-mode identity guard compares, whatever
//! address reached the server), whether a database exists and its defaults.

use mysql::prelude::Queryable;
use shadowsync_core::{DatabaseDefaults, Result};

use super::MysqlExecutor;

impl MysqlExecutor {
    /// `@@server_uuid` where the server has one (MySQL, OceanBase), else
    /// MariaDB's `@@hostname`, `@@port` and `@@datadir`: two servers on
    /// one machine differ by port and data directory, and one server
    /// reached by two addresses (a second host name, a proxy) is the same.
    pub(super) fn identity(&mut self) -> Result<Option<String>> {
        let uuid: Option<(String, String)> = self
            .main_conn()
            .query_first("SHOW VARIABLES LIKE 'server_uuid'")
            .map_err(|e| self.endpoint.error("cannot read the server's identity", &e))?;
        if let Some((_, uuid)) = uuid.filter(|(_, u)| !u.is_empty()) {
            return Ok(Some(format!("uuid:{uuid}")));
        }
        type Row = (Option<String>, Option<u32>, Option<String>);
        let row: Option<Row> = self
            .main_conn()
            .query_first("SELECT @@hostname, @@port, @@datadir")
            .map_err(|e| self.endpoint.error("cannot read the server's identity", &e))?;
        Ok(match row {
            Some((Some(host), Some(port), Some(datadir))) if !host.is_empty() => {
                Some(format!("host:{host}:{port}:{datadir}"))
            }
            _ => None,
        })
    }

    /// Whether database `name` exists (a prepared statement: the name is
    /// never pasted into SQL).
    pub fn database_exists(&mut self, name: &str) -> Result<bool> {
        let found: Option<String> = self
            .main_conn()
            .exec_first(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
                (name,),
            )
            .map_err(|e| self.endpoint.error("cannot list databases", &e))?;
        Ok(found.is_some())
    }

    /// The current database's default character set and collation.
    pub(super) fn defaults(&mut self) -> Result<Option<DatabaseDefaults>> {
        let row: Option<(String, String)> = self
            .main_conn()
            .query_first(
                "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME \
                 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()",
            )
            .map_err(|e| {
                self.endpoint
                    .error("cannot read the database's defaults", &e)
            })?;
        Ok(row.map(|(charset, collation)| DatabaseDefaults { charset, collation }))
    }
}
