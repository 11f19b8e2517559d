//! Task logs: entries, filters, text export, and the redaction that keeps
//! passwords out of every log line.

use std::fmt::{self, Write};

use serde::{Deserialize, Serialize};

use crate::executor::Millis;

use super::TaskId;

/// Severity of a log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum LogLevel {
    /// Progress.
    Info,
    /// Something needs attention but the task goes on.
    Warn,
    /// Something failed.
    Error,
}

impl LogLevel {
    /// `INFO`, `WARN` or `ERROR`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Info => "INFO",
            LogLevel::Warn => "WARN",
            LogLevel::Error => "ERROR",
        }
    }

    /// The level called `name` (as written by [`LogLevel::as_str`]).
    pub fn from_name(name: &str) -> Option<LogLevel> {
        [LogLevel::Info, LogLevel::Warn, LogLevel::Error]
            .into_iter()
            .find(|l| l.as_str() == name)
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of a task's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// The task.
    pub task: TaskId,
    /// When.
    pub at: Millis,
    /// Severity.
    pub level: LogLevel,
    /// What happened (already redacted).
    pub message: String,
}

/// Which entries of a log to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogFilter {
    /// Only WARN and ERROR entries (the alert log).
    pub alerts_only: bool,
    /// Only entries whose message contains this text (case-insensitive).
    pub contains: Option<String>,
}

impl LogFilter {
    /// Every entry.
    pub fn all() -> LogFilter {
        LogFilter::default()
    }

    /// WARN and ERROR entries.
    pub fn alerts() -> LogFilter {
        LogFilter {
            alerts_only: true,
            contains: None,
        }
    }

    /// Entries whose message contains `text`, case-insensitively.
    pub fn search(text: impl Into<String>) -> LogFilter {
        LogFilter {
            alerts_only: false,
            contains: Some(text.into()),
        }
    }

    /// Whether `entry` passes.
    pub fn matches(&self, entry: &LogEntry) -> bool {
        if self.alerts_only && entry.level < LogLevel::Warn {
            return false;
        }
        match &self.contains {
            Some(text) => entry.message.to_lowercase().contains(&text.to_lowercase()),
            None => true,
        }
    }

    /// The entries that pass, in their order.
    pub fn apply(&self, entries: Vec<LogEntry>) -> Vec<LogEntry> {
        entries.into_iter().filter(|e| self.matches(e)).collect()
    }
}

/// The entries as text, one line each: `time level message`, time in
/// ISO-8601 UTC. Line breaks inside a message are escaped so every entry stays
/// on one line.
pub fn export_text(entries: &[LogEntry]) -> String {
    let mut out = String::new();
    for e in entries {
        let message = e
            .message
            .replace('\\', "\\\\")
            .replace('\r', "\\r")
            .replace('\n', "\\n");
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{} {} {}", format_utc(e.at), e.level, message);
    }
    out
}

/// `millis` as ISO-8601 UTC with milliseconds, e.g. `2024-05-01T08:30:00.000Z`
/// (by jiff). Instants beyond jiff's range (years ±9999) are shown as a
/// count of milliseconds rather than a wrong date.
pub fn format_utc(millis: Millis) -> String {
    match jiff::Timestamp::from_millisecond(millis) {
        Ok(instant) => instant.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Err(_) => format!("{millis} ms since 1970-01-01T00:00:00Z"),
    }
}

/// `url` with the password of its user part masked:
/// `mysql://user:pass@host/db` becomes `mysql://user:***@host/db`; a
/// `password=` or `pwd=` query parameter is masked too. A URL without a
/// scheme (`user:pass@host`) is read as an authority. The one redaction of
/// the whole project: every crate and front end calls this or
/// [`redact_text`].
pub fn redact_url(url: &str) -> String {
    if url.contains("://") {
        return redact_text(url);
    }
    let masked = redact_text(&format!("x://{url}"));
    masked.strip_prefix("x://").unwrap_or(&masked).to_string()
}

/// `text` with every credential it may carry masked: the password of any
/// `scheme://user:password@host` and the value of any `password=` / `pwd=`
/// pair. Applied to every log message and stored error, since driver errors
/// may quote the connection string.
pub fn redact_text(text: &str) -> String {
    mask_key_values(&mask_url_passwords(text))
}

const MASK: &str = "***";

fn mask_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        // The URL ends where it ends inside free text. When in doubt this
        // hides more: the password runs from the first `:` of the user part
        // to the last `@` of the URL, so an unescaped `@`, `/` or `?` in a
        // password cannot leak its tail.
        let end = after
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '`')
            .unwrap_or(after.len());
        let authority = &after[..end];
        // The host follows the last `@`: a password may itself contain `@`.
        match authority.rfind('@') {
            Some(host_at) => {
                let userinfo = &authority[..host_at];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..=colon]);
                        out.push_str(MASK);
                    }
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[host_at..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn mask_key_values(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search_from = 0;
    while let Some((start, key_len)) = next_secret_key(&lower, search_from) {
        let value_start = start + key_len;
        let value_end = text[value_start..]
            .find(|c: char| {
                matches!(c, '&' | ';' | ',' | '"' | '\'' | ')' | ']' | '}' | '>')
                    || c.is_whitespace()
            })
            .map_or(text.len(), |n| value_start + n);
        out.push_str(&text[copied..value_start]);
        if value_end > value_start {
            out.push_str(MASK);
        }
        copied = value_end;
        search_from = value_end.max(value_start);
    }
    out.push_str(&text[copied..]);
    out
}

/// The next `password=` or `pwd=` at or after `from` that starts a key (not
/// the tail of a longer word such as `newpwd=`).
fn next_secret_key(lower: &str, from: usize) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for key in ["password=", "pwd="] {
        let mut at = from;
        while let Some(found) = lower[at..].find(key) {
            let start = at + found;
            let starts_word = lower[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_');
            if starts_word {
                if best.is_none_or(|(b, _)| start < b) {
                    best = Some((start, key.len()));
                }
                break;
            }
            at = start + key.len();
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at: Millis, level: LogLevel, message: &str) -> LogEntry {
        LogEntry {
            task: 1,
            at,
            level,
            message: message.into(),
        }
    }

    #[test]
    fn utc_formatting_handles_epoch_leap_days_and_negatives() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(format_utc(1_709_210_096_789), "2024-02-29T12:34:56.789Z");
        assert_eq!(format_utc(4_107_542_399_999), "2100-02-28T23:59:59.999Z");
        assert_eq!(format_utc(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn urls_lose_their_password_only() {
        assert_eq!(
            redact_url("mysql://user:pass@host/db"),
            "mysql://user:***@host/db"
        );
        assert_eq!(
            redact_url("mysql://user:p@ss:w@host:3306/db?ssl=1"),
            "mysql://user:***@host:3306/db?ssl=1"
        );
        assert_eq!(redact_url("mysql://user@host/db"), "mysql://user@host/db");
        assert_eq!(redact_url("mysql://host/db"), "mysql://host/db");
        assert_eq!(redact_url("prod-orders"), "prod-orders");
        assert_eq!(
            redact_url("mysql://host/db?user=u&password=s3cret&x=1"),
            "mysql://host/db?user=u&password=***&x=1"
        );
    }

    #[test]
    fn free_text_is_redacted_everywhere() {
        let text = "connect to mysql://a:x@h1/db failed; retry mysql://b:y@h2 PWD=zz, newpwd=keep";
        assert_eq!(
            redact_text(text),
            "connect to mysql://a:***@h1/db failed; retry mysql://b:***@h2 PWD=***, newpwd=keep"
        );
        assert_eq!(redact_text("password="), "password=");
        assert_eq!(redact_text("no secrets here"), "no secrets here");
    }

    #[test]
    fn filters_select_alerts_and_substrings() {
        let entries = vec![
            entry(1, LogLevel::Info, "table `orders` started"),
            entry(2, LogLevel::Warn, "slow ORDERS"),
            entry(3, LogLevel::Error, "table `users` failed"),
        ];
        let alerts = LogFilter::alerts().apply(entries.clone());
        assert_eq!(alerts.iter().map(|e| e.at).collect::<Vec<_>>(), [2, 3]);
        let orders = LogFilter::search("Orders").apply(entries.clone());
        assert_eq!(orders.iter().map(|e| e.at).collect::<Vec<_>>(), [1, 2]);
        let both = LogFilter {
            alerts_only: true,
            contains: Some("orders".into()),
        };
        assert_eq!(both.apply(entries.clone()).len(), 1);
        assert_eq!(LogFilter::all().apply(entries).len(), 3);
    }

    #[test]
    fn export_is_one_line_per_entry() {
        let text = export_text(&[
            entry(0, LogLevel::Info, "started"),
            entry(1_500, LogLevel::Error, "line one\nline two"),
        ]);
        assert_eq!(
            text,
            "1970-01-01T00:00:00.000Z INFO started\n\
             1970-01-01T00:00:01.500Z ERROR line one\\nline two\n"
        );
    }

    #[test]
    fn level_names_round_trip() {
        for level in [LogLevel::Info, LogLevel::Warn, LogLevel::Error] {
            assert_eq!(LogLevel::from_name(level.as_str()), Some(level));
        }
    }
}
