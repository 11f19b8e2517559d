//! Why a command failed, and the exit status that tells it.

use std::{fmt, io};

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// The input is wrong (DDL that does not parse, a table that is refused):
    /// the user has to change it. Exit status 2, like a usage error.
    BadInput(String),
    /// Anything else (a file that cannot be read, an internal error).
    /// Exit status 1.
    Other(String),
    /// The command's output could not be written.
    Output(io::Error),
}

impl Failure {
    /// Exit status of the process.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::BadInput(_) => 2,
            Failure::Other(_) | Failure::Output(_) => 1,
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
