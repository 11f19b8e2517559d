//! The small interface between the SQL store ([`SqlStore`](crate::SqlStore))
//! and a database driver: transactions that run statements with positional
//! `?` parameters and return rows of typed values, the [`Layout`] of the
//! driver's tables, and the dialect's differences as named methods.
//!
//! A driver also owns its schema: creating the tables, versioning them
//! ([`STORE_LAYOUT_VERSION`](crate::STORE_LAYOUT_VERSION)) and migrating
//! older layouts happen in [`Driver::open`], because how DDL, versions and
//! concurrent openers behave differs most between databases.

use shadowsync_core::{Error, Result};

pub use crate::layout::{Entries, Layout, Setting, SettingKey, TaskIds};

/// A value bound to a `?` or read from a column: the store keeps nothing
/// but integers and text (JSON, names, statuses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// An integer.
    Int(i64),
    /// A text.
    Text(String),
}

impl Value {
    /// What kind of value this is, for messages (which never quote stored
    /// data).
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Int(_) => "an integer",
            Value::Text(_) => "a text",
        }
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Value {
        Value::Int(value)
    }
}

impl From<Option<i64>> for Value {
    fn from(value: Option<i64>) -> Value {
        value.map_or(Value::Null, Value::Int)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::Text(value.to_string())
    }
}

impl From<Option<&str>> for Value {
    fn from(value: Option<&str>) -> Value {
        value.map_or(Value::Null, Value::from)
    }
}

/// A Rust type a column is read as.
pub trait FromValue: Sized {
    /// `value` as `Self`, or `None` if it is of another kind.
    fn from_value(value: Value) -> Option<Self>;
}

impl FromValue for i64 {
    fn from_value(value: Value) -> Option<i64> {
        match value {
            Value::Int(n) => Some(n),
            _ => None,
        }
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Option<String> {
        match value {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Option<Option<T>> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// One row of a query's result, its columns in select order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row(Vec<Value>);

impl Row {
    /// A row of `values`.
    pub fn new(values: Vec<Value>) -> Row {
        Row(values)
    }

    /// Column `index` as `T`, taken out of the row (so each column is read
    /// once). A missing column or a value of another kind is a store error.
    pub fn get<T: FromValue>(&mut self, index: usize) -> Result<T> {
        let value = self
            .0
            .get_mut(index)
            .map(|slot| std::mem::replace(slot, Value::Null))
            .ok_or_else(|| {
                Error::Store(format!(
                    "unexpected row in the task store: no column {index}"
                ))
            })?;
        let kind = value.kind();
        T::from_value(value).ok_or_else(|| {
            Error::Store(format!(
                "unexpected row in the task store: column {index} holds {kind}"
            ))
        })
    }
}

/// A transaction of a [`Driver`]: statements on one connection, committed
/// or rolled back together.
pub trait Transaction {
    /// Run `sql`, its `?`s bound to `params` in order; the number of rows
    /// it matched (an `UPDATE` that sets a column to its current value
    /// still counts the row).
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64>;

    /// The rows `sql` returns, its `?`s bound to `params` in order.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;

    /// The key the database gave the row that this transaction's last
    /// `INSERT` added (for [`TaskIds::Autoincrement`]).
    fn last_insert_id(&mut self) -> Result<i64>;
}

/// A database the SQL store keeps its tables in.
///
/// Both kinds of transaction are atomic and isolated from each other as
/// the store needs: a [`Driver::write`] that matched a row by its revision
/// has that row to itself until it commits, and a [`Driver::read`] sees one
/// snapshot.
pub trait Driver: Sized {
    /// Where a store is, as [`SqlStore::open`](crate::SqlStore::open) takes
    /// it (a path, a URL).
    type Location: ?Sized;

    /// Names and numbering of this driver's tables.
    const LAYOUT: Layout;

    /// Open the store at `location`, creating what is missing of its
    /// tables and migrating an older layout; a newer layout than
    /// [`STORE_LAYOUT_VERSION`](crate::STORE_LAYOUT_VERSION) is refused.
    fn open(location: &Self::Location) -> Result<Self>;

    /// Run `work` in a transaction that may write, and commit it if `work`
    /// succeeds (roll it back if not).
    fn write<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce(&mut dyn Transaction) -> Result<T>;

    /// Run `work` in a read-only transaction: one consistent snapshot.
    fn read<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce(&mut dyn Transaction) -> Result<T>;

    /// The dialect's upsert: `INSERT INTO table (key, value) VALUES (?, ?)`
    /// that replaces the value of a key already there. The names are fixed
    /// identifiers of the [`Layout`].
    fn upsert_sql(table: &str, key: &str, value: &str) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_read_as_their_kind_only() {
        let mut row = Row::new(vec![
            Value::Int(7),
            Value::Null,
            Value::from("a"),
            Value::from("b"),
        ]);
        assert_eq!(row.get::<i64>(0), Ok(7));
        assert_eq!(row.get::<Option<String>>(1), Ok(None));
        assert_eq!(row.get::<Option<String>>(2), Ok(Some("a".into())));
        assert!(
            matches!(row.get::<i64>(3), Err(Error::Store(m)) if m.contains("column 3 holds a text") && !m.contains('b'))
        );
        assert!(matches!(row.get::<i64>(9), Err(Error::Store(m)) if m.contains("no column 9")));
    }
}
