//! TLS for a connection, from the URL's `ssl-mode`, `ssl-ca`, `ssl-cert`
//! and `ssl-key` (see [`crate::params`]), as the driver's [`SslOpts`].
//!
//! The driver's TLS is rustls: the roots it trusts are Mozilla's (the
//! `webpki-roots` set built into the binary, not the system store) plus the
//! certificates of `ssl-ca`.

use std::path::{Path, PathBuf};

use mysql::{ClientIdentity, SslOpts};

/// How much of TLS a connection asks for, as the MySQL client's
/// `--ssl-mode` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SslMode {
    /// No TLS (the default).
    Disabled,
    /// Encrypted, the server's certificate not checked.
    Required,
    /// Encrypted, the certificate chain checked, not the host name.
    VerifyCa,
    /// Encrypted, the chain and the host name checked.
    VerifyIdentity,
}

/// The TLS parameters of one URL, as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tls {
    /// `ssl-mode`.
    pub(crate) mode: Option<SslMode>,
    /// `ssl-ca`: PEM certificates trusted besides the built-in roots.
    pub(crate) ca: Option<PathBuf>,
    /// `ssl-cert`: the client's PEM certificate (chain).
    pub(crate) cert: Option<PathBuf>,
    /// `ssl-key`: the client's PEM private key.
    pub(crate) key: Option<PathBuf>,
}

impl Tls {
    /// The driver's TLS options, `None` for no TLS. `ssl-ca` without a mode
    /// means `verify-identity`; contradictions and unreadable files are
    /// errors naming the parameter.
    pub(crate) fn ssl_opts(&self) -> Result<Option<SslOpts>, String> {
        let mode = match (self.mode, &self.ca) {
            (Some(mode), _) => mode,
            (None, Some(_)) => SslMode::VerifyIdentity,
            (None, None) if self.cert.is_some() || self.key.is_some() => {
                return Err("ssl-cert and ssl-key are sent over TLS only: add ssl-mode \
                            (verify-identity, verify-ca or required)"
                    .into())
            }
            (None, None) => SslMode::Disabled,
        };
        if mode == SslMode::Disabled {
            if let Some(name) = self.given().first() {
                return Err(format!("{name} is given but ssl-mode is disabled"));
            }
            return Ok(None);
        }
        if mode == SslMode::Required && self.ca.is_some() {
            return Err(
                "ssl-ca is only used to verify the server, which ssl-mode=required \
                        does not: use ssl-mode=verify-ca or verify-identity"
                    .into(),
            );
        }
        let mut opts = SslOpts::default();
        if let Some(ca) = &self.ca {
            check_pem("ssl-ca", ca, "-----BEGIN CERTIFICATE-----", "certificate")?;
            opts = opts.with_root_cert_path(Some(ca.clone()));
        }
        match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => {
                check_pem(
                    "ssl-cert",
                    cert,
                    "-----BEGIN CERTIFICATE-----",
                    "certificate",
                )?;
                check_pem("ssl-key", key, "PRIVATE KEY-----", "private key")?;
                let identity = ClientIdentity::new(cert.clone(), key.clone());
                opts = opts.with_client_identity(Some(identity));
            }
            (Some(_), None) => return Err("ssl-cert is given without ssl-key".into()),
            (None, Some(_)) => return Err("ssl-key is given without ssl-cert".into()),
            (None, None) => {}
        }
        Ok(Some(match mode {
            SslMode::Required => opts
                .with_danger_accept_invalid_certs(true)
                .with_danger_skip_domain_validation(true),
            SslMode::VerifyCa => opts.with_danger_skip_domain_validation(true),
            SslMode::VerifyIdentity | SslMode::Disabled => opts,
        }))
    }

    /// The names of the file parameters given.
    fn given(&self) -> Vec<&'static str> {
        [
            ("ssl-ca", &self.ca),
            ("ssl-cert", &self.cert),
            ("ssl-key", &self.key),
        ]
        .into_iter()
        .filter(|(_, path)| path.is_some())
        .map(|(name, _)| name)
        .collect()
    }
}

/// What to do about a TLS connection `err` that refused the server's
/// certificate; `None` for other errors. The driver's error keeps rustls'
/// error only as text (`invalid peer certificate: UnknownIssuer`), so the
/// text is what is matched.
pub(crate) fn explain(err: &mysql::Error) -> Option<String> {
    err.to_string()
        .contains("invalid peer certificate")
        .then(|| {
            "the server's certificate is not accepted: verify-ca and verify-identity want it \
         signed by the CA of ssl-ca=PATH (or a built-in root), verify-identity also for the \
         URL's host name"
                .to_string()
        })
}

/// Checks that `path`, given as parameter `name`, can be read and holds a
/// PEM block whose marker contains `marker` (a `what`): the driver would
/// otherwise fail later, without naming the parameter.
fn check_pem(name: &str, path: &Path, marker: &str, what: &str) -> Result<(), String> {
    let text =
        std::fs::read(path).map_err(|e| format!("{name}: cannot read {}: {e}", path.display()))?;
    if !String::from_utf8_lossy(&text).contains(marker) {
        return Err(format!(
            "{name}: {} holds no PEM {what} (`{marker}`)",
            path.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file in the temporary directory holding `text`, removed on drop.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(name: &str, text: &str) -> TempFile {
            let path =
                std::env::temp_dir().join(format!("shadowsync-tls-{}-{name}", std::process::id()));
            std::fs::write(&path, text).expect("writes the temporary file");
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    const CERT: &str = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";

    fn tls(mode: Option<SslMode>, ca: Option<&Path>) -> Tls {
        Tls {
            mode,
            ca: ca.map(Path::to_path_buf),
            ..Tls::default()
        }
    }

    #[test]
    fn modes_map_to_the_drivers_checks() {
        let ca = TempFile::new("ca.pem", CERT);
        assert_eq!(tls(None, None).ssl_opts(), Ok(None));
        assert_eq!(tls(Some(SslMode::Disabled), None).ssl_opts(), Ok(None));
        let required = tls(Some(SslMode::Required), None)
            .ssl_opts()
            .unwrap()
            .unwrap();
        assert!(required.accept_invalid_certs() && required.skip_domain_validation());
        let verify_ca = tls(Some(SslMode::VerifyCa), Some(&ca.0))
            .ssl_opts()
            .unwrap()
            .unwrap();
        assert!(!verify_ca.accept_invalid_certs() && verify_ca.skip_domain_validation());
        assert_eq!(verify_ca.root_cert_path(), Some(ca.0.as_path()));
        // ssl-ca alone means verify-identity.
        let identity = tls(None, Some(&ca.0)).ssl_opts().unwrap().unwrap();
        assert!(!identity.accept_invalid_certs() && !identity.skip_domain_validation());
    }

    #[test]
    fn a_client_certificate_needs_its_key_and_a_mode() {
        let cert = TempFile::new("cert.pem", CERT);
        let key = TempFile::new("key.pem", KEY);
        let both = Tls {
            mode: Some(SslMode::VerifyCa),
            cert: Some(cert.0.clone()),
            key: Some(key.0.clone()),
            ..Tls::default()
        };
        let opts = both.ssl_opts().unwrap().unwrap();
        let identity = opts.client_identity().expect("a client identity");
        assert_eq!(identity.cert_chain_path(), cert.0.as_path());
        let no_key = Tls {
            key: None,
            ..both.clone()
        };
        assert_eq!(
            no_key.ssl_opts().unwrap_err(),
            "ssl-cert is given without ssl-key"
        );
        let no_mode = Tls { mode: None, ..both };
        assert!(no_mode.ssl_opts().unwrap_err().contains("add ssl-mode"));
    }

    #[test]
    fn contradictions_and_bad_files_are_refused() {
        let ca = TempFile::new("ca2.pem", CERT);
        let not_pem = TempFile::new("not.pem", "hello");
        let err = |t: Tls| t.ssl_opts().unwrap_err();
        assert_eq!(
            err(tls(Some(SslMode::Disabled), Some(&ca.0))),
            "ssl-ca is given but ssl-mode is disabled"
        );
        assert!(err(tls(Some(SslMode::Required), Some(&ca.0))).contains("ssl-mode=verify-ca"));
        let missing = Path::new("/nonexistent/shadowsync/ca.pem");
        let msg = err(tls(Some(SslMode::VerifyCa), Some(missing)));
        assert!(
            msg.starts_with("ssl-ca: cannot read /nonexistent/shadowsync/ca.pem"),
            "{msg}"
        );
        let msg = err(tls(Some(SslMode::VerifyCa), Some(&not_pem.0)));
        assert!(msg.contains("holds no PEM certificate"), "{msg}");
    }
}
