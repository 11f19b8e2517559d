//! Connection URLs: driver options from a URL, and a printable form of it.

use std::time::Duration;

use mysql::{Opts, OptsBuilder};
use shadowsync_core::{Error, Result};

use crate::connect::Timeouts;
use crate::params;

/// `url` with the password replaced by `***`, safe to print or log: the
/// project's one redaction, [`shadowsync_core::task::redact_url`].
pub use shadowsync_core::task::redact_url;

/// What one connection URL says: the driver's options and shadowsync's own
/// parameters (see [`crate::params`]).
pub(crate) struct Target {
    /// Driver options, TLS included, with the timeouts of connecting (see
    /// [`Timeouts::connecting`]).
    pub(crate) opts: Opts,
    /// The timeouts, to settle on each connection once open.
    pub(crate) timeouts: Timeouts,
    /// `lock-wait-timeout`, when the URL gives it.
    pub(crate) lock_wait: Option<Duration>,
}

/// What `url` says, forced onto TCP.
///
/// The driver's default (`prefer_socket`) asks the server for its socket path
/// after connecting to a loopback address and reconnects through it: an extra
/// round trip, and a socket that may belong to another server than the one
/// the URL names. The URL names a TCP endpoint, so that is what is used.
pub(crate) fn target_from_url(url: &str) -> Result<Target> {
    let invalid = |e: &dyn std::fmt::Display| {
        Error::Executor(format!("invalid connection URL {}: {e}", redact_url(url)))
    };
    let (rest, params) = params::split(url).map_err(|e| invalid(&e))?;
    let ssl = params.tls.ssl_opts().map_err(|e| invalid(&e))?;
    let opts = Opts::from_url(&rest).map_err(|e| invalid(&e))?;
    let builder = OptsBuilder::from_opts(opts)
        .prefer_socket(false)
        .ssl_opts(ssl);
    Ok(Target {
        opts: params.timeouts.connecting(builder).into(),
        timeouts: params.timeouts,
        lock_wait: params.lock_wait,
    })
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

    /// The message of the error `url` gives (a [`Target`] has no `Debug`:
    /// it holds the password).
    fn error_of(url: &str) -> String {
        match target_from_url(url) {
            Ok(_) => panic!("{url} is accepted"),
            Err(e) => e.to_string(),
        }
    }

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
        let msg = error_of("mysql://u@h/db?password=hunter22&bogus=1");
        assert!(!msg.contains("hunter22"), "{msg}");
        assert!(msg.contains("password=***"), "{msg}");
    }

    #[test]
    fn our_parameter_errors_are_redacted_too() {
        let msg = error_of("mysql://u:hunter22@h/db?ssl-mode=sometimes");
        assert!(!msg.contains("hunter22"), "{msg}");
        assert!(msg.contains("u:***@h/db"), "{msg}");
        assert!(msg.contains("ssl-mode: `sometimes`"), "{msg}");
    }

    #[test]
    fn tls_and_timeouts_reach_the_driver_options() {
        let target = target_from_url(
            "mysql://u@h/db?ssl-mode=required&connect-timeout=3&read-timeout=20\
             &lock-wait-timeout=9&stmt_cache_size=4",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let ssl = target.opts.get_ssl_opts().expect("TLS asked for");
        assert!(ssl.accept_invalid_certs());
        assert_eq!(target.opts.get_stmt_cache_size(), 4);
        assert_eq!(
            target.opts.get_read_timeout(),
            Some(&Duration::from_secs(3))
        );
        assert_eq!(target.timeouts.read, Some(Duration::from_secs(20)));
        assert_eq!(target.lock_wait, Some(Duration::from_secs(9)));
        let plain = target_from_url("mysql://u@h/db").unwrap_or_else(|e| panic!("{e}"));
        assert!(plain.opts.get_ssl_opts().is_none());
        assert!(!plain.opts.get_prefer_socket());
    }

    #[test]
    fn invalid_url_error_is_redacted() {
        let msg = error_of("postgres://u:hunter22@h/db");
        assert!(!msg.contains("hunter22"), "{msg}");
        assert!(msg.contains("u:***@h/db"), "{msg}");
    }
}
