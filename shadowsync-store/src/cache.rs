//! The snapshot cache's rows (`shadowsync_core::analysis::cache`): one per
//! server, schema and table, the entry as JSON. Statements are built per
//! call for the number of rows, from the layout's table name and `?`
//! parameters only.

use shadowsync_core::analysis::cache::CachedTable;
use shadowsync_core::{Error, Result};

use crate::columns::json;
use crate::driver::{Transaction, Value};

/// Rows one statement deletes or inserts at most (well under SQLite's
/// 32,766 parameters and a server's packet size for typical texts).
const CHUNK: usize = 100;

/// The entries of `server`'s `schema`; an entry that does not decode is
/// left out (it is read again and replaced).
pub(crate) fn read(
    tx: &mut dyn Transaction,
    table: &str,
    server: &str,
    schema: &str,
) -> Result<Vec<CachedTable>> {
    let sql = format!("SELECT entry FROM {table} WHERE server = ? AND schema_name = ?");
    let rows = tx.query(&sql, &[Value::from(server), Value::from(schema)])?;
    let mut entries = Vec::with_capacity(rows.len());
    for mut row in rows {
        let text: String = row.get(0)?;
        // One written by another build's layout of the entry is simply
        // not used: its table is read again and the entry replaced.
        if let Ok(entry) = serde_json::from_str::<CachedTable>(&text) {
            entries.push(entry);
        }
    }
    Ok(entries)
}

/// Replace the entries of `put` and delete those of `forget`.
pub(crate) fn write(
    tx: &mut dyn Transaction,
    table: &str,
    server: &str,
    schema: &str,
    put: &[CachedTable],
    forget: &[String],
) -> Result<()> {
    let names: Vec<&str> = put
        .iter()
        .map(|e| e.table.as_str())
        .chain(forget.iter().map(String::as_str))
        .collect();
    for chunk in names.chunks(CHUNK) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!(
            "DELETE FROM {table} WHERE server = ? AND schema_name = ? AND table_name IN ({marks})"
        );
        let mut params = vec![Value::from(server), Value::from(schema)];
        params.extend(chunk.iter().map(|n| Value::from(*n)));
        tx.execute(&sql, &params)?;
    }
    for chunk in put.chunks(CHUNK) {
        let rows = vec!["(?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql =
            format!("INSERT INTO {table} (server, schema_name, table_name, entry) VALUES {rows}");
        let mut params = Vec::with_capacity(chunk.len() * 4);
        for entry in chunk {
            params.push(Value::from(server));
            params.push(Value::from(schema));
            params.push(Value::from(entry.table.as_str()));
            params.push(json(entry)?);
        }
        tx.execute(&sql, &params)
            .map_err(|e| Error::Store(format!("cannot write the snapshot cache: {e}")))?;
    }
    Ok(())
}
