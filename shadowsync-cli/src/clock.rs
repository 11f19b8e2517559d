//! Times given on the command line (`--at`), read into Unix milliseconds
//! by jiff.
//!
//! Two forms are accepted: RFC 3339 (`2025-06-01T02:30:00Z`,
//! `2025-06-01T10:30:00+08:00`, fractions of a second allowed) and the
//! shorter `YYYY-MM-DD HH:MM[:SS]`, read as UTC. A time without an offset is
//! always UTC, never the local time zone: a task scheduled from one machine
//! and run from another must mean the same instant.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use shadowsync_core::Millis;

/// `text` as Unix milliseconds, or a message saying what is wrong with it.
pub fn parse_time(text: &str) -> Result<Millis, String> {
    let text = text.trim();
    let bad = |why: &dyn std::fmt::Display| {
        format!(
            "invalid time `{text}`: {why} (use RFC 3339, e.g. 2025-06-01T02:30:00Z, \
             or `YYYY-MM-DD HH:MM[:SS]` in UTC)"
        )
    };
    // jiff reads many ISO 8601 forms; only the two documented ones are
    // taken, so that a time means the same to every reader of the docs.
    if !has_documented_shape(text) {
        return Err(bad(&"not one of the accepted forms"));
    }
    let instant = if ends_with_offset(text) {
        text.parse::<Timestamp>().map_err(|e| bad(&e))?
    } else {
        let civil = text.parse::<DateTime>().map_err(|e| bad(&e))?;
        civil
            .to_zoned(TimeZone::UTC)
            .map_err(|e| bad(&e))?
            .timestamp()
    };
    Ok(instant.as_millisecond())
}

/// The documented forms, checked before jiff reads them: `YYYY-MM-DD`,
/// `T` or a space, `HH:MM`, optionally `:SS` and `.fraction`, then
/// optionally `Z` or `±HH:MM`, nothing else.
fn has_documented_shape(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| {
        b.get(from..from + len)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let date_and_minutes = digits(0, 4)
        && b.get(4) == Some(&b'-')
        && digits(5, 2)
        && b.get(7) == Some(&b'-')
        && digits(8, 2)
        && matches!(b.get(10), Some(b'T' | b't' | b' '))
        && digits(11, 2)
        && b.get(13) == Some(&b':')
        && digits(14, 2);
    if !date_and_minutes {
        return false;
    }
    let mut at = 16;
    // Seconds below 60: jiff would take a leap second and clamp it.
    if b.get(at) == Some(&b':') {
        if !(digits(at + 1, 2) && b[at + 1] < b'6') {
            return false;
        }
        at += 3;
        if b.get(at) == Some(&b'.') {
            let fraction = b[at + 1..]
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count();
            if fraction == 0 {
                return false;
            }
            at += 1 + fraction;
        }
    }
    match &b[at..] {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', _, _, b':', _, _] => digits(at + 1, 2) && digits(at + 4, 2),
        _ => false,
    }
}

/// Whether the time names its offset (`Z` or `±HH:MM`), as RFC 3339 does.
fn ends_with_offset(text: &str) -> bool {
    let b = text.as_bytes();
    matches!(b.last(), Some(b'Z' | b'z'))
        || (b.len() >= 6 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use shadowsync_core::task::log::format_utc;

    #[test]
    fn reads_rfc3339_and_the_short_utc_form() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_time("1970-01-01 00:00"), Ok(0));
        assert_eq!(parse_time("2024-02-29 12:34:56"), Ok(1_709_210_096_000));
        assert_eq!(
            parse_time("2024-02-29T12:34:56.789Z"),
            Ok(1_709_210_096_789)
        );
        assert_eq!(parse_time("2024-02-29t12:34:56.7z"), Ok(1_709_210_096_700));
        assert_eq!(
            parse_time("2024-02-29T20:34:56+08:00"),
            Ok(1_709_210_096_000)
        );
        assert_eq!(
            parse_time("2024-02-29T07:04:56-05:30"),
            Ok(1_709_210_096_000)
        );
        assert_eq!(parse_time(" 2024-02-29 12:34 "), Ok(1_709_210_040_000));
    }

    #[test]
    fn agrees_with_the_core_formatter() {
        for ms in [0, 951_782_400_000, 1_709_210_096_789, 4_107_542_399_999, -1] {
            assert_eq!(parse_time(&format_utc(ms)), Ok(ms), "{}", format_utc(ms));
        }
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for text in [
            "",
            "tomorrow",
            "2024-2-29 12:00",
            "2023-02-29 12:00",
            "2024-13-01 00:00",
            "2024-04-31 00:00",
            "2024-01-01",
            "2024-01-01 24:00",
            "2024-01-01 12:60",
            "2024-01-01 12:00:60",
            "2024-01-01T12:00:00.Z",
            "2024-01-01T12:00:00+0800",
            "2024-01-01T12:00:00 UTC",
        ] {
            let err = parse_time(text).unwrap_err();
            assert!(err.contains("invalid time"), "{text}: {err}");
        }
    }
}
