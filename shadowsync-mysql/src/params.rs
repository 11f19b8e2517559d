//! shadowsync's own connection URL parameters: TLS, timeouts and the lock
//! wait, named like the MySQL client's options (`ssl-mode`, `ssl-ca`,
//! `connect-timeout`, …). They are read and removed from the URL here; the
//! rest of it goes to the driver. Keys are case-insensitive and accept `_`
//! for `-`.
//!
//! The driver's own spellings of the same things (`root_cert_path`,
//! `danger_accept_invalid_certs`, `tcp_connect_timeout_ms`, …) and the
//! `require_ssl` / `verify_ca` of other MySQL drivers are refused with a
//! pointer to ours, so that there is one way of saying each thing.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::connect::Timeouts;
use crate::tls::{SslMode, Tls};

/// Largest `lock-wait-timeout` the servers accept (one year, in seconds).
const MAX_LOCK_WAIT_SECS: u64 = 31_536_000;

/// Driver (or other drivers') URL parameters refused, with what to write instead.
const REFUSED: [(&str, &str); 12] = [
    ("require_ssl", "ssl-mode=required"),
    ("verify_ca", "ssl-mode=verify-ca"),
    ("verify_identity", "ssl-mode=verify-identity"),
    ("root_cert_path", "ssl-ca=PATH"),
    ("danger_accept_invalid_certs", "ssl-mode=required"),
    ("danger_skip_domain_validation", "ssl-mode=verify-ca"),
    ("cert_chain_path", "ssl-cert=PATH"),
    ("priv_key_path", "ssl-key=PATH"),
    ("pkcs12_path", "ssl-cert=PATH and ssl-key=PATH (PEM)"),
    ("pkcs12_pass", "ssl-cert=PATH and ssl-key=PATH (PEM)"),
    (
        "cipher_suites",
        "ssl-mode (the TLS library's default suites)",
    ),
    ("tcp_connect_timeout_ms", "connect-timeout=SECONDS"),
];

/// What shadowsync's parameters of one URL say, defaults filled in.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Params {
    /// `ssl-mode`, `ssl-ca`, `ssl-cert`, `ssl-key`.
    pub(crate) tls: Tls,
    /// `connect-timeout`, `read-timeout`, `write-timeout`.
    pub(crate) timeouts: Timeouts,
    /// `lock-wait-timeout`, when given.
    pub(crate) lock_wait: Option<Duration>,
}

/// `url` without shadowsync's parameters, and what they say. The error
/// names the parameter and never quotes the URL (the caller adds its
/// redacted form). A URL that does not parse is returned whole, for the
/// driver to report.
pub(crate) fn split(url: &str) -> Result<(String, Params), String> {
    let Ok(mut parsed) = Url::parse(url) else {
        return Ok((url.to_string(), Params::default()));
    };
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut params = Params::default();
    let mut seen: Vec<String> = Vec::new();
    let mut rest = Vec::new();
    for (key, value) in pairs {
        if let Some((_, instead)) = REFUSED.iter().find(|(name, _)| *name == key) {
            return Err(format!(
                "`{key}` is not accepted: shadowsync's spelling is {instead}"
            ));
        }
        let name = normalize(&key);
        if !params.set(&name, &value)? {
            rest.push((key, value));
            continue;
        }
        if seen.contains(&name) {
            return Err(format!("{name} is given twice"));
        }
        seen.push(name);
    }
    if seen.is_empty() {
        return Ok((url.to_string(), params));
    }
    if rest.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(rest);
    }
    Ok((parsed.into(), params))
}

/// `text` lower-cased, `_` read as `-`.
fn normalize(text: &str) -> String {
    text.to_ascii_lowercase().replace('_', "-")
}

impl Params {
    /// Records parameter `name` (normalized) = `value`; false when `name`
    /// is not one of shadowsync's.
    fn set(&mut self, name: &str, value: &str) -> Result<bool, String> {
        match name {
            "ssl-mode" => self.tls.mode = Some(ssl_mode(value)?),
            "ssl-ca" => self.tls.ca = Some(path(name, value)?),
            "ssl-cert" => self.tls.cert = Some(path(name, value)?),
            "ssl-key" => self.tls.key = Some(path(name, value)?),
            "connect-timeout" => self.timeouts.connect = seconds(name, value)?,
            "read-timeout" => self.timeouts.read = seconds(name, value)?,
            "write-timeout" => self.timeouts.write = seconds(name, value)?,
            "lock-wait-timeout" => self.lock_wait = Some(lock_wait(value)?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// The `ssl-mode` `value` names.
fn ssl_mode(value: &str) -> Result<SslMode, String> {
    match normalize(value).as_str() {
        "disabled" => Ok(SslMode::Disabled),
        "required" => Ok(SslMode::Required),
        "verify-ca" => Ok(SslMode::VerifyCa),
        "verify-identity" => Ok(SslMode::VerifyIdentity),
        _ => Err(format!(
            "ssl-mode: `{value}` is not one of disabled, required, verify-ca, verify-identity"
        )),
    }
}

/// A file path given as parameter `name`.
fn path(name: &str, value: &str) -> Result<PathBuf, String> {
    if value.is_empty() {
        return Err(format!("{name}: no file path given"));
    }
    Ok(PathBuf::from(value))
}

/// A timeout in seconds (fractions allowed); zero means none.
fn seconds(name: &str, value: &str) -> Result<Option<Duration>, String> {
    let bad = || format!("{name}: `{value}` is not a number of seconds (0 for no limit)");
    let secs: f64 = value.trim().parse().map_err(|_| bad())?;
    let duration = Duration::try_from_secs_f64(secs).map_err(|_| bad())?;
    Ok((!duration.is_zero()).then_some(duration))
}

/// `lock-wait-timeout`: whole seconds, as the server's variable takes them.
fn lock_wait(value: &str) -> Result<Duration, String> {
    match value.trim().parse::<u64>() {
        Ok(secs @ 1..=MAX_LOCK_WAIT_SECS) => Ok(Duration::from_secs(secs)),
        _ => Err(format!(
            "lock-wait-timeout: `{value}` is not a whole number of seconds from 1 to {MAX_LOCK_WAIT_SECS}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(url: &str) -> (String, Params) {
        split(url).unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    #[test]
    fn a_url_without_our_parameters_is_left_alone() {
        for url in [
            "mysql://u:p@h:1/db",
            "mysql://u:p@h:1/db?prefer_socket=false",
            "not a url",
        ] {
            assert_eq!(ok(url), (url.to_string(), Params::default()));
        }
    }

    #[test]
    fn our_parameters_are_removed_and_the_rest_kept() {
        let (rest, params) = ok(
            "mysql://u:p@h:1/db?ssl-mode=VERIFY_CA&stmt_cache_size=4&ssl_ca=%2Ftmp%2Fca%20x.pem\
             &connect-timeout=2.5&Read-Timeout=30&write-timeout=0&lock-wait-timeout=7",
        );
        assert_eq!(rest, "mysql://u:p@h:1/db?stmt_cache_size=4");
        assert_eq!(params.tls.mode, Some(SslMode::VerifyCa));
        assert_eq!(params.tls.ca, Some(PathBuf::from("/tmp/ca x.pem")));
        assert_eq!(params.timeouts.connect, Some(Duration::from_millis(2500)));
        assert_eq!(params.timeouts.read, Some(Duration::from_secs(30)));
        assert_eq!(params.timeouts.write, None);
        assert_eq!(params.lock_wait, Some(Duration::from_secs(7)));
        let (rest, _) = ok("mysql://u:p@h:1/db?ssl-mode=required");
        assert_eq!(rest, "mysql://u:p@h:1/db");
    }

    #[test]
    fn defaults_hold_where_nothing_is_given() {
        let (_, params) = ok("mysql://h/db?ssl-mode=disabled");
        assert_eq!(params.timeouts, Timeouts::default());
        assert_eq!(params.timeouts.connect, Some(Duration::from_secs(10)));
        assert_eq!(params.timeouts.read, None);
        assert_eq!(params.timeouts.write, Some(Duration::from_secs(60)));
        assert_eq!(params.lock_wait, None);
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (url, expected) in [
            (
                "mysql://h/?ssl-mode=maybe",
                "ssl-mode: `maybe` is not one of",
            ),
            ("mysql://h/?connect-timeout=soon", "connect-timeout: `soon`"),
            ("mysql://h/?read-timeout=-1", "read-timeout: `-1`"),
            ("mysql://h/?write-timeout=inf", "write-timeout: `inf`"),
            ("mysql://h/?lock-wait-timeout=0", "lock-wait-timeout: `0`"),
            (
                "mysql://h/?lock-wait-timeout=1.5",
                "lock-wait-timeout: `1.5`",
            ),
            ("mysql://h/?ssl-ca=", "ssl-ca: no file path"),
            (
                "mysql://h/?ssl-mode=required&ssl_mode=disabled",
                "ssl-mode is given twice",
            ),
        ] {
            let err = split(url).unwrap_err();
            assert!(err.contains(expected), "{url}: {err}");
        }
    }

    #[test]
    fn the_drivers_own_spellings_point_at_ours() {
        for (key, ours) in [
            ("require_ssl=true", "ssl-mode=required"),
            ("verify_ca=true", "ssl-mode=verify-ca"),
            ("root_cert_path=/x", "ssl-ca=PATH"),
            ("danger_accept_invalid_certs=true", "ssl-mode=required"),
            ("tcp_connect_timeout_ms=100", "connect-timeout=SECONDS"),
        ] {
            let err = split(&format!("mysql://h/?{key}")).unwrap_err();
            assert!(err.contains(ours), "{key}: {err}");
        }
    }
}
