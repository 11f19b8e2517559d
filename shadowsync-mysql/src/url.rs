//! Connection URLs: driver options from a URL, and a printable form of it.

use mysql::{Opts, OptsBuilder};
use shadowsync_core::{Error, Result};

/// `url` with the password replaced by `***`, safe to print or log: the
/// project's one redaction, [`shadowsync_core::task::redact_url`].
pub use shadowsync_core::task::redact_url;

/// Driver options for `url`, forced onto TCP.
///
/// The driver's default (`prefer_socket`) asks the server for its socket path
/// after connecting to a loopback address and reconnects through it: an extra
/// round trip, and a socket that may belong to another server than the one
/// the URL names. The URL names a TCP endpoint, so that is what is used.
pub(crate) fn opts_from_url(url: &str) -> Result<Opts> {
    let opts = Opts::from_url(url)
        .map_err(|e| Error::Executor(format!("invalid connection URL {}: {e}", redact_url(url))))?;
    Ok(OptsBuilder::from_opts(opts).prefer_socket(false).into())
}

/// `opts` with the current database replaced.
pub(crate) fn with_db(opts: &Opts, database: Option<&str>) -> Opts {
    OptsBuilder::from_opts(opts.clone())
        .db_name(database)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_the_password_only() {
        assert_eq!(
            redact_url("mysql://shadowsync:s3cret@127.0.0.1:33061/db"),
            "mysql://shadowsync:***@127.0.0.1:33061/db"
        );
        assert_eq!(redact_url("mysql://u:p%40ss@h/"), "mysql://u:***@h/");
    }

    #[test]
    fn leaves_urls_without_password_alone() {
        for url in [
            "mysql://root@127.0.0.1:2881/",
            "mysql://h:3306/db",
            "not a url",
        ] {
            assert_eq!(redact_url(url), url);
        }
    }

    #[test]
    fn hides_unescaped_separators_in_passwords() {
        let out = redact_url("mysql://u:pa/ss@w@rd@host/db");
        assert_eq!(out, "mysql://u:***@host/db");
        assert!(!out.contains("pa/ss"));
        assert_eq!(redact_url("u:secret@host"), "u:***@host");
    }

    #[test]
    fn a_password_given_as_a_url_parameter_is_redacted_in_errors() {
        let err = opts_from_url("mysql://u@h/db?password=hunter22&bogus=1").unwrap_err();
        let msg = err.to_string();
        assert!(!msg.contains("hunter22"), "{msg}");
        assert!(msg.contains("password=***"), "{msg}");
    }

    #[test]
    fn invalid_url_error_is_redacted() {
        let err = opts_from_url("postgres://u:hunter22@h/db").unwrap_err();
        let msg = err.to_string();
        assert!(!msg.contains("hunter22"), "{msg}");
        assert!(msg.contains("u:***@h/db"), "{msg}");
    }
}
