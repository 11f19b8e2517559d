//! Times given on the command line (`--at`), read into Unix milliseconds.
//!
//! Two forms are accepted: RFC 3339 (`2025-06-01T02:30:00Z`,
//! `2025-06-01T10:30:00+08:00`, fractions of a second allowed) and the
//! shorter `YYYY-MM-DD HH:MM[:SS]`, read as UTC. A time without an offset is
//! always UTC, never the local time zone: a task scheduled from one machine
//! and run from another must mean the same instant.

use shadowsync_core::Millis;

/// `text` as Unix milliseconds, or a message saying what is wrong with it.
pub fn parse_time(text: &str) -> Result<Millis, String> {
    let bad = |why: &str| {
        format!(
            "invalid time `{text}`: {why} (use RFC 3339, e.g. 2025-06-01T02:30:00Z, \
             or `YYYY-MM-DD HH:MM[:SS]` in UTC)"
        )
    };
    let mut cursor = Cursor { rest: text.trim() };
    let year = cursor
        .number(4)
        .ok_or_else(|| bad("expected a 4-digit year"))?;
    cursor
        .expect('-')
        .ok_or_else(|| bad("expected `-` after the year"))?;
    let month = cursor
        .number(2)
        .ok_or_else(|| bad("expected a 2-digit month"))?;
    cursor
        .expect('-')
        .ok_or_else(|| bad("expected `-` after the month"))?;
    let day = cursor
        .number(2)
        .ok_or_else(|| bad("expected a 2-digit day"))?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(bad("no such date"));
    }
    if !(cursor.expect('T').is_some()
        || cursor.expect('t').is_some()
        || cursor.expect(' ').is_some())
    {
        return Err(bad("expected `T` or a space between the date and the time"));
    }
    let hour = cursor
        .number(2)
        .ok_or_else(|| bad("expected a 2-digit hour"))?;
    cursor
        .expect(':')
        .ok_or_else(|| bad("expected `:` after the hour"))?;
    let minute = cursor
        .number(2)
        .ok_or_else(|| bad("expected 2-digit minutes"))?;
    let (second, millis) = if cursor.expect(':').is_some() {
        let second = cursor
            .number(2)
            .ok_or_else(|| bad("expected 2-digit seconds"))?;
        let millis = if cursor.expect('.').is_some() {
            cursor
                .fraction_millis()
                .ok_or_else(|| bad("expected digits after `.`"))?
        } else {
            0
        };
        (second, millis)
    } else {
        (0, 0)
    };
    // A leap second (`:60`) is refused rather than guessed at.
    if hour > 23 || minute > 59 || second > 59 {
        return Err(bad("no such time of day"));
    }
    let offset_minutes = cursor
        .offset()
        .ok_or_else(|| bad("expected `Z` or an offset such as +08:00"))?;
    if !cursor.rest.is_empty() {
        return Err(bad(&format!("unexpected `{}` at the end", cursor.rest)));
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second
        - offset_minutes * 60;
    Ok(seconds * 1_000 + millis)
}

/// What is left of the text being read.
struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    /// Exactly `digits` ASCII digits, as a number.
    fn number(&mut self, digits: usize) -> Option<i64> {
        let head = self.rest.get(..digits)?;
        if !head.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.rest = &self.rest[digits..];
        head.parse().ok()
    }

    fn expect(&mut self, c: char) -> Option<()> {
        self.rest = self.rest.strip_prefix(c)?;
        Some(())
    }

    /// The digits of a fraction of a second, as whole milliseconds (finer
    /// digits are dropped: the task center counts in milliseconds).
    fn fraction_millis(&mut self) -> Option<i64> {
        let end = self
            .rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(self.rest.len());
        if end == 0 {
            return None;
        }
        let digits = &self.rest[..end];
        self.rest = &self.rest[end..];
        let ms: String = digits.chars().chain("00".chars()).take(3).collect();
        ms.parse().ok()
    }

    /// `Z`, `±HH:MM` or nothing (UTC), in minutes east of UTC.
    fn offset(&mut self) -> Option<i64> {
        if self.rest.is_empty() {
            return Some(0);
        }
        if self.expect('Z').is_some() || self.expect('z').is_some() {
            return Some(0);
        }
        let sign = if self.expect('+').is_some() {
            1
        } else {
            self.expect('-')?;
            -1
        };
        let hours = self.number(2)?;
        self.expect(':')?;
        let minutes = self.number(2)?;
        (hours < 24 && minutes < 60).then_some(sign * (hours * 60 + minutes))
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date. Years are
/// shifted to start on March 1st so the leap day is the last day of a year;
/// then whole 400-year eras (146 097 days) are counted, and the days within
/// the era.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719 468 days lie between 0000-03-01 and 1970-01-01.
    era * 146_097 + day_of_era - 719_468
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
