//! Naming rule: how a shadow table's name derives from its source's, and
//! the temporary names of a rebuild, derived from the shadow's.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fingerprint::{fingerprint, fnv1a};

/// Where the affix goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AffixPosition {
    /// `__orders`
    Prefix,
    /// `orders_shadow`
    Suffix,
    /// `orders`: the source's own name, for shadows in another database
    /// (database mode); never a rule for shadows beside their sources.
    Same,
}

/// A validated naming rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamingRule {
    /// Prefix or suffix.
    pub position: AffixPosition,
    /// The affix itself.
    pub affix: String,
}

/// Longest affix accepted (as ODC: at most 32 characters).
pub const MAX_AFFIX_CHARS: usize = 32;

impl NamingRule {
    /// A prefix rule (`__` gives `__orders`).
    pub fn prefix(affix: &str) -> Result<Self> {
        Self::new(AffixPosition::Prefix, affix)
    }

    /// A suffix rule (`_shadow` gives `orders_shadow`).
    pub fn suffix(affix: &str) -> Result<Self> {
        Self::new(AffixPosition::Suffix, affix)
    }

    /// Validate the affix: 1 to 32 characters that may stand in an unquoted
    /// identifier (ASCII letters, digits, `_`, `$`, and non-ASCII letters).
    pub fn new(position: AffixPosition, affix: &str) -> Result<Self> {
        let chars = affix.chars().count();
        if chars == 0 || chars > MAX_AFFIX_CHARS {
            return Err(Error::InvalidName(format!(
                "the affix must have 1 to {MAX_AFFIX_CHARS} characters, `{affix}` has {chars}"
            )));
        }
        if let Some(bad) = affix.chars().find(|c| {
            !(c.is_ascii_alphanumeric()
                || *c == '_'
                || *c == '$'
                || (!c.is_ascii() && c.is_alphanumeric()))
        }) {
            return Err(Error::InvalidName(format!(
                "the affix `{affix}` contains {bad:?}; use letters, digits, `_` or `$`"
            )));
        }
        Ok(NamingRule {
            position,
            affix: affix.to_string(),
        })
    }

    /// The rule of database mode: a shadow has its source's name, in
    /// another database.
    pub fn same() -> Self {
        NamingRule {
            position: AffixPosition::Same,
            affix: String::new(),
        }
    }

    /// Whether shadows keep their sources' names (see [`NamingRule::same`]).
    pub fn is_same(&self) -> bool {
        self.position == AffixPosition::Same
    }

    /// Parse `prefix:__` / `suffix:_t` / `same` (the form stored in task plans).
    pub fn parse(text: &str) -> Result<Self> {
        if text == "same" {
            return Ok(Self::same());
        }
        match text.split_once(':') {
            Some(("prefix", a)) => Self::prefix(a),
            Some(("suffix", a)) => Self::suffix(a),
            _ => Err(Error::InvalidName(format!(
                "naming rule `{text}` is not `prefix:AFFIX`, `suffix:AFFIX` or `same`"
            ))),
        }
    }

    /// The shadow name of `source` (not yet checked against length limits).
    pub fn shadow_name(&self, source: &str) -> String {
        match self.position {
            AffixPosition::Prefix => format!("{}{source}", self.affix),
            AffixPosition::Suffix => format!("{source}{}", self.affix),
            AffixPosition::Same => source.to_string(),
        }
    }

    /// Whether `name` has the shape of a shadow under this rule (compared
    /// case-insensitively when the server folds names). No name has the
    /// shape of a shadow under [`NamingRule::same`].
    pub fn is_shadow_name(&self, name: &str, fold_case: bool) -> bool {
        if self.is_same() {
            return false;
        }
        let (n, a) = if fold_case {
            (name.to_lowercase(), self.affix.to_lowercase())
        } else {
            (name.to_string(), self.affix.clone())
        };
        n.len() > a.len()
            && match self.position {
                AffixPosition::Prefix => n.starts_with(&a),
                AffixPosition::Suffix => n.ends_with(&a),
                AffixPosition::Same => false,
            }
    }

    /// A name derived for a shadow's constraint (FK or CHECK names are unique
    /// per schema, so the shadow cannot reuse its source's): the rule applied
    /// to the name, shortened deterministically to `max_len` characters.
    pub fn constraint_name(&self, name: &str, max_len: usize) -> String {
        fit_identifier(&self.shadow_name(name), max_len)
    }
}

impl std::fmt::Display for NamingRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pos = match self.position {
            AffixPosition::Prefix => "prefix",
            AffixPosition::Suffix => "suffix",
            AffixPosition::Same => return f.write_str("same"),
        };
        write!(f, "{pos}:{}", self.affix)
    }
}

/// `name` if it fits in `max_len` characters, otherwise its first characters
/// and an 8-hex-digit hash of the whole name, so distinct long names stay distinct.
pub fn fit_identifier(name: &str, max_len: usize) -> String {
    if name.chars().count() <= max_len {
        return name.to_string();
    }
    let hash = format!("{:08x}", fnv1a(name.as_bytes()) as u32);
    let keep = max_len.saturating_sub(hash.len() + 1);
    let head: String = name.chars().take(keep).collect();
    format!("{head}_{hash}")
}

/// Suffix of the new shadow while it is being filled.
const NEW_SUFFIX: &str = "__ssnew";
/// Suffix of the old shadow between the swap and its drop.
const OLD_SUFFIX: &str = "__ssold";

/// The temporary names `(new, old)` of a rebuild of `shadow`: the shadow's
/// name with `__ssnew` / `__ssold` appended, or, where that would pass
/// `max_len` characters, `ss_new_<hash>` / `ss_old_<hash>` of the name.
pub fn rebuild_names(shadow: &str, max_len: usize) -> (String, String) {
    if shadow.chars().count() + NEW_SUFFIX.len() <= max_len {
        return (
            format!("{shadow}{NEW_SUFFIX}"),
            format!("{shadow}{OLD_SUFFIX}"),
        );
    }
    let hash: String = fingerprint(shadow).chars().take(16).collect();
    (format!("ss_new_{hash}"), format!("ss_old_{hash}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_suffix() {
        let p = NamingRule::prefix("__").unwrap();
        assert_eq!(p.shadow_name("orders"), "__orders");
        assert!(p.is_shadow_name("__orders", false));
        assert!(!p.is_shadow_name("__", false));
        let s = NamingRule::suffix("_T").unwrap();
        assert_eq!(s.shadow_name("orders"), "orders_T");
        assert!(s.is_shadow_name("orders_t", true));
        assert!(!s.is_shadow_name("orders_t", false));
        assert_eq!(NamingRule::parse(&s.to_string()).unwrap(), s);
    }

    #[test]
    fn affix_validation() {
        assert!(NamingRule::prefix("").is_err());
        assert!(NamingRule::prefix("a`b").is_err());
        assert!(NamingRule::prefix("a b").is_err());
        assert!(NamingRule::prefix(&"x".repeat(33)).is_err());
        assert!(NamingRule::prefix("影子_").is_ok());
        assert!(NamingRule::parse("middle:x").is_err());
        assert!(NamingRule::parse("same:x").is_err());
    }

    #[test]
    fn the_same_rule_keeps_names_and_marks_none_as_shadows() {
        let same = NamingRule::same();
        assert_eq!(same.shadow_name("orders"), "orders");
        assert!(!same.is_shadow_name("__orders", false));
        assert_eq!(same.constraint_name("fk_a", 64), "fk_a");
        assert_eq!(same.to_string(), "same");
        assert_eq!(NamingRule::parse("same").unwrap(), same);
    }

    #[test]
    fn long_constraint_names_are_shortened_deterministically() {
        let rule = NamingRule::prefix("__shadow_").unwrap();
        let long = "c".repeat(60);
        let a = rule.constraint_name(&long, 64);
        assert_eq!(a.chars().count(), 64);
        assert_eq!(a, rule.constraint_name(&long, 64));
        assert_ne!(a, rule.constraint_name(&format!("{long}x"), 64));
        assert_eq!(rule.constraint_name("fk", 64), "__shadow_fk");
    }

    #[test]
    fn names_fit_the_identifier_limit() {
        assert_eq!(
            rebuild_names("__orders", 64),
            ("__orders__ssnew".into(), "__orders__ssold".into())
        );
        let long = "x".repeat(60);
        let (new, old) = rebuild_names(&long, 64);
        assert!(
            new.starts_with("ss_new_") && old.starts_with("ss_old_"),
            "{new} {old}"
        );
        assert!(new.len() <= 64 && old.len() <= 64);
        assert_eq!(rebuild_names(&long, 64), (new, old), "deterministic");
    }
}
