//! [`MysqlTransaction`]: a store transaction on a pooled connection, its
//! statements prepared (binary protocol) with positional parameters.

use mysql::prelude::Queryable;
use mysql::Params;
use shadowsync_core::{Error, Result};
use shadowsync_store::driver::{Row, Transaction, Value};

use crate::error::Scrubber;

/// A driver failure as a store error (the store's scrubber removes the
/// password from it on the way out).
pub(super) fn db(error: mysql::Error) -> Error {
    Error::Store(Scrubber::default().message("task store", &error))
}

/// A transaction of the MySQL driver.
pub(super) struct MysqlTransaction<'a>(pub(super) mysql::Transaction<'a>);

impl Transaction for MysqlTransaction<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        self.0.exec_drop(sql, bind(params)).map_err(db)?;
        // CLIENT_FOUND_ROWS: the rows matched.
        Ok(self.0.affected_rows())
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let rows: Vec<mysql::Row> = self.0.exec(sql, bind(params)).map_err(db)?;
        rows.into_iter()
            .map(|row| {
                row.unwrap_raw()
                    .into_iter()
                    .map(|column| column.map_or_else(|| Err(taken()), value))
                    .collect::<Result<Vec<_>>>()
                    .map(Row::new)
            })
            .collect()
    }

    fn last_insert_id(&mut self) -> Result<i64> {
        let id = self
            .0
            .last_insert_id()
            .ok_or_else(|| Error::Store("the task store generated no id".into()))?;
        i64::try_from(id).map_err(|_| Error::Store(format!("unexpected id {id} in the task store")))
    }
}

/// `params` for the driver.
fn bind(params: &[Value]) -> Params {
    if params.is_empty() {
        return Params::Empty;
    }
    Params::Positional(
        params
            .iter()
            .map(|param| match param {
                Value::Null => mysql::Value::NULL,
                Value::Int(n) => mysql::Value::from(*n),
                Value::Text(text) => mysql::Value::from(text.as_str()),
            })
            .collect(),
    )
}

/// The error for a column the driver no longer holds (never taken here).
fn taken() -> Error {
    Error::Store("unexpected row in the task store: a column is missing".into())
}

/// A column's value: integers and text (the store keeps nothing else).
fn value(column: mysql::Value) -> Result<Value> {
    let unexpected = |what: &str| Error::Store(format!("unexpected row in the task store: {what}"));
    match column {
        mysql::Value::NULL => Ok(Value::Null),
        mysql::Value::Int(n) => Ok(Value::Int(n)),
        mysql::Value::UInt(n) => i64::try_from(n)
            .map(Value::Int)
            .map_err(|_| unexpected("an integer out of range")),
        mysql::Value::Bytes(bytes) => String::from_utf8(bytes)
            .map(Value::Text)
            .map_err(|_| unexpected("text not in UTF-8")),
        _ => Err(unexpected("a float, date or time")),
    }
}
