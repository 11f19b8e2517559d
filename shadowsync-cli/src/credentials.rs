//! Where a command's server URL and password come from, so that no
//! password needs to be on the command line, where every user of the
//! machine can read it in the process list.
//!
//! The URL is the first of: `--url` (repeatable for `task run-due`),
//! `$SHADOWSYNC_URL`, the profile's `url`, or one built from the profile's
//! MySQL option file (`user`, `host`, `port`) and its `database`.
//!
//! The password is the first of: the one typed at `--password-prompt`'s
//! prompt; the one in a URL from `--url` or `$SHADOWSYNC_URL`;
//! `$SHADOWSYNC_PASSWORD`; the profile's (in its `url`, its `password` or
//! `password_file`, or its option file's `password`). Nothing is asked
//! without `--password-prompt`, and it refuses rather than wait when stdin
//! is not a terminal. The URL's user stays; the password goes into the URL
//! the driver gets, percent-encoded, and is never printed. The profile's
//! connection options are added as URL parameters the URL does not set.

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use shadowsync_mysql::redact_url;

use crate::config::{Profile, Secret, Settings};
use crate::context::{env_text, os_user};
use crate::failure::Failure;
use crate::runner::URL_VAR;

/// Environment variable holding the password of a URL that has none.
pub const PASSWORD_VAR: &str = "SHADOWSYNC_PASSWORD";

/// Set once the command-line password warning is printed.
static WARNED: AtomicBool = AtomicBool::new(false);

/// Where a URL came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    CommandLine,
    Environment,
    Profile,
    /// A file of URLs the command was given (a fleet file): its own
    /// passwords count, without the command line's warning (the file's
    /// privacy is checked where it is read).
    File,
}

/// The one server URL of a command, password included (see the module
/// documentation for where each part comes from).
pub fn server_url(given: Option<&str>, settings: &Settings) -> Result<String, Failure> {
    let given: Vec<String> = given.into_iter().map(str::to_string).collect();
    let mut urls = server_urls(&given, settings)?;
    Ok(urls.remove(0))
}

/// The server URLs of a command (at least one), passwords included.
pub fn server_urls(given: &[String], settings: &Settings) -> Result<Vec<String>, Failure> {
    let profile = settings.profile.as_ref();
    let (urls, layer) = if !given.is_empty() {
        (given.to_vec(), Layer::CommandLine)
    } else if let Some(url) = env_text(URL_VAR)?.filter(|u| !u.trim().is_empty()) {
        (vec![url], Layer::Environment)
    } else if let Some(url) = profile.map(profile_url).transpose()?.flatten() {
        (vec![url], Layer::Profile)
    } else {
        return Err(Failure::BadInput(format!(
            "give the server's URL with --url, {URL_VAR} or a config profile's `url` \
             (tasks store it without its password)"
        )));
    };
    if layer == Layer::CommandLine && urls.iter().any(|u| has_password(u)) {
        warn_once();
    }
    fill(&urls, layer, settings)
}

/// `url`, read from a file the command was given (a fleet file), with its
/// password found as for `--url`, minus the command line's warning.
pub fn file_url(url: &str, settings: &Settings) -> Result<String, Failure> {
    let mut urls = fill(&[url.to_string()], Layer::File, settings)?;
    Ok(urls.remove(0))
}

/// Each of `urls`, given in `layer`, with its password filled in.
fn fill(urls: &[String], layer: Layer, settings: &Settings) -> Result<Vec<String>, Failure> {
    let profile = settings.profile.as_ref();
    let mut typed: Option<Secret> = None;
    let mut out = Vec::with_capacity(urls.len());
    for url in urls {
        let password = if settings.prompt {
            if typed.is_none() {
                typed = Some(prompt(url)?);
            }
            typed.clone()
        } else if has_password(url) && layer != Layer::Profile {
            None
        } else if let Some(password) = env_text(PASSWORD_VAR)? {
            Some(Secret(password))
        } else if has_password(url) {
            None
        } else {
            profile.and_then(|p| p.password.clone())
        };
        let params = profile.map_or(&[][..], |p| &p.params[..]);
        out.push(assemble(
            url,
            password.as_ref().map(|s| s.0.as_str()),
            params,
        )?);
    }
    Ok(out)
}

/// Warns (once per process, as for `--url`) when `location`, a task store
/// given on the command line, is a URL carrying a password.
pub(crate) fn warn_if_store_has_password(location: &str) {
    if has_password(location) {
        warn_once();
    }
}

/// Whether `url` carries a password (the project's redaction finds one).
fn has_password(url: &str) -> bool {
    redact_url(url) != url
}

/// Tell, once per process, that a password on the command line is visible
/// to other users, as the MySQL client does.
fn warn_once() {
    if !WARNED.swap(true, Ordering::Relaxed) {
        eprintln!(
            "shadowsync: warning: a password on the command line can be seen by other users \
             in the process list; prefer {PASSWORD_VAR}, a config profile or --password-prompt"
        );
    }
}

/// The password typed on the terminal for `url`, not echoed.
fn prompt(url: &str) -> Result<Secret, Failure> {
    if !io::stdin().is_terminal() {
        return Err(Failure::BadInput(format!(
            "--password-prompt needs a terminal on stdin to ask on; set {PASSWORD_VAR} or \
             a profile's password_file instead"
        )));
    }
    let shown = redact_url(url);
    let who = shown
        .split_once("://")
        .map_or(shown.as_str(), |(_, rest)| rest)
        .split(['/', '?'])
        .next()
        .unwrap_or_default()
        .replace(":***@", "@");
    rpassword::prompt_password(format!("Password for {who}: "))
        .map(Secret)
        .map_err(|e| Failure::Other(format!("cannot read the password from the terminal: {e}")))
}

/// The profile's URL: its `url`, else one built from its option file's
/// user (default: the login name), host (default `localhost`) and port
/// (default 3306) and the profile's `database`; `None` without either.
fn profile_url(profile: &Profile) -> Result<Option<String>, Failure> {
    if let Some(url) = &profile.url {
        return Ok(Some(url.clone()));
    }
    let Some(file) = profile
        .option_file
        .as_ref()
        .filter(|o| o.user.is_some() || o.host.is_some() || o.port.is_some())
    else {
        return Ok(None);
    };
    let host = file.host.as_deref().unwrap_or("localhost");
    let bad = |what: &str| {
        Failure::BadInput(format!(
            "{}: the {what} of {} cannot go into a URL",
            profile.file.display(),
            file.path.display()
        ))
    };
    let mut url = url::Url::parse("mysql://localhost/").map_err(|_| bad("URL"))?;
    url.set_host(Some(host)).map_err(|_| bad("host"))?;
    url.set_port(Some(file.port.unwrap_or(3306)))
        .map_err(|()| bad("port"))?;
    let user = file.user.clone().unwrap_or_else(os_user);
    url.set_username(&utf8_percent_encode(&user, NON_ALPHANUMERIC).to_string())
        .map_err(|()| bad("user"))?;
    url.path_segments_mut()
        .map_err(|()| bad("database"))?
        .clear()
        .push(profile.database.as_deref().unwrap_or_default());
    Ok(Some(url.to_string()))
}

/// `url` with `password` (percent-encoded) in place of its own, and the
/// `params` it does not set already appended (percent-encoded). A URL that
/// needs neither is left exactly as written.
pub fn assemble(
    url: &str,
    password: Option<&str>,
    params: &[(&'static str, String)],
) -> Result<String, Failure> {
    if password.is_none() && params.is_empty() {
        return Ok(url.to_string());
    }
    let mut parsed = url::Url::parse(url).map_err(|e| {
        Failure::BadInput(format!("invalid connection URL {}: {e}", redact_url(url)))
    })?;
    if let Some(password) = password {
        // `set_password` takes `%` as the start of an escape: encode it all first.
        let encoded = utf8_percent_encode(password, NON_ALPHANUMERIC).to_string();
        parsed.set_password(Some(&encoded)).map_err(|()| {
            Failure::BadInput(format!(
                "the URL {} names no host to give a password for",
                redact_url(url)
            ))
        })?;
    }
    // The driver takes `-` and `_` alike in parameter names.
    let present: Vec<String> = parsed
        .query_pairs()
        .map(|(key, _)| key.replace('_', "-"))
        .collect();
    let missing: Vec<&(&str, String)> = params
        .iter()
        .filter(|(key, _)| !present.iter().any(|p| p == key))
        .collect();
    if !missing.is_empty() {
        let mut query = parsed.query_pairs_mut();
        for (key, value) in missing {
            query.append_pair(key, value);
        }
    }
    Ok(parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::OptionFile;

    #[test]
    fn passwords_are_percent_encoded_into_the_url() {
        let password = "p@ss:w/rd %41?#é";
        let url = assemble(
            "mysql://shadowsync@127.0.0.1:33061/shop",
            Some(password),
            &[],
        )
        .unwrap();
        assert_eq!(
            url,
            "mysql://shadowsync:p%40ss%3Aw%2Frd%20%2541%3F%23%C3%A9@127.0.0.1:33061/shop"
        );
        // The driver reads back exactly the password given.
        let opts = mysql::Opts::from_url(&url).unwrap();
        assert_eq!(opts.get_pass(), Some(password));
        assert_eq!(opts.get_user(), Some("shadowsync"));
        assert_eq!(opts.get_db_name(), Some("shop"));
    }

    #[test]
    fn a_url_that_needs_nothing_is_left_alone() {
        let odd = "mysql://u:pa/ss@w@rd@host/db";
        assert_eq!(assemble(odd, None, &[]).unwrap(), odd);
    }

    #[test]
    fn connection_options_become_parameters_the_url_lacks() {
        let params = vec![
            ("connect-timeout", "5".to_string()),
            ("ssl-ca", "/etc/my ca&.pem".to_string()),
            ("read-timeout", "30".to_string()),
        ];
        let url = assemble("mysql://u@h:1/db?read_timeout=9", None, &params).unwrap();
        assert_eq!(
            url,
            "mysql://u@h:1/db?read_timeout=9&connect-timeout=5&ssl-ca=%2Fetc%2Fmy+ca%26.pem"
        );
        let pairs: Vec<(String, String)> = url::Url::parse(&url)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert!(pairs.contains(&("ssl-ca".into(), "/etc/my ca&.pem".into())));
    }

    #[test]
    fn errors_hide_the_password() {
        let msg = assemble("mysql://u:hunter22@[::1/db", Some("x"), &[])
            .unwrap_err()
            .to_string();
        assert!(!msg.contains("hunter22"), "{msg}");
    }

    #[test]
    fn an_option_file_makes_a_url_with_the_profile_database() {
        let profile = Profile {
            database: Some("shop".into()),
            option_file: Some(OptionFile {
                user: Some("app user".into()),
                host: Some("db.example".into()),
                port: Some(3307),
                ..OptionFile::default()
            }),
            ..Profile::default()
        };
        assert_eq!(
            profile_url(&profile).unwrap().as_deref(),
            Some("mysql://app%20user@db.example:3307/shop")
        );
        assert_eq!(profile_url(&Profile::default()).unwrap(), None);
    }
}
