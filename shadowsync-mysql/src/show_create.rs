//! `SHOW CREATE TABLE` for many tables over a small pool of connections.
//!
//! The server has no bulk form of `SHOW CREATE TABLE`, and the
//! `information_schema` tables get index order and expressions wrong, so
//! each table is one statement; running chunks of them on concurrent
//! connections bounds the wall-clock cost to about `tables / connections`
//! sequential round trips.

use std::thread;

use mysql::prelude::Queryable;
use mysql::{Conn, Row};
use shadowsync_core::render::quote_ident;
use shadowsync_core::{Error, Result};

use crate::error::{server_code, ER_NO_SUCH_TABLE};
use crate::executor::Endpoint;

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
    let workers = names
        .len()
        .div_ceil(MIN_TABLES_PER_CONNECTION)
        .clamp(1, max_connections.max(1));
    if workers == 1 {
        return names
            .iter()
            .map(|name| show_create_table(endpoint, &mut conns[0], name))
            .collect();
    }
    grow_pool(endpoint, conns, workers)?;
    let chunk = names.len().div_ceil(workers);
    let results: Vec<Result<Vec<Option<String>>>> = thread::scope(|s| {
        let handles: Vec<_> = conns
            .iter_mut()
            .zip(names.chunks(chunk))
            .map(|(conn, chunk)| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|name| show_create_table(endpoint, conn, name))
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(join).collect()
    });
    let mut texts = Vec::with_capacity(names.len());
    for result in results {
        match result {
            Ok(chunk) => texts.extend(chunk),
            Err(e) => {
                // A failed connection may be unusable: start the pool afresh next time.
                conns.truncate(1);
                return Err(e);
            }
        }
    }
    Ok(texts)
}

/// Opens connections (concurrently) until `conns` holds `wanted`.
fn grow_pool(endpoint: &Endpoint, conns: &mut Vec<Conn>, wanted: usize) -> Result<()> {
    let missing = wanted.saturating_sub(conns.len());
    let opened: Vec<Result<Conn>> = thread::scope(|s| {
        let handles: Vec<_> = (0..missing).map(|_| s.spawn(|| endpoint.open())).collect();
        handles.into_iter().map(join).collect()
    });
    for conn in opened {
        conns.push(conn?);
    }
    Ok(())
}

/// The value of a scoped thread, re-raising its panic in the caller.
fn join<T>(handle: thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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
