//! What a server tells one account about tables and another account's
//! privileges: the facts the readiness check ([`crate::check`]) reads
//! through the [`crate::Executor`] beside the schema.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::render::quote_string;

/// What `SHOW CREATE TABLE` answered the checking account for one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TableProbe {
    /// The table exists and the account reads its definition.
    Readable,
    /// The table does not exist (the server says so: error 1146).
    Absent,
    /// The account may not see the table (error 1142): it may or may not
    /// exist, which the server does not tell such an account.
    Denied {
        /// The server's answer.
        message: String,
    },
}

/// A server account, `'user'@'host'`; a MariaDB role has no host.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Account {
    /// The user (or role) name.
    pub user: String,
    /// The host pattern (`%` for any); `None` for a role.
    pub host: Option<String>,
}

impl Account {
    /// Read an account as users write it: `'app'@'%'`, `` `app`@`10.%` ``,
    /// `"app"@"%"`, `app@%` or `app` (any host, `%`). Quoted parts double
    /// their quote to contain it.
    pub fn parse(text: &str) -> Result<Account> {
        let bad = |why: &str| {
            Error::InvalidRequest(format!(
                "app user `{text}` {why}: write it as 'user'@'host' or user@host"
            ))
        };
        let text = text.trim();
        let (user, rest) = match text.chars().next() {
            Some(q @ ('\'' | '"' | '`')) => {
                unquote(&text[1..], q).ok_or_else(|| bad("has no closing quote"))?
            }
            _ => match text.rsplit_once('@') {
                Some((user, _)) => (user.to_string(), &text[user.len()..]),
                None => (text.to_string(), ""),
            },
        };
        let host = match rest.strip_prefix('@') {
            None if rest.is_empty() => "%".to_string(),
            None => return Err(bad("has text after the user name")),
            Some(host) => match host.chars().next() {
                Some(q @ ('\'' | '"' | '`')) => match unquote(&host[1..], q) {
                    Some((name, "")) => name,
                    Some(_) => return Err(bad("has text after the host")),
                    None => return Err(bad("has no closing quote")),
                },
                _ => host.to_string(),
            },
        };
        if user.is_empty() {
            return Err(bad("names no user"));
        }
        if host.is_empty() {
            return Err(bad("names no host"));
        }
        Ok(Account {
            user,
            host: Some(host),
        })
    }

    /// A role (no host), as MariaDB names it in `GRANT role TO user`.
    pub fn role(name: &str) -> Account {
        Account {
            user: name.to_string(),
            host: None,
        }
    }
}

/// The text after an opening `quote` up to its closing one (a doubled
/// quote stands for one), and what follows it.
fn unquote(text: &str, quote: char) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == quote {
            if chars.peek().map(|&(_, n)| n) == Some(quote) {
                chars.next();
                out.push(quote);
            } else {
                return Some((out, &text[i + c.len_utf8()..]));
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// `'user'@'host'` (`'role'` for a role), each part a quoted string
/// literal: the form `SHOW GRANTS FOR` takes.
impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&quote_string(&self.user))?;
        if let Some(host) = &self.host {
            write!(f, "@{}", quote_string(host))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_read_every_usual_spelling() {
        let app = |host: &str| Account {
            user: "app".into(),
            host: Some(host.into()),
        };
        assert_eq!(Account::parse("'app'@'%'").unwrap(), app("%"));
        assert_eq!(Account::parse("app@%").unwrap(), app("%"));
        assert_eq!(Account::parse(" app ").unwrap(), app("%"));
        assert_eq!(Account::parse("`app`@`10.0.%`").unwrap(), app("10.0.%"));
        assert_eq!(
            Account::parse("\"app\"@localhost").unwrap(),
            app("localhost")
        );
        let odd = Account::parse("'o''b@x'@'h'").unwrap();
        assert_eq!(
            (odd.user.as_str(), odd.host.as_deref()),
            ("o'b@x", Some("h"))
        );
        assert_eq!(odd.to_string(), "'o''b@x'@'h'");
        assert_eq!(Account::role("r").to_string(), "'r'");
        for bad in ["", "'app", "'app'x", "@%", "app@", "'app'@'%", "'app'@'%'x"] {
            let err = Account::parse(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidRequest(_)), "{bad}: {err:?}");
        }
    }
}
