//! Table name patterns of a selection ([`super::Selection::Matching`]):
//! `*` stands for any characters (none included), `?` for exactly one,
//! every other character for itself. Names and patterns are compared as
//! the server compares table names (folded when it folds them).

use crate::error::{Error, Result};

/// A checked pattern: not empty, no control characters.
pub fn check_pattern(pattern: &str) -> Result<()> {
    if pattern.trim().is_empty() {
        return Err(Error::InvalidRequest("a table pattern is empty".into()));
    }
    if let Some(c) = pattern.chars().find(|c| c.is_control()) {
        return Err(Error::InvalidRequest(format!(
            "table pattern {pattern:?} contains the control character {c:?}"
        )));
    }
    Ok(())
}

/// Whether `name` matches `pattern` (folded first when `fold`).
pub fn matches(pattern: &str, name: &str, fold: bool) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = if fold {
        (
            pattern.to_lowercase().chars().collect(),
            name.to_lowercase().chars().collect(),
        )
    } else {
        (pattern.chars().collect(), name.chars().collect())
    };
    // Iterative matching with one backtrack point for the last `*`: linear
    // in practice, never exponential.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some('?') => {
                pi += 1;
                ni += 1;
            }
            Some(c) if *c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_question_marks() {
        assert!(matches("order_*", "order_0001", false));
        assert!(matches("order_*", "order_", false));
        assert!(!matches("order_*", "orders", false));
        assert!(matches("order_????", "order_0001", false));
        assert!(!matches("order_????", "order_001", false));
        assert!(matches("*_log", "audit_log", false));
        assert!(matches("*", "anything", false));
        assert!(matches("a*b*c", "aXbYbZc", false));
        assert!(!matches("a*b*c", "aXbYbZ", false));
        assert!(matches("exact", "exact", false));
        assert!(!matches("exact", "exactly", false));
    }

    #[test]
    fn folding_follows_the_server() {
        assert!(matches("Order_*", "order_1", true));
        assert!(!matches("Order_*", "order_1", false));
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(check_pattern("").is_err());
        assert!(check_pattern(" ").is_err());
        assert!(check_pattern("a\nb").is_err());
        assert!(check_pattern("order_*").is_ok());
    }
}
