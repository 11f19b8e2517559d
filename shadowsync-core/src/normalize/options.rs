//! Table-level options in canonical form: charset and collation resolved
//! (`utf8` ≡ `utf8mb3`, a collation's charset), engine names, counters and
//! empty comments ignored.

use crate::engine::default_collation;
use crate::executor::Flavor;
use crate::model::*;

/// `utf8` is `utf8mb3` on every current server.
pub fn canonical_charset(cs: &str) -> String {
    let cs = cs.to_ascii_lowercase();
    if cs == "utf8" {
        "utf8mb3".to_string()
    } else {
        cs
    }
}

/// Collation names with `utf8_` spelled `utf8mb3_`.
pub fn canonical_collation(coll: &str) -> String {
    let coll = coll.to_ascii_lowercase();
    match coll.strip_prefix("utf8_") {
        Some(rest) => format!("utf8mb3_{rest}"),
        None => coll,
    }
}

/// The charset a collation belongs to (the part before the first `_`).
pub(super) fn charset_of_collation(coll: &str) -> String {
    if coll == "binary" {
        return "binary".to_string();
    }
    coll.split('_').next().unwrap_or(coll).to_string()
}

/// The table's effective default charset and collation.
pub(super) fn table_charset(t: &Table, flavor: Flavor) -> (Option<String>, Option<String>) {
    let cs = t
        .option("DEFAULT CHARSET")
        .map(|o| canonical_charset(&o.value.text()));
    let coll = t
        .option("COLLATE")
        .map(|o| canonical_collation(&o.value.text()));
    match (cs, coll) {
        (Some(cs), Some(coll)) => (Some(cs), Some(coll)),
        (None, Some(coll)) => (Some(charset_of_collation(&coll)), Some(coll)),
        (Some(cs), None) => {
            let coll = default_collation(&cs, flavor);
            (Some(cs), coll)
        }
        (None, None) => (None, None),
    }
}

pub(super) fn normalize_table_options(t: &mut Table, cs: Option<&str>, coll: Option<&str>) {
    let mut options = Vec::with_capacity(t.options.len());
    for o in &t.options {
        let key = o.key.as_str();
        // Counters are data, not schema; empty comments are no comments;
        // charset/collation are re-added below in one canonical spelling.
        let skip = key == "AUTO_INCREMENT"
            || key == "DEFAULT CHARSET"
            || key == "COLLATE"
            || (key == "COMMENT" && o.value.text().is_empty());
        if skip {
            continue;
        }
        let mut o = o.clone();
        o.equals = true;
        o.spelling = o.key.clone();
        if key == "ENGINE" || key == "ROW_FORMAT" {
            if let OptionValue::Word(w) = &o.value {
                o.value = OptionValue::Word(canonical_engine(w));
            }
        }
        options.push(o);
    }
    let mut head = Vec::new();
    if let Some(cs) = cs {
        head.push(TableOption {
            key: "DEFAULT CHARSET".into(),
            value: OptionValue::Word(cs.to_string()),
            spelling: "DEFAULT CHARSET".into(),
            equals: true,
        });
    }
    if let Some(coll) = coll {
        head.push(TableOption {
            key: "COLLATE".into(),
            value: OptionValue::Word(coll.to_string()),
            spelling: "COLLATE".into(),
            equals: true,
        });
    }
    head.extend(options);
    t.options = head;
}

fn canonical_engine(word: &str) -> String {
    match word.to_ascii_lowercase().as_str() {
        "innodb" => "InnoDB".to_string(),
        "myisam" => "MyISAM".to_string(),
        "memory" => "MEMORY".to_string(),
        "aria" => "Aria".to_string(),
        _ => word.to_ascii_uppercase(),
    }
}
