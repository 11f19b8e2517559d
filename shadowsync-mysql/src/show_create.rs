//! `SHOW CREATE TABLE` for many tables over a small pool of connections.
//!
//! MySQL and MariaDB have no bulk form of `SHOW CREATE TABLE`, and the
//! `information_schema` tables get index order and expressions wrong, so
//! each table is one statement; running chunks of them on concurrent
//! connections bounds the wall-clock cost to about `tables / connections`
//! sequential round trips. (OceanBase has a bulk form: see `catalog`.)

use mysql::prelude::Queryable;
use mysql::{Conn, Row};
use shadowsync_core::render::quote_ident;
use shadowsync_core::{Error, Result};

use crate::endpoint::Endpoint;
use crate::error::{server_code, ER_NO_SUCH_TABLE};
use crate::pool::{on_connections, shares};

/// Tables one connection reads before another connection is worth using:
/// opening a connection costs several round trips of its own.
const MIN_TABLES_PER_CONNECTION: usize = 4;

/// `SHOW CREATE TABLE` text of each of `names`, in order, `None` for missing
/// tables, using `conns[0]` plus up to `max_connections - 1` pooled ones
/// (opened here when missing and left in `conns` for next time).
pub(crate) fn show_create_tables(
    endpoint: &Endpoint,
    conns: &mut Vec<Conn>,
    max_connections: usize,
    names: &[String],
) -> Result<Vec<Option<String>>> {
    let chunks = shares(names, MIN_TABLES_PER_CONNECTION, max_connections);
    let texts = on_connections(endpoint, conns, chunks, |conn, chunk| {
        chunk
            .iter()
            .map(|name| show_create_table(endpoint, conn, name))
            .collect::<Result<Vec<_>>>()
    })?;
    Ok(texts.into_iter().flatten().collect())
}

/// `SHOW CREATE TABLE name` on `conn`; `None` when the table does not exist.
fn show_create_table(endpoint: &Endpoint, conn: &mut Conn, name: &str) -> Result<Option<String>> {
    let sql = format!("SHOW CREATE TABLE {}", quote_ident(name));
    endpoint.count();
    let row: Row = match conn.query_first(&sql) {
        Ok(Some(row)) => row,
        Ok(None) => return Err(Error::Executor(format!("`{sql}` returned no row"))),
        Err(e) if server_code(&e) == Some(ER_NO_SUCH_TABLE) => return Ok(None),
        Err(e) => return Err(endpoint.error(&format!("cannot run `{sql}`"), &e)),
    };
    // Views answer with the columns (View, Create View, …) instead of (Table, Create Table).
    if row
        .columns_ref()
        .first()
        .is_some_and(|c| c.name_str().eq_ignore_ascii_case("View"))
    {
        return Err(Error::InvalidRequest(format!(
            "{} is a view, not a table",
            quote_ident(name)
        )));
    }
    match row.get_opt::<String, _>(1) {
        Some(Ok(text)) => Ok(Some(text)),
        _ => Err(Error::Executor(format!(
            "`{sql}` returned no CREATE TABLE text"
        ))),
    }
}
