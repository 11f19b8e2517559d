//! Errors of the core: every one names what went wrong and where.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A position in a DDL text, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl Location {
    /// The line and column of byte `offset` in `src`.
    pub fn of_offset(src: &str, offset: usize) -> Location {
        let offset = offset.min(src.len());
        let before = &src.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Location { line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// DDL that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    /// Where in the text.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// The table being read, when known.
    pub table: Option<String>,
}

impl ParseError {
    /// A parse error at `location`.
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        ParseError {
            location,
            message: message.into(),
            table: None,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}",
            self.location.line, self.location.column
        )?;
        if let Some(table) = &self.table {
            write!(f, " (table `{table}`)")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ParseError {}

/// Every error the core reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// DDL text that could not be parsed.
    #[error("parse error at {0}")]
    Parse(#[from] ParseError),
    /// A table the model cannot represent exactly (or diff safely); never guessed at.
    #[error("table `{table}` refused: {reason}")]
    Refused {
        /// The table.
        table: String,
        /// Why, naming the construct.
        reason: String,
    },
    /// A naming rule or shadow name that cannot be used.
    #[error("invalid name: {0}")]
    InvalidName(String),
    /// A request the caller made that does not fit (unknown table, bad option, …).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A task status transition that the state machine does not allow.
    #[error("invalid transition of task {task}: {from} -> {to}")]
    InvalidTransition {
        /// Task id.
        task: String,
        /// Current status.
        from: String,
        /// Requested status.
        to: String,
    },
    /// The executor (the connection to the server) failed.
    #[error("executor error: {0}")]
    Executor(String),
    /// The connection to the server was lost (the server went away, the
    /// connection was killed, the network failed): a statement in flight
    /// has an unknown outcome, so a task stops where it is, resumable, and
    /// the outcome is settled from the schema when it resumes.
    #[error("connection lost: {0}")]
    ConnectionLost(String),
    /// The task store failed.
    #[error("store error: {0}")]
    Store(String),
    /// A referenced object does not exist.
    #[error("not found: {0}")]
    NotFound(String),
}

/// Result with the core [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_characters() {
        let src = "ab\ncdé\nx";
        assert_eq!(Location::of_offset(src, 0), Location { line: 1, column: 1 });
        assert_eq!(Location::of_offset(src, 3), Location { line: 2, column: 1 });
        // 'é' is two bytes but one column.
        assert_eq!(Location::of_offset(src, 7), Location { line: 2, column: 4 });
        assert_eq!(
            Location::of_offset(src, 99),
            Location { line: 3, column: 2 }
        );
    }
}
