//! Mapping driver errors to [`shadowsync_core::Error::Executor`] without
//! leaking the connection password.

use shadowsync_core::Error;

use crate::connect::Timeouts;

/// MySQL error `ER_NO_SUCH_TABLE` (also used by MariaDB and OceanBase).
pub(crate) const ER_NO_SUCH_TABLE: u16 = 1146;

/// Server error code of `err`, when the server (not the driver) failed.
pub(crate) fn server_code(err: &mysql::Error) -> Option<u16> {
    match err {
        mysql::Error::MySqlError(e) => Some(e.code),
        _ => None,
    }
}

/// Server errors that mean the session is gone: `ER_SERVER_SHUTDOWN` (1053),
/// `ER_CONNECTION_KILLED` (MariaDB 1927), and the client's
/// `CR_SERVER_GONE_ERROR` / `CR_SERVER_LOST` (2006, 2013) where a server
/// or proxy sends them.
const SESSION_GONE: [u16; 4] = [1053, 1927, 2006, 2013];

/// Whether `err` means the connection is lost, so that whatever was in
/// flight may or may not have run: the driver's I/O and protocol failures
/// and the server errors of [`SESSION_GONE`].
pub(crate) fn connection_lost(err: &mysql::Error) -> bool {
    match err {
        mysql::Error::IoError(_) | mysql::Error::CodecError(_) => true,
        mysql::Error::DriverError(e) => matches!(
            e,
            mysql::DriverError::PacketOutOfSync
                | mysql::DriverError::UnexpectedPacket
                | mysql::DriverError::Timeout
        ),
        mysql::Error::MySqlError(e) => SESSION_GONE.contains(&e.code),
        _ => false,
    }
}

/// Removes the password from error messages, and says which timeout
/// expired when one did.
///
/// The driver and server never echo the password on purpose, but a message
/// can quote user input that contains it (a URL, a statement); scrubbing the
/// final text holds whatever the message is built from.
#[derive(Clone, Default)]
pub(crate) struct Scrubber {
    password: Option<String>,
    /// The connection's timeouts, to name the one that expired.
    timeouts: Option<Timeouts>,
}

impl Scrubber {
    /// A scrubber for `password` (nothing to hide when `None` or empty).
    pub(crate) fn new(password: Option<&str>) -> Self {
        Scrubber {
            password: password.filter(|p| !p.is_empty()).map(str::to_string),
            timeouts: None,
        }
    }

    /// This scrubber, its messages naming which of `timeouts` expired.
    pub(crate) fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// The error of a failed attempt to connect to `url` (redacted).
    pub(crate) fn connect_error(&self, url: &str, err: &mysql::Error) -> Error {
        let message = self.connect_message(url, err);
        if connection_lost(err) {
            Error::ConnectionLost(message)
        } else {
            Error::Executor(message)
        }
    }

    /// `message` with every occurrence of the password replaced by `***`.
    pub(crate) fn scrub(&self, message: String) -> String {
        match &self.password {
            Some(p) if message.contains(p.as_str()) => message.replace(p.as_str(), "***"),
            _ => message,
        }
    }

    /// The text of [`Scrubber::connect_error`].
    pub(crate) fn connect_message(&self, url: &str, err: &mysql::Error) -> String {
        self.text(&format!("cannot connect to {url}"), err, true)
    }

    /// An executor error: `context`, then the server's or driver's message
    /// (server errors in the client's familiar `ERROR code (state): text` form).
    /// A lost connection is [`Error::ConnectionLost`] (see [`connection_lost`]).
    pub(crate) fn error(&self, context: &str, err: &mysql::Error) -> Error {
        if connection_lost(err) {
            Error::ConnectionLost(self.message(context, err))
        } else {
            Error::Executor(self.message(context, err))
        }
    }

    /// The text of [`Scrubber::error`], for callers reporting another kind
    /// of error.
    pub(crate) fn message(&self, context: &str, err: &mysql::Error) -> String {
        self.text(context, err, false)
    }

    /// [`Scrubber::message`] for an error raised while connecting
    /// (`connecting`) or afterwards.
    fn text(&self, context: &str, err: &mysql::Error, connecting: bool) -> String {
        let hint = self
            .timeouts
            .and_then(|t| t.explain(err, connecting))
            .or_else(|| connecting.then(|| crate::tls::explain(err)).flatten());
        let context = match hint {
            Some(hint) => format!("{context}: {hint}"),
            None => context.to_string(),
        };
        let message = match err {
            mysql::Error::MySqlError(e) => {
                format!("{context}: ERROR {} ({}): {}", e.code, e.state, e.message)
            }
            other => format!("{context}: {other}"),
        };
        self.scrub(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_hides_the_password_everywhere() {
        let s = Scrubber::new(Some("hunter22"));
        assert_eq!(s.scrub("a hunter22 b hunter22".to_string()), "a *** b ***");
        assert_eq!(Scrubber::new(Some("")).scrub("x".into()), "x");
        assert_eq!(Scrubber::new(None).scrub("x".into()), "x");
    }
}
