//! MySQL option files (`~/.my.cnf` and the like), as a profile's
//! `mysql_option_file`: the `[client]` group, then the `[shadowsync]` group
//! (whose values win), and of those only the connection settings the CLI
//! uses. Other groups and options are left for the programs they are for.

use std::fs;
use std::path::{Path, PathBuf};

use super::mode::{check_not_world_writable, check_private};
use crate::failure::Failure;

/// The groups read, in order: a later group's value wins.
const GROUPS: [&str; 2] = ["client", "shadowsync"];

/// What an option file says about the connection.
#[derive(Default, Clone, PartialEq, Eq)]
pub struct OptionFile {
    /// The file.
    pub path: PathBuf,
    /// `user`.
    pub user: Option<String>,
    /// `password` (with a value: a bare `password` asks the MySQL client to prompt).
    pub password: Option<String>,
    /// `host`.
    pub host: Option<String>,
    /// `port`.
    pub port: Option<u16>,
    /// `ssl-mode`, `ssl-ca`, `ssl-cert`, `ssl-key`, as URL parameters.
    pub tls: Vec<(&'static str, String)>,
}

impl std::fmt::Debug for OptionFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OptionFile")
            .field("path", &self.path)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .finish()
    }
}

/// The TLS options read, each by the URL parameter it becomes.
const TLS_KEYS: [&str; 4] = ["ssl-mode", "ssl-ca", "ssl-cert", "ssl-key"];

impl OptionFile {
    /// Read `path` after the permission checks: never writable by every
    /// user, and private when it holds a password.
    pub fn read(path: &Path) -> Result<OptionFile, Failure> {
        check_not_world_writable(path, "MySQL option file")?;
        let text = fs::read_to_string(path)
            .map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", path.display())))?;
        let file = parse(path, &text)?;
        if file.password.is_some() {
            check_private(path, "MySQL option file")?;
        }
        Ok(file)
    }
}

/// The settings of `text`, the contents of `path` (named in errors).
fn parse(path: &Path, text: &str) -> Result<OptionFile, Failure> {
    let mut file = OptionFile {
        path: path.to_path_buf(),
        ..OptionFile::default()
    };
    let mut group_rank: Option<usize> = None;
    // Values by group rank, so that `[shadowsync]` wins wherever it stands.
    let mut seen: Vec<(usize, String, Option<String>)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let at =
            |why: String| Failure::BadInput(format!("{}:{}: {why}", path.display(), index + 1));
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('!') {
            let directive = line.split_whitespace().next().unwrap_or(line);
            return Err(at(format!(
                "`{directive}` is not followed: shadowsync reads only this file, so put the \
                 settings here (or name the included file as mysql_option_file)"
            )));
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .split_once(']')
                .map(|(name, _)| name.trim().to_ascii_lowercase())
                .ok_or_else(|| at(format!("unclosed group header `{line}`")))?;
            group_rank = GROUPS.iter().position(|g| *g == name);
            continue;
        }
        let Some(rank) = group_rank else { continue };
        let (key, value) = match line.split_once('=') {
            Some((key, value)) => (key, Some(value_of(value.trim()).map_err(at)?)),
            None => (line, None),
        };
        // Option names take `-` and `_` alike.
        let key = key.trim().replace('_', "-").to_ascii_lowercase();
        seen.push((rank, key, value));
    }
    seen.sort_by_key(|(rank, _, _)| *rank);
    for (_, key, value) in seen {
        match (key.as_str(), value) {
            ("user", Some(v)) => file.user = Some(v),
            ("password", v) => file.password = v,
            ("host", Some(v)) => file.host = Some(v),
            ("port", Some(v)) => {
                file.port = Some(v.parse().map_err(|_| {
                    Failure::BadInput(format!(
                        "{}: port must be a number from 1 to 65535, not `{v}`",
                        path.display()
                    ))
                })?)
            }
            (key, Some(v)) => {
                if let Some(name) = TLS_KEYS.iter().find(|k| **k == key) {
                    file.tls.retain(|(k, _)| k != name);
                    file.tls.push((name, v));
                }
            }
            _ => {}
        }
    }
    Ok(file)
}

/// An option value: quoted ('…' or "…") or bare up to a `#` comment, with
/// the MySQL escapes (`\b`, `\t`, `\n`, `\r`, `\\`, `\s`) replaced.
fn value_of(text: &str) -> Result<String, String> {
    let (body, quoted) = match text.chars().next() {
        Some(quote @ ('\'' | '"')) => {
            let inner = &text[1..];
            let end = closing_quote(inner, quote)
                .ok_or_else(|| format!("the value {quote}… has no closing {quote}"))?;
            let after = inner[end + 1..].trim();
            if !(after.is_empty() || after.starts_with('#')) {
                return Err(format!("unexpected `{after}` after the quoted value"));
            }
            (&inner[..end], true)
        }
        _ => (text.split('#').next().unwrap_or_default().trim_end(), false),
    };
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('s') => out.push(' '),
            Some('\\') => out.push('\\'),
            Some(q @ ('\'' | '"')) if quoted => out.push(q),
            // An unknown escape keeps its backslash, as the MySQL client does.
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Ok(out)
}

/// Byte index of the first `quote` in `text` not escaped by a backslash.
fn closing_quote(text: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == quote => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> OptionFile {
        parse(Path::new("my.cnf"), text).unwrap()
    }

    #[test]
    fn reads_the_client_and_shadowsync_groups() {
        let file = parsed(
            "# comment\n[mysqld]\npassword=server-side\n[shadowsync]\nhost = db.example\n\
             [client]\nuser=app\npassword = \"p#ss word\" # trailing\nhost=ignored\nport=3307\n\
             ssl_ca=/etc/ca.pem\nssl-mode=VERIFY_IDENTITY\n",
        );
        assert_eq!(file.user.as_deref(), Some("app"));
        assert_eq!(file.password.as_deref(), Some("p#ss word"));
        assert_eq!(
            file.host.as_deref(),
            Some("db.example"),
            "[shadowsync] wins"
        );
        assert_eq!(file.port, Some(3307));
        assert_eq!(
            file.tls,
            vec![
                ("ssl-ca", "/etc/ca.pem".to_string()),
                ("ssl-mode", "VERIFY_IDENTITY".to_string())
            ]
        );
    }

    #[test]
    fn values_are_unquoted_and_unescaped() {
        assert_eq!(value_of("'it''s'").ok(), None);
        assert_eq!(value_of(r#"'a\'b'"#).unwrap(), "a'b");
        assert_eq!(value_of(r#""a\sb\\c""#).unwrap(), r"a b\c");
        assert_eq!(value_of("plain # note").unwrap(), "plain");
        assert_eq!(value_of(r"x\qy").unwrap(), r"x\qy");
        assert!(value_of("\"open").is_err());
    }

    #[test]
    fn includes_are_refused_with_the_line() {
        let err = parse(
            Path::new("/home/u/.my.cnf"),
            "[client]\n!includedir /etc/mysql\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("/home/u/.my.cnf:2: `!includedir`"), "{err}");
    }

    #[test]
    fn a_bad_port_is_an_error() {
        let err = parse(Path::new("my.cnf"), "[client]\nport=http\n").unwrap_err();
        assert!(err.to_string().contains("`http`"), "{err}");
    }

    #[test]
    fn the_debug_form_hides_the_password() {
        let file = parsed("[client]\npassword=hunter22\n");
        assert!(!format!("{file:?}").contains("hunter22"));
    }
}
