//! Brace ranges in fleet names: `order_db_{00..15}` is `order_db_00` to
//! `order_db_15`, zero-padded to the width of the first bound as written;
//! several ranges multiply (`db{0..1}_t{0..1}` is four names). Text
//! without braces is one name.

use crate::error::{Error, Result};

/// The most names one pattern may expand to (a typo such as
/// `{0..99999999}` is refused rather than exhausting memory).
pub const MAX_NAMES: usize = 100_000;

/// Every name `pattern` stands for, in order.
pub fn expand(pattern: &str) -> Result<Vec<String>> {
    let mut names = vec![String::new()];
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|i| open + i)
            .ok_or_else(|| Error::InvalidRequest(format!("`{pattern}`: a `{{` is not closed")))?;
        let (lo, hi, width) = range(&rest[open + 1..close], pattern)?;
        let head = &rest[..open];
        let count = names.len() * (hi - lo + 1) as usize;
        if count > MAX_NAMES {
            return Err(Error::InvalidRequest(format!(
                "`{pattern}` stands for more than {MAX_NAMES} names"
            )));
        }
        let mut next = Vec::with_capacity(count);
        for name in &names {
            for n in lo..=hi {
                next.push(format!("{name}{head}{n:0width$}"));
            }
        }
        names = next;
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return Err(Error::InvalidRequest(format!(
            "`{pattern}`: a `}}` has no `{{`"
        )));
    }
    Ok(names.into_iter().map(|n| n + rest).collect())
}

/// `a..b` as bounds and the zero-padded width of `a`.
fn range(text: &str, pattern: &str) -> Result<(u64, u64, usize)> {
    let bad = || {
        Error::InvalidRequest(format!(
            "`{pattern}`: `{{{text}}}` is not a range of whole numbers such as {{00..15}}"
        ))
    };
    let (a, b) = text.split_once("..").ok_or_else(bad)?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) {
        return Err(bad());
    }
    let (lo, hi): (u64, u64) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
    if lo > hi {
        return Err(bad());
    }
    let width = if a.starts_with('0') && a.len() > 1 {
        a.len()
    } else {
        0
    };
    Ok((lo, hi, width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_expand_padded_and_multiply() {
        assert_eq!(expand("db_{00..02}").unwrap(), ["db_00", "db_01", "db_02"]);
        assert_eq!(expand("t{8..10}").unwrap(), ["t8", "t9", "t10"]);
        assert_eq!(
            expand("d{0..1}_t{0..1}").unwrap(),
            ["d0_t0", "d0_t1", "d1_t0", "d1_t1"]
        );
        assert_eq!(expand("plain").unwrap(), ["plain"]);
        assert_eq!(expand("order_{0000..0063}").unwrap().len(), 64);
        assert_eq!(expand("order_{0000..0063}").unwrap()[63], "order_0063");
    }

    #[test]
    fn bad_ranges_are_refused() {
        for bad in [
            "a{1..}",
            "a{x..3}",
            "a{3..1}",
            "a{1..3",
            "a}",
            "a{1-3}",
            "a{0..99999999}",
        ] {
            assert!(expand(bad).is_err(), "{bad}");
        }
    }
}
