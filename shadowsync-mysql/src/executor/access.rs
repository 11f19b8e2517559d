//! What the server tells this account about tables it did not list, and
//! another account's grants: the reads of the readiness check.

use mysql::prelude::Queryable;
use shadowsync_core::access::{Account, TableProbe};
use shadowsync_core::render::quote_ident;
use shadowsync_core::{Error, Result};

use super::MysqlExecutor;
use crate::error::{server_code, ER_NO_SUCH_TABLE};

/// `ER_TABLEACCESS_DENIED_ERROR`: the account may not see the table. MariaDB
/// answers it for a table the account has no privilege on whether the table
/// exists or not; OceanBase only for one that exists.
const ER_TABLEACCESS_DENIED: u16 = 1142;
/// `ER_DBACCESS_DENIED_ERROR`: the account may not read the database
/// (MariaDB's answer to `SHOW GRANTS FOR` another account without SELECT
/// on `mysql`).
const ER_DBACCESS_DENIED: u16 = 1044;
/// `ER_SPECIFIC_ACCESS_DENIED_ERROR`.
const ER_SPECIFIC_ACCESS_DENIED: u16 = 1227;
/// `ER_NONEXISTING_GRANT` (MariaDB) and `ER_PASSWORD_NO_MATCH` (OceanBase):
/// no such account.
const NO_SUCH_ACCOUNT: [u16; 2] = [1141, 1133];

impl MysqlExecutor {
    /// One `SHOW CREATE TABLE` per name on the main connection (the check
    /// probes only the few tables its listing did not show).
    pub(super) fn probe(&mut self, names: &[String]) -> Result<Vec<TableProbe>> {
        names
            .iter()
            .map(|name| {
                let sql = format!("SHOW CREATE TABLE {}", quote_ident(name));
                match self.main_conn().query_drop(&sql) {
                    Ok(()) => Ok(TableProbe::Readable),
                    Err(e) if server_code(&e) == Some(ER_NO_SUCH_TABLE) => Ok(TableProbe::Absent),
                    Err(e) if server_code(&e) == Some(ER_TABLEACCESS_DENIED) => {
                        Ok(TableProbe::Denied {
                            message: self.endpoint.scrubber.message(&format!("`{sql}`"), &e),
                        })
                    }
                    Err(e) => Err(self.endpoint.error(&format!("cannot run `{sql}`"), &e)),
                }
            })
            .collect()
    }

    /// `SHOW GRANTS FOR account`, one line per row.
    pub(super) fn grants(&mut self, account: &Account) -> Result<Vec<String>> {
        let sql = format!("SHOW GRANTS FOR {account}");
        match self.main_conn().query::<String, _>(&sql) {
            Ok(lines) => Ok(lines),
            Err(e) => Err(match server_code(&e) {
                Some(code) if NO_SUCH_ACCOUNT.contains(&code) => Error::InvalidRequest(
                    self.endpoint
                        .scrubber
                        .message(&format!("no account {account} on the server"), &e),
                ),
                Some(ER_DBACCESS_DENIED | ER_TABLEACCESS_DENIED | ER_SPECIFIC_ACCESS_DENIED) => {
                    Error::Executor(self.endpoint.scrubber.message(
                        &format!(
                            "the checking account may not read the grants of {account}: that \
                             needs SELECT on the `mysql` database (or check as that account)"
                        ),
                        &e,
                    ))
                }
                _ => self.endpoint.error(&format!("cannot run `{sql}`"), &e),
            }),
        }
    }
}
