//! Connection timeouts: `connect-timeout` bounds opening a connection (the
//! TCP connect and every wait for the server during the handshake, TLS and
//! login included), then the socket gets the session's `read-timeout` and
//! `write-timeout`.
//!
//! The driver knows one read and one write timeout per connection, given
//! when it opens the socket, so connections open with the connect timeout
//! as both and [`Timeouts::settle`] sets the session's on the socket after.
//! Without that, a server that accepts the TCP connection and never sends
//! its greeting would hold the caller forever (there is no read timeout by
//! default: one ALTER may run for hours).

use std::time::Duration;

use mysql::{Conn, OptsBuilder};

/// Default `connect-timeout`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default `write-timeout`: statements are small, so a write that cannot
/// go on for this long means the server or the network is gone.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// A connection's timeouts (`None`: no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeouts {
    /// `connect-timeout`: each wait while connecting.
    pub(crate) connect: Option<Duration>,
    /// `read-timeout`: each wait for the server's answer afterwards.
    pub(crate) read: Option<Duration>,
    /// `write-timeout`: each wait to send afterwards.
    pub(crate) write: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Some(DEFAULT_CONNECT_TIMEOUT),
            read: None,
            write: Some(DEFAULT_WRITE_TIMEOUT),
        }
    }
}

impl Timeouts {
    /// `builder` with the timeouts in force while a connection opens.
    pub(crate) fn connecting(&self, builder: OptsBuilder) -> OptsBuilder {
        builder
            .tcp_connect_timeout(self.connect)
            .read_timeout(self.connect.or(self.read))
            .write_timeout(self.connect.or(self.write))
    }

    /// Gives the socket of `conn`, just opened, the session's timeouts.
    #[cfg(unix)]
    pub(crate) fn settle(&self, conn: &Conn) -> std::io::Result<()> {
        use std::os::fd::{AsRawFd, BorrowedFd};
        // SAFETY: the descriptor is the open socket `conn` owns, and `conn`
        // is borrowed for as long as `fd` lives.
        let fd = unsafe { BorrowedFd::borrow_raw(conn.as_raw_fd()) };
        let socket = socket2::SockRef::from(&fd);
        socket.set_read_timeout(self.read)?;
        socket.set_write_timeout(self.write)
    }

    /// Elsewhere connections keep the timeouts they opened with.
    #[cfg(not(unix))]
    pub(crate) fn settle(&self, _conn: &Conn) -> std::io::Result<()> {
        Ok(())
    }

    /// What expired, for a timeout `err` raised while connecting (`connecting`)
    /// or afterwards, with how to change it; `None` when `err` is no timeout.
    pub(crate) fn explain(&self, err: &mysql::Error, connecting: bool) -> Option<String> {
        if !is_timeout(err) {
            return None;
        }
        let candidates = if connecting {
            vec![("connect-timeout", self.connect)]
        } else {
            // The socket does not tell a read's timeout from a write's.
            vec![("read-timeout", self.read), ("write-timeout", self.write)]
        };
        let set: Vec<(&str, Duration)> = candidates
            .into_iter()
            .filter_map(|(name, value)| Some((name, value?)))
            .collect();
        if set.is_empty() {
            // Not one of ours (the system's own TCP connect timeout, say).
            return None;
        }
        let expired = set
            .iter()
            .map(|(name, value)| format!("{name} ({})", seconds(*value)))
            .collect::<Vec<_>>()
            .join(" or ");
        let change = set
            .iter()
            .map(|(name, _)| format!("{name}=SECONDS"))
            .collect::<Vec<_>>()
            .join(" or ");
        Some(format!(
            "the server did not answer in time: {expired} expired (change it with the \
             URL parameter {change}; 0 for no limit)"
        ))
    }
}

/// `duration` as operators write it: `10 s`, `2.5 s`.
fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

/// Whether `err` is a timeout of the socket or of the TCP connect.
fn is_timeout(err: &mysql::Error) -> bool {
    use std::error::Error as _;
    use std::io::ErrorKind::{TimedOut, WouldBlock};
    let io = match err {
        mysql::Error::IoError(e) => Some(e),
        // Reads fail inside the packet codec, which keeps the I/O error as its source.
        mysql::Error::CodecError(e) => e.source().and_then(|s| s.downcast_ref::<std::io::Error>()),
        mysql::Error::DriverError(mysql::DriverError::ConnectTimeout) => return true,
        _ => None,
    };
    io.is_some_and(|e| matches!(e.kind(), WouldBlock | TimedOut))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io_timeout() -> mysql::Error {
        mysql::Error::IoError(std::io::Error::from(std::io::ErrorKind::WouldBlock))
    }

    #[test]
    fn a_timeout_names_the_parameter_that_expired() {
        let t = Timeouts {
            connect: Some(Duration::from_secs(1)),
            read: Some(Duration::from_millis(2500)),
            write: None,
        };
        let msg = t.explain(&io_timeout(), true).unwrap();
        assert!(msg.contains("connect-timeout (1 s) expired"), "{msg}");
        assert!(
            msg.contains("URL parameter connect-timeout=SECONDS"),
            "{msg}"
        );
        let msg = t.explain(&io_timeout(), false).unwrap();
        assert!(msg.contains("read-timeout (2.5 s) expired"), "{msg}");
        let msg = Timeouts::default().explain(&io_timeout(), false).unwrap();
        assert!(msg.contains("write-timeout (60 s) expired"), "{msg}");
        let connect = mysql::Error::DriverError(mysql::DriverError::ConnectTimeout);
        assert!(t.explain(&connect, true).is_some());
    }

    #[test]
    fn other_errors_are_not_timeouts() {
        let refused =
            mysql::Error::IoError(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert_eq!(Timeouts::default().explain(&refused, true), None);
    }

    #[test]
    fn connecting_uses_the_connect_timeout_for_every_wait() {
        let opts: mysql::Opts = Timeouts::default().connecting(OptsBuilder::new()).into();
        assert_eq!(
            opts.get_tcp_connect_timeout(),
            Some(DEFAULT_CONNECT_TIMEOUT)
        );
        assert_eq!(opts.get_read_timeout(), Some(&DEFAULT_CONNECT_TIMEOUT));
        assert_eq!(opts.get_write_timeout(), Some(&DEFAULT_CONNECT_TIMEOUT));
    }
}
