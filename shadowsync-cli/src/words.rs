//! The words options take, parsed by the host layer's one parser each
//! (`shadowsync::host::options`), as clap value parsers.

use shadowsync_core::task::ErrorStrategy;
use shadowsync_mysql::Introspection;

/// `--on-error abort|continue`.
pub fn error_strategy(word: &str) -> Result<ErrorStrategy, String> {
    shadowsync::host::options::parse_error_strategy(word).map_err(|e| e.to_string())
}

/// `--introspection auto|show-create|catalog`.
pub fn introspection(word: &str) -> Result<Introspection, String> {
    shadowsync::host::options::parse_introspection(word).map_err(|e| e.to_string())
}
