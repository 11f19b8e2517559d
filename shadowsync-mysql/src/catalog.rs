//! OceanBase's catalog: `SHOW CREATE TABLE` texts of many tables in a few
//! statements.
//!
//! OceanBase answers `SHOW CREATE TABLE` from its virtual table
//! `oceanbase.__all_virtual_show_create_table`, which accepts only point
//! lookups by `table_id` (anything else fails with error 4016). A correlated
//! subquery over `oceanbase.__all_table` makes one point lookup per row, so
//! one statement reads a whole batch of tables. The text is the server's
//! own printer run in the same session, hence the very text `SHOW CREATE
//! TABLE` returns; the tests compare the two on every table they create.
//!
//! What it saves is the per-statement work (parse, resolve, privilege
//! check, result set) of one `SHOW CREATE TABLE` per table; on seekdb that is
//! about two thirds of the cost. The catalog is undocumented: when it is
//! missing, unreadable for this user, or answers something unexpected for a
//! table, that table is read with `SHOW CREATE TABLE` instead.

use std::collections::HashMap;

use mysql::prelude::Queryable;
use mysql::Conn;
use shadowsync_core::render::quote_ident;
use shadowsync_core::{Error, Result};

use crate::endpoint::Endpoint;
use crate::error::server_code;
use crate::pool::{on_connections, shares};
use crate::show_create;

/// Tables one connection reads before another connection is worth using:
/// each statement reads many tables, so a connection is only worth opening
/// for a sizeable share.
const MIN_TABLES_PER_CONNECTION: usize = 100;

/// Table ids one statement looks up at most. Right after tables change,
/// seekdb takes some 30 ms for each table's first text (against 0.3 ms
/// later), so a statement of this size still ends well within the default
/// `ob_query_timeout` of 10 s, and progress is never lost to a long one.
const MAX_TABLES_PER_STATEMENT: usize = 200;

/// `QUERY_TIMEOUT` hint of a read statement, in microseconds: a statement
/// reads up to [`MAX_TABLES_PER_STATEMENT`] tables, each of which the
/// session's timeout would bound on its own with `SHOW CREATE TABLE`.
const STATEMENT_TIMEOUT_MICROS: u64 = 300_000_000;

/// The base tables of the current database by name, each with its
/// `table_id` (a name listed twice keeps both, so that it is not trusted).
/// `table_type = 3` is a user's base table, here and in [`read_statement`].
const LIST_TABLES: &str = "SELECT t.table_name, t.table_id FROM oceanbase.__all_table t \
     WHERE t.database_id = (SELECT d.database_id FROM oceanbase.__all_database d \
                            WHERE d.database_name = DATABASE()) \
       AND t.table_type = 3 AND t.session_id = 0";

/// Why the catalog cannot be used on this connection.
#[derive(Debug)]
pub(crate) struct Unavailable(pub(crate) String);

/// Table ids of the current database's base tables, by name; `Unavailable`
/// when the server refuses the catalog query (not OceanBase, or a user
/// without access to the `oceanbase` schema).
pub(crate) fn table_ids(
    endpoint: &Endpoint,
    conn: &mut Conn,
) -> Result<std::result::Result<HashMap<String, Vec<i64>>, Unavailable>> {
    endpoint.count();
    let rows: Vec<(String, i64)> = match conn.query(LIST_TABLES) {
        Ok(rows) => rows,
        Err(e) if server_code(&e).is_some() => {
            return Ok(Err(Unavailable(
                endpoint
                    .scrubber
                    .message("the OceanBase catalog is not readable", &e),
            )))
        }
        Err(e) => return Err(endpoint.error("cannot list tables from the OceanBase catalog", &e)),
    };
    let mut ids: HashMap<String, Vec<i64>> = HashMap::with_capacity(rows.len());
    for (name, id) in rows {
        ids.entry(name).or_default().push(id);
    }
    Ok(Ok(ids))
}

/// The id of table `name` when the catalog lists exactly one (a name
/// listed twice is not trusted).
pub(crate) fn only_id(ids: &HashMap<String, Vec<i64>>, name: &str) -> Option<i64> {
    match ids.get(name).map(Vec::as_slice) {
        Some([id]) => Some(*id),
        _ => None,
    }
}

/// `SHOW CREATE TABLE` text of each of `names`, in order, `None` for missing
/// tables: from the catalog where `ids` names the table exactly once and
/// the text is the table's, otherwise (views, missing tables, names the
/// catalog spells differently, tables dropped meanwhile) from
/// `SHOW CREATE TABLE`, which also gives those cases their usual answers.
pub(crate) fn show_create_tables(
    endpoint: &Endpoint,
    conns: &mut Vec<Conn>,
    max_connections: usize,
    ids: &HashMap<String, Vec<i64>>,
    names: &[String],
) -> Result<Vec<Option<String>>> {
    let wanted: Vec<i64> = names.iter().filter_map(|name| only_id(ids, name)).collect();
    let mut texts = read_by_id(endpoint, conns, max_connections, &wanted)?;
    let mut result: Vec<Option<String>> = Vec::with_capacity(names.len());
    let mut fallback = Vec::new();
    for (position, name) in names.iter().enumerate() {
        let text = only_id(ids, name)
            .and_then(|id| texts.remove(&id))
            .filter(|text| is_text_of(text, name));
        if text.is_none() {
            fallback.push(position);
        }
        result.push(text);
    }
    if !fallback.is_empty() {
        let missed: Vec<String> = fallback.iter().map(|&i| names[i].clone()).collect();
        tracing::debug!(
            tables = missed.len(),
            "reading tables not found in the OceanBase catalog with SHOW CREATE TABLE"
        );
        let read = show_create::show_create_tables(endpoint, conns, max_connections, &missed)?;
        for (position, text) in fallback.into_iter().zip(read) {
            result[position] = text;
        }
    }
    Ok(result)
}

/// Whether `text` is a `CREATE TABLE` of the table `name`.
fn is_text_of(text: &str, name: &str) -> bool {
    text.strip_prefix("CREATE TABLE ")
        .and_then(|rest| rest.strip_prefix(quote_ident(name).as_str()))
        .is_some_and(|rest| rest.starts_with(" ("))
}

/// The texts of the tables `ids`, keyed by id (a table dropped meanwhile is
/// absent), read over up to `max_connections` connections.
fn read_by_id(
    endpoint: &Endpoint,
    conns: &mut Vec<Conn>,
    max_connections: usize,
    ids: &[i64],
) -> Result<HashMap<i64, String>> {
    let chunks = shares(ids, MIN_TABLES_PER_CONNECTION, max_connections);
    let parts = on_connections(endpoint, conns, chunks, |conn, chunk| {
        let mut texts = Vec::with_capacity(chunk.len());
        for statement_ids in chunk.chunks(MAX_TABLES_PER_STATEMENT) {
            texts.extend(read_statement(endpoint, conn, statement_ids)?);
        }
        Ok(texts)
    })?;
    Ok(parts.into_iter().flatten().collect())
}

/// One statement reading the texts of `ids`.
fn read_statement(endpoint: &Endpoint, conn: &mut Conn, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    // The ids are integers the server gave us, so listing them is not
    // pasting input into SQL.
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!(
        "SELECT /*+ QUERY_TIMEOUT({STATEMENT_TIMEOUT_MICROS}) */ \
                t.table_id, (SELECT v.create_table FROM oceanbase.__all_virtual_show_create_table v \
                             WHERE v.table_id = t.table_id) \
         FROM oceanbase.__all_table t WHERE t.table_type = 3 AND t.table_id IN ({list})"
    );
    endpoint.count();
    let rows: Vec<(i64, Option<String>)> = conn.query(&sql).map_err(|e| {
        endpoint.error(
            &format!(
                "cannot read {} tables from the OceanBase catalog",
                ids.len()
            ),
            &e,
        )
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, text)| text.map(|text| (id, text)))
        .collect())
}

/// The error for [`crate::Introspection::Catalog`] on a server without a
/// readable catalog.
pub(crate) fn required(why: Unavailable) -> Error {
    Error::Executor(format!("catalog introspection was requested but {}", why.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_belongs_to_the_table_it_creates() {
        assert!(is_text_of("CREATE TABLE `t` (\n  `a` int\n)", "t"));
        assert!(is_text_of("CREATE TABLE `we``ird` (\n)", "we`ird"));
        assert!(!is_text_of("CREATE TABLE `t2` (\n)", "t"));
        assert!(!is_text_of("CREATE VIEW `t` AS SELECT 1", "t"));
        assert!(!is_text_of("", "t"));
    }
}
