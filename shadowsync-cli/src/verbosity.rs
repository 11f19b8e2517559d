//! How much the CLI says on stderr: `-q` silences warnings and the live
//! progress line, `-v` (repeatable) raises the level of the library's
//! tracing records, colour only on a terminal and never under `NO_COLOR`.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once by `main` from `-q/--quiet`.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Records whether `-q` was given.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `-q` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A warning for the user on stderr, unless `-q`. A stderr that cannot be
/// written to is no reason to fail the command.
pub fn warn(message: &str) {
    if !quiet() {
        let _ = writeln!(io::stderr(), "shadowsync: warning: {message}");
    }
}

/// The message of a failed command on stderr (even under `-q`).
pub fn error(message: &str) {
    let _ = writeln!(io::stderr(), "shadowsync: {message}");
}

/// The level of the library's tracing records shown on stderr: errors
/// only under `-q`, warnings by default, then info, debug, trace for each `-v`.
pub fn tracing_level(quiet: bool, verbose: u8) -> tracing::Level {
    match (quiet, verbose) {
        (true, _) => tracing::Level::ERROR,
        (false, 0) => tracing::Level::WARN,
        (false, 1) => tracing::Level::INFO,
        (false, 2) => tracing::Level::DEBUG,
        (false, _) => tracing::Level::TRACE,
    }
}

/// Whether stderr gets colours: only on a terminal, and never when
/// `NO_COLOR` is set to anything but the empty string (no-color.org).
pub fn stderr_colour() -> bool {
    colour_allowed(
        std::env::var_os("NO_COLOR").as_deref(),
        io::stderr().is_terminal(),
    )
}

fn colour_allowed(no_color: Option<&std::ffi::OsStr>, terminal: bool) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn colour_needs_a_terminal_and_no_no_color() {
        assert!(colour_allowed(None, true));
        assert!(colour_allowed(Some(OsStr::new("")), true));
        assert!(!colour_allowed(Some(OsStr::new("1")), true));
        assert!(!colour_allowed(None, false));
    }

    #[test]
    fn each_v_raises_the_level_and_q_wins() {
        assert_eq!(tracing_level(false, 0), tracing::Level::WARN);
        assert_eq!(tracing_level(false, 1), tracing::Level::INFO);
        assert_eq!(tracing_level(false, 9), tracing::Level::TRACE);
        assert_eq!(tracing_level(true, 3), tracing::Level::ERROR);
    }
}
