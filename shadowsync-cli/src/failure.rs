//! How a command ends, and the exit status that tells it: `0` nothing to
//! change, `1` changes to make (`plan`, `diff`: a result, like `diff(1)`),
//! `2` bad input, `3` any other failure ([`EXIT_STATUS`]).

use std::{fmt, io};

/// The exit statuses, as `shadowsync --help` lists them.
pub const EXIT_STATUS: &str = "\
Exit status:
  0  success; for plan and diff: nothing to change
  1  plan or diff found changes to make (a result, not an error)
  2  bad input: usage, DDL that does not parse, an unknown table, a refused
     table (plan exits 2 when a table is refused, even if others have changes)
  3  any other failure: server unreachable, task store error, output not
     written, a task that ran and did not succeed";

/// What a command that ran to its end found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done, or nothing to change. Exit status 0.
    Done,
    /// `plan` or `diff` found changes to make. Exit status 1.
    Changes,
}

impl Outcome {
    /// Exit status of the process.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Done => 0,
            Outcome::Changes => 1,
        }
    }
}

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// The input is wrong (DDL that does not parse, an unknown or refused
    /// table, a bad option): the user has to change it. Exit status 2, like
    /// a usage error.
    BadInput(String),
    /// Anything else (a server that cannot be reached, a task store error,
    /// a file that cannot be read, a task that did not succeed). Exit status 3.
    Other(String),
    /// The command's output could not be written.
    Output(io::Error),
}

impl Failure {
    /// Exit status of the process.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::BadInput(_) => 2,
            Failure::Other(_) | Failure::Output(_) => 3,
        }
    }

    /// Whether the output's reader went away (`| head`): not worth a message.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Failure::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::BadInput(msg) | Failure::Other(msg) => f.write_str(msg),
            Failure::Output(e) => write!(f, "cannot write the output: {e}"),
        }
    }
}

impl From<shadowsync_core::Error> for Failure {
    fn from(err: shadowsync_core::Error) -> Self {
        use shadowsync_core::Error;
        match err {
            Error::Parse(_) | Error::Refused { .. } | Error::InvalidName(_) => {
                Failure::BadInput(err.to_string())
            }
            other => Failure::Other(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_tell_changes_bad_input_and_failures_apart() {
        assert_eq!(Outcome::Done.exit_code(), 0);
        assert_eq!(Outcome::Changes.exit_code(), 1);
        assert_eq!(Failure::BadInput("x".into()).exit_code(), 2);
        assert_eq!(Failure::Other("x".into()).exit_code(), 3);
        let unreachable = shadowsync_core::Error::Executor("refused".into());
        assert_eq!(Failure::from(unreachable).exit_code(), 3);
    }
}
